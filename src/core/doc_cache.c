#include "doc_cache.h"

#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "cache_json.h"

bool
oa_doc_cache_load(struct oa_ctx *ctx, const char *ns, const char *key,
		  json_t **doc, struct oa_cache_meta *meta)
{
	*doc = NULL;
	return ctx->cache != NULL &&
	       oa_cache_get_object(ctx->cache, ns, key, ctx->now, false, doc, meta);
}

static void
put(struct oa_ctx *ctx, const char *ns, const char *key, const json_t *doc,
    const struct oa_cache_meta *meta)
{
	struct oa_result r;

	if (ctx->cache == NULL)
		return;
	oa_result_init(&r);
	/* A cache that cannot be written costs speed, not correctness. */
	if (oa_cache_put_object(ctx->cache, ns, key, doc, meta, 0, false, &r) != OA_OK)
		oa_ctx_note(ctx, "cache not written: %s", r.reason);
}

void
oa_doc_cache_store(struct oa_ctx *ctx, const char *ns, const char *key,
		   const json_t *doc, long max_age)
{
	long fresh = max_age < OA_MIN_KEYS_FRESH_SECONDS ? OA_MIN_KEYS_FRESH_SECONDS :
		     max_age > OA_MAX_KEYS_FRESH_SECONDS ? OA_MAX_KEYS_FRESH_SECONDS : max_age;
	struct oa_cache_meta meta;

	meta.stored_at = ctx->now;
	meta.fresh_until = ctx->now + fresh;
	meta.stale_until = ctx->now + ctx->cfg->jwks_stale_max_seconds;
	if (meta.stale_until < meta.fresh_until)
		meta.stale_until = meta.fresh_until;
	put(ctx, ns, key, doc, &meta);
}

void
oa_doc_cache_retry_later(struct oa_ctx *ctx, const char *ns, const char *key,
			 const json_t *doc, const struct oa_cache_meta *old)
{
	struct oa_cache_meta meta = *old;

	meta.stored_at = ctx->now;
	meta.fresh_until = ctx->now + ctx->cfg->jwks_refresh_min_seconds;
	if (meta.fresh_until > meta.stale_until)
		meta.fresh_until = meta.stale_until;
	put(ctx, ns, key, doc, &meta);
}
