/* SPDX-License-Identifier: MIT */
/* Stands in for the system logger during tests: binds the datagram socket
 * that syslog(3) writes to and appends each message, one per line, to a
 * file, so tests can assert on the reasons the module logs.
 *
 *   syslog_sink SOCKET_PATH LOG_FILE        (runs until SIGTERM/SIGINT) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char **argv)
{
	struct sockaddr_un addr;
	struct sigaction sa;
	char buf[65536];
	FILE *out;
	int fd;

	if (argc != 3 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: syslog_sink SOCKET_PATH LOG_FILE\n");
		return 2;
	}
	out = fopen(argv[2], "a");
	if (out == NULL) {
		perror(argv[2]);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: recv must return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	strcpy(addr.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	/* A socket someone still reads from belongs to a real logger: leave it.
	 * One nobody reads from is left over from an earlier run. */
	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
		fprintf(stderr, "%s is in use by a running logger\n", argv[1]);
		return 3;
	}
	unlink(argv[1]);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		perror("bind");
		return 1;
	}
	chmod(argv[1], 0666);
	while (!stop) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		buf[n] = '\0';
		fprintf(out, "%s\n", buf);
		fflush(out);
	}
	close(fd);
	unlink(argv[1]);
	fclose(out);
	return 0;
}
