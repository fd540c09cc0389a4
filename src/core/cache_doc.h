/* SPDX-License-Identifier: MIT */
/* Issuer documents (discovery, JWKS) kept in the on-disk cache between
 * logins, since every PostgreSQL connection starts a fresh process.
 *
 * An entry is {"fetched_at": T, "fresh_for": S, "document": {...}}: when
 * the issuer sent the document and for how long it was fresh.  The reader
 * judges staleness by its own jwks_stale_max=, not the writer's, since
 * services with other settings (and pam_oauth2_check) share a cache_dir;
 * and `key` (the document's URL) is stored with the TLS trust it was
 * fetched under (cafile=, capath=, pinned_pubkey=), so a service never
 * takes a document another fetched with less.  The entry's stored_at is
 * when the issuer was last asked, which paces the asking while it is
 * down. */
#ifndef OA_CACHE_DOC_H
#define OA_CACHE_DOC_H

#include <jansson.h>
#include <stdbool.h>

#include "cache.h"
#include "context.h"

/* Room for an entry's key: a URL and its TLS trust. */
#define OA_DOC_CACHE_KEY_BYTES (OA_MAX_URL_BYTES + 64)

struct oa_doc_meta {
	struct oa_cache_meta entry; /* entry.stored_at: when last asked */
	long long fetched_at;       /* when the issuer sent the document */
	long long fresh_for;        /* seconds it was fresh from fetched_at */
};

/* A document cached under ns/key that this configuration may still use:
 * fresh, or fetched no more than jwks_stale_max= ago.  Else false and
 * *doc NULL. */
bool oa_doc_cache_load(struct oa_ctx *ctx, const char *ns, const char *key,
		       json_t **doc, struct oa_doc_meta *meta);

/* oa_doc_cache_load without the note on a document past the stale limit:
 * for an entry whose miss the caller answers from another. */
bool oa_doc_cache_peek(struct oa_ctx *ctx, const char *ns, const char *key,
		       json_t **doc, struct oa_doc_meta *meta);

/* Stores a freshly fetched document, fresh for its Cache-Control max-age
 * within OA_MIN/MAX_KEYS_FRESH_SECONDS, and removes the namespace's dead
 * entries and abandoned temporary files (oa_cache_tidy). */
void oa_doc_cache_store(struct oa_ctx *ctx, const char *ns, const char *key,
			const json_t *doc, long max_age);

/* The times oa_doc_cache_store gives a document fetched now. */
void oa_doc_cache_fresh_meta(const struct oa_ctx *ctx, long max_age, struct oa_doc_meta *meta);

/* The times oa_doc_cache_retry_later gives an entry that had `old`. */
void oa_doc_cache_retry_meta(const struct oa_ctx *ctx, const struct oa_doc_meta *old,
			     struct oa_doc_meta *meta);

/* Stores `doc` under ns/key with these times and tidies the namespace;
 * whether the entry was written.  What oa_doc_cache_store and
 * oa_doc_cache_retry_later do with the times above. */
bool oa_doc_cache_put(struct oa_ctx *ctx, const char *ns, const char *key, const json_t *doc,
		      const struct oa_doc_meta *meta);

/* Removes the entry of ns/key under this configuration's TLS trust. */
void oa_doc_cache_remove(struct oa_ctx *ctx, const char *ns, const char *key);

/* The cache key of the document at `url` under this configuration's TLS
 * trust: the URL and a digest of cafile=, capath= and pinned_pubkey=. */
void oa_doc_cache_key(const struct oa_config *cfg, const char *url,
		      char key[OA_DOC_CACHE_KEY_BYTES]);

/* After a failed fetch, keeps serving `doc` but asks again no sooner than
 * jwks_refresh_min= from now (and never past its stale limit), so an issuer
 * that is down is not asked on every login; a document still fresh stays
 * so as long as it was.  The fetch time stays. */
void oa_doc_cache_retry_later(struct oa_ctx *ctx, const char *ns, const char *key,
			      const json_t *doc, const struct oa_doc_meta *meta);

#endif
