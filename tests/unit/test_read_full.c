/* SPDX-License-Identifier: MIT */
/* oa_read_full: reads until the buffer is full or the data ends, however
 * the data arrives (a pipe hands it over in pieces), and says which. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "read_full.h"

/* A writer process that sends `text` in pieces of `piece` bytes with a
 * pause between them, then closes its end. */
static int
pipe_from_writer(const char *text, size_t piece)
{
	int fds[2];
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		size_t len = strlen(text);

		close(fds[0]);
		for (size_t off = 0; off < len; off += piece) {
			size_t n = len - off < piece ? len - off : piece;

			if (write(fds[1], text + off, n) != (ssize_t)n)
				_exit(1);
			usleep(2000);
		}
		_exit(0);
	}
	close(fds[1]);
	return fds[0];
}

static void
test_read_full_gathers_pieces_up_to_the_end(void **state)
{
	char buf[64];
	size_t got;
	int fd = pipe_from_writer("abcdefghijklmnopqrstuvwxyz", 5);

	(void)state;
	memset(buf, 0, sizeof(buf));
	assert_int_equal(oa_read_full(fd, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 26);
	assert_string_equal(buf, "abcdefghijklmnopqrstuvwxyz");
	close(fd);
	wait(NULL);
}

static void
test_read_full_stops_when_the_buffer_is_full(void **state)
{
	char buf[10];
	size_t got;
	int fd = pipe_from_writer("abcdefghijklmnopqrstuvwxyz", 3);

	(void)state;
	assert_int_equal(oa_read_full(fd, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 10);
	assert_memory_equal(buf, "abcdefghij", 10);
	close(fd);
	wait(NULL);
}

static void
test_read_full_reports_the_error(void **state)
{
	char buf[4];
	size_t got = 99;

	(void)state;
	assert_int_equal(oa_read_full(-1, buf, sizeof(buf), &got), EBADF);
	assert_int_equal(got, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_full_gathers_pieces_up_to_the_end),
		cmocka_unit_test(test_read_full_stops_when_the_buffer_is_full),
		cmocka_unit_test(test_read_full_reports_the_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
