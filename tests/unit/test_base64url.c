/* SPDX-License-Identifier: MIT */
/* Unit tests of base64url.c. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "base64url.h"

static void
expect_decode(const char *in, const char *want, size_t want_len)
{
	unsigned char *out;
	size_t len;

	assert_true(oa_base64url_decode(in, strlen(in), &out, &len));
	assert_int_equal(len, want_len);
	assert_memory_equal(out, want, want_len);
	assert_int_equal(out[len], 0);
	free(out);
}

static void
expect_reject(const char *in)
{
	unsigned char *out = (unsigned char *)"x";
	size_t len = 7;

	if (oa_base64url_decode(in, strlen(in), &out, &len))
		fail_msg("accepted \"%s\"", in);
	assert_null(out);
	assert_int_equal(len, 0);
}

static void
test_base64url_rfc4648_vectors(void **state)
{
	(void)state;
	expect_decode("", "", 0);
	expect_decode("Zg", "f", 1);
	expect_decode("Zm8", "fo", 2);
	expect_decode("Zm9v", "foo", 3);
	expect_decode("Zm9vYg", "foob", 4);
	expect_decode("Zm9vYmE", "fooba", 5);
	expect_decode("Zm9vYmFy", "foobar", 6);
	expect_decode("-_8", "\xfb\xff", 2);
}

static void
test_base64url_rejects_non_canonical(void **state)
{
	(void)state;
	expect_reject("Zg==");  /* padding */
	expect_reject("Zm8=");
	expect_reject("+/8");   /* standard alphabet */
	expect_reject("Zh");    /* non-zero unused bits */
	expect_reject("Zm9");
	expect_reject("Z");     /* impossible length */
	expect_reject("Zm9vY");
	expect_reject("Zm 9v");
	expect_reject("Zm9v\n");
}

/* Every byte value in every position, of a whole group of four and of a
 * tail of two and three: only the 64 characters of the alphabet decode,
 * each to its own six bits. */
static void
test_base64url_every_byte_in_every_position(void **state)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char in[8];

	(void)state;
	for (int c = 1; c < 256; c++) {
		const char *at = strchr(alphabet, c);
		int value = at != NULL ? (int)(at - alphabet) : -1;

		for (size_t pos = 0; pos < 7; pos++) {
			unsigned char *out = NULL;
			size_t len = 0;
			bool ok;

			/* "AAAAAAA" is five zero bytes; the last character's
			 * two low bits fall in no byte, so there only those
			 * whose two low bits are zero are canonical. */
			memcpy(in, "AAAAAAA", 8);
			in[pos] = (char)c;
			ok = oa_base64url_decode(in, 7, &out, &len);
			if (value < 0 || (pos == 6 && (value & 3) != 0)) {
				if (ok)
					fail_msg("accepted byte 0x%02x at %zu", c, pos);
				continue;
			}
			if (!ok)
				fail_msg("refused '%c' at %zu", c, pos);
			assert_int_equal(len, 5);
			/* its six bits are bits 6 * pos .. 6 * pos + 5 of the
			 * 40, counted from the top; every other bit is zero */
			for (size_t bit = 0; bit < 40; bit++) {
				size_t shift = 6 * pos;
				int want = bit >= shift && bit < shift + 6 ?
						   (value >> (5 - (bit - shift))) & 1 : 0;

				assert_int_equal((out[bit / 8] >> (7 - bit % 8)) & 1, want);
			}
			free(out);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64url_rfc4648_vectors),
		cmocka_unit_test(test_base64url_rejects_non_canonical),
		cmocka_unit_test(test_base64url_every_byte_in_every_position),
	};
	return cmocka_run_group_tests_name("base64url", tests, NULL, NULL);
}
