/* SPDX-License-Identifier: MIT */
/* username_map= files (usermap.c): literal and regex lines, several roles
 * for one identity, case folding, every load error with its line number,
 * unsafe files refused, and identities an issuer could use to cheat. */
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

#include "usermap.h"

struct dir {
	char path[64];
	char file[96];
};

static int
setup(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));
	const char *tmp = getenv("TMPDIR");

	if (d == NULL)
		return -1;
	snprintf(d->path, sizeof(d->path), "%s/usermap.XXXXXX",
		 tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
	if (mkdtemp(d->path) == NULL)
		return -1;
	snprintf(d->file, sizeof(d->file), "%s/map", d->path);
	*state = d;
	return 0;
}

static int
teardown(void **state)
{
	struct dir *d = *state;

	unlink(d->file);
	rmdir(d->path);
	free(d);
	return 0;
}

/* Writes `len` bytes as the map with `mode`. */
static const char *
write_map_bytes(void **state, const char *text, size_t len, mode_t mode)
{
	struct dir *d = *state;
	FILE *f;

	unlink(d->file);
	f = fopen(d->file, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(d->file, mode), 0);
	return d->file;
}

static struct oa_usermap *
load_ok(void **state, const char *text, bool casefold)
{
	struct oa_usermap *m = NULL;
	struct oa_result r;

	oa_result_init(&r);
	assert_int_equal(oa_usermap_load(write_map_bytes(state, text, strlen(text), 0600),
					 casefold, &m, &r), OA_OK);
	assert_non_null(m);
	return m;
}

/* Loads a map that must fail; returns the reason after
 * "username_map FILE", which every load error starts with. */
static const char *
load_error(void **state, const char *text, size_t len, mode_t mode, struct oa_result *r)
{
	struct dir *d = *state;
	struct oa_usermap *m = (struct oa_usermap *)1;
	char prefix[128];

	oa_result_init(r);
	assert_int_equal(oa_usermap_load(write_map_bytes(state, text, len, mode), false, &m, r),
			 OA_CONFIG);
	assert_null(m);
	/* "username_map PATH: reason", or "username_map: PATH reason" from
	 * the file trust rule (file_trust.h) */
	snprintf(prefix, sizeof(prefix), "username_map%s %s",
		 strncmp(r->reason, "username_map:", 13) == 0 ? ":" : "", d->file);
	assert_memory_equal(r->reason, prefix, strlen(prefix));
	return r->reason + strlen(prefix);
}

static bool
maps(const struct oa_usermap *m, const char *identity, const char *user)
{
	struct oa_result r;

	oa_result_init(&r);
	return oa_usermap_check(m, identity, strlen(identity), user, &r) == OA_OK;
}

static void
test_usermap_literal_line_maps_identity_to_user(void **state)
{
	struct oa_usermap *m = load_ok(state, "alice@example.com  alice\n", false);
	struct dir *d = *state;
	struct oa_result r;
	char want[256];

	assert_true(maps(m, "alice@example.com", "alice"));
	assert_false(maps(m, "alice@example.com", "bob"));
	assert_false(maps(m, "alice@example.com", "alice "));
	assert_false(maps(m, "alice@example.co", "alice"));
	assert_false(maps(m, "alice@example.comx", "alice"));
	assert_false(maps(m, "Alice@example.com", "alice"));
	oa_result_init(&r);
	assert_int_equal(oa_usermap_check(m, "eve\n", 4, "alice", &r), OA_REJECTED);
	snprintf(want, sizeof(want),
		 "username_map %s has no line mapping identity \"eve\\x0a\" to user \"alice\"",
		 d->file);
	assert_string_equal(r.reason, want);
	oa_usermap_free(m);
}

static void
test_usermap_regex_group_becomes_the_user(void **state)
{
	struct oa_usermap *m = load_ok(state, "/(.*)@example\\.com  \\1\n"
					      "/([a-z]+)\\.([a-z]+)@corp\\.example  \\1_db\n", false);

	assert_true(maps(m, "alice@example.com", "alice"));
	assert_false(maps(m, "alice@example.com", "bob"));
	assert_false(maps(m, "alice@exampleXcom", "alice"));
	assert_true(maps(m, "jane.doe@corp.example", "jane_db"));
	assert_false(maps(m, "jane.doe@corp.example", "jane"));
	assert_false(maps(m, "jane.doe@corp.example", "doe_db"));
	oa_usermap_free(m);
}

