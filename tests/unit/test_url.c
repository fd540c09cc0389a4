/* SPDX-License-Identifier: MIT */
/* Unit tests of url.c. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "url.h"

static enum oa_status
check(const char *url, struct oa_url *u)
{
	struct oa_result r;

	oa_result_init(&r);
	return oa_url_check(url, "userinfo", u, &r);
}

static void
test_url_https_any_host(void **state)
{
	struct oa_url u;

	(void)state;
	assert_int_equal(check("https://login.example.com/userinfo", &u), OA_OK);
	assert_true(u.https);
	assert_false(u.loopback);
	assert_string_equal(u.host, "login.example.com");
	assert_int_equal(check("HTTPS://idp:8443?x=1", &u), OA_OK);
	assert_string_equal(u.host, "idp");
	assert_int_equal(check("https://[2001:db8::1]:443/u", &u), OA_OK);
	assert_string_equal(u.host, "[2001:db8::1]");
}

static void
test_url_http_only_to_loopback(void **state)
{
	struct oa_url u;

	(void)state;
	assert_int_equal(check("http://127.0.0.1:8080/userinfo", &u), OA_OK);
	assert_true(u.loopback);
	assert_int_equal(check("http://127.255.3.4/u", &u), OA_OK);
	assert_int_equal(check("http://localhost:1/u", &u), OA_OK);
	assert_int_equal(check("http://LOCALHOST/u", &u), OA_OK);
	assert_int_equal(check("http://[::1]:9000/u", &u), OA_OK);
	assert_int_equal(check("http://128.0.0.1/u", &u), OA_CONFIG);
	assert_int_equal(check("http://10.0.0.1/u", &u), OA_CONFIG);
	assert_int_equal(check("http://127.0.0.1.nip.io/u", &u), OA_CONFIG);
	assert_int_equal(check("http://localhost.example.com/u", &u), OA_CONFIG);
	assert_int_equal(check("http://[::2]/u", &u), OA_CONFIG);
	assert_int_equal(check("http://[::ffff:127.0.0.1]/u", &u), OA_CONFIG);
	assert_int_equal(check("http://127.1/u", &u), OA_CONFIG);
}

static void
test_url_rejects_malformed(void **state)
{
	struct oa_url u;

	(void)state;
	assert_int_equal(check("", &u), OA_CONFIG);
	assert_int_equal(check("idp.example/userinfo", &u), OA_CONFIG);
	assert_int_equal(check("file:///etc/passwd", &u), OA_CONFIG);
	assert_int_equal(check("https://", &u), OA_CONFIG);
	assert_int_equal(check("https://:443/u", &u), OA_CONFIG);
	assert_int_equal(check("https://user:pw@idp/u", &u), OA_CONFIG);
	assert_int_equal(check("http://evil@127.0.0.1/u", &u), OA_CONFIG);
	assert_int_equal(check("https://idp:44x3/u", &u), OA_CONFIG);
	assert_int_equal(check("https://idp:/u", &u), OA_CONFIG);
	assert_int_equal(check("https://idp:123456/u", &u), OA_CONFIG);
	assert_int_equal(check("https://idp/u#frag", &u), OA_CONFIG);
	assert_int_equal(check("https://idp/u\r\nX: y", &u), OA_CONFIG);
	assert_int_equal(check("https://id p/u", &u), OA_CONFIG);
	assert_int_equal(check("https://[::1/u", &u), OA_CONFIG);
	assert_int_equal(check("https://[::1]x/u", &u), OA_CONFIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_https_any_host),
		cmocka_unit_test(test_url_http_only_to_loopback),
		cmocka_unit_test(test_url_rejects_malformed),
	};
	return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
