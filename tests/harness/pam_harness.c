/* SPDX-License-Identifier: MIT */
/* Drives the built module through the real libpam, the way PostgreSQL does:
 * pam_start with a service file, a conversation that answers the password
 * prompt with the token, pam_authenticate, then pam_acct_mgmt on the same
 * handle.  Prints each call's PAM code by name, one per line.
 *
 *   pam_harness --confdir DIR --service NAME --user USER
 *               [--token-file FILE] [--rhost ADDR] [--acct-only] [--repeat N]
 *               [--pause SECONDS] [--switch-user USER] [--check-fds]
 *               [--report-libcurl] [--fork] [--preload MODULE] [--report-cpu]
 *
 * --pause waits between the two calls; --switch-user changes PAM_USER
 * between them, as a misbehaving stacked module could.  --report-libcurl
 * prints whether libcurl ended up mapped into the process (a login answered
 * from the cache must not load it).
 * --repeat N runs pam_start .. pam_end N times in this one process, as a
 * long-lived host does; the codes are printed for the first round only,
 * then (for N > 1) one line per distinct outcome, in order of first
 * appearance: "rounds: COUNT auth=CODE[ acct=CODE]".
 * --fork runs each round in a child process, as PostgreSQL forks a backend
 * per connection; --preload MODULE first does in this parent what
 * pam_oauth2_preload does in the postmaster (src/core/preload.h), so the
 * children inherit it; --report-cpu prints the children's CPU time per
 * round ("cpu: MS ms per login"), which holds on a busy machine.
 * --check-fds counts the open descriptors before the first round and after
 * the last, prints "fds: BEFORE -> AFTER" and exits 1 if AFTER > BEFORE.
 * The host's syslog connection (a Unix datagram socket, which libc opens at
 * the first message and keeps) is not counted.
 * Without --token-file the conversation fails, as libpq does when the
 * client has no password to send. */
#include <security/pam_appl.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "preload.h"

struct conv_data {
	const char *token; /* NULL: refuse to answer */
};

static int
converse(int n, const struct pam_message **msg, struct pam_response **resp,
	 void *appdata)
{
	const struct conv_data *data = appdata;
	struct pam_response *out;

	if (data->token == NULL || n <= 0)
		return PAM_CONV_ERR;
	out = calloc((size_t)n, sizeof(*out));
	if (out == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		out[i].resp = strdup(data->token);
		if (out[i].resp == NULL) {
			for (int j = 0; j < i; j++)
				free(out[j].resp);
			free(out);
			return PAM_BUF_ERR;
		}
	}
	*resp = out;
	return PAM_SUCCESS;
}

static const char *
code_name(int rc)
{
	static const struct { int rc; const char *name; } names[] = {
		{ PAM_SUCCESS, "PAM_SUCCESS" },
		{ PAM_AUTH_ERR, "PAM_AUTH_ERR" },
		{ PAM_AUTHINFO_UNAVAIL, "PAM_AUTHINFO_UNAVAIL" },
		{ PAM_SERVICE_ERR, "PAM_SERVICE_ERR" },
		{ PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN" },
		{ PAM_PERM_DENIED, "PAM_PERM_DENIED" },
		{ PAM_IGNORE, "PAM_IGNORE" },
		{ PAM_CONV_ERR, "PAM_CONV_ERR" },
		{ PAM_BUF_ERR, "PAM_BUF_ERR" },
		{ PAM_ACCT_EXPIRED, "PAM_ACCT_EXPIRED" },
		{ PAM_SYSTEM_ERR, "PAM_SYSTEM_ERR" },
		{ PAM_ABORT, "PAM_ABORT" },
		{ PAM_CRED_INSUFFICIENT, "PAM_CRED_INSUFFICIENT" },
		{ PAM_MAXTRIES, "PAM_MAXTRIES" },
		{ PAM_AUTHTOK_ERR, "PAM_AUTHTOK_ERR" },
		{ PAM_AUTHTOK_RECOVERY_ERR, "PAM_AUTHTOK_RECOVERY_ERR" },
		{ PAM_CRED_ERR, "PAM_CRED_ERR" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].rc == rc)
			return names[i].name;
	return "PAM_OTHER";
}

static bool
libcurl_mapped(void)
{
	char line[4096];
	bool found = false;
	FILE *maps = fopen("/proc/self/maps", "r");

	while (maps != NULL && fgets(line, sizeof(line), maps) != NULL)
		found = found || strstr(line, "/libcurl") != NULL;
	if (maps != NULL)
		fclose(maps);
	return found;
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)size + 1);
		if (buf != NULL && fread(buf, 1, (size_t)size, f) == (size_t)size) {
			buf[size] = '\0';
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

/* Whether FD is libc's syslog connection: a Unix datagram socket (the
 * peer's name is the logger's, not necessarily /dev/log).  Neither the
 * module nor libcurl opens one. */
static int
is_syslog_socket(int fd)
{
	struct sockaddr_un self;
	socklen_t len = sizeof(self);
	int type = 0;
	socklen_t type_len = sizeof(type);

	memset(&self, 0, sizeof(self));
	return getsockname(fd, (struct sockaddr *)&self, &len) == 0 &&
	       self.sun_family == AF_UNIX &&
	       getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len) == 0 &&
	       type == SOCK_DGRAM;
}

