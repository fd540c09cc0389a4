/* SPDX-License-Identifier: MIT */
/* JSON documents from the issuer: shared request settings and answer checks. */

#include "fetch.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "text.h"

struct oa_http_request
oa_fetch_request(const struct oa_ctx *ctx, const char *url)
{
	const struct oa_config *cfg = ctx->cfg;
	long left = oa_ctx_remaining_ms(ctx);
	long connect = cfg->connect_timeout_seconds * 1000L;
	struct oa_http_request req = {
		.url = url,
		.timeout_ms = left,
		.connect_timeout_ms = connect < left ? connect : left,
		.timeout_seconds = cfg->timeout_seconds,
		.cafile = cfg->cafile,
		.capath = cfg->capath,
		.proxy = cfg->proxy,
		.pinned_pubkey = cfg->pinned_pubkey,
		.max_body_bytes = OA_MAX_RESPONSE_BYTES,
		.abort_requested = cfg->abort_requested,
		.abort_arg = cfg->abort_arg,
	};

	return req;
}

struct oa_http_request
oa_fetch_form_request(const struct oa_ctx *ctx, const char *url, const struct oa_form *form,
		      const struct oa_form *basic)
{
	struct oa_http_request req = oa_fetch_request(ctx, url);

	req.form = form->data;
	req.form_len = form->len;
	if (basic->data != NULL) {
		req.auth_scheme = "Basic";
		req.auth_value = basic->data;
		req.auth_value_len = basic->len;
	}
	return req;
}

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
oa_fetch_json_body(const struct oa_http_response *resp, const char *what,
		   json_t **out, struct oa_result *r)
{
	json_error_t err;
	json_t *root;
	char shown[64];

	*out = NULL;
	if (!is_json_media_type(resp->content_type)) {
		const char *ct = resp->content_type != NULL ? resp->content_type : "none";

		oa_text_escape(ct, strlen(ct), shown, sizeof(shown));
		return oa_fail(r, OA_UNAVAILABLE, "%s is not JSON (Content-Type: %s)",
			       what, shown);
	}
	root = json_loadb(resp->body, resp->body_len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		oa_json_error_describe(&err, shown, sizeof(shown));
		return oa_fail(r, OA_UNAVAILABLE, "%s is not valid JSON: %s", what, shown);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return oa_fail(r, OA_UNAVAILABLE, "%s is not a JSON object", what);
	}
	*out = root;
	return OA_OK;
}

enum oa_status
oa_fetch_json(const struct oa_ctx *ctx, const char *url, const char *what,
	      json_t **out, long *max_age, long *http_status, struct oa_result *r)
{
	struct oa_http_request req = oa_fetch_request(ctx, url);
	struct oa_http_response resp;

	*out = NULL;
	*max_age = -1;
	*http_status = 0;
	if (oa_http_request(&req, &resp, r) == OA_OK) {
		*max_age = resp.max_age;
		*http_status = resp.status;
		if (resp.status != 200)
			oa_fail(r, OA_UNAVAILABLE, "%s: HTTP %ld", what, resp.status);
		else
			oa_fetch_json_body(&resp, what, out, r);
	}
	oa_http_response_free(&resp);
	return r->status;
}
