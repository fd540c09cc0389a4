#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64url_rfc4648_vectors),
		cmocka_unit_test(test_base64url_rejects_non_canonical),
	};
	return cmocka_run_group_tests_name("base64url", tests, NULL, NULL);
}
