/* SPDX-License-Identifier: MIT */
/* The password as the client sent it: any bytes up to PostgreSQL's limit. */
#include <stdlib.h>

#include "fuzz.h"
#include "jws.h"
#include "token.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* PAM hands the module a C string: what follows a NUL is never seen. */
	char *input = fuzz_strndup(data, size);
	struct oa_token token;
	struct oa_result r;

	oa_result_init(&r);
	if (oa_token_intake(input, OA_MAX_TOKEN_BYTES_CEILING, &token, &r) == OA_OK) {
		/* What the module does next with an accepted token, before any
		 * signature: the shape test and the unverified expiry. */
		(void)oa_jws_is_compact(token.value, token.len);
		(void)oa_token_unverified_exp(&token);
	}
	oa_token_clear(&token);
	free(input);
	return 0;
}
