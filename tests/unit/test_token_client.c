#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <getopt.h>
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