static void
test_usermap_one_identity_may_log_in_as_several_roles(void **state)
{
	struct oa_usermap *m = load_ok(state, "alice@example.com alice\n"
					      "alice@example.com\tdba\n"
					      "/(.*)@example\\.com  \\1_ro\n", false);

	assert_true(maps(m, "alice@example.com", "alice"));
	assert_true(maps(m, "alice@example.com", "dba"));
	assert_true(maps(m, "alice@example.com", "alice_ro"));
	assert_true(maps(m, "bob@example.com", "bob_ro"));
	assert_false(maps(m, "bob@example.com", "dba"));
	oa_usermap_free(m);
}

static void
test_usermap_casefold_is_off_by_default_and_ascii_only(void **state)
{
	const char *text = "Alice@Example.com alice\n/(.*)@corp\\.example \\1\n"
			   "\xc3\xa9ve@example.com eve\n";
	struct oa_usermap *m = load_ok(state, text, false);

	assert_true(maps(m, "Alice@Example.com", "alice"));
	assert_false(maps(m, "alice@example.com", "alice"));
	assert_false(maps(m, "bob@CORP.example", "bob"));
	oa_usermap_free(m);

	m = load_ok(state, text, true);
	assert_true(maps(m, "alice@example.com", "alice"));
	assert_true(maps(m, "ALICE@EXAMPLE.COM", "alice"));
	/* the PAM user is still compared byte for byte */
	assert_false(maps(m, "alice@example.com", "Alice"));
	/* \1 brings the identity's own text, not a folded one */
	assert_true(maps(m, "bob@CORP.EXAMPLE", "bob"));
	assert_true(maps(m, "Bob@corp.example", "Bob"));
	assert_false(maps(m, "Bob@corp.example", "bob"));
	/* no folding outside ASCII: E-acute is not e-acute */
	assert_true(maps(m, "\xc3\xa9VE@example.com", "eve"));
	assert_false(maps(m, "\xc3\x89ve@example.com", "eve"));
	oa_usermap_free(m);
}

static void
test_usermap_comments_blank_lines_and_crlf_are_ignored(void **state)
{
	struct oa_usermap *m = load_ok(state,
		"# identities allowed in\n"
		"\n"
		"   \t  \n"
		"  alice@example.com   alice   # the DBA\n"
		"bob@example.com bob#1\r\n"
		"#carol@example.com carol\n"
		"/^a#b$ ab\n"
		"dave@example.com dave", false);

	assert_true(maps(m, "alice@example.com", "alice"));
	assert_true(maps(m, "bob@example.com", "bob#1"));
	assert_false(maps(m, "bob@example.com", "bob#1\r"));
	assert_false(maps(m, "carol@example.com", "carol"));
	assert_false(maps(m, "#carol@example.com", "carol"));
	assert_true(maps(m, "a#b", "ab"));
	assert_true(maps(m, "dave@example.com", "dave"));
	oa_usermap_free(m);

	m = load_ok(state, "", false);
	assert_false(maps(m, "", ""));
	oa_usermap_free(m);
}

static void
test_usermap_regex_repetitions_within_bounds_load(void **state)
{
	struct oa_usermap *m;

	m = load_ok(state, "/^([a-z0-9._%+-]{1,64})@example\\.com$ \\1\n"
			   "/(x|y){1,500} ok\n/[[:alpha:]{}]+([0-9]{1,30}){1,30} ok\n"
			   "/((((((((((c+)+)+)+)+)+)+)+)+)+) ok\n/a{2,}b{,3} ok\n"
			   "/(d*)*(e?)?f(h|g)+ ok\n", false);
	assert_true(maps(m, "carol@example.com", "carol"));
	assert_true(maps(m, "xyx", "ok"));
	assert_true(maps(m, "aab", "ok"));
	assert_true(maps(m, "ddefg", "ok"));
	oa_usermap_free(m);
}

