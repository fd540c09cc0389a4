/* SPDX-License-Identifier: MIT */
/* Requests to the issuer's token endpoint and the reading of its answers. */

#include "token_client.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "fetch.h"
#include "text.h"

bool
pt_is_visible_ascii(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

void
pt_target_add(const struct pt_target *target, bool with_scope, struct oa_form *form)
{
	if (with_scope && target->scope != NULL)
		oa_form_add(form, "scope", target->scope, strlen(target->scope));
	if (target->resource != NULL)
		oa_form_add(form, "resource", target->resource, strlen(target->resource));
}

void
pt_client_authenticate(const struct pt_client *client, struct oa_form *form,
		       struct oa_form *basic)
{
	/* RFC 6749 section 2.3.1: a client with a secret must not send it in
	 * the body unless it cannot do Basic; a public client identifies
	 * itself with client_id alone (section 3.2.1). */
	if (client->has_secret)
		oa_form_basic_credentials(basic, client->id, client->secret.bytes,
					  client->secret.len);
	else
		oa_form_add(form, "client_id", client->id, strlen(client->id));
}

void
pt_json_wipe_strings(json_t *root)
{
	const char *key;
	json_t *v;

	json_object_foreach(root, key, v)
		if (json_is_string(v)) {
			explicit_bzero((char *)json_string_value(v), json_string_length(v));
			json_string_set(v, "");
		}
}

static char *
dup_wiped_later(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static void
wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void
pt_token_free(struct pt_token *t)
{
	wipe_free(t->access_token);
	wipe_free(t->refresh_token);
	t->access_token = NULL;
	t->refresh_token = NULL;
	t->expires_at = 0;
}

/* The token's members, checked; the caller wipes the JSON text. */
static enum oa_status
token_members(const json_t *root, long long now, struct pt_token *out,
	      struct oa_result *r)
{
	const json_t *at = json_object_get(root, "access_token");
	const json_t *type = json_object_get(root, "token_type");
	const json_t *rt = json_object_get(root, "refresh_token");
	const json_t *exp = json_object_get(root, "expires_in");

	if (!json_is_string(at))
		return oa_fail(r, OA_UNAVAILABLE, "the token answer has no access_token");
	/* Another type (DPoP, N_A) is a token PostgreSQL's password cannot
	 * carry as it is meant to be presented. */
	if (!json_is_string(type) || strcasecmp(json_string_value(type), "Bearer") != 0)
		return oa_fail(r, OA_UNAVAILABLE, "the token answer's token_type is not Bearer");
	if (!pt_is_visible_ascii(json_string_value(at), json_string_length(at)))
		return oa_fail(r, OA_UNAVAILABLE,
			       "the access token is empty or has bytes other than visible ASCII");
	if (json_string_length(at) > OA_MAX_TOKEN_BYTES_CEILING)
		return oa_fail(r, OA_UNAVAILABLE, "the access token is over %d bytes",
			       OA_MAX_TOKEN_BYTES_CEILING);
	if (rt != NULL && !json_is_null(rt) &&
	    (!json_is_string(rt) || !pt_is_visible_ascii(json_string_value(rt), json_string_length(rt)) ||
	     json_string_length(rt) > OA_MAX_TOKEN_BYTES_CEILING))
		return oa_fail(r, OA_UNAVAILABLE, "the token answer's refresh_token is malformed");
	if (exp != NULL && !json_is_null(exp) &&
	    (!json_is_integer(exp) || json_integer_value(exp) < 0 ||
	     json_integer_value(exp) > 10LL * 365 * 86400))
		return oa_fail(r, OA_UNAVAILABLE,
			       "the token answer's expires_in is not a plausible number of seconds");
	out->access_token = dup_wiped_later(json_string_value(at), json_string_length(at));
	if (json_is_string(rt))
		out->refresh_token = dup_wiped_later(json_string_value(rt), json_string_length(rt));
	if (out->access_token == NULL || (json_is_string(rt) && out->refresh_token == NULL)) {
		pt_token_free(out);
		return oa_fail(r, OA_INTERNAL, "out of memory");
	}
	out->expires_at = json_is_integer(exp) ? now + json_integer_value(exp) : 0;
	return OA_OK;
}

enum oa_status
pt_token_from_json(json_t *root, long long now, struct pt_token *out,
		   struct oa_result *r)
{
	memset(out, 0, sizeof(*out));
	token_members(root, now, out, r);
	pt_json_wipe_strings(root);
	return r->status;
}

/* RFC 6749 section 5.2: an error answer is 400 (401 for a failed client
 * authentication) with a JSON "error" code. */
static bool
oauth_error(const struct oa_http_response *resp, struct pt_token_reply *reply)
{
	struct oa_result ignored;
	json_t *root = NULL;
	const json_t *code, *desc;

	if (resp->status != 400 && resp->status != 401 && resp->status != 403)
		return false;
	oa_result_init(&ignored);
	if (oa_fetch_json_body(resp, "token error answer", &root, &ignored) != OA_OK)
		return false;
	code = json_object_get(root, "error");
	desc = json_object_get(root, "error_description");
	if (!json_is_string(code)) {
		json_decref(root);
		return false;
	}
	oa_text_escape(json_string_value(code), json_string_length(code),
		       reply->error, sizeof(reply->error));
	if (json_is_string(desc))
		oa_text_escape(json_string_value(desc), json_string_length(desc),
			       reply->description, sizeof(reply->description));
	json_decref(root);
	return true;
}

enum oa_status
pt_client_post(struct oa_ctx *ctx, const char *url, const struct pt_client *client,
	       struct oa_form *form, struct oa_http_response *resp, struct oa_result *r)
{
	struct oa_form basic = { 0 };
	struct oa_http_request req;

	/* Each request gets the whole timeout= (a device grant polls for
	 * minutes), and the clock it judges expires_in against is read now. */
	oa_ctx_init(ctx, ctx->cfg, ctx->cache);
	memset(resp, 0, sizeof(*resp));
	pt_client_authenticate(client, form, &basic);
	if (form->failed || basic.failed) {
		oa_form_wipe(&basic);
		return oa_fail(r, OA_INTERNAL, "out of memory");
	}
	req = oa_fetch_form_request(ctx, url, form, &basic);
	oa_http_request(&req, resp, r);
	oa_form_wipe(&basic);
	return r->status;
}

void
pt_token_reply_sort(const struct oa_http_response *resp, long long now,
		    struct pt_token_reply *reply, struct oa_result *r)
{
	memset(reply, 0, sizeof(*reply));
	reply->answer = PT_NO_ANSWER;
	reply->http_status = resp->status;
	if (resp->status == 200) {
		json_t *root = NULL;

		if (oa_fetch_json_body(resp, "token answer", &root, r) == OA_OK &&
		    pt_token_from_json(root, now, &reply->token, r) == OA_OK)
			reply->answer = PT_GOT_TOKEN;
		json_decref(root);
	} else if (oauth_error(resp, reply)) {
		reply->answer = PT_OAUTH_ERROR;
	} else {
		oa_fail(r, OA_UNAVAILABLE, "the token endpoint answered HTTP %ld", resp->status);
	}
}

void
pt_token_request(struct oa_ctx *ctx, const char *url,
		 const struct pt_client *client, struct oa_form *form,
		 struct pt_token_reply *reply, struct oa_result *r)
{
	struct oa_http_response resp;

	memset(reply, 0, sizeof(*reply));
	reply->answer = PT_NO_ANSWER;
	if (pt_client_post(ctx, url, client, form, &resp, r) == OA_OK)
		pt_token_reply_sort(&resp, ctx->now, reply, r);
	if (resp.body != NULL)
		explicit_bzero(resp.body, resp.body_len);
	oa_http_response_free(&resp);
}

enum oa_status
pt_token_grant(struct oa_ctx *ctx, const char *url, const struct pt_client *client,
	       struct oa_form *form, const char *what, struct pt_token *out,
	       struct oa_result *r)
{
	struct pt_token_reply reply;

	pt_token_request(ctx, url, client, form, &reply, r);
	if (reply.answer == PT_OAUTH_ERROR)
		return oa_fail(r, OA_REJECTED, "the issuer refused the %s: %s%s%s", what,
			       reply.error, reply.description[0] != '\0' ? ": " : "",
			       reply.description);
	if (reply.answer == PT_GOT_TOKEN)
		*out = reply.token;
	return r->status;
}
