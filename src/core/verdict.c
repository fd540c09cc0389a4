/* SPDX-License-Identifier: MIT */
/* The decision on one login: which check, the cache, the user and the rules. */

#include "verdict.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "claims.h"
#include "context.h"
#include "cut_length.h"
#include "jws.h"
#include "introspect.h"
#include "jwt.h"
#include "policy.h"
#include "text.h"
#include "trace.h"
#include "token.h"
#include "userinfo.h"
#include "cache_verdict.h"

/* Keys, discovery documents and verdicts live here between logins.  An
 * unusable cache_dir= is a configuration error; an unusable default only
 * costs speed. */
static enum oa_status
open_cache(const struct oa_config *cfg, struct oa_cache *cache, bool *opened,
	   struct oa_trace *trace, struct oa_verdict *v)
{
	char dir[OA_MAX_PATH_BYTES + 1];
	struct oa_result why;

	*opened = false;
	if (cfg->cache == OA_CACHE_OFF) {
		oa_trace_step(trace, "cache", OA_STEP_SKIP, "cache=off");
		return OA_OK;
	}
	oa_result_init(&why);
	if (cfg->cache_dir != NULL) {
		if (oa_cache_open(cfg->cache_dir, true, cache, &why) != OA_OK) {
			oa_fail(&v->result, OA_CONFIG, "cache_dir: %s", why.reason);
			oa_trace_outcome(trace, "cache", OA_CONFIG, &v->result, "-");
			return OA_CONFIG;
		}
		oa_trace_step(trace, "cache", OA_STEP_INFO, "cache_dir=%s", cfg->cache_dir);
		*opened = true;
		return OA_OK;
	}
	if (!oa_cache_default_dir(dir, sizeof(dir))) {
		snprintf(v->note, sizeof(v->note), "no cache: no home directory for the effective user");
		oa_trace_step(trace, "cache", OA_STEP_SKIP, "%s", v->note);
		return OA_OK;
	}
	if (oa_cache_open(dir, true, cache, &why) != OA_OK) {
		snprintf(v->note, sizeof(v->note), "no cache: %.280s", why.reason);
		oa_trace_step(trace, "cache", OA_STEP_SKIP, "%s", v->note);
		return OA_OK;
	}
	oa_trace_step(trace, "cache", OA_STEP_INFO, "%s (the default)", dir);
	*opened = true;
	return OA_OK;
}

static void
set_issuer(struct oa_verdict *v, const char *text)
{
	oa_text_escape(text, strlen(text), v->issuer, sizeof(v->issuer));
}

/* Which check a token gets, strongest first, and who is asked or trusted. */
static enum oa_method
choose_check(const struct oa_config *cfg, const struct oa_token *token,
	     struct oa_verdict *v)
{
	if (cfg->jwt && oa_jws_is_compact(token->value, token->len)) {
		set_issuer(v, cfg->issuer);
		return cfg->introspect_jwt ? OA_METHOD_JWT_INTROSPECTION : OA_METHOD_JWT;
	}
	if (cfg->introspection_url != NULL) {
		set_issuer(v, cfg->issuer != NULL ? cfg->issuer : cfg->introspection.host);
		return OA_METHOD_INTROSPECTION;
	}
	if (cfg->userinfo_url != NULL) {
		set_issuer(v, cfg->userinfo.host);
		return OA_METHOD_USERINFO;
	}
	return OA_METHOD_NONE;
}

/* introspect_jwt: a JWT that passed every local check is also shown to
 * the issuer, which alone knows whether it was revoked (RFC 7009) before its
 * exp.  The signed claims decide; the answer only adds members the JWT lacks
 * (a lightweight access token's preferred_username, say), and the earlier
 * of the two expiries bounds the remembered verdict. */
