/* SPDX-License-Identifier: MIT */
/* Discovery documents and JWK Sets kept on disk, each reader applying its own limits. */

#include "cache_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "cache_json.h"
#include "sha256.h"

#define KEY_BYTES OA_DOC_CACHE_KEY_BYTES

/* An entry's key: the document's URL and the TLS trust it was fetched
 * under.  A document fetched with the system's CAs is not one a service
 * with pinned_pubkey= or a cafile= of its own would have accepted, though
 * both share the cache_dir. */
void
oa_doc_cache_key(const struct oa_config *cfg, const char *url, char key[KEY_BYTES])
{
	const char *const trust[] = { cfg->cafile, cfg->capath, cfg->pinned_pubkey };
	unsigned char md[OA_SHA256_BYTES];
	char hex[2 * 8 + 1];
	struct oa_sha256 c;

	oa_sha256_init(&c);
	for (size_t i = 0; i < sizeof(trust) / sizeof(trust[0]); i++) {
		/* 0 for unset, else 1, the value and its NUL: no two settings
		 * hash alike. */
		unsigned char set = trust[i] != NULL;

		oa_sha256_update(&c, &set, 1);
		if (set)
			oa_sha256_update(&c, trust[i], strlen(trust[i]) + 1);
	}
	oa_sha256_final(&c, md);
	oa_hex(md, 8, hex);
	snprintf(key, KEY_BYTES, "%s tls=%s", url, hex);
}

/* The document of an entry, with its times; NULL for an entry of another
 * shape (one written before fetched_at was kept is a miss, fetched anew). */
static json_t *
unwrap(const json_t *entry, struct oa_doc_meta *meta)
{
	const json_t *fetched_at = json_object_get(entry, "fetched_at");
	const json_t *fresh_for = json_object_get(entry, "fresh_for");
	json_t *doc = json_object_get(entry, "document");

	if (!json_is_integer(fetched_at) || !json_is_integer(fresh_for) ||
	    json_integer_value(fresh_for) < 0 || !json_is_object(doc))
		return NULL;
	meta->fetched_at = json_integer_value(fetched_at);
	meta->fresh_for = json_integer_value(fresh_for);
	return json_incref(doc);
}

/* Fresh, or not older than this configuration lets stale keys be. */
static bool
still_usable(const struct oa_ctx *ctx, const struct oa_doc_meta *meta)
{
	long long age = ctx->now - meta->fetched_at;

	return age < meta->fresh_for || age <= ctx->cfg->jwks_stale_max_seconds;
}

static bool
load(struct oa_ctx *ctx, const char *ns, const char *key, json_t **doc,
     struct oa_doc_meta *meta, bool say_why)
{
	json_t *entry = NULL;
	char entry_name[KEY_BYTES];

	*doc = NULL;
	memset(meta, 0, sizeof(*meta));
	if (ctx->cache == NULL)
		return false;
	oa_doc_cache_key(ctx->cfg, key, entry_name);
	if (!oa_cache_get_object(ctx->cache, ns, entry_name, ctx->now, false, &entry, &meta->entry))
		return false;
	*doc = unwrap(entry, meta);
	json_decref(entry);
	if (*doc != NULL && !still_usable(ctx, meta)) {
		if (say_why)
			oa_ctx_note(ctx, "cached %s fetched %lld s ago is past jwks_stale_max=%ld",
				    ns, ctx->now - meta->fetched_at,
				    ctx->cfg->jwks_stale_max_seconds);
		json_decref(*doc);
		*doc = NULL;
	}
	return *doc != NULL;
}

bool
oa_doc_cache_load(struct oa_ctx *ctx, const char *ns, const char *key,
		  json_t **doc, struct oa_doc_meta *meta)
{
	return load(ctx, ns, key, doc, meta, true);
}

bool
oa_doc_cache_peek(struct oa_ctx *ctx, const char *ns, const char *key,
		  json_t **doc, struct oa_doc_meta *meta)
{
	return load(ctx, ns, key, doc, meta, false);
}

