/* SPDX-License-Identifier: MIT */
/* The pam.d reader of pam_oauth2_check (src/tools/pamd.c): fields split as
 * libpam splits them, brackets and "\]", comments and continued lines, the
 * auth entry found among others, and service names that are not names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pamd.h"
#include "words.h"

static void
assert_fields(const char *line, size_t n, ...)
{
	char *copy = strdup(line);
	char *fields[16];
	size_t got = oa_words_split(copy, fields, 16);
	va_list ap;

	assert_int_equal(got, n);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(fields[i], va_arg(ap, const char *));
	va_end(ap);
	free(copy);
}

static void
test_pamd_splits_on_spaces_and_tabs(void **state)
{
	(void)state;
	assert_fields("auth\trequired  pam_oauth2.so a=1   b \n", 5,
		      "auth", "required", "pam_oauth2.so", "a=1", "b");
	assert_fields("   \t ", 0);
}

static void
test_pamd_brackets_make_one_field(void **state)
{
	(void)state;
	assert_fields("auth [success=1 default=ignore] pam_oauth2.so [claim_any_of=g:a b]", 4,
		      "auth", "success=1 default=ignore", "pam_oauth2.so", "claim_any_of=g:a b");
}

static void
test_pamd_escaped_bracket_is_kept(void **state)
{
	(void)state;
	assert_fields("[a\\]b c] d", 2, "a]b c", "d");
	assert_fields("[x[y] z", 2, "x[y", "z");
}

static void
test_pamd_bracket_ends_the_field(void **state)
{
	(void)state;
	/* libpam starts the next field right after ']', blank or not */
	assert_fields("[a b]c", 2, "a b", "c");
	assert_fields("[unclosed field", 1, "unclosed field");
	assert_fields("a[b c]", 2, "a[b", "c]");
}

static void
test_pamd_split_counts_past_max(void **state)
{
	char line[] = "a b c d e";
	char *fields[2];

	(void)state;
	assert_int_equal(oa_words_split(line, fields, 2), 5);
	assert_string_equal(fields[1], "b");
}

static struct oa_pamd_entry
find_ok(const char *text)
{
	struct oa_pamd_entry e;
	struct oa_result r;

	oa_result_init(&r);
	assert_int_equal(oa_pamd_find_auth(text, strlen(text), "svc", &e, &r), OA_OK);
	return e;
}

static void
find_fails(const char *text, const char *reason)
{
	struct oa_pamd_entry e;
	struct oa_result r;

	oa_result_init(&r);
	assert_int_equal(oa_pamd_find_auth(text, strlen(text), "svc", &e, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, reason));
	oa_pamd_entry_free(&e);
}

static void
test_pamd_finds_the_auth_line_among_others(void **state)
{
	struct oa_pamd_entry e = find_ok(
		"# pg_auth\n"
		"\n"
		"account required pam_oauth2.so issuer=wrong\n"
		"auth sufficient pam_unix.so nullok\n"
		"auth [success=done default=die] /lib/x86_64-linux-gnu/security/pam_oauth2.so "
		"issuer=https://idp audience=db\n"
		"auth required pam_oauth2.so issuer=second\n");

	(void)state;
	assert_int_equal(e.line, 5);
	assert_string_equal(e.module, "/lib/x86_64-linux-gnu/security/pam_oauth2.so");
	assert_int_equal(e.argc, 2);
	assert_string_equal(e.argv[0], "issuer=https://idp");
	assert_string_equal(e.argv[1], "audience=db");
	assert_null(e.argv[2]);
	oa_pamd_entry_free(&e);
}

static void
test_pamd_type_ignores_case_and_dash(void **state)
{
	struct oa_pamd_entry e = find_ok("-AUTH optional pam_oauth2.so debug\n");

	(void)state;
	assert_int_equal(e.argc, 1);
	assert_string_equal(e.argv[0], "debug");
	oa_pamd_entry_free(&e);
}

