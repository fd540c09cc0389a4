/* Reading a remembered verdict back: only a well-formed entry, unexpired,
 * with "ok" the JSON value true and the claims an object, lets a login skip
 * the check; anything else is "nothing remembered" and the check runs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "verdict_cache.h"

#define NOW 1700000000LL

static enum oa_remembered
parsed(const char *text, struct oa_remembered_verdict *v)
{
	oa_verdict_cache_parse_entry(text, strlen(text), NOW, v);
	return v->what;
}

static void
test_verdict_entry_accepted_only_when_whole_and_unexpired(void **state)
{
	struct oa_remembered_verdict v;

	(void)state;
	assert_int_equal(parsed("{\"ok\":true,\"method\":\"jwt\",\"exp\":1700000300,"
				"\"claims\":{\"sub\":\"alice\"}}", &v), OA_REMEMBERED_VALID);
	assert_string_equal(v.method, "jwt");
	assert_int_equal(v.exp, 1700000300LL);
	assert_string_equal(json_string_value(json_object_get(v.claims, "sub")), "alice");
	oa_remembered_clear(&v);
	/* exp -1: the check found no expiry; cache_ttl bounds the entry */
	assert_int_equal(parsed("{\"ok\":true,\"method\":\"userinfo\",\"exp\":-1,\"claims\":{}}", &v),
			 OA_REMEMBERED_VALID);
	oa_remembered_clear(&v);
}

static void
test_verdict_entry_malformed_or_expired_is_nothing(void **state)
{
	static const char *const nothing[] = {
		/* expired, or expiring this very second */
		"{\"ok\":true,\"method\":\"jwt\",\"exp\":1699999999,\"claims\":{}}",
		"{\"ok\":true,\"method\":\"jwt\",\"exp\":1700000000,\"claims\":{}}",
		/* "ok" not the JSON value true */
		"{\"ok\":\"true\",\"method\":\"jwt\",\"exp\":-1,\"claims\":{}}",
		"{\"ok\":1,\"method\":\"jwt\",\"exp\":-1,\"claims\":{}}",
		/* claims missing or not an object */
		"{\"ok\":true,\"method\":\"jwt\",\"exp\":-1}",
		"{\"ok\":true,\"method\":\"jwt\",\"exp\":-1,\"claims\":[]}",
		/* exp or method missing or mistyped */
		"{\"ok\":true,\"method\":\"jwt\",\"claims\":{}}",
		"{\"ok\":true,\"method\":\"jwt\",\"exp\":1.7e9,\"claims\":{}}",
		"{\"ok\":true,\"exp\":-1,\"claims\":{}}",
		/* a duplicate key: which "ok" would count? */
		"{\"ok\":false,\"ok\":true,\"method\":\"jwt\",\"exp\":-1,\"claims\":{}}",
		/* a refusal without its reason */
		"{\"ok\":false,\"method\":\"jwt\",\"exp\":-1}",
		/* not JSON, cut short, not an object */
		"", "{\"ok\":true,\"method\":\"jwt\",\"exp\":-1,\"claims\":{}", "[true]",
	};
	struct oa_remembered_verdict v;

	(void)state;
	for (size_t i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++) {
		assert_int_equal(parsed(nothing[i], &v), OA_REMEMBERED_NOTHING);
		assert_null(v.claims);
		oa_remembered_clear(&v);
	}
}

static void
test_verdict_entry_refusal_keeps_its_reason(void **state)
{
	struct oa_remembered_verdict v;

	(void)state;
	assert_int_equal(parsed("{\"ok\":false,\"method\":\"introspection\",\"exp\":-1,"
				"\"reason\":\"the token is not active\"}", &v),
			 OA_REMEMBERED_REFUSED);
	assert_string_equal(v.reason, "the token is not active");
	assert_null(v.claims);
	oa_remembered_clear(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_entry_accepted_only_when_whole_and_unexpired),
		cmocka_unit_test(test_verdict_entry_malformed_or_expired_is_nothing),
		cmocka_unit_test(test_verdict_entry_refusal_keeps_its_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