bool
oa_doc_cache_put(struct oa_ctx *ctx, const char *ns, const char *key, const json_t *doc,
		 const struct oa_doc_meta *meta)
{
	struct oa_result r;
	char entry_name[KEY_BYTES];
	json_t *entry;
	bool written = false;

	if (ctx->cache == NULL)
		return false;
	oa_result_init(&r);
	oa_doc_cache_key(ctx->cfg, key, entry_name);
	entry = json_pack("{s:I, s:I, s:O}", "fetched_at", (json_int_t)meta->fetched_at,
			  "fresh_for", (json_int_t)meta->fresh_for, "document", doc);
	/* A cache that cannot be written costs speed, not correctness. */
	if (entry == NULL)
		oa_ctx_note(ctx, "cache not written: out of memory");
	else if (oa_cache_put_object(ctx->cache, ns, entry_name, entry, &meta->entry, 0, false,
				     &r) != OA_OK)
		oa_ctx_note(ctx, "cache not written: %s", r.reason);
	else if ((written = true, oa_cache_tidy(ctx->cache, ns, &r) != OA_OK))
		oa_ctx_note(ctx, "cache not tidied: %s", r.reason);
	json_decref(entry);
	return written;
}

void
oa_doc_cache_remove(struct oa_ctx *ctx, const char *ns, const char *key)
{
	struct oa_result r;
	char entry_name[KEY_BYTES];

	if (ctx->cache == NULL)
		return;
	oa_result_init(&r);
	oa_doc_cache_key(ctx->cfg, key, entry_name);
	if (oa_cache_remove(ctx->cache, ns, entry_name, &r) != OA_OK)
		oa_ctx_note(ctx, "cache entry not removed: %s", r.reason);
}

void
oa_doc_cache_fresh_meta(const struct oa_ctx *ctx, long max_age, struct oa_doc_meta *meta)
{
	long fresh = max_age < OA_MIN_KEYS_FRESH_SECONDS ? OA_MIN_KEYS_FRESH_SECONDS :
		     max_age > OA_MAX_KEYS_FRESH_SECONDS ? OA_MAX_KEYS_FRESH_SECONDS :
							   max_age;

	meta->fetched_at = ctx->now;
	meta->fresh_for = fresh;
	meta->entry.stored_at = ctx->now;
	meta->entry.fresh_until = ctx->now + fresh;
	/* Kept as long as any reader's jwks_stale_max= could use it; each
	 * reader holds it to its own (still_usable). */
	meta->entry.stale_until = ctx->now + OA_MAX_JWKS_STALE_MAX_SECONDS;
}

void
oa_doc_cache_store(struct oa_ctx *ctx, const char *ns, const char *key,
		   const json_t *doc, long max_age)
{
	struct oa_doc_meta meta;

	oa_doc_cache_fresh_meta(ctx, max_age, &meta);
	oa_doc_cache_put(ctx, ns, key, doc, &meta);
}

void
oa_doc_cache_retry_meta(const struct oa_ctx *ctx, const struct oa_doc_meta *old,
			struct oa_doc_meta *meta)
{
	long long retry = ctx->now + ctx->cfg->jwks_refresh_min_seconds;

	*meta = *old;
	meta->entry.stored_at = ctx->now;
	/* A failed refetch for an unknown kid leaves a fresh document as
	 * fresh: else its routine fetch would come early, unpaced. */
	meta->entry.fresh_until = old->entry.fresh_until > retry ? old->entry.fresh_until : retry;
	if (meta->entry.fresh_until > meta->entry.stale_until)
		meta->entry.fresh_until = meta->entry.stale_until;
}

void
oa_doc_cache_retry_later(struct oa_ctx *ctx, const char *ns, const char *key,
			 const json_t *doc, const struct oa_doc_meta *old)
{
	struct oa_doc_meta meta;

	oa_doc_cache_retry_meta(ctx, old, &meta);
	oa_doc_cache_put(ctx, ns, key, doc, &meta);
}
