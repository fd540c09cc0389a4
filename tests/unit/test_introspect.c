/* SPDX-License-Identifier: MIT */
/* Unit tests of introspect.c's reading of answers. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "introspect.h"

#define NOW 1700000000LL

static enum oa_status
judge(long status, const char *body, json_t **claims, long long *exp,
      struct oa_result *r)
{
	static const char *const args[] = {
		"issuer=https://idp.example", "audience=db",
		"jwks_uri=https://idp.example/keys",
	};
	struct oa_http_response resp = {
		.status = status, .content_type = (char *)"application/json",
		.body = (char *)body, .body_len = strlen(body),
	};
	struct oa_config cfg;
	struct oa_ctx ctx;

	oa_result_init(r);
	assert_int_equal(oa_config_parse(3, args, &cfg, r), OA_OK);
	oa_ctx_init(&ctx, &cfg, NULL);
	ctx.now = NOW;
	return oa_introspect_judge(&ctx, &resp, claims, exp, r);
}

static void
test_introspect_judge_accepts_active_token(void **state)
{
	struct oa_result r;
	json_t *claims;
	long long exp;

	(void)state;
	assert_int_equal(judge(200, "{\"active\":true,\"iss\":\"https://idp.example\","
			       "\"aud\":[\"db\"],\"exp\":1700000300}", &claims, &exp, &r), OA_OK);
	assert_non_null(claims);
	assert_int_equal(exp, 1700000300);
	json_decref(claims);
	assert_int_equal(judge(200, "{\"active\":true}", &claims, &exp, &r), OA_OK);
	assert_int_equal(exp, -1);
	json_decref(claims);
}

static void
test_introspect_judge_refuses_what_is_not_active_true(void **state)
{
	static const char *const bodies[] = {
		"{\"active\":false}", "{\"active\":\"true\"}", "{}",
		"{\"active\":true,\"exp\":1699990000}",
		"{\"active\":true,\"iss\":\"https://idp.example/\"}",
		"{\"active\":true,\"aud\":\"other\"}",
	};
	struct oa_result r;
	json_t *claims;
	long long exp;

	(void)state;
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		assert_int_equal(judge(200, bodies[i], &claims, &exp, &r), OA_REJECTED);
		assert_null(claims);
	}
	assert_int_equal(judge(401, "{\"active\":true}", &claims, &exp, &r), OA_UNAVAILABLE);
	assert_int_equal(judge(200, "[true]", &claims, &exp, &r), OA_UNAVAILABLE);
	assert_null(claims);
}

/* An active refresh, ID or DPoP token is still no password: the answer's
 * own word on the kind of token decides. */
static void
test_introspect_judge_refuses_other_kinds_of_token(void **state)
{
	static const struct {
		const char *body, *reason;
	} refused[] = {
		{ "{\"active\":true,\"token_type\":\"refresh_token\"}",
		  "not an access token: token_type is \"refresh_token\"" },
		{ "{\"active\":true,\"token_type\":\"DPoP\"}", "token_type is \"DPoP\"" },
		{ "{\"active\":true,\"token_type\":\"N_A\"}", "token_type is \"N_A\"" },
		{ "{\"active\":true,\"token_type\":true}", "token_type is not a string" },
		{ "{\"active\":true,\"token_type\":\"Bearer \"}", "token_type is \"Bearer \"" },
		{ "{\"active\":true,\"token_use\":\"refresh_token\"}",
		  "token_use is \"refresh_token\"" },
		{ "{\"active\":true,\"token_use\":\"id\"}", "token_use is \"id\"" },
		{ "{\"active\":true,\"typ\":\"Refresh\"}", "typ is \"Refresh\"" },
		{ "{\"active\":true,\"typ\":\"Offline\"}", "typ is \"Offline\"" },
		{ "{\"active\":true,\"typ\":\"ID\"}", "typ is \"ID\"" },
		{ "{\"active\":true,\"typ\":\"logout\"}", "typ is \"logout\"" },
		{ "{\"active\":true,\"typ\":\"DPoP\"}", "typ is \"DPoP\"" },
		{ "{\"active\":true,\"token_type\":\"Bearer\",\"cnf\":{\"x5t#S256\":\"bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2\"}}",
		  "bound to a key or certificate (cnf)" },
	};
	static const char *const accepted[] = {
		"{\"active\":true,\"token_type\":\"Bearer\"}",
		"{\"active\":true,\"token_type\":\"bearer\"}",
		"{\"active\":true,\"token_type\":\"access_token\"}",
		"{\"active\":true,\"token_use\":\"access_token\"}",
		"{\"active\":true,\"typ\":\"Bearer\",\"token_type\":\"Bearer\"}",
		"{\"active\":true,\"typ\":7}",
	};
	struct oa_result r;
	json_t *claims;
	long long exp;

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_equal(judge(200, refused[i].body, &claims, &exp, &r), OA_REJECTED);
		assert_null(claims);
		if (strstr(r.reason, refused[i].reason) == NULL)
			fail_msg("%s: reason \"%s\" lacks \"%s\"", refused[i].body, r.reason,
				 refused[i].reason);
	}
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		if (judge(200, accepted[i], &claims, &exp, &r) != OA_OK)
			fail_msg("%s: refused: %s", accepted[i], r.reason);
		json_decref(claims);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_introspect_judge_accepts_active_token),
		cmocka_unit_test(test_introspect_judge_refuses_what_is_not_active_true),
		cmocka_unit_test(test_introspect_judge_refuses_other_kinds_of_token),
	};
	return cmocka_run_group_tests_name("introspect", tests, NULL, NULL);
}
