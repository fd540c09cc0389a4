/* SPDX-License-Identifier: MIT */
/* oa_text_escape: what untrusted text becomes in a syslog line, byte by
 * byte, and where a long text is cut. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

/* Every byte value alone: printable ASCII as is, '"' and '\' escaped with
 * a backslash, anything else (controls, DEL, bytes over 0x7e) as \xNN. */
static void
test_text_every_byte(void **state)
{
	(void)state;
	for (int c = 0; c < 256; c++) {
		char in = (char)c, out[8], want[8];

		if (c == '"' || c == '\\')
			snprintf(want, sizeof(want), "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			snprintf(want, sizeof(want), "\\x%02x", c);
		else
			snprintf(want, sizeof(want), "%c", c);
		oa_text_escape(&in, 1, out, sizeof(out));
		assert_string_equal(out, want);
	}
}

/* A text that does not fit ends in "..." within out_size, never cutting
 * an escape in two; a zero-sized buffer is left alone. */
static void
test_text_cut_marks_the_end(void **state)
{
	char out[10], untouched = 'u';

	(void)state;
	oa_text_escape("abcdef", 6, out, sizeof(out));
	assert_string_equal(out, "abcdef");
	oa_text_escape("abcdefghijkl", 12, out, sizeof(out));
	assert_string_equal(out, "abcdef...");
	oa_text_escape("ab\ncdefgh", 9, out, sizeof(out));
	assert_string_equal(out, "ab\\x0a...");
	oa_text_escape("abcd\x01xyz", 8, out, sizeof(out));
	assert_string_equal(out, "abcd...");
	oa_text_escape("a\"b", 3, out, sizeof(out));
	assert_string_equal(out, "a\\\"b");
	oa_text_escape("abc", 3, &untouched, 0);
	assert_int_equal(untouched, 'u');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_every_byte),
		cmocka_unit_test(test_text_cut_marks_the_end),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