static enum oa_status
introspect_jwt_too(struct oa_ctx *ctx, const struct oa_token *token, json_t **claims,
		   long long *exp, struct oa_result *r)
{
	json_t *answer = NULL;
	long long answer_exp = -1;
	enum oa_status status = oa_introspect(ctx, token, &answer, &answer_exp, r);

	oa_trace_outcome(ctx->trace, "introspection", status, r,
			 "the issuer says the token is still active");
	if (status != OA_OK) {
		json_decref(*claims);
		*claims = NULL;
		return status;
	}
	if (json_object_update_missing(*claims, answer) != 0)
		status = oa_fail(r, OA_INTERNAL, "out of memory");
	json_decref(answer);
	if (answer_exp >= 0 && (*exp < 0 || answer_exp < *exp))
		*exp = answer_exp;
	if (status != OA_OK) {
		json_decref(*claims);
		*claims = NULL;
	}
	return status;
}

/* The token check proper: is this token good, and what does it say?  A
 * remembered verdict answers first; a fresh one is remembered (refusals only
 * when the token itself was refused, never when the issuer was down). */
static bool
check_token(struct oa_ctx *ctx, const struct oa_token *token, json_t **claims,
	    struct oa_verdict *v)
{
	struct oa_result *r = &v->result;
	struct oa_remembered_verdict memo;
	char key_buf[OA_VERDICT_KEY_BYTES], *key = key_buf;
	enum oa_method method = choose_check(ctx->cfg, token, v);
	const char *name = oa_method_name(method);
	enum oa_status status;

	if (method == OA_METHOD_NONE) {
		oa_fail(r, OA_REJECTED,
			"token is not a JWT, and neither introspection= nor userinfo= is configured");
		oa_trace_outcome(ctx->trace, "method", OA_REJECTED, r, "-");
		return false;
	}
	v->method = method;
	oa_trace_step(ctx->trace, "method", OA_STEP_INFO, "%s (issuer %s)", name, v->issuer);
	if (!oa_verdict_cache_key(ctx, token, key_buf))
		key = NULL;
	oa_verdict_cache_lookup(ctx, key, &memo);
	if (memo.what == OA_REMEMBERED_VALID && memo.method == method) {
		v->from_cache = true;
		v->exp = memo.exp;
		*claims = json_incref(memo.claims);
		oa_remembered_clear(&memo);
		oa_trace_step(ctx->trace, "cache lookup", OA_STEP_OK,
			      "answered from cache: the %s check accepted this token earlier", name);
		return true;
	}
	if (memo.what == OA_REMEMBERED_REFUSED && memo.method == method) {
		v->from_cache = true;
		oa_fail(r, OA_REJECTED, "%s", memo.reason);
		oa_remembered_clear(&memo);
		oa_trace_step(ctx->trace, "cache lookup", OA_STEP_FAIL,
			      "answered from cache: the %s check refused this token earlier: %s",
			      name, r->reason);
		return false;
	}
	oa_remembered_clear(&memo);
	if (ctx->cache == NULL)
		oa_trace_step(ctx->trace, "cache lookup", OA_STEP_SKIP, "no cache");
	else
		oa_trace_step(ctx->trace, "cache lookup", OA_STEP_INFO, "miss: not remembered");

