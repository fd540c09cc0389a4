/* SPDX-License-Identifier: MIT */
/* Secret files (hmac_secret_file=, client_secret_file=, pg_oauth2_token's
 * --client-secret-file): what is checked is the file that is read, so a
 * file swapped after the configuration was checked is still refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret_file.h"

static char dir[] = "/tmp/oa_test_secret.XXXXXX";
static char path[128];

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/secret", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void
write_secret(const char *text, mode_t mode)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static enum oa_status
read_secret(bool group_may_read, struct oa_secret *s, struct oa_result *r)
{
	oa_result_init(r);
	return oa_secret_read(path, "test_file", group_may_read, s, r);
}

static void
test_secret_bytes_less_one_newline(void **state)
{
	struct oa_secret s;
	struct oa_result r;

	(void)state;
	write_secret("s3cret\r\n", 0600);
	assert_int_equal(read_secret(false, &s, &r), OA_OK);
	assert_int_equal(s.len, 6);
	assert_memory_equal(s.bytes, "s3cret", 6);
	oa_secret_wipe(&s);
	write_secret("two\n\n", 0600);
	assert_int_equal(read_secret(false, &s, &r), OA_OK);
	assert_int_equal(s.len, 4);
	oa_secret_wipe(&s);
	write_secret("bin\r", 0600);
	assert_int_equal(read_secret(false, &s, &r), OA_OK);
	assert_int_equal(s.len, 4);
	assert_memory_equal(s.bytes, "bin\r", 4);
	oa_secret_wipe(&s);
	write_secret("\n", 0600);
	assert_int_equal(read_secret(false, &s, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "is empty"));
}

static void
test_secret_mode_of_the_opened_file(void **state)
{
	struct oa_secret s;
	struct oa_result r;

	(void)state;
	write_secret("s3cret", 0640);
	assert_int_equal(read_secret(true, &s, &r), OA_OK);
	oa_secret_wipe(&s);
	assert_int_equal(read_secret(false, &s, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "has mode 0640"));
	assert_non_null(strstr(r.reason, "(chmod 600)"));
	assert_int_equal(s.len, 0);
	write_secret("s3cret", 0604);
	assert_int_equal(read_secret(true, &s, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "readable by others"));
	write_secret("s3cret", 0660);
	assert_int_equal(read_secret(true, &s, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "(chmod 640 or 600)"));
	/* no bytes of a refused file are left behind */
	for (size_t i = 0; i < sizeof(s.bytes); i++)
		assert_int_equal(s.bytes[i], 0);
}

static void
test_secret_not_a_regular_file(void **state)
{
	struct oa_secret s;
	struct oa_result r;

	(void)state;
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(read_secret(false, &s, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "not a regular file"));
	rmdir(path);
	/* A FIFO would block a plain open() until a writer came: refused at once. */
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(read_secret(false, &s, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "not a regular file"));
	unlink(path);
	assert_int_equal(read_secret(false, &s, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "No such file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret_bytes_less_one_newline),
		cmocka_unit_test(test_secret_mode_of_the_opened_file),
		cmocka_unit_test(test_secret_not_a_regular_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
