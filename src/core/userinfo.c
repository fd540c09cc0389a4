#include "userinfo.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "text.h"

/* application/json or any application/...+json (RFC 6839), parameters
 * such as charset ignored. */
static bool
is_json_media_type(const char *content_type)
{
	size_t len;

	if (content_type == NULL)
		return false;
	while (*content_type == ' ')
		content_type++;
	len = strcspn(content_type, "; ");
	if (len == 16 && strncasecmp(content_type, "application/json", 16) == 0)
		return true;
	return len > 17 && strncasecmp(content_type, "application/", 12) == 0 &&
	       strncasecmp(content_type + len - 5, "+json", 5) == 0;
}

enum oa_status
oa_userinfo_judge(const struct oa_http_response *resp, json_t **claims,
		  struct oa_result *r)
{
	json_error_t err;
	json_t *root;
	char shown[64];

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
	if (!is_json_media_type(resp->content_type)) {
		const char *ct = resp->content_type != NULL ? resp->content_type : "none";

		oa_text_escape(ct, strlen(ct), shown, sizeof(shown));
		return oa_fail(r, OA_UNAVAILABLE,
			       "issuer's answer is not JSON (Content-Type: %s)", shown);
	}
	root = json_loadb(resp->body, resp->body_len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		oa_text_escape(err.text, strlen(err.text), shown, sizeof(shown));
		return oa_fail(r, OA_UNAVAILABLE,
			       "issuer's answer is not valid JSON: %s", shown);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return oa_fail(r, OA_UNAVAILABLE, "issuer's answer is not a JSON object");
	}
	*claims = root;
	return OA_OK;
}

enum oa_status
oa_userinfo_fetch(const struct oa_config *cfg, const struct oa_token *token,
		  json_t **claims, long *http_status, struct oa_result *r)
{
	struct oa_http_request req = {
		.url = cfg->userinfo_url,
		.bearer = token->value,
		.bearer_len = token->len,
		.timeout_seconds = cfg->timeout_seconds,
		.connect_timeout_seconds = cfg->connect_timeout_seconds,
		.cafile = cfg->cafile,
		.capath = cfg->capath,
		.proxy = cfg->proxy,
		.max_body_bytes = OA_MAX_RESPONSE_BYTES,
	};
	struct oa_http_response resp;

	*claims = NULL;
	*http_status = 0;
	if (oa_http_get(&req, &resp, r) == OA_OK) {
		*http_status = resp.status;
		oa_userinfo_judge(&resp, claims, r);
	}
	oa_http_response_free(&resp);
	return r->status;
}
