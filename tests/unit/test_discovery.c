/* SPDX-License-Identifier: MIT */
/* Unit tests of discovery.c. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "discovery.h"

#define ISSUER "https://idp.example/realms/R"

static enum oa_status
check_issuer(const char *doc_text, struct oa_result *r)
{
	json_t *doc = json_loads(doc_text, JSON_ALLOW_NUL, NULL);
	enum oa_status status;

	assert_non_null(doc);
	oa_result_init(r);
	status = oa_discovery_check_issuer(doc, ISSUER, "https://idp.example/meta", r);
	json_decref(doc);
	return status;
}

static void
test_discovery_needs_exactly_our_issuer(void **state)
{
	static const char *const others[] = {
		"{}", "{\"issuer\":5}", "{\"issuer\":\"" ISSUER "/\"}",
		"{\"issuer\":\"https://IDP.example/realms/R\"}",
		"{\"issuer\":\"" ISSUER "\\u0000x\"}", "{\"issuer\":\"https://idp.example/realms\"}",
	};
	struct oa_result r;

	(void)state;
	assert_int_equal(check_issuer("{\"issuer\":\"" ISSUER "\"}", &r), OA_OK);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		assert_int_equal(check_issuer(others[i], &r), OA_UNAVAILABLE);
		assert_non_null(strstr(r.reason, "names another issuer"));
	}
}

static void
test_discovery_endpoints_follow_url_policy(void **state)
{
	json_t *doc = json_loads("{\"jwks_uri\":\"https://idp.example/keys\","
				 "\"userinfo_endpoint\":\"http://evil.example/ui\","
				 "\"introspection_endpoint\":7}", 0, NULL);
	struct oa_result r;
	const char *url;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(oa_discovery_endpoint(doc, "jwks_uri", &url, &r), OA_OK);
	assert_string_equal(url, "https://idp.example/keys");
	assert_int_equal(oa_discovery_endpoint(doc, "userinfo_endpoint", &url, &r),
			 OA_UNAVAILABLE);
	assert_null(url);
	oa_result_init(&r);
	assert_int_equal(oa_discovery_endpoint(doc, "introspection_endpoint", &url, &r),
			 OA_UNAVAILABLE);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery_needs_exactly_our_issuer),
		cmocka_unit_test(test_discovery_endpoints_follow_url_policy),
	};
	return cmocka_run_group_tests_name("discovery", tests, NULL, NULL);
}