static void
test_pamd_module_name_must_match_exactly(void **state)
{
	(void)state;
	find_fails("auth required pam_oauth2.so.bak a\nauth required my_pam_oauth2.so b\n"
		   "auth required /x/pam_oauth2.sox c\n", "no auth line for pam_oauth2.so");
}

static void
test_pamd_comment_ends_the_line_even_in_brackets(void **state)
{
	struct oa_pamd_entry e = find_ok("auth required pam_oauth2.so a=1 [b=#2] # c=3\n");

	(void)state;
	assert_int_equal(e.argc, 2);
	assert_string_equal(e.argv[0], "a=1");
	assert_string_equal(e.argv[1], "b=");
	oa_pamd_entry_free(&e);
}

static void
test_pamd_backslash_continues_the_line(void **state)
{
	struct oa_pamd_entry e = find_ok(
		"auth required \\\n"
		"\n"
		"   pam_oauth2.so issuer=x \\  \n"
		"  audience=db\n"
		"auth required pam_deny.so\n");

	(void)state;
	assert_int_equal(e.line, 1);
	assert_int_equal(e.argc, 2);
	assert_string_equal(e.argv[0], "issuer=x");
	assert_string_equal(e.argv[1], "audience=db");
	oa_pamd_entry_free(&e);
}

static void
test_pamd_comment_stops_a_continuation(void **state)
{
	struct oa_pamd_entry e = find_ok(
		"auth required pam_oauth2.so a=1 \\ # not continued\n"
		"b=2\n");

	(void)state;
	assert_int_equal(e.argc, 2);
	assert_string_equal(e.argv[0], "a=1");
	assert_string_equal(e.argv[1], "\\");
	oa_pamd_entry_free(&e);
}

static void
test_pamd_last_line_without_newline(void **state)
{
	struct oa_pamd_entry e = find_ok("auth required pam_oauth2.so last");

	(void)state;
	assert_int_equal(e.argc, 1);
	assert_string_equal(e.argv[0], "last");
	oa_pamd_entry_free(&e);
}

static void
test_pamd_no_arguments(void **state)
{
	struct oa_pamd_entry e = find_ok("auth required pam_oauth2.so\n");

	(void)state;
	assert_int_equal(e.argc, 0);
	assert_null(e.argv[0]);
	oa_pamd_entry_free(&e);
}

static void
test_pamd_refuses_nul_and_empty(void **state)
{
	struct oa_pamd_entry e;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(oa_pamd_find_auth("auth required pam_oauth2.so\0x", 29, "svc", &e, &r),
			 OA_CONFIG);
	assert_non_null(strstr(r.reason, "NUL"));
	oa_pamd_entry_free(&e);
	find_fails("", "no auth line");
	find_fails("# only a comment\n", "no auth line");
}

static void
test_pamd_service_must_be_a_name(void **state)
{
	const char *bad[] = { "", "../shadow", "a/b", ".", ".." };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct oa_pamd_entry e;
		struct oa_result r;

		oa_result_init(&r);
		assert_int_equal(oa_pamd_read_service("/etc/pam.d", bad[i], &e, &r), OA_CONFIG);
		assert_non_null(strstr(r.reason, "not a path"));
		oa_pamd_entry_free(&e);
	}
}

static void
test_pamd_reads_a_service_file(void **state)
{
	char dir[] = "/tmp/pamd.XXXXXX", path[64];
	struct oa_pamd_entry e;
	struct oa_result r;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pg_auth", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("account required pam_permit.so\nauth sufficient pam_oauth2.so issuer=x\n", f);
	fclose(f);
	oa_result_init(&r);
	assert_int_equal(oa_pamd_read_service(dir, "pg_auth", &e, &r), OA_OK);
	assert_int_equal(e.line, 2);
	assert_string_equal(e.argv[0], "issuer=x");
	oa_pamd_entry_free(&e);

	oa_result_init(&r);
	assert_int_equal(oa_pamd_read_service(dir, "missing", &e, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "cannot read"));
	oa_pamd_entry_free(&e);
	unlink(path);
	rmdir(dir);
}

