#include "userinfo.h"

#include "fetch.h"

enum oa_status
oa_userinfo_judge(const struct oa_http_response *resp, json_t **claims,
		  struct oa_result *r)
{
	*claims = NULL;
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
