#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "config.h"

#define ARGV(...) ((const char *const[]){ __VA_ARGS__ })
#define NARGS(...) ((int)(sizeof(ARGV(__VA_ARGS__)) / sizeof(const char *)))
#define PARSE(cfg, r, ...) oa_config_parse(NARGS(__VA_ARGS__), ARGV(__VA_ARGS__), cfg, r)

static void
test_config_positional_seed_line(void **state)
{
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r,
			       "https://idp/realms/R/protocol/openid-connect/userinfo",
			       "preferred_username"), OA_OK);
	assert_string_equal(cfg.userinfo_url,
			    "https://idp/realms/R/protocol/openid-connect/userinfo");
	assert_string_equal(cfg.userinfo.host, "idp");
	assert_string_equal(cfg.username_claim, "preferred_username");
	assert_int_equal(cfg.timeout_seconds, 5);
	assert_int_equal(cfg.connect_timeout_seconds, 2);
	assert_int_equal(cfg.max_token_bytes, 16384);
	assert_false(cfg.debug);
	assert_int_equal(cfg.n_required, 0);
}

static void
test_config_positional_required_claims_and_options(void **state)
{
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "http://127.0.0.1:8080/userinfo", "email",
			       "grp=tester", "timeout=9", "debug", "level=", "a=b=c"), OA_OK);
	assert_string_equal(cfg.username_claim, "email");
	assert_int_equal(cfg.timeout_seconds, 9);
	assert_true(cfg.debug);
	assert_int_equal(cfg.n_required, 3);
	assert_int_equal(cfg.required[0].name_len, 3);
	assert_memory_equal(cfg.required[0].name, "grp", 3);
	assert_string_equal(cfg.required[0].value, "tester");
	assert_string_equal(cfg.required[1].value, "");
	assert_int_equal(cfg.required[2].name_len, 1);
	assert_string_equal(cfg.required[2].value, "b=c");
}

static void
test_config_positional_url_only_defaults_to_sub(void **state)
{
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "https://idp.example/userinfo", "debug"), OA_OK);
	assert_string_equal(cfg.username_claim, "sub");
	assert_true(cfg.debug);
}

static void
test_config_named_form(void **state)
{
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "userinfo=https://idp.example:8443/ui",
			       "username_claim=preferred_username", "timeout=10",
			       "connect_timeout=3", "max_token_size=65536",
			       "proxy=http://proxy.example:3128", "cafile=/dev/null"),
			 OA_CONFIG); /* /dev/null is not a regular file */
	assert_non_null(strstr(r.reason, "cafile"));

	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "userinfo=https://idp.example:8443/ui",
			       "username_claim=preferred_username", "timeout=10",
			       "connect_timeout=3", "max_token_size=65536",
			       "proxy=http://proxy.example:3128", "capath=/"), OA_OK);
	assert_string_equal(cfg.userinfo.host, "idp.example");
	assert_int_equal(cfg.connect_timeout_seconds, 3);
	assert_int_equal(cfg.max_token_bytes, 65536);
	assert_string_equal(cfg.proxy, "http://proxy.example:3128");
	assert_string_equal(cfg.capath, "/");
}

static void
expect_config_error(const char *const *argv, int argc, const char *fragment)
{
	struct oa_config cfg;
	struct oa_result r;

	oa_result_init(&r);
	assert_int_equal(oa_config_parse(argc, argv, &cfg, &r), OA_CONFIG);
	if (strstr(r.reason, fragment) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", r.reason, fragment);
}

#define EXPECT_ERROR(fragment, ...) \
	expect_config_error(ARGV(__VA_ARGS__), NARGS(__VA_ARGS__), fragment)

static void
test_config_rejects_bad_input(void **state)
{
	(void)state;
	EXPECT_ERROR("unknown option \"grp\"", "userinfo=https://i/u", "grp=tester");
	EXPECT_ERROR("unknown option \"verbose\"", "https://i/u", "sub", "verbose");
	EXPECT_ERROR("no token check configured", "username_claim=sub");
	EXPECT_ERROR("no token check configured", "debug");
	EXPECT_ERROR("given twice", "userinfo=https://i/u", "timeout=3", "timeout=4");
	EXPECT_ERROR("given twice", "https://i/u", "sub", "userinfo=https://j/u");
	EXPECT_ERROR("timeout: expected whole seconds", "userinfo=https://i/u", "timeout=0");
	EXPECT_ERROR("timeout: expected whole seconds", "userinfo=https://i/u", "timeout=-1");
	EXPECT_ERROR("timeout: expected whole seconds", "userinfo=https://i/u", "timeout=121");
	EXPECT_ERROR("timeout: expected whole seconds", "userinfo=https://i/u", "timeout=5s");
	EXPECT_ERROR("timeout: expected whole seconds", "userinfo=https://i/u",
		     "timeout=99999999999999999999999");
	EXPECT_ERROR("longer than timeout", "userinfo=https://i/u", "timeout=2",
		     "connect_timeout=3");
	EXPECT_ERROR("max_token_size: expected bytes", "userinfo=https://i/u",
		     "max_token_size=65537");
	EXPECT_ERROR("max_token_size: expected bytes", "userinfo=https://i/u",
		     "max_token_size=0");
	EXPECT_ERROR("needs a value", "userinfo=https://i/u", "timeout");
	EXPECT_ERROR("takes no value", "userinfo=https://i/u", "debug=1");
	EXPECT_ERROR("plain http is allowed only to loopback", "http://idp.example/u", "sub");
	EXPECT_ERROR("must start with https://", "userinfo=ftp://i/u");
	EXPECT_ERROR("cannot read /nonexistent", "userinfo=https://i/u",
		     "cafile=/nonexistent/ca.pem");
	EXPECT_ERROR("is not a directory", "userinfo=https://i/u", "capath=/dev/null");
	EXPECT_ERROR("username_claim: must be", "userinfo=https://i/u", "username_claim=");
	EXPECT_ERROR("empty claim name", "https://i/u", "sub", "=x");
	EXPECT_ERROR("expected a URL", "userinfo=https://i/u", "proxy=proxy.example");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_positional_seed_line),
		cmocka_unit_test(test_config_positional_required_claims_and_options),
		cmocka_unit_test(test_config_positional_url_only_defaults_to_sub),
		cmocka_unit_test(test_config_named_form),
		cmocka_unit_test(test_config_rejects_bad_input),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
