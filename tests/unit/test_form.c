/* SPDX-License-Identifier: MIT */
/* Unit tests of form.c. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "form.h"

static void
test_form_encodes_names_and_values(void **state)
{
	struct oa_form f = { 0 };

	(void)state;
	oa_form_add(&f, "token", "a+b/c=", 6);
	oa_form_add(&f, "token_type_hint", "access_token", 12);
	oa_form_add(&f, "client_secret", "p&ss w=rd\xc3\xa9%", 12);
	assert_false(f.failed);
	assert_string_equal(f.data, "token=a%2Bb%2Fc%3D&token_type_hint=access_token"
				    "&client_secret=p%26ss+w%3Drd%C3%A9%25");
	assert_int_equal(f.len, strlen(f.data));
	oa_form_wipe(&f);
	assert_null(f.data);
	assert_int_equal(f.len, 0);
}

static void
test_form_grows_past_its_first_block(void **state)
{
	char big[5000];
	struct oa_form f = { 0 };

	(void)state;
	memset(big, 'x', sizeof(big));
	oa_form_add(&f, "token", big, sizeof(big));
	oa_form_add(&f, "a", "b", 1);
	assert_int_equal(f.len, 6 + sizeof(big) + 4);
	assert_memory_equal(f.data + f.len - 4, "&a=b", 4);
	oa_form_wipe(&f);
}

static void
test_form_embedded_nul_is_encoded(void **state)
{
	struct oa_form f = { 0 };

	(void)state;
	oa_form_add(&f, "k", "a\0b", 3);
	assert_string_equal(f.data, "k=a%00b");
	oa_form_wipe(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_encodes_names_and_values),
		cmocka_unit_test(test_form_grows_past_its_first_block),
		cmocka_unit_test(test_form_embedded_nul_is_encoded),
	};
	return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
