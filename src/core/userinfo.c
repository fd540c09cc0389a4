/* SPDX-License-Identifier: MIT */
/* The userinfo check: the issuer answers with the claims of a token it accepts. */

#include "userinfo.h"

#include <string.h>

#include "fetch.h"

enum oa_status
oa_userinfo_judge(const struct oa_http_response *resp, json_t **claims,
		  struct oa_result *r)
{
	*claims = NULL;
	/* RFC 6750 section 3.1: the error code says which of the token's
	 * faults it was; OpenID Connect Core 5.3 wants the openid scope. */
	if ((resp->status == 401 || resp->status == 403) &&
	    strcmp(resp->bearer_error, "insufficient_scope") == 0)
		return oa_fail(r, OA_REJECTED,
			       "the issuer refused userinfo: the token lacks the openid scope "
			       "(HTTP %ld insufficient_scope): ask for scope=openid",
			       resp->status);
	if (resp->status == 401 && strcmp(resp->bearer_error, "invalid_token") == 0)
		return oa_fail(r, OA_REJECTED,
			       "the issuer refused the token as invalid: expired, revoked or "
			       "not issued by it (HTTP 401 invalid_token)");
	if (resp->status == 400 || resp->status == 401 || resp->status == 403)
		return oa_fail(r, OA_REJECTED, "issuer refused the token (HTTP %ld)",
			       resp->status);
	if (resp->status >= 300 && resp->status < 400)
		return oa_fail(r, OA_UNAVAILABLE,
			       "issuer answered with a redirect (HTTP %ld), which is not followed",
			       resp->status);
	if (resp->status != 200)
		return oa_fail(r, OA_UNAVAILABLE, "issuer answered HTTP %ld", resp->status);
	return oa_fetch_json_body(resp, "issuer's answer", claims, r);
}

enum oa_status
oa_userinfo_fetch(const struct oa_ctx *ctx, const struct oa_token *token,
		  json_t **claims, long *http_status, struct oa_result *r)
{
	struct oa_http_request req = oa_fetch_request(ctx, ctx->cfg->userinfo_url);
	struct oa_http_response resp;

	req.auth_scheme = "Bearer";
	req.auth_value = token->value;
	req.auth_value_len = token->len;
	*claims = NULL;
	*http_status = 0;
	if (oa_http_request(&req, &resp, r) == OA_OK) {
		*http_status = resp.status;
		oa_userinfo_judge(&resp, claims, r);
	}
	oa_http_response_free(&resp);
	return r->status;
}
