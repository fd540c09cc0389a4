/* SPDX-License-Identifier: MIT */
/* libcurl, loaded on first network use.  A login answered from the cache
 * (a remembered verdict, JWT keys on disk) never needs the network, and
 * mapping libcurl with its dependency tree into each fresh PostgreSQL
 * backend costs milliseconds of a login that otherwise costs about what
 * pam_permit does. */
#ifndef OA_CURL_API_H
#define OA_CURL_API_H

#include <curl/curl.h>

#include "result.h"

struct oa_curl_api {
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *curl);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *curl);
	const char *(*easy_strerror)(CURLcode code);
};

/* The loaded and globally initialised library, or NULL with the reason:
 * OA_CONFIG while the environment sets SSLKEYLOGFILE (then libcurl is not
 * loaded at all), OA_INTERNAL when it cannot be loaded.  Loaded once per process, thread-safely, and never
 * unloaded: the host may use libcurl itself, and curl_global_cleanup from a
 * module would pull it out from under it. */
const struct oa_curl_api *oa_curl_api(struct oa_result *r);

#endif
