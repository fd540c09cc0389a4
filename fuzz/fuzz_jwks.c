/* The issuer's JWK Set document, parsed as fetch.c parses every answer. */
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
	if (oa_jwks_from_json(doc, NULL, 0, &set, &skip, &r) == OA_OK) {
		/* kid lookups walk every key; the seeds use these kids. */
		(void)oa_jwks_has_kid(&set, "k1", 2);
		(void)oa_jwks_has_kid(&set, "", 0);
	}
	oa_jwks_clear(&set);
	json_decref(doc);
	return 0;
}
