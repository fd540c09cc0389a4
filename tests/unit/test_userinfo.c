/* SPDX-License-Identifier: MIT */
/* Unit tests of userinfo.c's reading of answers. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "userinfo.h"

static enum oa_status
judge(long status, const char *content_type, const char *body, json_t **claims,
      struct oa_result *r)
{
	struct oa_http_response resp = {
		.status = status,
		.content_type = (char *)content_type,
		.body = (char *)body,
		.body_len = strlen(body),
	};

	oa_result_init(r);
	return oa_userinfo_judge(&resp, claims, r);
}

static void
test_userinfo_accepts_json_object(void **state)
{
	static const char *const types[] = {
		"application/json", "application/json; charset=utf-8", "Application/JSON",
		"application/problem+json",
	};
	struct oa_result r;
	json_t *claims;

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		assert_int_equal(judge(200, types[i], "{\"sub\":\"a\"}", &claims, &r), OA_OK);
		assert_string_equal(json_string_value(json_object_get(claims, "sub")), "a");
		json_decref(claims);
	}
}

static void
test_userinfo_refusals_are_rejections(void **state)
{
	static const long codes[] = { 400, 401, 403 };
	struct oa_result r;
	json_t *claims;

	(void)state;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_int_equal(judge(codes[i], "application/json",
				       "{\"error\":\"invalid_token\"}", &claims, &r), OA_REJECTED);
		assert_null(claims);
	}
	assert_string_equal(r.reason, "issuer refused the token (HTTP 403)");
}

/* Keycloak answers userinfo for a token without the openid scope with
 * 403 and WWW-Authenticate: Bearer error="insufficient_scope" and an empty
 * body: the reason names the scope rather than a bare status. */
static void
test_userinfo_refusal_names_the_bearer_error(void **state)
{
	struct oa_http_response resp = { .status = 403, .body = (char *)"", .body_len = 0,
					  .bearer_error = "insufficient_scope" };
	struct oa_result r;
	json_t *claims;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(oa_userinfo_judge(&resp, &claims, &r), OA_REJECTED);
	assert_null(claims);
	assert_non_null(strstr(r.reason, "the issuer refused userinfo: the token lacks the openid scope"));
	resp.status = 401;
	strcpy(resp.bearer_error, "invalid_token");
	oa_result_init(&r);
	assert_int_equal(oa_userinfo_judge(&resp, &claims, &r), OA_REJECTED);
	assert_non_null(strstr(r.reason, "refused the token as invalid"));
	/* an error code on a 200 changes nothing */
	resp.status = 200;
	resp.content_type = (char *)"application/json";
	resp.body = (char *)"{\"sub\":\"a\"}";
	resp.body_len = strlen(resp.body);
	oa_result_init(&r);
	assert_int_equal(oa_userinfo_judge(&resp, &claims, &r), OA_OK);
	json_decref(claims);
}

static void
test_userinfo_broken_answers_are_unavailable(void **state)
{
	struct oa_result r;
	json_t *claims;

	(void)state;
	assert_int_equal(judge(500, "application/json", "{}", &claims, &r), OA_UNAVAILABLE);
	assert_string_equal(r.reason, "issuer answered HTTP 500");
	assert_int_equal(judge(503, NULL, "", &claims, &r), OA_UNAVAILABLE);
	assert_int_equal(judge(404, "text/html", "nope", &claims, &r), OA_UNAVAILABLE);
	assert_int_equal(judge(302, NULL, "", &claims, &r), OA_UNAVAILABLE);
	assert_non_null(strstr(r.reason, "redirect (HTTP 302), which is not followed"));
	assert_int_equal(judge(200, "text/html", "{\"sub\":\"a\"}", &claims, &r), OA_UNAVAILABLE);
	assert_string_equal(r.reason, "issuer's answer is not JSON (Content-Type: text/html)");
	assert_int_equal(judge(200, NULL, "{\"sub\":\"a\"}", &claims, &r), OA_UNAVAILABLE);
	assert_int_equal(judge(200, "application/jsonx", "{}", &claims, &r), OA_UNAVAILABLE);
	assert_int_equal(judge(200, "application/jwt", "e30.e30.", &claims, &r), OA_UNAVAILABLE);
	assert_int_equal(judge(200, "application/json", "not json", &claims, &r), OA_UNAVAILABLE);
	assert_non_null(strstr(r.reason, "not valid JSON"));
	/* the reason goes to syslog: it says where, never quotes the answer,
	 * which may echo the token */
	assert_int_equal(judge(200, "application/json", "{\"token\" \"eyJhbGciOi\"}", &claims, &r),
			 OA_UNAVAILABLE);
	assert_string_equal(r.reason, "issuer's answer is not valid JSON: invalid syntax at line 1, column 21");
	assert_null(strstr(r.reason, "eyJ"));
	assert_int_equal(judge(200, "application/json", "{\"sub\":\"a\"", &claims, &r),
			 OA_UNAVAILABLE);
	assert_int_equal(judge(200, "application/json", "{\"sub\":\"a\"} {}", &claims, &r),
			 OA_UNAVAILABLE);
	assert_int_equal(judge(200, "application/json", "[\"a\"]", &claims, &r), OA_UNAVAILABLE);
	assert_string_equal(r.reason, "issuer's answer is not a JSON object");
	assert_int_equal(judge(200, "application/json", "{\"sub\":\"a\",\"sub\":\"b\"}",
			       &claims, &r), OA_UNAVAILABLE);
	assert_int_equal(judge(200, "application/json", "{\"sub\":\"a\\u0000\"}", &claims, &r),
			 OA_UNAVAILABLE);
	assert_null(claims);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_userinfo_accepts_json_object),
		cmocka_unit_test(test_userinfo_refusals_are_rejections),
		cmocka_unit_test(test_userinfo_refusal_names_the_bearer_error),
		cmocka_unit_test(test_userinfo_broken_answers_are_unavailable),
	};
	return cmocka_run_group_tests_name("userinfo", tests, NULL, NULL);
}
