/* SPDX-License-Identifier: MIT */
/* oa_preload in the parent that forks the children: it loads the time zone
 * they inherit, and names the module it cannot map.  (That it loads
 * libcurl and OpenSSL, the preload's integration test shows in a real
 * postmaster.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "preload.h"

/* A zone no system has, given as a POSIX TZ string, so that only a tzset()
 * done by the preload can have put its name in tzname. */
static void
test_preload_loads_the_time_zone(void **state)
{
	struct oa_result r;

	(void)state;
	assert_int_equal(setenv("TZ", "OAZ-3", 1), 0);
	assert_string_not_equal(tzname[0], "OAZ");
	oa_result_init(&r);
	assert_int_equal(oa_preload(NULL, &r), OA_OK);
	assert_string_equal(tzname[0], "OAZ");
}

static void
test_preload_names_a_module_it_cannot_load(void **state)
{
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(oa_preload("/nonexistent/pam_oauth2.so", &r), OA_INTERNAL);
	assert_non_null(strstr(r.reason, "cannot load /nonexistent/pam_oauth2.so"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preload_loads_the_time_zone),
		cmocka_unit_test(test_preload_names_a_module_it_cannot_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
