/* SPDX-License-Identifier: MIT */
/* Checks the issuer URLs named on the pam.d line before any request is made:
 * https only, except plain http to this machine's loopback addresses, where
 * no one else can read the token on the wire. */
#ifndef OA_URL_H
#define OA_URL_H

#include <stdbool.h>

#include "result.h"

struct oa_url {
	bool https;
	bool loopback;
	char host[256]; /* without port; IPv6 literals keep their brackets */
};

/* Fills `out`; on a URL the module must not use, returns OA_CONFIG with a
 * reason naming `what` (the option the URL came from). */
enum oa_status oa_url_check(const char *url, const char *what,
			    struct oa_url *out, struct oa_result *r);

bool oa_host_is_loopback(const char *host);

#endif