	switch (method) {
	case OA_METHOD_JWT:
	case OA_METHOD_JWT_INTROSPECTION:
		status = oa_jwt_validate(ctx, token, claims, &v->exp, r);
		/* clang-format off */
		if (status == OA_OK && method == OA_METHOD_JWT_INTROSPECTION)
			status = introspect_jwt_too(ctx, token, claims, &v->exp, r);
		else if (status == OA_OK && ctx->cfg->introspection_url != NULL)
			oa_ctx_note(ctx, "introspection= was not asked: a JWT is checked locally "
				    "unless introspect_jwt is set, so a token revoked at the issuer "
				    "passes until its exp");
		/* clang-format on */
		break;
	case OA_METHOD_INTROSPECTION:
		status = oa_introspect(ctx, token, claims, &v->exp, r);
		oa_trace_outcome(ctx->trace, name, status, r,
				 "the issuer says the token is active");
		break;
	case OA_METHOD_USERINFO:
		v->exp = oa_token_unverified_exp(token);
		status = oa_userinfo_fetch(ctx, token, claims, &v->http_status, r);
		oa_trace_outcome(ctx->trace, name, status, r,
				 "the issuer answered HTTP %ld with the token's claims",
				 v->http_status);
		break;
	case OA_METHOD_NONE:
	default:
		status = oa_fail(r, OA_INTERNAL, "no check chosen"); /* returned above */
		break;
	}
	if (status == OA_OK)
		oa_verdict_cache_store_valid(ctx, key, method, *claims, v->exp);
	else if (status == OA_REJECTED && !r->transient)
		oa_verdict_cache_store_refused(ctx, key, method, r->reason);
	else
		oa_trace_step(ctx->trace, "cache store", OA_STEP_SKIP, "not remembered: %s",
			      status == OA_REJECTED    ? "the refusal may be transient" :
			      status == OA_UNAVAILABLE ? "the issuer gave no usable answer" :
							 "not a verdict on the token");
	return status == OA_OK;
}

/* Is the token this user's: the username claim equals the PAM user, or
 * the username map lets its identity log in as that user. */
static bool
check_user(struct oa_ctx *ctx, const json_t *claims, const char *user,
	   struct oa_result *r)
{
	const struct oa_config *cfg = ctx->cfg;
	char shown_user[OA_SHOWN_BYTES];
	enum oa_status s;

	if (cfg->username_map != NULL)
		return oa_claims_check_mapped_user(claims, cfg->username_claim, cfg->username_map,
						   cfg->username_map_casefold, user, ctx->trace,
						   r) == OA_OK;
	s = oa_claims_check_username(claims, cfg->username_claim, user, r);
	if (ctx->trace != NULL)
		oa_text_escape(user, strlen(user), shown_user, sizeof(shown_user));
	oa_trace_outcome(ctx->trace, "username", s, r, "claim \"%s\" is \"%s\", the PAM user",
			 cfg->username_claim, ctx->trace != NULL ? shown_user : "");
	return s == OA_OK;
}

/* Who the token says it is, for the caller's log or map; nothing when
 * the claim is not a string that fits. */
static void
take_identity(const struct oa_config *cfg, const json_t *claims, struct oa_verdict *v)
{
	const json_t *value = oa_claim_at_path(claims, cfg->username_claim,
					       strlen(cfg->username_claim));
	size_t len;

	if (!json_is_string(value))
		return;
	len = json_string_length(value);
	if (len == 0 || len > OA_MAX_IDENTITY_BYTES ||
	    memchr(json_string_value(value), '\0', len) != NULL)
		return;
	memcpy(v->identity, json_string_value(value), len + 1);
}

/* Without a user to log in as, the identity must be there instead. */
static bool
check_identity(const struct oa_config *cfg, const json_t *claims, const struct oa_verdict *v,
	       struct oa_result *r)
{
	const json_t *value = oa_claim_at_path(claims, cfg->username_claim,
					       strlen(cfg->username_claim));

	if (v->identity[0] != '\0')
		return true;
	if (value == NULL)
		oa_fail(r, OA_REJECTED, "issuer's answer has no \"%s\" claim", cfg->username_claim);
	else
		oa_fail(r, OA_REJECTED, "claim \"%s\" is not a usable identity (a string of 1 to %d bytes)",
			cfg->username_claim, OA_MAX_IDENTITY_BYTES);
	return false;
}

/* The positional form's claim=value equalities, one step each. */
static bool
check_required(struct oa_ctx *ctx, const json_t *claims, struct oa_result *r)
{
	const struct oa_config *cfg = ctx->cfg;

	for (size_t i = 0; i < cfg->n_required; i++) {
		const struct oa_required_claim *want = &cfg->required[i];
		enum oa_status s = oa_claims_check_required(claims, want, 1, r);
		char name[OA_TRACE_NAME_BYTES];

		if (ctx->trace != NULL) {
			snprintf(name, sizeof(name), "required claim %.*s=%s",
				 (int)want->name_len, want->name, want->value);
			oa_trace_outcome(ctx->trace, name, s, r, "holds");
		}
		if (s != OA_OK)
			return false;
	}
	return true;
}

