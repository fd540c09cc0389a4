#include "verdict.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "claims.h"
#include "context.h"
#include "jws.h"
#include "introspect.h"
#include "jwt.h"
#include "policy.h"
#include "text.h"
#include "token.h"
#include "userinfo.h"

/* The cache only matters when keys come over the network.  An unusable
 * cache_dir= is a configuration error; an unusable default only costs
 * speed. */
static enum oa_status
open_cache(const struct oa_config *cfg, struct oa_cache *cache, bool *opened,
	   struct oa_verdict *v)
{
	char dir[OA_MAX_PATH_BYTES + 1];
	struct oa_result why;

	*opened = false;
	if (!cfg->discovery && cfg->jwks_uri == NULL)
		return OA_OK;
	oa_result_init(&why);
	if (cfg->cache_dir != NULL) {
		if (oa_cache_open(cfg->cache_dir, true, cache, &why) != OA_OK)
			return oa_fail(&v->result, OA_CONFIG, "cache_dir: %s", why.reason);
		*opened = true;
		return OA_OK;
	}
	if (!oa_cache_default_dir(dir, sizeof(dir))) {
		snprintf(v->note, sizeof(v->note), "no cache: no home directory for the effective user");
		return OA_OK;
	}
	if (oa_cache_open(dir, true, cache, &why) != OA_OK) {
		snprintf(v->note, sizeof(v->note), "no cache: %.280s", why.reason);
		return OA_OK;
	}
	*opened = true;
	return OA_OK;
}

static void
set_issuer(struct oa_verdict *v, const char *text)
{
	oa_text_escape(text, strlen(text), v->issuer, sizeof(v->issuer));
}

/* Each check records why it failed in v->result; true only on the last
 * line, after every check has passed. */
static bool
decide(struct oa_ctx *ctx, const char *user, const char *password,
       struct oa_token *token, struct oa_verdict *v)
{
	const struct oa_config *cfg = ctx->cfg;
	struct oa_result *r = &v->result;
	json_t *claims = NULL;
	bool ok;

	if (user == NULL || *user == '\0') {
		oa_fail(r, OA_REJECTED, "no user name to log in as");
		return false;
	}
	ok = oa_token_intake(password, cfg->max_token_bytes, token, r) == OA_OK;
	memcpy(v->fingerprint, token->fingerprint, sizeof(v->fingerprint));
	if (!ok)
		return false;

	if (cfg->jwt && oa_jws_is_compact(token->value, token->len)) {
		v->method = "jwt";
		set_issuer(v, cfg->issuer);
		ok = oa_jwt_validate(ctx, token, &claims, &v->exp, r) == OA_OK;
	} else if (cfg->introspection_url != NULL) {
		v->method = "introspection";
		set_issuer(v, cfg->issuer != NULL ? cfg->issuer : cfg->introspection.host);
		ok = oa_introspect(ctx, token, &claims, &v->exp, r) == OA_OK;
	} else if (cfg->userinfo_url != NULL) {
		v->method = "userinfo";
		set_issuer(v, cfg->userinfo.host);
		v->exp = oa_token_unverified_exp(token);
		ok = oa_userinfo_fetch(ctx, token, &claims, &v->http_status, r) == OA_OK;
	} else {
		oa_fail(r, OA_REJECTED,
			"token is not a JWT, and neither introspection= nor userinfo= is configured");
		return false;
	}
	ok = ok && (cfg->username_map != NULL ?
		    oa_claims_check_mapped_user(claims, cfg->username_claim, cfg->username_map,
						cfg->username_map_casefold, user, r) :
		    oa_claims_check_username(claims, cfg->username_claim, user, r)) == OA_OK &&
	     oa_claims_check_required(claims, cfg->required, cfg->n_required, r) == OA_OK &&
	     oa_policy_check(&cfg->policy, claims, r) == OA_OK;
	json_decref(claims);
	if (!ok)
		return false;
	return true;
}

enum oa_status
oa_verdict_decide(const struct oa_config *cfg, const char *user,
		  const char *password, struct oa_verdict *v)
{
	struct oa_token token;
	struct oa_cache cache;
	struct oa_ctx ctx;
	bool cache_opened = false;

	memset(&token, 0, sizeof(token));
	memset(v, 0, sizeof(*v));
	oa_result_init(&v->result);
	v->method = "-";
	strcpy(v->issuer, "-");
	strcpy(v->fingerprint, "-");
	v->exp = -1;
	if (open_cache(cfg, &cache, &cache_opened, v) == OA_OK) {
		oa_ctx_init(&ctx, cfg, cache_opened ? &cache : NULL);
		if (!decide(&ctx, user, password, &token, v))
			oa_fail(&v->result, OA_REJECTED, "token not accepted");
		if (v->note[0] == '\0')
			memcpy(v->note, ctx.note, sizeof(v->note));
	}
	if (cache_opened)
		oa_cache_close(&cache);
	oa_token_clear(&token);
	return v->result.status;
}
