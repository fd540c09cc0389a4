/* SPDX-License-Identifier: MIT */
/* A libpq 18 client for the validator tests and benchmark: it hands libpq
 * a bearer token through PQsetAuthDataHook (what an application does when
 * it obtains tokens itself), logs in, runs one query and prints the first
 * row, tab-separated; or, with --repeat, logs in and out N times, or for
 * --seconds S, and prints "LOGINS SECONDS".
 *
 *   pg18_client [--token-file F] [--sql SQL] [--repeat N | --seconds S] CONNINFO
 *
 * Exit status: 0 logged in (every time), 1 a login failed (libpq's message
 * on stderr), 2 bad usage. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libpq-fe.h"

static char *token;

static int
token_hook(PGauthData type, PGconn *conn, void *data)
{
	PGoauthBearerRequest *request = data;

	if (type != PQAUTHDATA_OAUTH_BEARER_TOKEN)
		return PQdefaultAuthDataHook(type, conn, data);
	if (token == NULL)
		return -1; /* no token to give: libpq fails the login */
	request->token = token;
	return 1;
}

static char *
read_token(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[70000];
	size_t n;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	return buf;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One login; with sql, its first row on stdout. */
static int
login(const char *conninfo, const char *sql)
{
	PGconn *conn = PQconnectdb(conninfo);
	int rc = 0;

	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "%s", PQerrorMessage(conn));
		PQfinish(conn);
		return 1;
	}
	if (sql != NULL) {
		PGresult *res = PQexec(conn, sql);

		if (PQresultStatus(res) != PGRES_TUPLES_OK &&
		    PQresultStatus(res) != PGRES_COMMAND_OK) {
			fprintf(stderr, "%s", PQerrorMessage(conn));
			rc = 1;
		} else if (PQntuples(res) > 0) {
			for (int c = 0; c < PQnfields(res); c++)
				printf("%s%s", c > 0 ? "\t" : "",
				       PQgetisnull(res, 0, c) ? "" : PQgetvalue(res, 0, c));
			printf("\n");
		}
		PQclear(res);
	}
	PQfinish(conn);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *sql = "SELECT system_user, current_user";
	long repeat = 0;
	double seconds = 0, start, end;
	long done = 0;
	int i = 1;

	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (strcmp(argv[i], "--token-file") == 0)
			token = read_token(argv[i + 1]);
		else if (strcmp(argv[i], "--sql") == 0)
			sql = argv[i + 1];
		else if (strcmp(argv[i], "--repeat") == 0)
			repeat = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--seconds") == 0)
			seconds = strtod(argv[i + 1], NULL);
		else
			break;
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: pg18_client [--token-file F] [--sql SQL] "
				"[--repeat N | --seconds S] CONNINFO\n");
		return 2;
	}
	PQsetAuthDataHook(token_hook);
	if (repeat == 0 && seconds == 0)
		return login(argv[i], sql);
	start = now_s();
	end = start + seconds;
	while (repeat > 0 ? done < repeat : now_s() < end) {
		if (login(argv[i], NULL) != 0)
			return 1;
		done++;
	}
	printf("%ld %.6f\n", done, now_s() - start);
	return 0;
}
