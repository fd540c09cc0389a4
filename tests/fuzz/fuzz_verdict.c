/* SPDX-License-Identifier: MIT */
/* A remembered verdict's text: any backend of the service user may have
 * written it, so a malformed one must only ever be "nothing remembered". */
#include "fuzz.h"
#include "cache_verdict.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oa_remembered_verdict v;

	oa_verdict_cache_parse_entry((const char *)data, size, FUZZ_NOW, &v);
	oa_remembered_clear(&v);
	return 0;
}