/* Each check records why it failed in v->result; true only on the last
 * line, after every check has passed.  `user` NULL: no user to log in as
 * (oa_verdict_identify). */
static bool
decide(struct oa_ctx *ctx, const char *user, const char *password,
       struct oa_token *token, struct oa_verdict *v)
{
	const struct oa_config *cfg = ctx->cfg;
	struct oa_result *r = &v->result;
	json_t *claims = NULL;
	bool ok;

	if (user != NULL && *user == '\0') {
		oa_fail(r, OA_REJECTED, "no user name to log in as");
		oa_trace_outcome(ctx->trace, "user", OA_REJECTED, r, "-");
		return false;
	}
	ok = oa_token_intake(password, cfg->max_token_bytes, token, r) == OA_OK;
	memcpy(v->fingerprint, token->fingerprint, sizeof(v->fingerprint));
	oa_trace_outcome(ctx->trace, "intake", r->status, r, "%zu-byte bearer token, sha256:%s",
			 token->len, token->fingerprint);
	if (!ok)
		return false;

	if (!check_token(ctx, token, &claims, v)) {
		/* A cut token fails as a bad signature or bad JSON: say what
		 * the length suggests, or the admin looks at the keys. */
		size_t delivered = strlen(password);

		if (oa_cut_length_note(r, delivered, token->len))
			oa_trace_step(ctx->trace, "length", OA_STEP_INFO,
				      "%zu bytes, where %s: probably truncated", delivered,
				      oa_cut_length_where(delivered));
		return false;
	}
	oa_trace_claims(ctx->trace, claims);
	take_identity(cfg, claims, v);
	ok = (user != NULL ? check_user(ctx, claims, user, r) :
			     check_identity(cfg, claims, v, r)) &&
	     check_required(ctx, claims, r) &&
	     oa_policy_check_traced(&cfg->policy, claims, ctx->trace, r) == OA_OK;
	json_decref(claims);
	return ok;
}

static enum oa_status
run(const struct oa_config *cfg, const char *user, const char *password,
    struct oa_trace *trace, struct oa_verdict *v)
{
	struct oa_token token;
	struct oa_cache cache;
	struct oa_ctx ctx;
	bool cache_opened = false;

	memset(&token, 0, sizeof(token));
	memset(v, 0, sizeof(*v));
	oa_result_init(&v->result);
	v->method = OA_METHOD_NONE;
	strcpy(v->issuer, "-");
	strcpy(v->fingerprint, "-");
	v->exp = -1;
	if (open_cache(cfg, &cache, &cache_opened, trace, v) == OA_OK) {
		oa_ctx_init(&ctx, cfg, cache_opened ? &cache : NULL);
		ctx.trace = trace;
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

enum oa_status
oa_verdict_decide(const struct oa_config *cfg, const char *user,
		  const char *password, struct oa_verdict *v)
{
	return run(cfg, user != NULL ? user : "", password, NULL, v);
}

enum oa_status
oa_verdict_identify(const struct oa_config *cfg, const char *password,
		    struct oa_verdict *v)
{
	return run(cfg, NULL, password, NULL, v);
}

enum oa_status
oa_verdict_explain(const struct oa_config *cfg, const char *user,
		   const char *password, struct oa_trace *trace,
		   struct oa_verdict *v)
{
	return run(cfg, user != NULL ? user : "", password, trace, v);
}

const char *
oa_verdict_outcome_word(enum oa_status status)
{
	return status == OA_OK       ? "granted" :
	       status == OA_REJECTED ? "denied" :
				       oa_status_name(status);
}
