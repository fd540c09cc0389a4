/* SPDX-License-Identifier: MIT */
/* Cache entries as JSON objects: read, checked and written in one place. */

#include "cache_json.h"

#include <stdlib.h>
#include <string.h>

static void
free_text(char *text, size_t len, bool secret)
{
	if (text != NULL && secret)
		explicit_bzero(text, len);
	free(text);
}

bool
oa_cache_get_object(struct oa_cache *c, const char *ns, const char *key,
		    long long now, bool secret, json_t **doc,
		    struct oa_cache_meta *meta)
{
	struct oa_result r;
	char *value = NULL;
	size_t len = 0;
	bool found = false;

	*doc = NULL;
	oa_result_init(&r);
	if (oa_cache_get(c, ns, key, now, &value, &len, meta, &found, &r) != OA_OK || !found) {
		free_text(value, len, secret);
		return false;
	}
	*doc = json_loadb(value, len, JSON_REJECT_DUPLICATES, NULL);
	free_text(value, len, secret);
	if (!json_is_object(*doc)) {
		json_decref(*doc);
		*doc = NULL;
		return false;
	}
	return true;
}

enum oa_status
oa_cache_put_object(struct oa_cache *c, const char *ns, const char *key,
		    const json_t *doc, const struct oa_cache_meta *meta,
		    size_t max_entries, bool secret, struct oa_result *r)
{
	char *text = json_dumps(doc, JSON_COMPACT);
	size_t len;
	enum oa_status s;

	if (text == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory writing a cache entry");
	len = strlen(text);
	s = oa_cache_put(c, ns, key, text, len, meta, max_entries, r);
	free_text(text, len, secret);
	return s;
}
