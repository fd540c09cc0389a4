/* SPDX-License-Identifier: MIT */
/* The module's only way onto the network: one GET (with a bearer token for
 * userinfo, without for discovery and JWKS) or one form POST (token
 * introspection), bounded in time and size, no redirects, no proxy from the
 * environment, https except to loopback (checked by oa_url_check
 * beforehand). */
#ifndef OA_HTTP_H
#define OA_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"

struct oa_http_request {
	const char *url;
	/* Authorization: <auth_scheme> <auth_value>, e.g. "Bearer" and the
	 * token; NULL scheme for none.  Secrets travel only here or in the
	 * form, never in the URL. */
	const char *auth_scheme;
	const char *auth_value;
	size_t auth_value_len;
	/* application/x-www-form-urlencoded body; NULL for a GET */
	const char *form;
	size_t form_len;
	long timeout_ms; /* what is left of the login's time budget */
	long connect_timeout_ms;
	long timeout_seconds; /* as configured, for messages */
	const char *cafile;   /* NULL: the system's CA store */
	const char *capath;
	const char *proxy;         /* NULL: no proxy at all */
	const char *pinned_pubkey; /* NULL: no pinning */
	size_t max_body_bytes;
	/* Asked while the request runs (config.h); NULL: never abort. */
	bool (*abort_requested)(void *arg);
	void *abort_arg;
};

struct oa_http_response {
	long status;
	char *content_type; /* owned, NULL when the server sent none */
	char *body;         /* owned, NUL-terminated, may hold NULs */
	size_t body_len;
	/* clang-format off */
	long max_age;       /* Cache-Control max-age in seconds; -1 if none,
			       0 for no-cache / no-store */
	char bearer_error[24]; /* WWW-Authenticate's RFC 6750 error code, e.g.
				  "insufficient_scope"; "" if none */
	/* clang-format on */
};

/* Any HTTP answer is OA_OK (the caller judges the status); failures to get
 * one are OA_UNAVAILABLE with the reason.  Free the response in every case. */
enum oa_status oa_http_request(const struct oa_http_request *req,
			       struct oa_http_response *resp, struct oa_result *r);

void oa_http_response_free(struct oa_http_response *resp);

#endif
