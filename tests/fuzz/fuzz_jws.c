/* SPDX-License-Identifier: MIT */
/* A compact JWS from the client: parsing, then the claims checks on what
 * it says (the signature step is left out: a fuzzer cannot sign, and what
 * it would gate is exactly what is fuzzed here). */
#include "fuzz.h"
#include "jwt_claims.h"
#include "jws.h"

/* Every algorithm the module knows; the parser must still refuse "none". */
#define ALL_ALGS ((1u << OA_ALG_COUNT) - 1)

static struct oa_config strict, lax;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const strict_args[] = {
		"issuer=https://idp.example", "audience=db,postgres",
		"jwks_uri=https://idp.example/keys", "token_type=at+jwt", "leeway=30",
	};
	static const char *const lax_args[] = {
		"issuer=https://idp.example", "allow_any_audience",
		"jwks_uri=https://idp.example/keys", "leeway=0",
	};
	static bool ready;
	struct oa_jws jws = { 0 };
	struct oa_result r;

	if (!ready) {
		fuzz_config(5, strict_args, &strict);
		fuzz_config(4, lax_args, &lax);
		ready = true;
	}
	oa_result_init(&r);
	if (oa_jws_parse((const char *)data, size, ALL_ALGS, &jws, &r) == OA_OK) {
		long long exp;

		(void)oa_jwt_check_claims(&strict, &jws, FUZZ_NOW, &exp, &r);
		oa_result_init(&r);
		(void)oa_jwt_check_claims(&lax, &jws, FUZZ_NOW, &exp, &r);
	}
	oa_jws_clear(&jws);
	return 0;
}