/* Open descriptors of this process, less the one reading the directory
 * and the syslog socket; -1 if /proc cannot be read. */
static long
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	long n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		int fd;

		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd == dirfd(d) || is_syslog_socket(fd))
			continue;
		n++;
	}
	closedir(d);
	return n;
}

/* One round's outcome ("auth=PAM_SUCCESS acct=PAM_SUCCESS") and how many
 * rounds had it. */
struct outcome {
	int auth, acct; /* -1: not called */
	long rounds;
};

static void
tally(struct outcome *seen, size_t *n_seen, size_t cap, int auth, int acct)
{
	for (size_t i = 0; i < *n_seen; i++) {
		if (seen[i].auth == auth && seen[i].acct == acct) {
			seen[i].rounds++;
			return;
		}
	}
	if (*n_seen < cap)
		seen[(*n_seen)++] = (struct outcome){ auth, acct, 1 };
}

struct round {
	const char *confdir, *service, *user, *rhost, *switch_user;
	unsigned pause_seconds;
	int acct_only;
	struct conv_data *data;
};

/* pam_start .. pam_end once; the first round prints each call's code.
 * False if pam_start failed. */
static bool
run_round(const struct round *w, bool first, int *auth_rc, int *acct_rc)
{
	struct pam_conv conv = { converse, w->data };
	pam_handle_t *pamh = NULL;
	int rc = pam_start_confdir(w->service, w->user, &conv, w->confdir, &pamh);

	*auth_rc = *acct_rc = -1;
	if (rc != PAM_SUCCESS) {
		printf("pam_start: %s\n", code_name(rc));
		return false;
	}
	if (w->rhost != NULL)
		pam_set_item(pamh, PAM_RHOST, w->rhost);
	if (!w->acct_only) {
		rc = *auth_rc = pam_authenticate(pamh, 0);
		if (first)
			printf("pam_authenticate: %s\n", code_name(rc));
	}
	if (w->acct_only || rc == PAM_SUCCESS) {
		if (w->pause_seconds > 0)
			sleep(w->pause_seconds);
		if (w->switch_user != NULL)
			pam_set_item(pamh, PAM_USER, w->switch_user);
		rc = *acct_rc = pam_acct_mgmt(pamh, 0);
		if (first)
			printf("pam_acct_mgmt: %s\n", code_name(rc));
	}
	pam_end(pamh, rc);
	return true;
}

/* The round in a child, which reports its two codes through a pipe. */
static bool
run_round_forked(const struct round *w, bool first, int *auth_rc, int *acct_rc)
{
	int fds[2], codes[2] = { -1, -1 }, status = 0;
	bool started = false;
	pid_t pid;

	fflush(stdout);
	if (pipe(fds) != 0)
		return false;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		started = run_round(w, first, &codes[0], &codes[1]);
		fflush(stdout);
		_exit(write(fds[1], codes, sizeof(codes)) == (ssize_t)sizeof(codes) && started ? 0 : 1);
	}
	close(fds[1]);
	if (pid > 0) {
		started = read(fds[0], codes, sizeof(codes)) == (ssize_t)sizeof(codes);
		started = waitpid(pid, &status, 0) == pid && started && WIFEXITED(status) &&
			  WEXITSTATUS(status) == 0;
	}
	close(fds[0]);
	*auth_rc = codes[0];
	*acct_rc = codes[1];
	return started;
}

