/* SPDX-License-Identifier: MIT */
/* The issuer's JWK Set document, parsed as fetch.c parses every answer,
 * and the cut copy the cache keeps of it, which must read the same. */
#include <jansson.h>

#include "fuzz.h"
#include "jwks.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	struct oa_jwks set = { 0 };
	struct oa_result skip, r;

	if (doc == NULL)
		return 0;
	oa_result_init(&skip);
	oa_result_init(&r);
	enum oa_status whole = oa_jwks_from_json(doc, NULL, 0, OA_JWKS_ANY_ALG, &set, &skip, &r);
	json_t *kept = oa_jwks_kept(doc);
	struct oa_jwks cut = { 0 };

	if (whole == OA_OK) {
		/* kid lookups walk every key; the seeds use these kids. */
		(void)oa_jwks_has_kid(&set, "k1", 2);
		(void)oa_jwks_has_kid(&set, "", 0);
	}
	/* What the cache keeps of a set must read as the set itself: the
	 * same answer, the same keys imported, the same ones skipped. */
	if (kept != NULL) {
		struct oa_result r2;

		oa_result_init(&r2);
		if (oa_jwks_from_json(kept, NULL, 0, OA_JWKS_ANY_ALG, &cut, NULL, &r2) != whole ||
		    (whole == OA_OK && (cut.n != set.n || cut.skipped != set.skipped)))
			__builtin_trap();
	} else if (json_is_array(json_object_get(doc, "keys"))) {
		__builtin_trap(); /* only memory can fail it, and fuzzing has plenty */
	}
	oa_jwks_clear(&cut);
	json_decref(kept);
	oa_jwks_clear(&set);
	json_decref(doc);
	return 0;
}
