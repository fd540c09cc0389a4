/* SPDX-License-Identifier: MIT */
/* Unit tests of jwa.c. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "jwa.h"

static bool
parse(const char *name, enum oa_alg *alg)
{
	return oa_alg_parse(name, strlen(name), alg);
}

static void
test_jwa_parses_every_registered_name_back(void **state)
{
	enum oa_alg alg;

	(void)state;
	for (int i = 0; i < OA_ALG_COUNT; i++) {
		const char *name = oa_alg_name((enum oa_alg)i);

		assert_true(parse(name, &alg));
		assert_int_equal(alg, i);
	}
	assert_string_equal(oa_alg_name(OA_ALG_EDDSA), "EdDSA");
	assert_string_equal(oa_alg_name(OA_ALG_PS384), "PS384");
}

static void
test_jwa_ed25519_is_eddsa(void **state)
{
	enum oa_alg alg = OA_ALG_RS256;

	(void)state;
	assert_true(parse("Ed25519", &alg));
	assert_int_equal(alg, OA_ALG_EDDSA);
}

static void
test_jwa_rejects_none_and_near_misses(void **state)
{
	static const char *const bad[] = {
		"none", "None", "NONE", "", "rs256", "Rs256", "RS256 ", " RS256",
		"RS2", "RS2560", "HS256X", "ES256K", "eddsa", "EDDSA", "ed25519",
		"Ed448", "PS256\n", "RSA-OAEP", "A128KW", "dir",
	};
	enum oa_alg alg;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(parse(bad[i], &alg));
	assert_false(oa_alg_parse(NULL, 0, &alg));
}

static void
test_jwa_uses_the_length_not_the_nul(void **state)
{
	enum oa_alg alg;

	(void)state;
	/* "RS256\0" from a JSON string with \u0000 must not pass as RS256 */
	assert_false(oa_alg_parse("RS256\0", 6, &alg));
	assert_false(oa_alg_parse("RS256", 4, &alg));
	assert_true(oa_alg_parse("RS256xyz", 5, &alg));
	assert_int_equal(alg, OA_ALG_RS256);
}

static void
test_jwa_only_hs_is_hmac(void **state)
{
	(void)state;
	for (int i = 0; i < OA_ALG_COUNT; i++) {
		enum oa_alg alg = (enum oa_alg)i;
		bool hs = strncmp(oa_alg_name(alg), "HS", 2) == 0;

		assert_int_equal(oa_alg_is_hmac(alg), hs);
		assert_int_equal(oa_alg_family(alg) == OA_FAMILY_HMAC, hs);
	}
}

static void
test_jwa_hash_matches_the_name(void **state)
{
	(void)state;
	for (int i = 0; i < OA_ALG_COUNT; i++) {
		enum oa_alg alg = (enum oa_alg)i;
		const char *bits = oa_alg_name(alg) + 2;

		if (alg == OA_ALG_EDDSA) {
			assert_null(oa_alg_md(alg));
			assert_int_equal(oa_alg_hash_bytes(alg), 0);
			continue;
		}
		assert_int_equal(oa_alg_hash_bytes(alg) * 8, (size_t)atoi(bits));
		assert_int_equal(EVP_MD_get_size(oa_alg_md(alg)), oa_alg_hash_bytes(alg));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jwa_parses_every_registered_name_back),
		cmocka_unit_test(test_jwa_ed25519_is_eddsa),
		cmocka_unit_test(test_jwa_rejects_none_and_near_misses),
		cmocka_unit_test(test_jwa_uses_the_length_not_the_nul),
		cmocka_unit_test(test_jwa_only_hs_is_hmac),
		cmocka_unit_test(test_jwa_hash_matches_the_name),
	};
	return cmocka_run_group_tests_name("jwa", tests, NULL, NULL);
}
