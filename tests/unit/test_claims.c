/* SPDX-License-Identifier: MIT */
/* Unit tests of claims.c. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "claims.h"
#include "config.h"
#include "jwt_claims.h"

static json_t *
claims(const char *text)
{
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);

	assert_non_null(j);
	return j;
}

static enum oa_status
username(const char *json, const char *claim, const char *user, struct oa_result *r)
{
	json_t *j = claims(json);
	enum oa_status s;

	oa_result_init(r);
	s = oa_claims_check_username(j, claim, user, r);
	json_decref(j);
	return s;
}

static void
test_claims_username_byte_for_byte(void **state)
{
	struct oa_result r;

	(void)state;
	assert_int_equal(username("{\"preferred_username\":\"alice\"}",
				  "preferred_username", "alice", &r), OA_OK);
	assert_int_equal(username("{\"preferred_username\":\"Alice\"}",
				  "preferred_username", "alice", &r), OA_REJECTED);
	assert_string_equal(r.reason,
			    "claim \"preferred_username\" is \"Alice\", not the PAM user \"alice\"");
	assert_int_equal(username("{\"u\":\"alice \"}", "u", "alice", &r), OA_REJECTED);
	assert_int_equal(username("{\"u\":\"alic\"}", "u", "alice", &r), OA_REJECTED);
	assert_int_equal(username("{\"u\":\"alice\\u0000bob\"}", "u", "alice", &r), OA_REJECTED);
	assert_int_equal(username("{\"u\":\"al\\u00efce\"}", "u", "al\xc3\xaf" "ce", &r), OA_OK);
	/* NFC vs NFD: same text to a human, different bytes */
	assert_int_equal(username("{\"u\":\"al\\u0069\\u0308ce\"}", "u", "al\xc3\xaf" "ce", &r),
			 OA_REJECTED);
}

static void
test_claims_username_missing_or_not_string(void **state)
{
	struct oa_result r;

	(void)state;
	assert_int_equal(username("{\"sub\":\"alice\"}", "preferred_username", "alice", &r),
			 OA_REJECTED);
	assert_string_equal(r.reason, "issuer's answer has no \"preferred_username\" claim");
	assert_int_equal(username("{\"u\":[\"alice\"]}", "u", "alice", &r), OA_REJECTED);
	assert_string_equal(r.reason, "claim \"u\" is not a string");
	assert_int_equal(username("{\"u\":null}", "u", "alice", &r), OA_REJECTED);
	assert_int_equal(username("{\"u\":1}", "u", "1", &r), OA_REJECTED);
}

static void
test_claims_username_escapes_control_characters_in_reason(void **state)
{
	struct oa_result r;

	(void)state;
	assert_int_equal(username("{\"u\":\"bob\\n\\\"x\"}", "u", "alice\r", &r), OA_REJECTED);
	assert_string_equal(r.reason, "claim \"u\" is \"bob\\x0a\\\"x\", not the PAM user \"alice\\x0d\"");
}

static enum oa_status
required(const char *json, const char *arg, struct oa_result *r)
{
	json_t *j = claims(json);
	struct oa_required_claim c;
	enum oa_status s;

	c.name = arg;
	c.name_len = (size_t)(strchr(arg, '=') - arg);
	c.value = strchr(arg, '=') + 1;
	oa_result_init(r);
	s = oa_claims_check_required(j, &c, 1, r);
	json_decref(j);
	return s;
}