int
main(int argc, char **argv)
{
	const char *confdir = NULL, *service = NULL, *user = NULL;
	const char *token_file = NULL, *rhost = NULL, *switch_user = NULL;
	unsigned pause_seconds = 0;
	const char *preload = NULL;
	int acct_only = 0, report_libcurl = 0, check_fds = 0, status = 0;
	int fork_rounds = 0, report_cpu = 0;
	long repeat = 1, fds_before = -1;
	struct outcome seen[64];
	size_t n_seen = 0;
	struct conv_data data = { NULL };
	char *token = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--acct-only") == 0) {
			acct_only = 1;
			continue;
		}
		if (strcmp(a, "--report-libcurl") == 0) {
			report_libcurl = 1;
			continue;
		}
		if (strcmp(a, "--check-fds") == 0) {
			check_fds = 1;
			continue;
		}
		if (strcmp(a, "--fork") == 0) {
			fork_rounds = 1;
			continue;
		}
		if (strcmp(a, "--report-cpu") == 0) {
			report_cpu = 1;
			continue;
		}
		if (v == NULL) {
			fprintf(stderr, "%s needs a value\n", a);
			return 2;
		}
		i++;
		if (strcmp(a, "--confdir") == 0)
			confdir = v;
		else if (strcmp(a, "--service") == 0)
			service = v;
		else if (strcmp(a, "--user") == 0)
			user = v;
		else if (strcmp(a, "--token-file") == 0)
			token_file = v;
		else if (strcmp(a, "--rhost") == 0)
			rhost = v;
		else if (strcmp(a, "--switch-user") == 0)
			switch_user = v;
		else if (strcmp(a, "--pause") == 0)
			pause_seconds = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(a, "--repeat") == 0)
			repeat = strtol(v, NULL, 10);
		else if (strcmp(a, "--preload") == 0)
			preload = v;
		else {
			fprintf(stderr, "unknown argument %s\n", a);
			return 2;
		}
	}
	if (service == NULL || user == NULL || repeat < 1 || (report_cpu && !fork_rounds)) {
		fprintf(stderr, "usage: pam_harness --confdir DIR --service NAME --user USER "
				"[--token-file FILE] [--rhost ADDR] [--acct-only] [--repeat N] "
				"[--pause SECONDS] [--switch-user USER] [--check-fds] [--report-libcurl] "
				"[--fork] [--preload MODULE] [--report-cpu (with --fork)]\n");
		return 2;
	}
	if (token_file != NULL) {
		token = read_file(token_file);
		if (token == NULL) {
			perror(token_file);
			return 2;
		}
		data.token = token;
	}
	if (check_fds && (fds_before = count_fds()) < 0) {
		perror("/proc/self/fd");
		free(token);
		return 2;
	}

	if (preload != NULL) {
		struct oa_result r;

		oa_result_init(&r);
		if (oa_preload(preload, &r) != OA_OK) {
			fprintf(stderr, "preload: %s\n", r.reason);
			free(token);
			return 2;
		}
	}
	for (long n = 0; n < repeat; n++) {
		const struct round w = { confdir, service, user, rhost, switch_user,
					 pause_seconds, acct_only, &data };
		int auth_rc, acct_rc;
		bool started = fork_rounds ? run_round_forked(&w, n == 0, &auth_rc, &acct_rc) :
					     run_round(&w, n == 0, &auth_rc, &acct_rc);

		if (!started) {
			free(token);
			return 1;
		}
		tally(seen, &n_seen, sizeof(seen) / sizeof(seen[0]), auth_rc, acct_rc);
	}
	if (report_cpu) {
		struct rusage ru;
		double ms;

		getrusage(RUSAGE_CHILDREN, &ru);
		ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		     (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
		printf("cpu: %.3f ms per login\n", ms / (double)repeat);
	}
	if (report_libcurl)
		printf("libcurl: %s\n", libcurl_mapped() ? "mapped" : "not mapped");
	free(token);
	if (repeat > 1) {
		for (size_t i = 0; i < n_seen; i++) {
			printf("rounds: %ld", seen[i].rounds);
			if (seen[i].auth >= 0)
				printf(" auth=%s", code_name(seen[i].auth));
			if (seen[i].acct >= 0)
				printf(" acct=%s", code_name(seen[i].acct));
			printf("\n");
		}
	}
	if (check_fds) {
		long fds_after = count_fds();

		printf("fds: %ld -> %ld\n", fds_before, fds_after);
		if (fds_after < 0 || fds_after > fds_before)
			status = 1;
	}
	return status;
}
