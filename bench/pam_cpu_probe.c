/* SPDX-License-Identifier: MIT */
/* For the benchmarks only, never installed: a PAM module stacked on both
 * sides of another module's auth line records the CPU time that module's
 * pam_sm_authenticate takes in the very process that runs it (a PostgreSQL
 * backend, or a pam_harness child), without touching the module:
 *
 *   auth optional  pam_cpu_probe.so start [evict=MB]
 *   auth required  pam_oauth2.so ...
 *   auth optional  pam_cpu_probe.so stop FILE
 *
 * `stop` appends "NANOSECONDS MINOR_FAULTS" of the calling thread to FILE,
 * one line per login.  `evict=MB` first writes MB megabytes of fresh
 * memory, so that the module starts with cold CPU caches, as it does in a
 * backend that has just run PostgreSQL's own start-up.  Both lines always
 * answer PAM_IGNORE: the probe never decides a login.  bench/inside.sh
 * runs it. */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#define PROBE_DATA "pam_cpu_probe"
#define MAX_EVICT_MB 1024

struct probe_start {
	struct timespec cpu;
	long minflt;
};

static void
free_start(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	free(data);
}

static long
minor_faults(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) == 0 ? ru.ru_minflt : 0;
}

static void
evict_caches(long mb)
{
	size_t bytes = (size_t)mb << 20;
	volatile unsigned char *p = malloc(bytes);

	if (p == NULL)
		return;
	for (size_t i = 0; i < bytes; i += 64)
		p[i] = (unsigned char)i;
	free((void *)p);
}

static int
start(pam_handle_t *pamh, int argc, const char **argv)
{
	struct probe_start *s;

	for (int i = 0; i < argc; i++) {
		char *end;
		long mb;

		if (strncmp(argv[i], "evict=", 6) != 0)
			continue;
		mb = strtol(argv[i] + 6, &end, 10);
		if (*end != '\0' || mb < 0 || mb > MAX_EVICT_MB) {
			pam_syslog(pamh, LOG_ERR, "pam_cpu_probe: evict=MB takes 0 to %d", MAX_EVICT_MB);
			return PAM_IGNORE;
		}
		evict_caches(mb);
	}
	s = malloc(sizeof(*s));
	if (s == NULL)
		return PAM_IGNORE;
	/* The faults first: the clock is read last so it measures the least of
	 * the probe itself. */
	s->minflt = minor_faults();
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &s->cpu);
	if (pam_set_data(pamh, PROBE_DATA, s, free_start) != PAM_SUCCESS)
		free(s);
	return PAM_IGNORE;
}

static int
stop(pam_handle_t *pamh, int argc, const char **argv)
{
	struct timespec now;
	const void *data = NULL;
	const struct probe_start *s;
	char line[64];
	long long ns;
	int fd, n;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
	if (argc < 1 || pam_get_data(pamh, PROBE_DATA, &data) != PAM_SUCCESS || data == NULL) {
		pam_syslog(pamh, LOG_ERR, "pam_cpu_probe: stop FILE, after a start line");
		return PAM_IGNORE;
	}
	s = data;
	ns = (long long)(now.tv_sec - s->cpu.tv_sec) * 1000000000LL + (now.tv_nsec - s->cpu.tv_nsec);
	n = snprintf(line, sizeof(line), "%lld %ld\n", ns, minor_faults() - s->minflt);
	/* One write with O_APPEND: concurrent backends never interleave lines. */
	fd = open(argv[0], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, line, (size_t)n) != n)
		pam_syslog(pamh, LOG_ERR, "pam_cpu_probe: cannot append to %s", argv[0]);
	if (fd >= 0)
		close(fd);
	return PAM_IGNORE;
}

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)flags;
	if (argc >= 1 && strcmp(argv[0], "start") == 0)
		return start(pamh, argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "stop") == 0)
		return stop(pamh, argc - 1, argv + 1);
	pam_syslog(pamh, LOG_ERR, "pam_cpu_probe: the first argument is start or stop");
	return PAM_IGNORE;
}

int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_IGNORE;
}