static void
test_usermap_load_errors_name_the_line(void **state)
{
	static const struct {
		const char *text, *reason;
	} bad[] = {
		{ "# x\nalice@example.com\n", ":2: missing the PAM user after the identity" },
		{ "a b\n\nc d e\n", ":3: extra field after the PAM user" },
		{ "a b\n/(unclosed x\n", ":2: bad regex: " },
		{ "/[z-a] x\n", ":1: bad regex: " },
		{ "/ x\n", ":1: empty regex" },
		{ "a b\n/.*@example\\.com \\1\n", ":2: \\1 in the user name but the regex has no group" },
		{ "alice@example.com \\1\n", ":1: \\1 in the user name needs a regex identity (one starting with /)" },
		{ "/(a)(b) \\2\n", ":1: only \\1 may be used in the user name" },
		{ "/(a)\\1 a\n", ":1: backreferences are not allowed in the regex" },
		{ "a b\nc\vd e\n", ":2: control character 0x0b" },
		/* found by fuzz_usermap: regcomp took over 2 GiB */
		{ "/c+++++++++++++++++++++++ x\n", ":1: two repetitions in a row in the regex" },
		{ "/^(min@exo**)**********+** x\n", ":1: two repetitions in a row in the regex" },
		{ "/^(.*?)@example\\.com$ \\1\n", ":1: two repetitions in a row in the regex" },
		{ "/a{2}{3} x\n", ":1: two repetitions in a row in the regex" },
		{ "/((((((((((()+)+)+)+)+)+)+)+)+)+)+ x\n", ":1: \"+\" or a count {m,n} on a part" },
		{ "/^([a-z]*)+@x$ \\1\n", ":1: \"+\" or a count {m,n} on a part" },
		{ "/(a|b?){0,3} x\n", ":1: \"+\" or a count {m,n} on a part" },
		{ "/(^)+ x\n", ":1: \"+\" or a count {m,n} on a part" },
		{ "/(((a*){2}){2}){2} x\n", ":1: \"+\" or a count {m,n} on a part" },
		{ "/(((((((((((((c+)+)+)+)+)+)+)+)+)+)+)+)+)+ x\n", ":1: regex too complex" },
		{ "/(a{1000}){1000} x\n", ":1: regex too complex" },
		{ "/c{1,5000} x\n", ":1: regex too complex" },
		{ "/c{,5000} x\n", ":1: regex too complex" },
		{ "/(x(y{2}){600}){100} x\n", ":1: regex too complex" },
		/* the budget is the whole map's */
		{ "/(x|y){1,700} a\n/(x|y){1,700} b\n", ":2: regex too complex" },
		{ "/(((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))) a\n",
		  ":1: regex too complex" },
	};
	struct oa_result r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *reason = load_error(state, bad[i].text, strlen(bad[i].text), 0600, &r);

		assert_memory_equal(reason, bad[i].reason, strlen(bad[i].reason));
	}
	/* the regex error carries regerror's words */
	assert_non_null(strstr(load_error(state, "/(x y\n", 5, 0600, &r), "bad regex: Unmatched ( or \\("));
	assert_string_equal(load_error(state, "a b\nc d\0\n", 9, 0600, &r), ":2: NUL byte");
}

static void
test_usermap_size_limits_name_the_line(void **state)
{
	size_t big = (size_t)OA_MAX_USERMAP_ENTRIES * 6 + 16;
	char *text = malloc(big);
	struct oa_usermap *m;
	struct oa_result r;
	size_t len = 0;

	assert_non_null(text);
	/* exactly the limit of lines and bytes per line load */
	for (int i = 0; i < OA_MAX_USERMAP_ENTRIES; i++)
		len += (size_t)snprintf(text + len, big - len, "a b\n");
	m = load_ok(state, text, false);
	oa_usermap_free(m);
	len += (size_t)snprintf(text + len, big - len, "c d\n");
	assert_string_equal(load_error(state, text, len, 0600, &r), ":1001: more than 1000 mappings");

	memset(text, 'a', OA_MAX_USERMAP_LINE_BYTES);
	text[1] = ' ';
	text[OA_MAX_USERMAP_LINE_BYTES] = '\0';
	m = load_ok(state, text, false);
	oa_usermap_free(m);
	memcpy(text + OA_MAX_USERMAP_LINE_BYTES, "a\n", 3);
	assert_string_equal(load_error(state, text, strlen(text), 0600, &r),
			    ":1: line longer than 1024 bytes");
	free(text);

	text = calloc(1, OA_MAX_USERMAP_FILE_BYTES + 1);
	assert_non_null(text);
	memset(text, '\n', OA_MAX_USERMAP_FILE_BYTES + 1);
	assert_string_equal(load_error(state, text, OA_MAX_USERMAP_FILE_BYTES + 1, 0600, &r),
			    ": larger than 1048576 bytes");
	free(text);
}

static void
test_usermap_refuses_files_others_could_write(void **state)
{
	struct dir *d = *state;
	struct oa_usermap *m = NULL;
	struct oa_result r;
	char want[160];

	assert_non_null(strstr(load_error(state, "a b\n", 4, 0620, &r),
			       " has mode 0620: it must not be writable by group or others"));
	assert_non_null(strstr(load_error(state, "a b\n", 4, 0602, &r),
			       " has mode 0602: it must not be writable by group or others"));
	m = load_ok(state, "a b\n", false);
	oa_usermap_free(m);
	assert_int_equal(chmod(d->file, 0644), 0);
	/* owned by someone else (only root can hand a file over to test it) */
	if (chown(d->file, 65534, (gid_t)-1) == 0) {
		oa_result_init(&r);
		assert_int_equal(oa_usermap_load(d->file, false, &m, &r), OA_CONFIG);
		assert_non_null(strstr(r.reason, " is owned by uid 65534: it must be owned by root"));
	}

	oa_result_init(&r);
	assert_int_equal(oa_usermap_load(d->path, false, &m, &r), OA_CONFIG);
	snprintf(want, sizeof(want), "username_map: %s is not a regular file", d->path);
	assert_string_equal(r.reason, want);
	/* a FIFO is refused without waiting for a writer */
	unlink(d->file);
	assert_int_equal(mkfifo(d->file, 0600), 0);
	oa_result_init(&r);
	assert_int_equal(oa_usermap_load(d->file, false, &m, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "not a regular file"));
	unlink(d->file);
	oa_result_init(&r);
	assert_int_equal(oa_usermap_load(d->file, false, &m, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "cannot open: No such file or directory"));
	oa_result_init(&r);
	assert_int_equal(oa_usermap_load("", false, &m, &r), OA_CONFIG);
	assert_null(m);
}

