#include "doc_cache.h"

#include <stdlib.h>
#include <string.h>

#include "bounds.h"

bool
oa_doc_cache_load(struct oa_ctx *ctx, const char *ns, const char *key,
		  json_t **doc, struct oa_cache_meta *meta)
{
	struct oa_result r;
	char *value = NULL;
	size_t len = 0;
	bool found = false;

	*doc = NULL;
	if (ctx->cache == NULL)
		return false;
	oa_result_init(&r);
	if (oa_cache_get(ctx->cache, ns, key, ctx->now, &value, &len, meta, &found, &r) != OA_OK ||
	    !found) {
		free(value);
		return false;
	}
	*doc = json_loadb(value, len, JSON_REJECT_DUPLICATES, NULL);
	free(value);
	if (!json_is_object(*doc)) {
		json_decref(*doc);
		*doc = NULL;
		return false;
	}
	return true;
}

static void
put(struct oa_ctx *ctx, const char *ns, const char *key, const json_t *doc,
    const struct oa_cache_meta *meta)
{
	struct oa_result r;
	char *text;

	if (ctx->cache == NULL)
		return;
	text = json_dumps(doc, JSON_COMPACT);
	if (text == NULL)
		return;
	oa_result_init(&r);
	/* A cache that cannot be written costs speed, not correctness. */
	if (oa_cache_put(ctx->cache, ns, key, text, strlen(text), meta, 0, &r) != OA_OK)
		oa_ctx_note(ctx, "cache not written: %s", r.reason);
	free(text);
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
