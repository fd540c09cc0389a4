/* SPDX-License-Identifier: MIT */
/* Verification keys from jwks_file=, jwks_uri= or discovery, cached and refetched. */

#include "keys.h"

#include <stdbool.h>
#include <string.h>

#include "discovery.h"
#include "cache_doc.h"
#include "fetch.h"
#include "cache_jwks.h"

#define JWKS_NS "jwks"

static enum oa_status
jwks_url(struct oa_ctx *ctx, json_t **discovery_doc, const char **url,
	 struct oa_result *r)
{
	*discovery_doc = NULL;
	if (ctx->cfg->jwks_uri != NULL) {
		*url = ctx->cfg->jwks_uri;
		return OA_OK;
	}
	if (oa_discovery_get(ctx, discovery_doc, r) != OA_OK)
		return r->status;
	return oa_discovery_endpoint(*discovery_doc, "jwks_uri", url, r);
}

static enum oa_status
parse_set(struct oa_ctx *ctx, const json_t *doc, struct oa_jwks *out,
	  struct oa_result *r)
{
	struct oa_result skipped;

	oa_result_init(&skipped);
	if (oa_jwks_from_json(doc, NULL, 0, OA_JWKS_ANY_ALG, out, &skipped, r) == OA_OK && out->skipped > 0)
		oa_ctx_note(ctx, "%zu JWKS member(s) not used; %s", out->skipped,
			    skipped.reason);
	return r->status;
}

/* The issuer's set fetched now, parsed whole and cached. */
static enum oa_status
fetch_set(struct oa_ctx *ctx, const char *url, struct oa_jwks *out,
	  struct oa_result *r)
{
	json_t *fetched = NULL;
	long max_age, status;

	if (oa_fetch_json(ctx, url, "JWKS", &fetched, &max_age, &status, r) == OA_OK &&
	    parse_set(ctx, fetched, out, r) == OA_OK) {
		json_t *kept = oa_jwks_kept(fetched);

		if (kept != NULL)
			oa_jwks_cache_store(ctx, url, kept, max_age);
		json_decref(kept);
	}
	json_decref(fetched);
	ctx->jwks_fetch = r->status == OA_OK ? OA_JWKS_FETCHED : OA_JWKS_FETCH_FAILED;
	return r->status;
}

/* A fresh cached set answers unless the token names a kid it lacks (key
 * rotation) and no such token made a login ask the issuer within
 * jwks_refresh_min=: made-up kids then cost the issuer at most one request
 * per jwks_refresh_min=, while a routine fetch just before a rotation does
 * not hold back its first token.  Passing the set over records the
 * refetch. */
static bool
cached_set_answers(struct oa_ctx *ctx, const char *url, const struct oa_jws *jws,
		   const struct oa_jwks *set, const struct oa_doc_meta *meta)
{
	if (ctx->now >= meta->entry.fresh_until)
		return false;
	if (jws->kid == NULL || oa_jwks_has_kid(set, jws->kid, jws->kid_len))
		return true;
	if (oa_jwks_cache_refetched_recently(ctx, url))
		return true;
	oa_jwks_cache_note_refetch(ctx, url);
	return false;
}

static enum oa_status
remote_keys(struct oa_ctx *ctx, const struct oa_jws *jws, struct oa_jwks *out,
	    struct oa_result *r)
{
	json_t *discovery_doc, *cached = NULL;
	struct oa_doc_meta meta;
	struct oa_result attempt, reparse;
	const char *url;
	bool have_cached;

	if (jwks_url(ctx, &discovery_doc, &url, r) != OA_OK) {
		json_decref(discovery_doc);
		return r->status;
	}
	/* A kid the fresh set has: its member's entry alone, not the set. */
	if (jws->kid != NULL && oa_jwks_cache_member(ctx, url, jws->kid, jws->kid_len, out))
		goto done;
	have_cached = oa_doc_cache_load(ctx, JWKS_NS, url, &cached, &meta);
	if (have_cached) {
		struct oa_result ignored;

		oa_result_init(&ignored);
		if (oa_jwks_from_json(cached, jws->kid, jws->kid_len, 1u << jws->alg, out, NULL,
				      &ignored) == OA_OK &&
		    cached_set_answers(ctx, url, jws, out, &meta))
			goto done;
		oa_jwks_clear(out);
	}

	oa_result_init(&attempt);
	if (fetch_set(ctx, url, out, &attempt) == OA_OK)
		goto done;
	oa_jwks_clear(out);
	oa_result_init(&reparse);
	if (have_cached && attempt.status != OA_INTERNAL &&
	    oa_jwks_from_json(cached, jws->kid, jws->kid_len, 1u << jws->alg, out, NULL,
			      &reparse) == OA_OK) {
		oa_ctx_note(ctx, "using keys fetched %lld s ago: %s",
			    ctx->now - meta.fetched_at, attempt.reason);
		oa_jwks_cache_retry_later(ctx, url, cached, &meta);
		goto done;
	}
	oa_jwks_clear(out);
	oa_fail(r, attempt.status, "%s", attempt.reason);
done:
	json_decref(cached);
	json_decref(discovery_doc);
	return r->status;
}

enum oa_status
oa_keys_for_token(struct oa_ctx *ctx, const struct oa_jws *jws,
		  struct oa_jwks *out, struct oa_result *r)
{
	/* Every path may clear it, also those that fail before filling it. */
	memset(out, 0, sizeof(*out));
	if (ctx->cfg->jwks_file != NULL)
		return oa_jwks_cache_from_file(ctx, jws->kid, jws->kid_len, 1u << jws->alg, out,
					       r);
	return remote_keys(ctx, jws, out, r);
}

enum oa_refetch
oa_keys_refetched(struct oa_ctx *ctx, struct oa_jwks *out)
{
	json_t *discovery_doc = NULL, *cached = NULL;
	struct oa_doc_meta meta;
	struct oa_result attempt;
	enum oa_refetch outcome = OA_REFETCH_LATER;
	const char *url;

	memset(out, 0, sizeof(*out));
	/* Keys from a file, or from the issuer during this very login, are
	 * all there is: a refusal with them is final. */
	if (ctx->cfg->jwks_file != NULL || ctx->jwks_fetch == OA_JWKS_FETCHED)
		return OA_REFETCH_NEVER;
	if (ctx->jwks_fetch == OA_JWKS_FETCH_FAILED)
		return OA_REFETCH_LATER;
	oa_result_init(&attempt);
	if (jwks_url(ctx, &discovery_doc, &url, &attempt) != OA_OK)
		goto done;
	if (oa_jwks_cache_refetched_recently(ctx, url))
		goto done;
	oa_jwks_cache_note_refetch(ctx, url);
	oa_doc_cache_load(ctx, JWKS_NS, url, &cached, &meta);
	if (fetch_set(ctx, url, out, &attempt) == OA_OK) {
		oa_ctx_note(ctx, "keys fetched again for a token without kid");
		outcome = OA_REFETCHED;
	} else {
		oa_jwks_clear(out);
		/* The failed attempt counts (it is recorded above), so such
		 * tokens do not make every login ask an issuer that is down;
		 * the cached set serves on meanwhile. */
		if (cached != NULL)
			oa_jwks_cache_retry_later(ctx, url, cached, &meta);
	}
done:
	json_decref(cached);
	json_decref(discovery_doc);
	return outcome;
}
