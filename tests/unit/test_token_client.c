/* SPDX-License-Identifier: MIT */
/* Unit tests of token_client.c's reading of token endpoint answers. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "form.h"
#include "options.h"
#include "secret_file.h"
#include "token_client.h"

#define NOW 1700000000LL

/* Parses `text` as a token endpoint's 200 answer. */
static enum oa_status
parse(const char *text, struct pt_token *t, struct oa_result *r)
{
	json_t *root = json_loads(text, 0, NULL);
	enum oa_status st;

	assert_non_null(root);
	oa_result_init(r);
	st = pt_token_from_json(root, NOW, t, r);
	json_decref(root);
	return st;
}

static void
test_token_answer_gives_token_expiry_and_refresh(void **state)
{
	struct pt_token t;
	struct oa_result r;

	(void)state;
	assert_int_equal(parse("{\"access_token\":\"abc.DEF-1_~+/=\",\"token_type\":\"bearer\","
			       "\"expires_in\":300,\"refresh_token\":\"rt1\"}", &t, &r), OA_OK);
	assert_string_equal(t.access_token, "abc.DEF-1_~+/=");
	assert_string_equal(t.refresh_token, "rt1");
	assert_int_equal(t.expires_at, NOW + 300);
	pt_token_free(&t);
	assert_null(t.access_token);
}

static void
test_token_answer_without_expiry_or_refresh(void **state)
{
	struct pt_token t;
	struct oa_result r;

	(void)state;
	assert_int_equal(parse("{\"access_token\":\"x\",\"token_type\":\"Bearer\"}", &t, &r), OA_OK);
	assert_null(t.refresh_token);
	assert_int_equal(t.expires_at, 0);
	pt_token_free(&t);
}

static void
test_token_answer_refuses_other_token_types(void **state)
{
	struct pt_token t;
	struct oa_result r;

	(void)state;
	assert_int_equal(parse("{\"access_token\":\"x\",\"token_type\":\"DPoP\"}", &t, &r),
			 OA_UNAVAILABLE);
	assert_non_null(strstr(r.reason, "not Bearer"));
	assert_int_equal(parse("{\"access_token\":\"x\"}", &t, &r), OA_UNAVAILABLE);
	assert_null(t.access_token);
}

/* A token lands in an environment variable and on a terminal: a newline
 * or an escape sequence in it would be the issuer writing there. */
static void
test_token_answer_refuses_control_bytes_and_spaces(void **state)
{
	struct pt_token t;
	struct oa_result r;

	(void)state;
	assert_int_equal(parse("{\"access_token\":\"a\\nb\",\"token_type\":\"Bearer\"}", &t, &r),
			 OA_UNAVAILABLE);
	assert_int_equal(parse("{\"access_token\":\"a b\",\"token_type\":\"Bearer\"}", &t, &r),
			 OA_UNAVAILABLE);
	assert_int_equal(parse("{\"access_token\":\"\\u001b[2J\",\"token_type\":\"Bearer\"}", &t, &r),
			 OA_UNAVAILABLE);
	assert_int_equal(parse("{\"access_token\":\"\",\"token_type\":\"Bearer\"}", &t, &r),
			 OA_UNAVAILABLE);
	assert_int_equal(parse("{\"access_token\":\"ok\",\"token_type\":\"Bearer\","
			       "\"refresh_token\":\"r\\tt\"}", &t, &r), OA_UNAVAILABLE);
	assert_null(t.access_token);
}

static void
test_token_answer_refuses_odd_expires_in(void **state)
{
	struct pt_token t;
	struct oa_result r;

	(void)state;
	assert_int_equal(parse("{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":\"300\"}",
			       &t, &r), OA_UNAVAILABLE);
	assert_int_equal(parse("{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":-1}",
			       &t, &r), OA_UNAVAILABLE);
}

