/* SPDX-License-Identifier: MIT */
/* Configuration text in the pam.d vocabulary (core/words.c): a setting's
 * words, the one file line for an issuer among others (comments,
 * continued lines, bracketed words), two lines for one issuer refused,
 * and words added after parsing, as the PostgreSQL 18 validator uses them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "words.h"

static char path[64];

static void
write_file(const char *text)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/test_words.%ld", (long)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
setting_words(void **state)
{
	struct oa_words w;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(oa_words_from_string("  issuer=https://a.example\taudience=db "
					      "[claim_any_of=groups:a b] ", &w, &r), OA_OK);
	assert_int_equal(w.argc, 3);
	assert_string_equal(w.argv[2], "claim_any_of=groups:a b");
	assert_string_equal(oa_words_value(&w, "issuer"), "https://a.example");
	assert_null(oa_words_value(&w, "issue"));
	assert_null(oa_words_value(&w, "scope"));
	oa_words_free(&w);
}

static const char two_issuers[] =
	"# issuers\n"
	"issuer=https://a.example audience=db\n"
	"\n"
	"issuer=https://b.example \\\n"
	"   audience=db2 # the second\n"
	"issuer=https://b.example/x audience=db3\n";

static void
finds_the_issuers_line(void **state)
{
	struct oa_words w;
	struct oa_result r;
	bool found;

	(void)state;
	write_file(two_issuers);
	oa_result_init(&r);
	assert_int_equal(oa_words_find_issuer(path, "https://b.example", &w, &found, &r), OA_OK);
	assert_true(found);
	assert_int_equal(w.line, 4);
	assert_int_equal(w.argc, 2);
	assert_string_equal(w.argv[1], "audience=db2");
	oa_words_free(&w);

	assert_int_equal(oa_words_find_issuer(path, "https://c.example", &w, &found, &r), OA_OK);
	assert_false(found);
	assert_int_equal(w.argc, 0);
	oa_words_free(&w);
	unlink(path);
}

static void
two_lines_for_one_issuer_are_refused(void **state)
{
	struct oa_words w;
	struct oa_result r;
	bool found;

	(void)state;
	write_file("issuer=https://a.example audience=db\n"
		   "issuer=https://a.example audience=other\n");
	oa_result_init(&r);
	assert_int_equal(oa_words_find_issuer(path, "https://a.example", &w, &found, &r),
			 OA_CONFIG);
	assert_false(found);
	assert_non_null(strstr(r.reason, "lines 1 and 2 both have issuer=https://a.example"));
	oa_words_free(&w);
	unlink(path);
}

static void
missing_file_is_a_configuration_error(void **state)
{
	struct oa_words w;
	struct oa_result r;
	bool found;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(oa_words_find_issuer("/nonexistent/issuers.conf", "x", &w, &found, &r),
			 OA_CONFIG);
	assert_non_null(strstr(r.reason, "cannot read /nonexistent/issuers.conf"));
	oa_words_free(&w);
}

static void
appended_words_reach_the_parser(void **state)
{
	struct oa_words w;
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(oa_words_from_string("issuer=https://a.example audience=db", &w, &r),
			 OA_OK);
	assert_int_equal(oa_words_append(&w, "scope=openid,dbadmin", &r), OA_OK);
	assert_int_equal(w.argc, 3);
	assert_int_equal(oa_config_parse(w.argc, w.argv, &cfg, &r), OA_OK);
	assert_int_equal(cfg.policy.n_rules, 1);
	for (int i = 0; i < OA_WORDS_MAX_EXTRA - 1; i++)
		assert_int_equal(oa_words_append(&w, "debug", &r), OA_OK);
	assert_int_equal(oa_words_append(&w, "debug", &r), OA_INTERNAL);
	oa_words_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(setting_words),
		cmocka_unit_test(finds_the_issuers_line),
		cmocka_unit_test(two_lines_for_one_issuer_are_refused),
		cmocka_unit_test(missing_file_is_a_configuration_error),
		cmocka_unit_test(appended_words_reach_the_parser),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
