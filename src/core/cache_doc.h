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

/* Stores a freshly fetched document, fresh for its Cache-Control max-age
 * within OA_MIN/MAX_KEYS_FRESH_SECONDS, and removes the namespace's dead
 * entries and abandoned temporary files (oa_cache_tidy). */
void oa_doc_cache_store(struct oa_ctx *ctx, const char *ns, const char *key,
			const json_t *doc, long max_age);

/* After a failed fetch, keeps serving `doc` but asks again no sooner than
 * jwks_refresh_min= from now (and never past its stale limit), so an issuer
 * that is down is not asked on every login.  The fetch time stays. */
void oa_doc_cache_retry_later(struct oa_ctx *ctx, const char *ns, const char *key,
			      const json_t *doc, const struct oa_doc_meta *meta);

#endif
