/* SPDX-License-Identifier: MIT */
/* The userinfo check (OpenID Connect Core section 5.3): the weakest check,
 * since any token the issuer accepts for this user passes, whoever it was
 * issued to. */
#ifndef OA_USERINFO_H
#define OA_USERINFO_H

#include <jansson.h>

#include "context.h"
#include "http.h"
#include "result.h"
#include "token.h"

/* Judges one HTTP answer: OA_OK with `*claims` a new reference to the JSON
 * object; OA_REJECTED when the issuer refused the token (400, 401, 403);
 * OA_UNAVAILABLE for any other status or a body that is not a JSON object. */
enum oa_status oa_userinfo_judge(const struct oa_http_response *resp,
				 json_t **claims, struct oa_result *r);

/* Asks the configured userinfo endpoint about the token, then judges. */
enum oa_status oa_userinfo_fetch(const struct oa_ctx *ctx,
				 const struct oa_token *token, json_t **claims,
				 long *http_status, struct oa_result *r);

#endif
