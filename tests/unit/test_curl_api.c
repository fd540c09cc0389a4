/* SPDX-License-Identifier: MIT */
/* oa_curl_api and the host's environment: while SSLKEYLOGFILE is set,
 * libcurl is not loaded (it would create that file at curl_global_init and
 * write the TLS secrets of every request to it); an empty value, which
 * libcurl ignores, changes nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "curl_api.h"

static bool
libcurl_mapped(void)
{
	char line[4096];
	bool found = false;
	FILE *maps = fopen("/proc/self/maps", "r");

	assert_non_null(maps);
	while (fgets(line, sizeof(line), maps) != NULL)
		found = found || strstr(line, "/libcurl") != NULL;
	fclose(maps);
	return found;
}

static void
test_curl_api_refused_while_sslkeylogfile_is_set(void **state)
{
	char dir[] = "/tmp/oa_test_curl_api.XXXXXX";
	char path[sizeof(dir) + 16];
	struct oa_result r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/keylog", dir);
	assert_int_equal(setenv("SSLKEYLOGFILE", path, 1), 0);
	oa_result_init(&r);
	assert_null(oa_curl_api(&r));
	assert_int_equal(r.status, OA_CONFIG);
	assert_string_equal(r.reason,
			    "the host's environment sets SSLKEYLOGFILE; libcurl would write the "
			    "TLS secrets of requests to the issuer there: unset it in the "
			    "service's environment");
	assert_false(libcurl_mapped());
	assert_int_equal(access(path, F_OK), -1);

	/* libcurl takes an empty value as unset, and so does the module. */
	assert_int_equal(setenv("SSLKEYLOGFILE", "", 1), 0);
	oa_result_init(&r);
	assert_non_null(oa_curl_api(&r));
	assert_int_equal(r.status, OA_OK);
	assert_true(libcurl_mapped());
	assert_int_equal(access(path, F_OK), -1);

	/* Once loaded, it is still refused while the variable is set: a host
	 * that initialised libcurl itself may have opened the file. */
	assert_int_equal(setenv("SSLKEYLOGFILE", path, 1), 0);
	oa_result_init(&r);
	assert_null(oa_curl_api(&r));
	assert_int_equal(r.status, OA_CONFIG);
	assert_int_equal(unsetenv("SSLKEYLOGFILE"), 0);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_curl_api_refused_while_sslkeylogfile_is_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
