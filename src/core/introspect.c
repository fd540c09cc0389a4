/* SPDX-License-Identifier: MIT */
/* RFC 7662 introspection: ask the issuer whether a token is active and whose it is. */

#include "introspect.h"

#include <stdbool.h>
#include <string.h>

#include "discovery.h"
#include "fetch.h"
#include "form.h"
#include "jwt_claims.h"
#include "secret_file.h"
#include "token.h"

#define WHAT "introspected token"

static enum oa_status
endpoint(struct oa_ctx *ctx, json_t **doc, const char **url, struct oa_result *r)
{
	*doc = NULL;
	if (strcmp(ctx->cfg->introspection_url, "discovery") != 0) {
		*url = ctx->cfg->introspection_url;
		return OA_OK;
	}
	if (oa_discovery_get(ctx, doc, r) != OA_OK)
		return r->status;
	return oa_discovery_endpoint(*doc, "introspection_endpoint", url, r);
}

/* The request's body and credentials, both wiped by the caller. */
static enum oa_status
build_request(const struct oa_config *cfg, const struct oa_token *token,
	      struct oa_form *body, struct oa_form *basic, struct oa_result *r)
{
	struct oa_secret secret;

	if (oa_secret_read(cfg->client_secret_file, "client_secret_file", true, &secret, r) != OA_OK)
		return r->status;
	oa_form_add(body, "token", token->value, token->len);
	oa_form_add(body, "token_type_hint", "access_token", 12);
	if (cfg->client_auth == OA_CLIENT_AUTH_POST) {
		oa_form_add(body, "client_id", cfg->client_id, strlen(cfg->client_id));
		oa_form_add(body, "client_secret", (const char *)secret.bytes, secret.len);
	} else {
		oa_form_basic_credentials(basic, cfg->client_id, secret.bytes, secret.len);
	}
	oa_secret_wipe(&secret);
	if (body->failed || basic->failed)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	return OA_OK;
}

enum oa_status
oa_introspect_judge(const struct oa_ctx *ctx, const struct oa_http_response *resp,
		    json_t **claims, long long *exp, struct oa_result *r)
{
	const json_t *active;

	*claims = NULL;
	*exp = -1;
	if (resp->status == 401 || resp->status == 403)
		return oa_fail(r, OA_UNAVAILABLE,
			       "introspection endpoint refused this module's client credentials "
			       "(HTTP %ld): check client_id= and client_secret_file=",
			       resp->status);
	if (resp->status != 200)
		return oa_fail(r, OA_UNAVAILABLE, "introspection endpoint answered HTTP %ld",
			       resp->status);
	if (oa_fetch_json_body(resp, "introspection answer", claims, r) != OA_OK)
		return r->status;
	/* RFC 7662 section 2.2: "active" is a boolean; a string "true" or a
	 * missing member is not a yes. */
	active = json_object_get(*claims, "active");
	/* clang-format off */
	if (!json_is_true(active))
		oa_fail(r, OA_REJECTED, active == NULL ? "introspection answer has no \"active\"" :
			json_is_false(active) ?
			"token is not active (revoked or expired at the issuer, or not one this "
			"client_id may introspect: some issuers answer only the client the token "
			"was issued to or meant for)" :
			"introspection \"active\" is not the JSON value true");
	else if (oa_claims_check_lifetime(ctx->cfg, *claims, ctx->now, false, WHAT, exp, r) == OA_OK &&
		 oa_claims_check_issuer(ctx->cfg, *claims, false, WHAT, r) == OA_OK &&
		 oa_claims_check_audience(ctx->cfg, *claims, false, WHAT, r) == OA_OK)
		oa_claims_check_access_token(*claims, WHAT, r);
	/* clang-format on */
	if (r->status != OA_OK) {
		json_decref(*claims);
		*claims = NULL;
	}
	return r->status;
}

/* A JWT sent to introspection carries its own exp.  RFC 7662 2.2 makes
 * the answer's exp optional, and an answer without one, or with a later
 * one, would let the remembered verdict and the account phase outlive the
 * token by up to cache_ttl.  Read unverified, the token's exp may only
 * shorten the lifetime, never lengthen it; a token past it is refused,
 * whatever the issuer says (an expired token stays expired whoever
 * signed it). */
static enum oa_status
bound_by_own_exp(const struct oa_ctx *ctx, const struct oa_token *token, json_t **claims,
		 long long *exp, struct oa_result *r)
{
	long long own = oa_token_unverified_exp(token);

	if (own < 0)
		return OA_OK;
	/* The lifetime check's test; no sum, own may be any long long. */
	if (ctx->now - ctx->cfg->leeway_seconds >= own) {
		json_decref(*claims);
		*claims = NULL;
		return oa_fail(r, OA_REJECTED,
			       "token expired %lld s ago by its own exp, although the "
			       "introspection answer says active",
			       ctx->now - own);
	}
	if (*exp < 0 || own < *exp)
		*exp = own;
	return OA_OK;
}

enum oa_status
oa_introspect(struct oa_ctx *ctx, const struct oa_token *token, json_t **claims,
	      long long *exp, struct oa_result *r)
{
	struct oa_form body = { 0 }, basic = { 0 };
	struct oa_http_response resp;
	json_t *doc = NULL;
	const char *url;

	*claims = NULL;
	*exp = -1;
	memset(&resp, 0, sizeof(resp));
	if (endpoint(ctx, &doc, &url, r) == OA_OK &&
	    build_request(ctx->cfg, token, &body, &basic, r) == OA_OK) {
		struct oa_http_request req = oa_fetch_form_request(ctx, url, &body, &basic);

		if (oa_http_request(&req, &resp, r) == OA_OK &&
		    oa_introspect_judge(ctx, &resp, claims, exp, r) == OA_OK)
			bound_by_own_exp(ctx, token, claims, exp, r);
	}
	oa_http_response_free(&resp);
	oa_form_wipe(&body);
	oa_form_wipe(&basic);
	json_decref(doc);
	return r->status;
}
