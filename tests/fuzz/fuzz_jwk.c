/* SPDX-License-Identifier: MIT */
/* One key from the issuer's JWK Set, as JSON: import, then whether it fits
 * each algorithm. */
#include <jansson.h>

#include "fuzz.h"
#include "jwk.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	struct oa_jwk key = { 0 };
	struct oa_result r;

	if (doc == NULL)
		return 0;
	oa_result_init(&r);
	if (oa_jwk_import(doc, &key, &r) == OA_OK)
		for (int alg = 0; alg < OA_ALG_COUNT; alg++) {
			oa_result_init(&r);
			(void)oa_jwk_fits(&key, (enum oa_alg)alg, &r);
		}
	oa_jwk_clear(&key);
	json_decref(doc);
	return 0;
}
