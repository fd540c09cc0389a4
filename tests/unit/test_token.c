/* SPDX-License-Identifier: MIT */
/* Unit tests of token.c. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "token.h"

static enum oa_status
intake(const char *input, size_t max, struct oa_token *t, struct oa_result *r)
{
	oa_result_init(r);
	return oa_token_intake(input, max, t, r);
}

static void
test_token_trims_white_space_and_bearer_prefix(void **state)
{
	static const char *const inputs[] = {
		"abc.def-ghi_jkl", "  abc.def-ghi_jkl\n", "\tabc.def-ghi_jkl\r\n",
		"Bearer abc.def-ghi_jkl", "bearer  abc.def-ghi_jkl", " BEARER\tabc.def-ghi_jkl ",
	};
	struct oa_token t;
	struct oa_result r;

	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		assert_int_equal(intake(inputs[i], 100, &t, &r), OA_OK);
		assert_string_equal(t.value, "abc.def-ghi_jkl");
		assert_int_equal(t.len, 15);
		oa_token_clear(&t);
		assert_null(t.value);
	}
}

static void
test_token_fingerprint_is_sha256_prefix(void **state)
{
	struct oa_token t;
	struct oa_result r;

	(void)state;
	/* SHA-256("abc") (FIPS 180-2 B.1), of the token without the space
	 * around it: the fingerprint is its first 12 hex digits, and the
	 * digest the verdict cache key uses is the whole of it */
	static const unsigned char abc[OA_SHA256_BYTES] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
		0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
		0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};

	assert_int_equal(intake(" abc ", 100, &t, &r), OA_OK);
	assert_string_equal(t.fingerprint, "ba7816bf8f01");
	assert_memory_equal(t.digest, abc, sizeof(abc));
	oa_token_clear(&t);
}

static void
test_token_rejects_empty_and_blank(void **state)
{
	static const char *const inputs[] = { "", "   ", "\r\n", "Bearer ", "Bearer    " };
	struct oa_token t;
	struct oa_result r;

	(void)state;
	assert_int_equal(intake(NULL, 100, &t, &r), OA_REJECTED);
	oa_token_clear(&t);
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		assert_int_equal(intake(inputs[i], 100, &t, &r), OA_REJECTED);
		assert_string_equal(r.reason, "empty token");
		assert_null(t.value);
		oa_token_clear(&t);
	}
}

static void
test_token_size_limit_is_inclusive(void **state)
{
	char buf[70000];
	struct oa_token t;
	struct oa_result r;

	(void)state;
	memset(buf, 'a', sizeof(buf));
	buf[16384] = '\0';
	assert_int_equal(intake(buf, 16384, &t, &r), OA_OK);
	assert_int_equal(t.len, 16384);
	oa_token_clear(&t);
	buf[16384] = 'a';
	buf[16385] = '\0';
	assert_int_equal(intake(buf, 16384, &t, &r), OA_REJECTED);
	assert_non_null(strstr(r.reason, "16385 bytes is over max_token_size=16384"));
	assert_null(t.value);
	oa_token_clear(&t);
	buf[65536] = '\0';
	assert_int_equal(intake(buf, 65536, &t, &r), OA_OK);
	oa_token_clear(&t);
}

static void
test_token_rejects_characters_outside_b64token(void **state)
{
	static const char *const bad[] = {
		"abc def", "abc\r\nX-Injected: 1", "abc\"", "a=b", "=abc", "abc,def",
		"abc;", "ab\x01", "\xc3\xa9t\xc3\xa9", "Bearer", "abc\tdef",
	};
	struct oa_token t;
	struct oa_result r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum oa_status s = intake(bad[i], 100, &t, &r);
		/* "Bearer" alone is a token of six letters, which is fine. */
		if (strcmp(bad[i], "Bearer") == 0) {
			assert_int_equal(s, OA_OK);
		} else {
			assert_int_equal(s, OA_REJECTED);
			assert_null(t.value);
		}
		oa_token_clear(&t);
	}
	assert_int_equal(intake("abc+/~.-_==", 100, &t, &r), OA_OK);
	oa_token_clear(&t);
}

static void
test_token_unverified_exp(void **state)
{
	struct oa_token t;
	struct oa_result r;

	(void)state;
	/* {"alg":"none"} . {"exp":1700000000,"sub":"a"} . sig */
	assert_int_equal(intake("eyJhbGciOiJub25lIn0.eyJleHAiOjE3MDAwMDAwMDAsInN1YiI6ImEifQ.c2ln",
				100, &t, &r), OA_OK);
	assert_int_equal(oa_token_unverified_exp(&t), 1700000000LL);
	oa_token_clear(&t);
	/* {"exp":"1700000000"}: a string is not an expiry */
	assert_int_equal(intake("e30.eyJleHAiOiIxNzAwMDAwMDAwIn0.c2ln", 100, &t, &r), OA_OK);
	assert_int_equal(oa_token_unverified_exp(&t), -1);
	oa_token_clear(&t);
	/* duplicate exp keys are refused */
	assert_int_equal(intake("e30.eyJleHAiOjEsImV4cCI6Mn0.c2ln", 100, &t, &r), OA_OK);
	assert_int_equal(oa_token_unverified_exp(&t), -1);
	oa_token_clear(&t);
	assert_int_equal(intake("opaque-token", 100, &t, &r), OA_OK);
	assert_int_equal(oa_token_unverified_exp(&t), -1);
	oa_token_clear(&t);
	assert_int_equal(intake("a.b.c.d", 100, &t, &r), OA_OK);
	assert_int_equal(oa_token_unverified_exp(&t), -1);
	oa_token_clear(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_trims_white_space_and_bearer_prefix),
		cmocka_unit_test(test_token_fingerprint_is_sha256_prefix),
		cmocka_unit_test(test_token_rejects_empty_and_blank),
		cmocka_unit_test(test_token_size_limit_is_inclusive),
		cmocka_unit_test(test_token_rejects_characters_outside_b64token),
		cmocka_unit_test(test_token_unverified_exp),
	};
	return cmocka_run_group_tests_name("token", tests, NULL, NULL);
}
