/* SPDX-License-Identifier: MIT */
/* One JSON object per cache entry, as issuer documents, remembered verdicts
 * and pg_oauth2_token's tokens are kept.  An entry marked secret (it holds
 * tokens) has its text wiped before the memory is freed; the parsed
 * object's strings are the caller's to wipe. */
#ifndef OA_CACHE_JSON_H
#define OA_CACHE_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cache.h"
#include "result.h"

/* The object stored under ns/key and not past its stale limit, with its
 * times in `meta` (may be NULL); false for none, and for an entry that is
 * not a JSON object or repeats a member. */
bool oa_cache_get_object(struct oa_cache *c, const char *ns, const char *key,
			 long long now, bool secret, json_t **doc,
			 struct oa_cache_meta *meta);

/* oa_cache_put of `doc`'s compact text. */
enum oa_status oa_cache_put_object(struct oa_cache *c, const char *ns, const char *key,
				   const json_t *doc, const struct oa_cache_meta *meta,
				   size_t max_entries, bool secret, struct oa_result *r);

#endif
