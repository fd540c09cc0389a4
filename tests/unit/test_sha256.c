/* SPDX-License-Identifier: MIT */
/* Unit tests of sha256.c against known digests. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

static char *
hex_of(const unsigned char md[OA_SHA256_BYTES])
{
	static char out[2 * OA_SHA256_BYTES + 1];

	oa_hex(md, OA_SHA256_BYTES, out);
	return out;
}

/* FIPS 180-2 appendix B: one block, two blocks, and "a" a million times. */
static void
test_sha256_fips_180_2_vectors(void **state)
{
	unsigned char md[OA_SHA256_BYTES];
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char *million = malloc(1000000);

	(void)state;
	oa_sha256("abc", 3, md);
	assert_string_equal(hex_of(md),
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	oa_sha256(two, strlen(two), md);
	assert_string_equal(hex_of(md),
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	assert_non_null(million);
	memset(million, 'a', 1000000);
	oa_sha256(million, 1000000, md);
	assert_string_equal(hex_of(md),
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
	oa_sha256("", 0, md);
	assert_string_equal(hex_of(md),
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* Updates in pieces give the digest of the whole. */
static void
test_sha256_incremental_equals_one_shot(void **state)
{
	const char *text = "The quick brown fox jumps over the lazy dog";
	unsigned char whole[OA_SHA256_BYTES], pieces[OA_SHA256_BYTES];
	struct oa_sha256 s;

	(void)state;
	oa_sha256(text, strlen(text), whole);
	oa_sha256_init(&s);
	for (size_t i = 0; i < strlen(text); i += 7)
		oa_sha256_update(&s, text + i, strlen(text) - i < 7 ? strlen(text) - i : 7);
	oa_sha256_final(&s, pieces);
	assert_memory_equal(whole, pieces, sizeof(whole));
	assert_string_equal(hex_of(whole),
		"d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592");
}

static void
test_hex_prefix(void **state)
{
	const unsigned char md[3] = { 0x00, 0xab, 0xf0 };
	char out[7];

	(void)state;
	oa_hex(md, 3, out);
	assert_string_equal(out, "00abf0");
	oa_hex(md, 1, out);
	assert_string_equal(out, "00");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_fips_180_2_vectors),
		cmocka_unit_test(test_sha256_incremental_equals_one_shot),
		cmocka_unit_test(test_hex_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