static void
test_claims_required_equalities(void **state)
{
	struct oa_result r;

	(void)state;
	assert_int_equal(required("{\"grp\":\"tester\"}", "grp=tester", &r), OA_OK);
	assert_int_equal(required("{\"grp\":\"testers\"}", "grp=tester", &r), OA_REJECTED);
	assert_string_equal(r.reason, "required claim grp=tester: the token has \"testers\"");
	assert_int_equal(required("{\"other\":\"tester\"}", "grp=tester", &r), OA_REJECTED);
	assert_string_equal(r.reason, "required claim grp=tester: the claim is missing");
	assert_int_equal(required("{\"grp\":[\"tester\"]}", "grp=tester", &r), OA_REJECTED);
	assert_int_equal(required("{\"level\":3}", "level=3", &r), OA_OK);
	assert_int_equal(required("{\"level\":3}", "level=03", &r), OA_REJECTED);
	assert_int_equal(required("{\"level\":3.0}", "level=3", &r), OA_REJECTED);
	assert_int_equal(required("{\"admin\":true}", "admin=true", &r), OA_OK);
	assert_int_equal(required("{\"admin\":false}", "admin=true", &r), OA_REJECTED);
	/* one rule with claim_equals=: a literal matches only its JSON value */
	assert_int_equal(required("{\"admin\":\"true\"}", "admin=true", &r), OA_REJECTED);
	assert_string_equal(r.reason, "required claim admin=true: the token has \"true\"");
	assert_int_equal(required("{\"admin\":\"true\"}", "admin=\"true\"", &r), OA_OK);
	assert_int_equal(required("{\"admin\":true}", "admin=\"true\"", &r), OA_REJECTED);
	assert_string_equal(r.reason, "required claim admin=\"true\": the token has true");
	assert_int_equal(required("{\"level\":\"3\"}", "level=3", &r), OA_REJECTED);
	assert_int_equal(required("{\"level\":3.0}", "level=3", &r), OA_REJECTED);
	assert_string_equal(r.reason, "required claim level=3: the token has 3.0");
	assert_int_equal(required("{\"grp\":\"\"}", "grp=", &r), OA_OK);
	assert_int_equal(required("{\"grp\":null}", "grp=", &r), OA_REJECTED);
	assert_int_equal(required("{\"grp\":null}", "grp=null", &r), OA_OK);
	assert_int_equal(required("{\"grp\":[\"tester\"]}", "grp=tester", &r), OA_REJECTED);
	assert_string_equal(r.reason, "required claim grp=tester: the token has an array");
}

static void
test_claims_all_required_must_hold(void **state)
{
	struct oa_required_claim c[2] = {
		{ "grp=tester", 3, "tester" },
		{ "dept=db", 4, "db" },
	};
	json_t *j = claims("{\"grp\":\"tester\",\"dept\":\"web\"}");
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(oa_claims_check_required(j, c, 2, &r), OA_REJECTED);
	assert_string_equal(r.reason, "required claim dept=db: the token has \"web\"");
	oa_result_init(&r);
	assert_int_equal(oa_claims_check_required(j, c, 1, &r), OA_OK);
	json_decref(j);
}

/* A token must have its aud and iss checked: with nothing configured to
 * check them against, the check fails closed (config.c refuses such a JWT
 * line first); an introspection answer, which need not carry them, passes. */
static void
test_claims_aud_iss_without_configuration_fail_closed_when_required(void **state)
{
	const char *argv[] = { "userinfo=https://idp.example/userinfo" };
	json_t *j = claims("{\"aud\":\"db\",\"iss\":\"https://idp.example\"}");
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(oa_config_parse(1, argv, &cfg, &r), OA_OK);
	assert_int_equal(oa_claims_check_audience(&cfg, j, false, "introspection", &r), OA_OK);
	assert_int_equal(oa_claims_check_issuer(&cfg, j, false, "introspection", &r), OA_OK);
	assert_int_equal(oa_claims_check_audience(&cfg, j, true, "JWT", &r), OA_CONFIG);
	assert_string_equal(r.reason, "JWT: no audience= to check aud against");
	oa_result_init(&r);
	assert_int_equal(oa_claims_check_issuer(&cfg, j, true, "JWT", &r), OA_CONFIG);
	assert_string_equal(r.reason, "JWT: no issuer= to check iss against");
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claims_username_byte_for_byte),
		cmocka_unit_test(test_claims_username_missing_or_not_string),
		cmocka_unit_test(test_claims_username_escapes_control_characters_in_reason),
		cmocka_unit_test(test_claims_required_equalities),
		cmocka_unit_test(test_claims_all_required_must_hold),
		cmocka_unit_test(test_claims_aud_iss_without_configuration_fail_closed_when_required),
	};
	return cmocka_run_group_tests_name("claims", tests, NULL, NULL);
}