static void
write_in(const char *dir, const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
remove_dir(const char *dir)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Debian's pam.d files pull in common-auth and the like: the entry may be
 * in a file the service includes, as libpam would run it. */
static void
test_pamd_follows_includes_and_substacks(void **state)
{
	char dir[] = "/tmp/pamd.XXXXXX", want[128];
	struct oa_pamd_entry e;
	struct oa_result r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_in(dir, "common-oauth",
		 "# shared\naccount required pam_permit.so\n"
		 "auth [success=done default=ignore] pam_oauth2.so issuer=https://idp audience=db\n");
	write_in(dir, "via_at", "@include common-oauth\nauth required pam_deny.so\n");
	write_in(dir, "via_include", "account include common-oauth\n"
				     "auth include common-oauth\n");
	write_in(dir, "via_substack", "-AUTH substack via_at\n");
	write_in(dir, "own_first", "auth sufficient pam_oauth2.so userinfo=https://u\n"
				   "@include common-oauth\n");
	write_in(dir, "account_only", "account include common-oauth\n"
				      "auth required pam_unix.so\n");
	write_in(dir, "loop", "auth include loop\n");
	write_in(dir, "dangling", "auth include nowhere\n");
	snprintf(want, sizeof(want), "%s/common-oauth", dir);

	const char *const found_in_common[] = { "via_at", "via_include", "via_substack" };
	for (size_t i = 0; i < 3; i++) {
		oa_result_init(&r);
		assert_int_equal(oa_pamd_read_service(dir, found_in_common[i], &e, &r), OA_OK);
		assert_string_equal(e.file, want);
		assert_int_equal(e.line, 3);
		assert_int_equal(e.argc, 2);
		assert_string_equal(e.argv[1], "audience=db");
		oa_pamd_entry_free(&e);
	}

	oa_result_init(&r);
	assert_int_equal(oa_pamd_read_service(dir, "own_first", &e, &r), OA_OK);
	assert_int_equal(e.line, 1);
	assert_string_equal(e.argv[0], "userinfo=https://u");
	oa_pamd_entry_free(&e);

	/* an account include brings no auth line */
	oa_result_init(&r);
	assert_int_equal(oa_pamd_read_service(dir, "account_only", &e, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "no auth line"));
	oa_pamd_entry_free(&e);

	oa_result_init(&r);
	assert_int_equal(oa_pamd_read_service(dir, "loop", &e, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "nested more than 16 deep"));
	oa_pamd_entry_free(&e);

	oa_result_init(&r);
	assert_int_equal(oa_pamd_read_service(dir, "dangling", &e, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "nowhere"));
	oa_pamd_entry_free(&e);

	/* the text alone follows nothing */
	oa_result_init(&r);
	assert_int_equal(oa_pamd_find_auth("@include common-oauth\n", 22, "svc", &e, &r),
			 OA_CONFIG);
	oa_pamd_entry_free(&e);
	remove_dir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pamd_splits_on_spaces_and_tabs),
		cmocka_unit_test(test_pamd_brackets_make_one_field),
		cmocka_unit_test(test_pamd_escaped_bracket_is_kept),
		cmocka_unit_test(test_pamd_bracket_ends_the_field),
		cmocka_unit_test(test_pamd_split_counts_past_max),
		cmocka_unit_test(test_pamd_finds_the_auth_line_among_others),
		cmocka_unit_test(test_pamd_follows_includes_and_substacks),
		cmocka_unit_test(test_pamd_type_ignores_case_and_dash),
		cmocka_unit_test(test_pamd_module_name_must_match_exactly),
		cmocka_unit_test(test_pamd_comment_ends_the_line_even_in_brackets),
		cmocka_unit_test(test_pamd_backslash_continues_the_line),
		cmocka_unit_test(test_pamd_comment_stops_a_continuation),
		cmocka_unit_test(test_pamd_last_line_without_newline),
		cmocka_unit_test(test_pamd_no_arguments),
		cmocka_unit_test(test_pamd_refuses_nul_and_empty),
		cmocka_unit_test(test_pamd_service_must_be_a_name),
		cmocka_unit_test(test_pamd_reads_a_service_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
