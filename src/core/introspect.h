/* SPDX-License-Identifier: MIT */
/* RFC 7662 token introspection, for opaque tokens only the issuer can read:
 * the issuer says whether the token is active and whose it is. */
#ifndef OA_INTROSPECT_H
#define OA_INTROSPECT_H

#include <jansson.h>

#include "context.h"
#include "http.h"
#include "result.h"
#include "token.h"

/* POSTs the token (token_type_hint=access_token) with this module's client
 * credentials.  OA_OK only when "active" is the JSON value true, and exp,
 * nbf, iat, iss and aud, where present, pass the same checks as a JWT's;
 * then *claims is the answer (new reference) and *exp its expiry or -1,
 * or the token's own exp when it is a JWT whose exp is earlier (a JWT
 * already past its own exp is OA_REJECTED).
 * OA_REJECTED for an inactive or failing token; OA_UNAVAILABLE when the
 * endpoint cannot be used (down, refuses our credentials, not JSON). */
enum oa_status oa_introspect(struct oa_ctx *ctx, const struct oa_token *token,
			     json_t **claims, long long *exp, struct oa_result *r);

/* Judges one HTTP answer of the endpoint as oa_introspect does (same
 * statuses, *claims and *exp); separate so the parsing of what the issuer
 * sends can be tested and fuzzed without a network. */
enum oa_status oa_introspect_judge(const struct oa_ctx *ctx,
				   const struct oa_http_response *resp,
				   json_t **claims, long long *exp,
				   struct oa_result *r);

#endif