/* The parsed JSON must hold no copy of the token afterwards. */
static void
test_token_answer_is_wiped_from_the_json(void **state)
{
	json_t *root = json_loads("{\"access_token\":\"secret-token\",\"token_type\":\"Bearer\","
				  "\"refresh_token\":\"secret-refresh\"}", 0, NULL);
	struct pt_token t;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(pt_token_from_json(root, NOW, &t, &r), OA_OK);
	assert_string_equal(json_string_value(json_object_get(root, "access_token")), "");
	assert_string_equal(json_string_value(json_object_get(root, "refresh_token")), "");
	json_decref(root);
	pt_token_free(&t);
}

/* RFC 6749 section 2.3.1: both halves form-encoded before base64. */
static void
test_basic_credentials_form_encode_then_base64(void **state)
{
	struct oa_form f = { 0 };
	const unsigned char secret[] = "s:c r";

	(void)state;
	oa_form_basic_credentials(&f, "my app", secret, 5);
	assert_false(f.failed);
	/* base64("my+app:s%3Ac+r") */
	assert_string_equal(f.data, "bXkrYXBwOnMlM0FjK3I=");
	oa_form_wipe(&f);
}

static void
test_secret_mode_rules(void **state)
{
	(void)state;
	assert_true(oa_secret_mode_ok(S_IFREG | 0600, false));
	assert_true(oa_secret_mode_ok(S_IFREG | 0400, false));
	assert_false(oa_secret_mode_ok(S_IFREG | 0640, false));
	assert_false(oa_secret_mode_ok(S_IFREG | 0604, false));
	assert_true(oa_secret_mode_ok(S_IFREG | 0640, true));
	assert_false(oa_secret_mode_ok(S_IFREG | 0660, true));
	assert_false(oa_secret_mode_ok(S_IFREG | 0644, true));
}

static enum pt_parse
parse_args(struct pt_options *o, int argc, const char **argv)
{
	/* getopt keeps state between calls: start every parse afresh. */
	optind = 0;
	return pt_options_parse(argc, (char **)argv, o);
}

static void
test_options_command_after_double_dash(void **state)
{
	const char *argv[] = { "pg_oauth2_token", "--issuer", "https://i", "--client-id", "c",
			       "--", "psql", "--host", "db", NULL };
	struct pt_options o;

	(void)state;
	assert_int_equal(parse_args(&o, 9, argv), PT_PARSE_RUN);
	assert_non_null(o.command);
	assert_string_equal(o.command[0], "psql");
	/* The command's own options are not ours. */
	assert_string_equal(o.command[1], "--host");
	assert_int_equal(o.timeout_seconds, PT_DEFAULT_TIMEOUT_SECONDS);
	assert_int_equal(o.min_validity_seconds, PT_DEFAULT_MIN_VALIDITY_SECONDS);
}

static void
test_options_usage_errors(void **state)
{
	const char *twice[] = { "t", "--issuer", "https://i", "--issuer", "https://j",
				"--client-id", "c", NULL };
	const char *bare[] = { "t", "--issuer", "https://i", "--client-id", "c", "psql", NULL };
	const char *empty_cmd[] = { "t", "--issuer", "https://i", "--client-id", "c", "--", NULL };
	const char *bad_timeout[] = { "t", "--issuer", "https://i", "--client-id", "c",
				      "--timeout", "0", NULL };
	const char *cc[] = { "t", "--issuer", "https://i", "--client-id", "c",
			     "--client-credentials", NULL };
	struct pt_options o;

	(void)state;
	assert_int_equal(parse_args(&o, 7, twice), PT_PARSE_USAGE);
	assert_int_equal(parse_args(&o, 6, bare), PT_PARSE_USAGE);
	assert_int_equal(parse_args(&o, 6, empty_cmd), PT_PARSE_USAGE);
	assert_int_equal(parse_args(&o, 7, bad_timeout), PT_PARSE_USAGE);
	assert_int_equal(parse_args(&o, 6, cc), PT_PARSE_USAGE);
}

/* One option's value alone, after the two required ones. */
static enum pt_parse
parse_one(struct pt_options *o, const char *option, const char *value)
{
	const char *argv[] = { "t", "--issuer", "https://i", "--client-id", "c", option, value, NULL };

	return parse_args(o, 7, argv);
}

/* Every `good` value parses and is kept as given, every `bad` one is a
 * usage error, and a value of `prefix` padded to `max` bytes is the longest
 * taken. */