static void
test_usermap_refuses_identity_with_nul_or_too_long(void **state)
{
	struct oa_usermap *m = load_ok(state, "/.* anyone\nalice alice\n", false);
	struct oa_result r;
	char *longer = malloc(OA_MAX_IDENTITY_BYTES + 1);

	assert_non_null(longer);
	oa_result_init(&r);
	assert_int_equal(oa_usermap_check(m, "alice\0evil", 10, "alice", &r), OA_REJECTED);
	assert_string_equal(r.reason, "identity \"alice\\x00evil\" contains a NUL byte");
	oa_result_init(&r);
	assert_int_equal(oa_usermap_check(m, "alice\0", 6, "anyone", &r), OA_REJECTED);
	memset(longer, 'a', OA_MAX_IDENTITY_BYTES + 1);
	oa_result_init(&r);
	assert_int_equal(oa_usermap_check(m, longer, OA_MAX_IDENTITY_BYTES, "anyone", &r), OA_OK);
	oa_result_init(&r);
	assert_int_equal(oa_usermap_check(m, longer, OA_MAX_IDENTITY_BYTES + 1, "anyone", &r),
			 OA_REJECTED);
	assert_non_null(strstr(r.reason, "is longer than 1024 bytes"));
	free(longer);
	oa_usermap_free(m);
}

static void
test_usermap_regex_must_match_the_whole_identity(void **state)
{
	struct oa_usermap *m = load_ok(state,
		"/alice alice\n"
		"/.*@example\\.com example\n"
		"/(.*)@example\\.org \\1\n"
		"/a)|b weird\n"
		"/x|xy either\n", false);

	assert_true(maps(m, "alice", "alice"));
	assert_false(maps(m, "alice@evil.com", "alice"));
	assert_false(maps(m, "malice", "alice"));
	assert_true(maps(m, "bob@example.com", "example"));
	assert_false(maps(m, "bob@example.com.evil.org", "example"));
	assert_false(maps(m, "bob@example.org.evil.net", "bob"));
	assert_false(maps(m, "eve@example.org\n", "eve"));
	/* glibc reads the ')' as a literal: "a)" matches, "a)b" does not */
	assert_true(maps(m, "a)", "weird"));
	assert_true(maps(m, "b", "weird"));
	assert_false(maps(m, "a)b", "weird"));
	/* leftmost-longest: both alternatives are tried for the whole */
	assert_true(maps(m, "x", "either"));
	assert_true(maps(m, "xy", "either"));
	assert_false(maps(m, "xyz", "either"));
	oa_usermap_free(m);
}

static void
test_usermap_catch_all_works_when_written(void **state)
{
	struct oa_usermap *m = load_ok(state, "/.* reader\n/(.*) \\1\n", false);

	assert_true(maps(m, "anyone@anywhere", "reader"));
	assert_true(maps(m, "", "reader"));
	assert_true(maps(m, "carol", "carol"));
	assert_false(maps(m, "carol", "dave"));
	oa_usermap_free(m);

	/* a group that took no part never stands for an empty name */
	m = load_ok(state, "/(adm-)?(.*) \\1x\n", false);
	assert_true(maps(m, "adm-bob", "adm-x"));
	assert_false(maps(m, "bob", "x"));
	oa_usermap_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_usermap_literal_line_maps_identity_to_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usermap_regex_group_becomes_the_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usermap_regex_repetitions_within_bounds_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usermap_one_identity_may_log_in_as_several_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usermap_casefold_is_off_by_default_and_ascii_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usermap_comments_blank_lines_and_crlf_are_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usermap_load_errors_name_the_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usermap_size_limits_name_the_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usermap_refuses_files_others_could_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usermap_refuses_identity_with_nul_or_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usermap_regex_must_match_the_whole_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usermap_catch_all_works_when_written, setup, teardown),
	};
	return cmocka_run_group_tests_name("usermap", tests, NULL, NULL);
}
