/* SPDX-License-Identifier: MIT */
/* Remembered verdicts, keyed by token and configuration, shared through the cache. */

#include "cache_verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cache.h"
#include "cache_json.h"
#include "file_trust.h"
#include "sha256.h"
#include "trace.h"

#define VERDICT_NS "verdict"

/* A file whose bytes decide verdicts: a key removed from jwks_file=, a new
 * hmac_secret_file= or client_secret_file=, a CA taken out of cafile= or
 * capath= must not leave tokens checked under the old file remembered as
 * valid.  Identity and times stand in for the bytes, which a remembered
 * login does not read: one stat(2) each, where a digest would read a CA
 * bundle of hundreds of KiB, and the secret, on every login.  Any write,
 * rename over, chmod or chown sets ctime, which no one but root can set
 * back.  For capath= the directory's own times change when a certificate
 * or its hash link is added, removed or renamed (c_rehash, update-ca-
 * certificates), not when a file in it is rewritten in place.  A file that
 * cannot be seen means no entry: the check runs and says why. */
static bool
add_file_identity(struct oa_sha256 *c, const char *path)
{
	struct stat st;
	long long id[1 + OA_FILE_IDENTITY_NUMBERS];

	/* The same count of numbers per option, set or not (then zeros):
	 * each file's identity keeps its place in the digested bytes. */
	memset(id, 0, sizeof(id));
	if (path != NULL) {
		if (stat(path, &st) != 0)
			return false;
		id[0] = 1;
		oa_file_identity(&st, id + 1);
	}
	oa_sha256_update(c, id, sizeof(id));
	return true;
}

bool
oa_verdict_cache_key_of_version(const struct oa_ctx *ctx, const char *version,
				const struct oa_token *token, char out[OA_VERDICT_KEY_BYTES])
{
	const struct oa_config *cfg = ctx->cfg;
	unsigned char md[OA_SHA256_BYTES];
	struct oa_sha256 c;

	if (ctx->cache == NULL)
		return false;
	oa_sha256_init(&c);
	oa_sha256_update(&c, cfg->options_digest, sizeof(cfg->options_digest));
	/* With its NUL, so the version's end is not the files' start. */
	oa_sha256_update(&c, version, strlen(version) + 1);
	if (!add_file_identity(&c, cfg->jwks_file) ||
	    !add_file_identity(&c, cfg->hmac_secret_file) ||
	    !add_file_identity(&c, cfg->client_secret_file) ||
	    !add_file_identity(&c, cfg->cafile) ||
	    !add_file_identity(&c, cfg->capath))
		return false;
	oa_sha256_update(&c, token->digest, sizeof(token->digest));
	oa_sha256_final(&c, md);
	oa_hex(md, sizeof(md), out);
	return true;
}

/* hex SHA-256(options digest || module version || files' identity ||
 * token): without the token the key reveals nothing, another configuration
 * never sees this entry, and after an upgrade (which may tighten a check)
 * every token is checked anew. */
bool
oa_verdict_cache_key(const struct oa_ctx *ctx, const struct oa_token *token,
		     char out[OA_VERDICT_KEY_BYTES])
{
	return oa_verdict_cache_key_of_version(ctx, PAM_OAUTH2_VERSION, token, out);
}

void
oa_remembered_clear(struct oa_remembered_verdict *v)
{
	json_decref(v->claims);
	memset(v, 0, sizeof(*v));
	v->exp = -1;
}

/* The members of an entry's object; anything amiss leaves `out` nothing. */
static void
read_entry(const json_t *doc, long long now, struct oa_remembered_verdict *out)
{
	const json_t *ok = json_object_get(doc, "ok");
	const json_t *method = json_object_get(doc, "method");
	const json_t *exp = json_object_get(doc, "exp");

	/* A method this release does not know is an entry it cannot use. */
	if (!json_is_boolean(ok) || !json_is_string(method) || !json_is_integer(exp) ||
	    !oa_method_parse(json_string_value(method), &out->method))
		return;
	out->exp = json_integer_value(exp);
	if (json_is_true(ok) && json_is_object(json_object_get(doc, "claims")) &&
	    (out->exp < 0 || now < out->exp)) {
		out->what = OA_REMEMBERED_VALID;
		out->claims = json_incref(json_object_get(doc, "claims"));
	} else if (json_is_false(ok) && json_is_string(json_object_get(doc, "reason"))) {
		out->what = OA_REMEMBERED_REFUSED;
		snprintf(out->reason, sizeof(out->reason), "%s",
			 json_string_value(json_object_get(doc, "reason")));
	}
}

