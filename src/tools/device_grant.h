/* SPDX-License-Identifier: MIT */
/* The OAuth 2.0 Device Authorization Grant (RFC 8628): the user approves
 * on any browser while this process polls the token endpoint. */
#ifndef PT_DEVICE_GRANT_H
#define PT_DEVICE_GRANT_H

#include <jansson.h>

#include "context.h"
#include "http.h"
#include "result.h"
#include "token_client.h"

/* The device authorization answer (RFC 8628 section 3.2). */
struct pt_device_code {
	json_t *doc; /* owns the strings below */
	const char *device_code;
	const char *user_code;
	const char *verification_uri;
	const char *verification_uri_complete; /* NULL if not given */
	long long expires_in;                  /* at most a day */
	long long interval;                    /* 5 when not given; at most 300 */
};

/* Reads the device authorization endpoint's answer: OA_OK with `dc` filled
 * (free it with pt_device_code_free); the endpoint's refusal (HTTP 400 or
 * 401, OA_REJECTED, its error code in the reason, escaped); anything else,
 * including strings the user would be shown that are not plain visible
 * ASCII, OA_UNAVAILABLE. */
enum oa_status pt_device_code_from_response(const struct oa_http_response *resp,
					    struct pt_device_code *dc, struct oa_result *r);
void pt_device_code_free(struct pt_device_code *dc);

/* Asks `device_url` for a code, tells the user on stderr where to enter
 * it, then polls `token_url` until the issuer hands out a token (OA_OK,
 * *out filled), the user refuses or the code expires (OA_REJECTED), or the
 * issuer cannot be used (OA_UNAVAILABLE).  Each request gets the
 * context's full timeout. */
enum oa_status pt_device_grant(struct oa_ctx *ctx, const char *device_url,
			       const char *token_url, const struct pt_client *client,
			       const struct pt_target *target, struct pt_token *out,
			       struct oa_result *r);

#endif
