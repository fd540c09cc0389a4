/* SPDX-License-Identifier: MIT */
/* Paired logins: how a login method's rate compares with a floor's when
 * both are timed in alternation, a login of one then a login of the other,
 * so that whatever slows the machine for a second slows both alike.  A
 * login is what pgbench -C does per transaction: connect, SELECT 1,
 * disconnect.  With C clients, C threads log in together: all as the
 * floor, then all as the method (the next pair the other way round, so
 * neither always goes first), each phase timed from the moment every
 * thread is ready to the moment the last one is done.  The pairs are cut
 * into BLOCKS blocks; each block prints one line:
 *
 *   BLOCK FLOOR_MS METHOD_MS
 *
 * the mean wall time of its floor phases and of its method phases (a
 * phase is one login per client, so at C clients the rate is C over it).
 * bench/paired_logins.sh runs it and reports the blocks' ratios.  Asserts
 * nothing; any failed login ends it with status 1 and the server's
 * message.
 *
 *   bench_paired CONNINFO FLOOR_USER FLOOR_PASSWORD_FILE METHOD_USER
 *                METHOD_PASSWORD_FILE CLIENTS PAIRS_PER_BLOCK BLOCKS */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CLIENTS 8

struct side {
	const char *user;
	char *password; /* a token may be tens of KB: the file's whole text */
};

struct shared {
	const char *conninfo;
	struct side sides[2]; /* 0: the floor, 1: the method */
	int clients;
	long phases;
	pthread_barrier_t start, end;
	double t0;        /* the current phase's start, between the barriers */
	double *phase_ms; /* [phase]: wall ms */
	atomic_int failed;
};

/* Which side logs in in phase `p`: floor, method, method, floor, ... */
static int
side_of(long p)
{
	return (p / 2) % 2 == 0 ? (int)(p % 2) : 1 - (int)(p % 2);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char *
read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (text = malloc((size_t)len + 1)) == NULL ||
	    fread(text, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "bench_paired: cannot read %s\n", path);
		exit(2);
	}
	text[len] = '\0';
	fclose(f);
	return text;
}

/* One login as `side`: false, with the server's message on stderr, if it
 * failed. */
static int
login(const struct shared *s, const struct side *side)
{
	const char *keys[] = { "dbname", "user", "password", NULL };
	const char *values[] = { s->conninfo, side->user, side->password, NULL };
	PGconn *conn = PQconnectdbParams(keys, values, 1);
	PGresult *res;
	int ok = PQstatus(conn) == CONNECTION_OK;

	if (ok) {
		res = PQexec(conn, "SELECT 1");
		ok = PQresultStatus(res) == PGRES_TUPLES_OK;
		PQclear(res);
	}
	if (!ok)
		fprintf(stderr, "bench_paired: %s: %s", side->user, PQerrorMessage(conn));
	PQfinish(conn);
	return ok;
}

static void *
client(void *arg)
{
	struct shared *s = arg;

	for (long p = 0; p < s->phases; p++) {
		/* The clients start each phase together; the barriers order
		 * the one write of t0 before its one read. */
		if (pthread_barrier_wait(&s->start) == PTHREAD_BARRIER_SERIAL_THREAD)
			s->t0 = now_ms();
		if (!atomic_load(&s->failed) && !login(s, &s->sides[side_of(p)]))
			atomic_store(&s->failed, 1);
		if (pthread_barrier_wait(&s->end) == PTHREAD_BARRIER_SERIAL_THREAD)
			s->phase_ms[p] = now_ms() - s->t0;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct shared s;
	pthread_t threads[MAX_CLIENTS];
	long pairs, blocks;

	if (argc != 9) {
		fprintf(stderr, "usage: bench_paired CONNINFO FLOOR_USER FLOOR_PASSWORD_FILE "
				"METHOD_USER METHOD_PASSWORD_FILE CLIENTS PAIRS_PER_BLOCK BLOCKS\n");
		return 2;
	}
	memset(&s, 0, sizeof(s));
	s.conninfo = argv[1];
	s.sides[0].user = argv[2];
	s.sides[0].password = read_text(argv[3]);
	s.sides[1].user = argv[4];
	s.sides[1].password = read_text(argv[5]);
	s.clients = atoi(argv[6]);
	pairs = atol(argv[7]);
	blocks = atol(argv[8]);
	if (s.clients < 1 || s.clients > MAX_CLIENTS || pairs < 1 || blocks < 1) {
		fprintf(stderr, "bench_paired: CLIENTS 1 to %d, PAIRS_PER_BLOCK and BLOCKS >= 1\n",
			MAX_CLIENTS);
		return 2;
	}
	s.phases = 2 * pairs * blocks;
	s.phase_ms = calloc((size_t)s.phases, sizeof(double));
	if (s.phase_ms == NULL || pthread_barrier_init(&s.start, NULL, (unsigned)s.clients) != 0 ||
	    pthread_barrier_init(&s.end, NULL, (unsigned)s.clients) != 0)
		return 2;
	for (int i = 0; i < s.clients; i++)
		if (pthread_create(&threads[i], NULL, client, &s) != 0)
			return 2;
	for (int i = 0; i < s.clients; i++)
		pthread_join(threads[i], NULL);
	if (atomic_load(&s.failed))
		return 1;
	for (long b = 0; b < blocks; b++) {
		double sum[2] = { 0, 0 };

		for (long p = 2 * pairs * b; p < 2 * pairs * (b + 1); p++)
			sum[side_of(p)] += s.phase_ms[p];
		printf("%ld %.4f %.4f\n", b, sum[0] / (double)pairs, sum[1] / (double)pairs);
	}
	free(s.phase_ms);
	free(s.sides[0].password);
	free(s.sides[1].password);
	return 0;
}
