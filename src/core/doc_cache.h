/* Issuer documents (discovery, JWKS) kept in the on-disk cache between
 * logins, since every PostgreSQL connection starts a fresh process.  The
 * entry's stored_at is when the issuer was last asked. */
#ifndef OA_DOC_CACHE_H
#define OA_DOC_CACHE_H

#include <jansson.h>
#include <stdbool.h>

#include "cache.h"
#include "context.h"

/* A document cached under ns/key and not past its stale limit, or false. */
bool oa_doc_cache_load(struct oa_ctx *ctx, const char *ns, const char *key,
		       json_t **doc, struct oa_cache_meta *meta);

/* Stores a freshly fetched document: fresh for its Cache-Control max-age
 * within OA_MIN/MAX_KEYS_FRESH_SECONDS, usable when stale until
 * jwks_stale_max= after now. */
void oa_doc_cache_store(struct oa_ctx *ctx, const char *ns, const char *key,
			const json_t *doc, long max_age);

/* After a failed fetch, keeps serving `doc` but asks again no sooner than
 * jwks_refresh_min= from now (and never past its stale limit), so an issuer
 * that is down is not asked on every login. */
void oa_doc_cache_retry_later(struct oa_ctx *ctx, const char *ns, const char *key,
			      const json_t *doc, const struct oa_cache_meta *meta);

#endif