void
oa_verdict_cache_parse_entry(const char *value, size_t len, long long now,
			     struct oa_remembered_verdict *out)
{
	json_t *doc = json_loadb(value, len, JSON_REJECT_DUPLICATES, NULL);

	memset(out, 0, sizeof(*out));
	out->exp = -1;
	read_entry(doc, now, out);
	json_decref(doc);
}

void
oa_verdict_cache_lookup(struct oa_ctx *ctx, const char *key, struct oa_remembered_verdict *out)
{
	json_t *doc;

	memset(out, 0, sizeof(*out));
	out->exp = -1;
	if (key == NULL || ctx->cache == NULL ||
	    !oa_cache_get_object(ctx->cache, VERDICT_NS, key, ctx->now, false, &doc, NULL))
		return;
	read_entry(doc, ctx->now, out);
	json_decref(doc);
}

/* `what` says which verdict, for the trace: "accepted" or "refused". */
static void
store(struct oa_ctx *ctx, const char *key, json_t *doc, long long until, const char *what)
{
	struct oa_cache_meta meta = { ctx->now, until, until };
	struct oa_result r;

	if (until <= ctx->now || key == NULL || ctx->cache == NULL) {
		/* clang-format off */
		oa_trace_step(ctx->trace, "cache store", OA_STEP_SKIP, "%s",
			      ctx->cache == NULL ? "no cache" :
			      until <= ctx->now ? "the token has expired" :
			      "no key for the entry");
		/* clang-format on */
		json_decref(doc);
		return;
	}
	oa_result_init(&r);
	if (doc == NULL)
		oa_fail(&r, OA_INTERNAL, "out of memory");
	else
		oa_cache_put_object(ctx->cache, VERDICT_NS, key, doc, &meta,
				    ctx->cfg->cache_max_entries, false, &r);
	json_decref(doc);
	if (r.status != OA_OK) {
		oa_ctx_note(ctx, "verdict not remembered: %s", r.reason);
		oa_trace_step(ctx->trace, "cache store", OA_STEP_SKIP, "not remembered: %s",
			      r.reason);
	} else {
		oa_trace_step(ctx->trace, "cache store", OA_STEP_OK,
			      "remembered as %s for %lld s", what, until - ctx->now);
	}
}

void
oa_verdict_cache_store_valid(struct oa_ctx *ctx, const char *key,
			     enum oa_method method, const json_t *claims, long long exp)
{
	long long until = ctx->now + ctx->cfg->cache_ttl_seconds;

	if (ctx->cfg->cache_ttl_seconds == 0) {
		oa_trace_step(ctx->trace, "cache store", OA_STEP_SKIP,
			      "cache_ttl=0: accepted tokens are not remembered");
		return;
	}
	if (exp >= 0 && exp < until)
		until = exp;
	/* clang-format off */
	store(ctx, key, json_pack("{s:b, s:s, s:I, s:O}", "ok", 1,
				  "method", oa_method_name(method), "exp", (json_int_t)exp,
				  "claims", claims), until, "accepted");
	/* clang-format on */
}

void
oa_verdict_cache_store_refused(struct oa_ctx *ctx, const char *key,
			       enum oa_method method, const char *reason)
{
	if (ctx->cfg->negative_cache_ttl_seconds == 0) {
		oa_trace_step(ctx->trace, "cache store", OA_STEP_SKIP,
			      "negative_cache_ttl=0: refused tokens are not remembered");
		return;
	}
	/* clang-format off */
	store(ctx, key, json_pack("{s:b, s:s, s:I, s:s}", "ok", 0,
				  "method", oa_method_name(method), "exp", (json_int_t)-1,
				  "reason", reason),
	      ctx->now + ctx->cfg->negative_cache_ttl_seconds, "refused");
	/* clang-format on */
}
