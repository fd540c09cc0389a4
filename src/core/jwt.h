/* SPDX-License-Identifier: MIT */
/* Local validation of a JWT access token (RFC 7519, RFC 8725, RFC 9068):
 * strict parsing, the signature with keys from the configuration, then the
 * claims.  No request is made when the keys are cached. */
#ifndef OA_JWT_H
#define OA_JWT_H

#include <jansson.h>

#include "context.h"
#include "result.h"
#include "token.h"

/* OA_OK with *claims the verified payload (new reference) and *exp its
 * expiry; OA_REJECTED for a token that fails any check; OA_UNAVAILABLE when
 * no keys could be had. */
enum oa_status oa_jwt_validate(struct oa_ctx *ctx, const struct oa_token *token,
			       json_t **claims, long long *exp,
			       struct oa_result *r);

#endif