static void
assert_option_values(const char *option, const char *const *good, const char *const *bad,
		     const char *prefix, size_t max)
{
	struct pt_options o;
	char *longest = malloc(max + 2);
	size_t prefix_len = strlen(prefix);

	assert_non_null(longest);
	for (size_t i = 0; good[i] != NULL; i++) {
		assert_int_equal(parse_one(&o, option, good[i]), PT_PARSE_RUN);
		assert_string_equal(strcmp(option, "--scope") == 0 ? o.scope : o.resource, good[i]);
	}
	for (size_t i = 0; bad[i] != NULL; i++)
		assert_int_equal(parse_one(&o, option, bad[i]), PT_PARSE_USAGE);
	memcpy(longest, prefix, prefix_len);
	memset(longest + prefix_len, 'x', max + 1 - prefix_len);
	longest[max + 1] = '\0';
	assert_int_equal(parse_one(&o, option, longest), PT_PARSE_USAGE);
	longest[max] = '\0';
	assert_int_equal(parse_one(&o, option, longest), PT_PARSE_RUN);
	free(longest);
}

static void
test_options_scope_is_rfc6749_scope_tokens(void **state)
{
	static const char *const good[] = { "db", "openid offline_access db", "a:b/c!~", NULL };
	static const char *const bad[] = { "", " db", "db ", "a  b", "a\nb", "a\tb",
					   "a\"b", "a\\b", "caf\xc3\xa9", NULL };

	(void)state;
	assert_option_values("--scope", good, bad, "s", PT_MAX_SCOPE_BYTES);
}

static void
test_options_resource_is_an_absolute_uri_without_fragment(void **state)
{
	static const char *const good[] = { "https://db.example.com/pg", "urn:example:db",
					    "https://db.example.com/pg?x=1", "x+y.z-1:a", NULL };
	static const char *const bad[] = { "", "db", "/pg", "1https://db", "https:",
					   "://db", "https://db/#f", "https://db/a b",
					   "https://db/\x7f", "https://db/\xc3\xa9", NULL };
	struct pt_options o;

	(void)state;
	assert_int_equal(parse_one(&o, "--scope", "db"), PT_PARSE_RUN);
	assert_null(o.resource);
	assert_option_values("--resource", good, bad, "urn:", PT_MAX_RESOURCE_BYTES);
}

static void
test_target_adds_resource_always_and_scope_when_asked(void **state)
{
	const struct pt_target both = { "openid db", "https://db.example.com/pg?a=b" };
	const struct pt_target none = { NULL, NULL };
	struct oa_form form = { 0 };

	(void)state;
	pt_target_add(&both, true, &form);
	assert_string_equal(form.data, "scope=openid+db&resource=https%3A%2F%2Fdb.example.com%2Fpg%3Fa%3Db");
	oa_form_wipe(&form);
	pt_target_add(&both, false, &form);
	assert_string_equal(form.data, "resource=https%3A%2F%2Fdb.example.com%2Fpg%3Fa%3Db");
	oa_form_wipe(&form);
	pt_target_add(&none, true, &form);
	assert_true(form.data == NULL || form.data[0] == '\0');
	oa_form_wipe(&form);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_answer_gives_token_expiry_and_refresh),
		cmocka_unit_test(test_token_answer_without_expiry_or_refresh),
		cmocka_unit_test(test_token_answer_refuses_other_token_types),
		cmocka_unit_test(test_token_answer_refuses_control_bytes_and_spaces),
		cmocka_unit_test(test_token_answer_refuses_odd_expires_in),
		cmocka_unit_test(test_token_answer_is_wiped_from_the_json),
		cmocka_unit_test(test_basic_credentials_form_encode_then_base64),
		cmocka_unit_test(test_secret_mode_rules),
		cmocka_unit_test(test_options_command_after_double_dash),
		cmocka_unit_test(test_options_usage_errors),
		cmocka_unit_test(test_options_scope_is_rfc6749_scope_tokens),
		cmocka_unit_test(test_options_resource_is_an_absolute_uri_without_fragment),
		cmocka_unit_test(test_target_adds_resource_always_and_scope_when_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
