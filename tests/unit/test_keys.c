/* SPDX-License-Identifier: MIT */
/* Where keys come from over time: the on-disk cache while fresh, a refetch
 * for an unknown kid at most once per jwks_refresh_min, the last good keys
 * while the issuer is down (up to jwks_stale_max), and nothing after that.
 * The clock is the context's, so hours pass in an instant; the issuer is a
 * loopback socket that never answers, whose accept queue shows whether a
 * request was attempted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "cache_doc.h"
#include "jose_builder.h"
#include "cache_jwks.h"
#include "keys.h"

static char dir[] = "/tmp/oa_test_keys.XXXXXX";
static int listener = -1;
static char url[128], url_arg[160], cache_arg[128];
static json_t *jwks;

static int
setup(void **state)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	EVP_PKEY *key = tb_keygen("EC");

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(listener, 16) != 0)
		return -1;
	getsockname(listener, (struct sockaddr *)&addr, &len);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/jwks", ntohs(addr.sin_port));
	snprintf(url_arg, sizeof(url_arg), "jwks_uri=%s", url);
	snprintf(cache_arg, sizeof(cache_arg), "cache_dir=%s/cache", dir);
	jwks = json_pack("{s:[o]}", "keys", tb_public_jwk(key, "k1", NULL));
	EVP_PKEY_free(key);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	close(listener);
	json_decref(jwks);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* How many files of the cache directory start with `prefix`. */
static int
files_named(const char *prefix)
{
	char path[160];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "%s/cache", dir);
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

/* Removes the files of the cache directory that start with `prefix`. */
static void
remove_files_named(const char *prefix)
{
	char path[160];
	struct dirent *de;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "%s/cache", dir);
	d = opendir(path);
	assert_non_null(d);
	fd = dirfd(d);
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			assert_int_equal(unlinkat(fd, de->d_name, 0), 0);
	closedir(d);
}

/* How many connections the "issuer" received since the last call. */
static int
requests_attempted(void)
{
	int n = 0, fd;

	while ((fd = accept(listener, NULL, NULL)) >= 0) {
		close(fd);
		n++;
	}
	assert_int_equal(errno, EAGAIN);
	return n;
}

struct fixture {
	struct oa_config cfg;
	struct oa_cache cache;
	struct oa_ctx ctx;
};

/* The configuration of the next fixtures: how stale keys may be used, and
 * one more argument (TLS trust) when not NULL. */
static const char *stale_max_arg = "jwks_stale_max=3600";
static const char *extra_arg;

/* Each test starts from these, whatever the one before left after a
 * failed assertion. */
static int
default_arguments(void **state)
{
	(void)state;
	stale_max_arg = "jwks_stale_max=3600";
	extra_arg = NULL;
	return 0;
}

static void
open_fixture(struct fixture *f, long long now)
{
	const char *argv[] = { "issuer=https://idp.example.com", "audience=db", url_arg,
			       cache_arg, "jwks_refresh_min=60", stale_max_arg,
			       "timeout=1", "connect_timeout=1", extra_arg };
	struct oa_result r;

	oa_result_init(&r);
	assert_int_equal(oa_config_parse(extra_arg != NULL ? 9 : 8, argv, &f->cfg, &r), OA_OK);
	assert_int_equal(oa_cache_open(f->cfg.cache_dir, true, &f->cache, &r), OA_OK);
	oa_ctx_init(&f->ctx, &f->cfg, &f->cache);
	f->ctx.now = now;
}

/* Keys for a token of `alg` naming `kid` (NULL: none) at `now`. */
static enum oa_status
keys_at(long long now, const char *kid, enum oa_alg alg, struct oa_jwks *set, char *note,
	size_t note_size)
{
	struct fixture f;
	struct oa_jws jws;
	struct oa_result r;

	memset(&jws, 0, sizeof(jws));
	jws.alg = alg;
	jws.kid = kid;
	jws.kid_len = kid != NULL ? strlen(kid) : 0;
	open_fixture(&f, now);
	oa_result_init(&r);
	oa_keys_for_token(&f.ctx, &jws, set, &r);
	snprintf(note, note_size, "%s", f.ctx.note[0] != '\0' ? f.ctx.note : r.reason);
	oa_cache_close(&f.cache);
	return r.status;
}

/* The set fetched routinely at `now` and stored whole, with no head and no
 * refetch for an unknown kid on record (the tests share one cache
 * directory). */
static void
store_at(long long now)
{
	struct fixture f;

	remove_files_named("jwkshead-");
	remove_files_named("jwksrefetch-");
	open_fixture(&f, now);
	oa_doc_cache_store(&f.ctx, "jwks", url, jwks, 300);
	oa_cache_close(&f.cache);
}

/* Keys for a token naming `kid` at `now`: the outcome, how many keys, how
 * many requests reached the issuer on the way, and (unless NULL) what the
 * note or reason says. */
static void
expect_keys(long long now, const char *kid, enum oa_status status, size_t keys,
	    int requests, const char *says)
{
	struct oa_jwks set;
	char note[400];

	assert_int_equal(keys_at(now, kid, OA_ALG_ES256, &set, note, sizeof(note)), status);
	assert_int_equal(set.n, keys);
	oa_jwks_clear(&set);
	if (requests_attempted() != requests)
		fail_msg("at +%lld s for kid %s: not %d requests", now - (long long)time(NULL),
			 kid != NULL ? kid : "(none)", requests);
	if (says != NULL && strstr(note, says) == NULL)
		fail_msg("at +%lld s the note is \"%s\", not \"%s\"", now - (long long)time(NULL),
			 note, says);
}

static void
test_keys_fresh_cache_answers_without_a_request(void **state)
{
	long long t = (long long)time(NULL);

	(void)state;
	store_at(t);
	expect_keys(t + 10, "k1", OA_OK, 1, 0, NULL);
	expect_keys(t + 299, "k1", OA_OK, 1, 0, NULL);
}

/* Keys for a token of `alg` naming `kid` at `now`, answered by an issuer
 * that publishes `published`: the outcome, the keys and how many requests
 * it served. */
static enum oa_status
keys_from_issuer_at(long long now, const char *kid, const json_t *published,
		    struct oa_jwks *set, int *served)
{
	char *body = json_dumps(published, JSON_COMPACT), note[400];
	int pipefd[2];
	pid_t pid;
	enum oa_status s;

	assert_non_null(body);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* answers each connection of the next two seconds with the set */
		struct timespec until;
		int n = 0;

		close(pipefd[0]);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 2;
		for (;;) {
			struct timespec now_mono;
			char req[4096], head[256];
			int fd = accept(listener, NULL, NULL);

			clock_gettime(CLOCK_MONOTONIC, &now_mono);
			if (now_mono.tv_sec > until.tv_sec ||
			    (now_mono.tv_sec == until.tv_sec && now_mono.tv_nsec >= until.tv_nsec))
				break;
			if (fd < 0) {
				usleep(10000);
				continue;
			}
			fcntl(fd, F_SETFL, 0);
			if (read(fd, req, sizeof(req)) > 0) {
				snprintf(head, sizeof(head),
					 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
					 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
					 strlen(body));
				if (write(fd, head, strlen(head)) < 0 ||
				    write(fd, body, strlen(body)) < 0)
					_exit(2);
				n++;
			}
			close(fd);
		}
		if (write(pipefd[1], &n, sizeof(n)) != (ssize_t)sizeof(n))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	s = keys_at(now, kid, OA_ALG_ES256, set, note, sizeof(note));
	assert_int_equal(read(pipefd[0], served, sizeof(*served)), (ssize_t)sizeof(*served));
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	free(body);
	return s;
}

/* The issuer starts signing with a new key 10 s after a routine fetch: the
 * first token naming it fetches the set again at once and gets the key,
 * though the set was fetched less than jwks_refresh_min ago. */
static void
test_keys_new_kid_refetches_at_once_after_a_routine_fetch(void **state)
{
	EVP_PKEY *next = tb_keygen("EC");
	json_t *rotated = json_deep_copy(jwks);
	long long t = (long long)time(NULL);
	struct oa_jwks set;
	int served = -1;

	(void)state;
	json_array_append_new(json_object_get(rotated, "keys"), tb_public_jwk(next, "k2", NULL));
	store_at(t);
	assert_int_equal(keys_from_issuer_at(t + 10, "k2", rotated, &set, &served), OA_OK);
	assert_int_equal(served, 1);
	assert_true(oa_jwks_has_kid(&set, "k2", 2));
	oa_jwks_clear(&set);
	/* and the next login finds it in the cache */
	expect_keys(t + 11, "k2", OA_OK, 1, 0, NULL);
	json_decref(rotated);
	EVP_PKEY_free(next);
}

/* Made-up kids: the first one asks the issuer once, whatever the set's
 * age; the next wait jwks_refresh_min from that request, which counts
 * though it failed. */
static void
test_keys_made_up_kids_refetch_once_per_refresh_min(void **state)
{
	long long t = (long long)time(NULL);

	(void)state;
	store_at(t);
	/* the issuer does not answer, so the cached set is served */
	expect_keys(t + 10, "made-up-1", OA_OK, 0, 1, "using keys fetched 10 s ago");
	expect_keys(t + 11, "made-up-2", OA_OK, 0, 0, NULL);
	expect_keys(t + 69, "made-up-3", OA_OK, 0, 0, NULL);
	expect_keys(t + 70, "made-up-4", OA_OK, 0, 1, NULL);
	expect_keys(t + 71, "made-up-5", OA_OK, 0, 0, NULL);
	/* the known kid is served throughout without a request */
	expect_keys(t + 72, "k1", OA_OK, 1, 0, NULL);
}

static void
test_keys_stale_keys_serve_while_the_issuer_is_down(void **state)
{
	long long t = (long long)time(NULL);

	(void)state;
	store_at(t);
	/* past max-age (300 s): asks, gets no answer, serves the old keys */
	expect_keys(t + 400, "k1", OA_OK, 1, 1, NULL);
	/* and does not ask again within jwks_refresh_min */
	expect_keys(t + 430, "k1", OA_OK, 1, 0, NULL);
	/* past jwks_stale_max (3600 s) nothing is served */
	expect_keys(t + 3601, "k1", OA_UNAVAILABLE, 0, 1, "fetched 3601 s ago is past jwks_stale_max=3600");
}

/* The failed attempts that keep stale keys in use do not make them look
 * newer: the note counts from the fetch. */
static void
test_keys_stale_keys_keep_their_fetch_time(void **state)
{
	long long t = (long long)time(NULL);

	(void)state;
	store_at(t);
	expect_keys(t + 400, "k1", OA_OK, 1, 1, "using keys fetched 400 s ago");
	expect_keys(t + 470, "k1", OA_OK, 1, 1, "using keys fetched 470 s ago");
}

/* Services share a cache_dir: one that allows no stale keys is not served
 * what another, allowing an hour, keeps. */
static void
test_keys_the_readers_jwks_stale_max_decides(void **state)
{
	long long t = (long long)time(NULL);

	(void)state;
	store_at(t);
	stale_max_arg = "jwks_stale_max=0";
	/* still fresh (max-age 300): used whatever jwks_stale_max says */
	expect_keys(t + 299, "k1", OA_OK, 1, 0, NULL);
	/* stale: the issuer is asked, does not answer, and nothing is served */
	expect_keys(t + 400, "k1", OA_UNAVAILABLE, 0, 1, NULL);
	stale_max_arg = "jwks_stale_max=3600";
	/* the writer's own setting still serves them */
	expect_keys(t + 401, "k1", OA_OK, 1, 1, NULL);
	/* and a reader allowing more than the writer is served longer */
	stale_max_arg = "jwks_stale_max=86400";
	expect_keys(t + 7200, "k1", OA_OK, 1, 1, "using keys fetched 7200 s ago");
	stale_max_arg = "jwks_stale_max=3600";
	expect_keys(t + 7300, "k1", OA_UNAVAILABLE, 0, 1, NULL);
}

/* Keys fetched with the system's CAs are not served to a configuration
 * that trusts only its own cafile=: it asks the issuer itself. */
static void
test_keys_cached_under_the_tls_trust_they_came_with(void **state)
{
	long long t = (long long)time(NULL);
	static char cafile_arg[160];
	char ca[128];
	FILE *f;

	(void)state;
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	f = fopen(ca, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(cafile_arg, sizeof(cafile_arg), "cafile=%s", ca);
	store_at(t);
	extra_arg = cafile_arg;
	expect_keys(t + 10, "k1", OA_UNAVAILABLE, 0, 1, NULL);
	store_at(t);
	expect_keys(t + 10, "k1", OA_OK, 1, 0, NULL);
	extra_arg = NULL;
	expect_keys(t + 10, "k1", OA_OK, 1, 0, NULL);
}

/* Storing a document tidies its namespace: a temporary file left by a
 * writer killed two hours ago and a document past its stale limit go; the
 * live ones stay. */
static void
test_keys_storing_sweeps_what_killed_writers_left(void **state)
{
	long long t = (long long)time(NULL);
	struct timespec old[2] = { { .tv_sec = t - 7200 }, { .tv_sec = t - 7200 } };
	char temp[256];
	struct fixture f;
	int fd, before;

	(void)state;
	store_at(t);
	before = files_named("jwks-");
	snprintf(temp, sizeof(temp), "%s/cache/jwks.tmp.0123456789abcdef0123456789abcdef", dir);
	fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(utimensat(AT_FDCWD, temp, old, 0), 0);
	/* fetched 8 days ago: past any reader's jwks_stale_max= (at most 7) */
	open_fixture(&f, t - 8 * 86400);
	oa_doc_cache_store(&f.ctx, "jwks", "https://gone.example/jwks", jwks, 300);
	oa_cache_close(&f.cache);
	assert_int_equal(access(temp, F_OK), -1);
	assert_int_equal(files_named("jwks-"), before);
	expect_keys(t + 1, "k1", OA_OK, 1, 0, NULL);
}

/* oa_keys_refetched in a login of its own at `now`, after a look at the
 * keys the token would have had first when `looked_first`; without the
 * on-disk cache unless `with_cache`. */
static enum oa_refetch
refetched_at(long long now, bool looked_first, bool with_cache)
{
	struct fixture f;
	struct oa_jwks set;
	enum oa_refetch outcome;

	open_fixture(&f, now);
	if (!with_cache)
		f.ctx.cache = NULL;
	if (looked_first) {
		struct oa_jws jws;
		struct oa_result r;

		memset(&jws, 0, sizeof(jws));
		jws.alg = OA_ALG_ES256;
		oa_result_init(&r);
		oa_keys_for_token(&f.ctx, &jws, &set, &r);
		oa_jwks_clear(&set);
	}
	outcome = oa_keys_refetched(&f.ctx, &set);
	if (outcome != OA_REFETCHED)
		assert_int_equal(set.n, 0);
	oa_jwks_clear(&set);
	oa_cache_close(&f.cache);
	return outcome;
}

/* A token without kid that no key verifies asks the issuer again, but no
 * more often than an unknown kid does, failed attempts included, and not
 * twice in one login. */
static void
test_keys_refetch_for_a_token_without_kid_is_paced(void **state)
{
	long long t = (long long)time(NULL);

	(void)state;
	store_at(t);
	/* the issuer does not answer; the set's fetch 10 s ago does not
	 * count, the failed refetch does */
	assert_int_equal(refetched_at(t + 10, false, true), OA_REFETCH_LATER);
	assert_int_equal(requests_attempted(), 1);
	assert_int_equal(refetched_at(t + 69, false, true), OA_REFETCH_LATER);
	assert_int_equal(requests_attempted(), 0);
	/* an unknown kid counts as such a token, and the other way round */
	expect_keys(t + 69, "k2", OA_OK, 0, 0, NULL);
	assert_int_equal(refetched_at(t + 70, false, true), OA_REFETCH_LATER);
	assert_int_equal(requests_attempted(), 1);
	expect_keys(t + 71, "k2", OA_OK, 0, 0, NULL);
	/* no cache to pace it: the first look asked (and failed), so the
	 * same login does not ask again */
	assert_int_equal(refetched_at(t + 120, true, false), OA_REFETCH_LATER);
	assert_int_equal(requests_attempted(), 1);
}

/* A token naming a kid gets only that key imported, after the same checks
 * of the whole set. */
static void
test_keys_only_the_named_key_is_imported(void **state)
{
	EVP_PKEY *a = tb_keygen("EC"), *b = tb_keygen("EC");
	json_t *set = json_pack("{s:[o,o,{s:s,s:s}]}", "keys", tb_public_jwk(a, "k1", NULL),
				tb_public_jwk(b, "k2", NULL), "kty", "oct", "kid", "weak");
	json_t *dup = json_pack("{s:[o,o]}", "keys", tb_public_jwk(a, "k1", NULL),
				tb_public_jwk(b, "k1", NULL));
	struct oa_jwks out;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(oa_jwks_from_json(set, "k2", 2, OA_JWKS_ANY_ALG, &out, NULL, &r), OA_OK);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.keys[0].kid, "k2");
	assert_int_equal(out.skipped, 0);
	oa_jwks_clear(&out);
	assert_int_equal(oa_jwks_from_json(set, "weak", 4, OA_JWKS_ANY_ALG, &out, NULL, &r), OA_OK);
	assert_int_equal(out.n, 0);
	assert_int_equal(out.skipped, 1);
	oa_jwks_clear(&out);
	assert_int_equal(oa_jwks_from_json(set, "k", 1, OA_JWKS_ANY_ALG, &out, NULL, &r), OA_OK);
	assert_int_equal(out.n, 0);
	oa_jwks_clear(&out);
	assert_int_equal(oa_jwks_from_json(set, NULL, 0, OA_JWKS_ANY_ALG, &out, NULL, &r), OA_OK);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.skipped, 1);
	oa_jwks_clear(&out);
	assert_int_equal(oa_jwks_from_json(dup, "k2", 2, OA_JWKS_ANY_ALG, &out, NULL, &r), OA_UNAVAILABLE);
	assert_non_null(strstr(r.reason, "same kid"));
	oa_jwks_clear(&out);
	/* at the bound a set is read; one key more and it is refused whole */
	json_decref(set);
	set = json_pack("{s:[]}", "keys");
	for (int i = 0; i < OA_MAX_JWKS_KEYS; i++) {
		char kid[16];

		snprintf(kid, sizeof(kid), "k%d", i);
		json_array_append_new(json_object_get(set, "keys"), tb_public_jwk(a, kid, NULL));
	}
	oa_result_init(&r);
	assert_int_equal(oa_jwks_from_json(set, "k7", 2, OA_JWKS_ANY_ALG, &out, NULL, &r), OA_OK);
	assert_int_equal(out.n, 1);
	oa_jwks_clear(&out);
	json_array_append_new(json_object_get(set, "keys"), tb_public_jwk(a, "one-more", NULL));
	assert_int_equal(oa_jwks_from_json(set, "k7", 2, OA_JWKS_ANY_ALG, &out, NULL, &r), OA_UNAVAILABLE);
	assert_non_null(strstr(r.reason, "JWKS has 257 keys, over the limit of 256"));
	oa_jwks_clear(&out);
	json_decref(set);
	json_decref(dup);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
}

/* A set as issuers publish it, larger: SIGNERS P-256 signing keys (kids
 * k0..), then an Ed25519 key, a P-256 key for encryption and a P-256 key
 * whose own alg is ES384. */
#define SIGNERS 40
static json_t *
mixed_set(EVP_PKEY *ec, EVP_PKEY *ed)
{
	json_t *keys = json_array(), *enc = tb_public_jwk(ec, "enc", NULL);

	for (int i = 0; i < SIGNERS; i++) {
		char kid[16];

		snprintf(kid, sizeof(kid), "k%d", i);
		json_array_append_new(keys, tb_public_jwk(ec, kid, NULL));
	}
	json_object_set_new(enc, "use", json_string("enc"));
	json_array_append_new(keys, tb_public_jwk(ed, "ed", NULL));
	json_array_append_new(keys, enc);
	json_array_append_new(keys, tb_public_jwk(ec, "es384", "ES384"));
	return json_pack("{s:o}", "keys", keys);
}

/* Keys for a token of `alg` naming `kid` (NULL: none), from the cache. */
static void
cached_keys_for(const char *kid, enum oa_alg alg, struct oa_jwks *set)
{
	char note[400];

	assert_int_equal(keys_at((long long)time(NULL), kid, alg, set, note, sizeof(note)), OA_OK);
}

/* A token with a kid costs one key import however many keys the issuer
 * publishes; one without a kid imports only the keys of its algorithm's
 * type and curve, never one for encryption or for another alg; from the
 * cache as from jwks_file=. */
static void
test_keys_a_token_imports_only_the_keys_it_may_use(void **state)
{
	EVP_PKEY *ec = tb_keygen("EC"), *ed = tb_keygen("ED25519");
	json_t *set = mixed_set(ec, ed);
	struct oa_jwks keys;
	struct oa_result r;
	char *text = json_dumps(set, 0), *path = tb_write_file(dir, "mixed.json", text, 0644);
	struct fixture f;

	(void)state;
	open_fixture(&f, (long long)time(NULL));
	oa_doc_cache_store(&f.ctx, "jwks", url, set, 300);
	oa_cache_close(&f.cache);

	cached_keys_for("k17", OA_ALG_ES256, &keys);
	assert_int_equal(keys.imported, 1);
	assert_int_equal(keys.n, 1);
	assert_string_equal(keys.keys[0].kid, "k17");
	oa_jwks_clear(&keys);
	/* the named key is imported even when it cannot verify: the refusal
	 * then names why */
	cached_keys_for("enc", OA_ALG_ES256, &keys);
	assert_int_equal(keys.imported, 1);
	assert_false(keys.keys[0].for_signatures);
	oa_jwks_clear(&keys);
	cached_keys_for(NULL, OA_ALG_ES256, &keys);
	assert_int_equal(keys.imported, SIGNERS);
	assert_int_equal(keys.n, SIGNERS);
	oa_jwks_clear(&keys);
	cached_keys_for(NULL, OA_ALG_EDDSA, &keys);
	assert_int_equal(keys.imported, 1);
	assert_string_equal(keys.keys[0].kid, "ed");
	oa_jwks_clear(&keys);
	cached_keys_for(NULL, OA_ALG_ES384, &keys);
	assert_int_equal(keys.imported, 0);
	oa_jwks_clear(&keys);
	assert_int_equal(requests_attempted(), 0);

	oa_result_init(&r);
	assert_int_equal(oa_jwks_from_file(path, "k3", 2, 1u << OA_ALG_ES256, &keys, &r), OA_OK);
	assert_int_equal(keys.imported, 1);
	oa_jwks_clear(&keys);
	assert_int_equal(oa_jwks_from_file(path, NULL, 0, 1u << OA_ALG_RS256, &keys, &r), OA_OK);
	assert_int_equal(keys.imported, 0);
	oa_jwks_clear(&keys);
	/* the whole set is still checked: a repeated kid refuses it */
	json_array_append_new(json_object_get(set, "keys"), tb_public_jwk(ed, "k39", NULL));
	free(text);
	text = json_dumps(set, 0);
	free(path);
	path = tb_write_file(dir, "repeat.json", text, 0644);
	assert_int_equal(oa_jwks_from_file(path, "k3", 2, 1u << OA_ALG_ES256, &keys, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "same kid"));
	oa_jwks_clear(&keys);
	free(text);
	free(path);
	json_decref(set);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ed);
}

static void
store_set_at(long long now, const json_t *set)
{
	struct fixture f;

	remove_files_named("jwksrefetch-");
	open_fixture(&f, now);
	oa_jwks_cache_store(&f.ctx, url, set, 300);
	oa_cache_close(&f.cache);
}

/* Keys for a token of ES256 naming `kid` at `now`: the outcome, how many
 * keys were imported and how many usable, whether from the member's own
 * entry, and the requests made. */
static void
expect_imported(long long now, const char *kid, enum oa_status status, size_t imported,
		size_t usable, bool one_member, int requests)
{
	struct oa_jwks keys;
	char note[400];

	assert_int_equal(keys_at(now, kid, OA_ALG_ES256, &keys, note, sizeof(note)), status);
	assert_int_equal(keys.imported, imported);
	assert_int_equal(keys.n, usable);
	assert_int_equal(keys.one_member, one_member);
	if (usable == 1)
		assert_string_equal(keys.keys[0].kid, kid);
	oa_jwks_clear(&keys);
	assert_int_equal(requests_attempted(), requests);
}

/* A token with a kid reads the entry of its member alone: with the whole
 * set's entry gone, the key is there, imported once, and the issuer is not
 * asked.  A key the issuer withdrew stops matching with the first set
 * stored without it, though its member's entry is still on disk.  A set
 * past its freshness, or a kid the set lacks, goes the whole set's way; a
 * set repeating a kid stores nothing, and planted whole is refused. */
static void
test_keys_a_kid_reads_only_its_members_entry(void **state)
{
	EVP_PKEY *ec = tb_keygen("EC"), *ed = tb_keygen("ED25519");
	json_t *set = mixed_set(ec, ed), *dup;
	long long t = (long long)time(NULL);
	struct fixture f;

	(void)state;
	store_set_at(t, set);
	/* every member has a kid */
	assert_int_equal(files_named("jwkskey-"), SIGNERS + 3);
	remove_files_named("jwks-");
	expect_imported(t + 10, "k17", OA_OK, 1, 1, true, 0);
	expect_imported(t + 10, "ed", OA_OK, 1, 1, true, 0);
	/* the member for encryption is imported, and never verifies */
	expect_imported(t + 10, "enc", OA_OK, 1, 1, true, 0);
	/* a kid the set lacks: the whole set, whose entry is gone */
	expect_imported(t + 10, "k99", OA_UNAVAILABLE, 0, 0, false, 1);

	/* k17 withdrawn: a token naming it asks once (no answer), then its
	 * set's next tokens are paced */
	assert_int_equal(json_array_remove(json_object_get(set, "keys"), 17), 0);
	store_set_at(t + 20, set);
	assert_int_equal(files_named("jwkskey-"), SIGNERS + 3);
	expect_imported(t + 30, "k17", OA_OK, 0, 0, false, 1);
	expect_imported(t + 31, "k17", OA_OK, 0, 0, false, 0);
	expect_imported(t + 30, "k16", OA_OK, 1, 1, true, 0);

	/* past max-age: asks, gets no answer, serves the stale set, and the
	 * head follows the set's new times */
	expect_imported(t + 321, "k16", OA_OK, 1, 1, false, 1);
	remove_files_named("jwks-");
	expect_imported(t + 330, "k16", OA_OK, 1, 1, true, 0);
	/* past the retry pacing the head no longer answers */
	expect_imported(t + 400, "k16", OA_UNAVAILABLE, 0, 0, false, 1);

	/* a set repeating a kid stores nothing */
	dup = json_deep_copy(set);
	json_array_append_new(json_object_get(dup, "keys"), tb_public_jwk(ed, "k3", NULL));
	remove_files_named("jwkskey-");
	store_set_at(t + 500, dup);
	assert_int_equal(files_named("jwks-"), 0);
	assert_int_equal(files_named("jwkskey-"), 0);
	/* and planted whole, as an older version would store it, is refused */
	open_fixture(&f, t + 500);
	oa_doc_cache_store(&f.ctx, "jwks", url, dup, 300);
	oa_cache_close(&f.cache);
	expect_imported(t + 510, "k3", OA_UNAVAILABLE, 0, 0, false, 1);
	/* a set under OA_JWKS_MEMBERS_MIN_BYTES is stored whole only, and
	 * the head of the set before it goes */
	assert_int_equal(files_named("jwkshead-"), 1);
	store_set_at(t + 600, jwks);
	assert_int_equal(files_named("jwkshead-"), 0);
	expect_imported(t + 610, "k1", OA_OK, 1, 1, false, 0);
	json_decref(dup);
	json_decref(set);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ed);
}

/* The keys of jwks_file= `path` for a token of ES256 naming `kid`, with
 * the cache and the clock at `now`, into `keys`: the status. */
static enum oa_status
file_keys_at(long long now, const char *path, const char *kid, struct oa_jwks *keys)
{
	char file_arg[200];
	const char *argv[] = { "issuer=https://idp.example.com", "audience=db", file_arg,
			       cache_arg };
	struct oa_config cfg;
	struct oa_cache cache;
	struct oa_ctx ctx;
	struct oa_jws jws;
	struct oa_result r;
	enum oa_status s;

	snprintf(file_arg, sizeof(file_arg), "jwks_file=%s", path);
	oa_result_init(&r);
	assert_int_equal(oa_config_parse(4, argv, &cfg, &r), OA_OK);
	assert_int_equal(oa_cache_open(cfg.cache_dir, true, &cache, &r), OA_OK);
	oa_ctx_init(&ctx, &cfg, &cache);
	ctx.now = now;
	memset(&jws, 0, sizeof(jws));
	jws.alg = OA_ALG_ES256;
	jws.kid = kid;
	jws.kid_len = strlen(kid);
	s = oa_keys_for_token(&ctx, &jws, keys, &r);
	oa_cache_close(&cache);
	return s;
}

/* As file_keys_at, which must succeed: how many imported, whether from
 * the member's own entry, whether the file's text was read, and (when not
 * NULL) the key it must be. */
static void
expect_file_keys_at(long long now, const char *path, const char *kid, size_t imported,
		    bool one_member, bool file_read, const EVP_PKEY *want)
{
	struct oa_jwks keys;

	assert_int_equal(file_keys_at(now, path, kid, &keys), OA_OK);
	assert_int_equal(keys.imported, imported);
	assert_int_equal(keys.one_member, one_member);
	assert_int_equal(keys.file_read, file_read);
	if (imported == 1)
		assert_string_equal(keys.keys[0].kid, kid);
	if (want != NULL) {
		assert_int_equal(keys.n, 1);
		assert_int_equal(EVP_PKEY_eq(keys.keys[0].pkey, want), 1);
	}
	oa_jwks_clear(&keys);
}

/* The second of `path`'s last change. */
static long long
changed_at(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (long long)st.st_ctim.tv_sec;
}

/* As a login just after the file was written: its text is read. */
static void
expect_file_keys(const char *path, const char *kid, size_t imported, bool one_member)
{
	expect_file_keys_at(changed_at(path), path, kid, imported, one_member, true, NULL);
}

/* jwks_file='s keys are kept by the SHA-256 of the file's text: the first
 * login parses the file and stores its members, the next reads its kid's
 * entry alone; a kid the file lacks stores nothing; a file changed in any
 * way is parsed again, and a key taken out of it is not found, though its
 * entry for the old text is still on disk. */
static void
test_keys_jwks_file_keys_are_kept_by_the_files_text(void **state)
{
	EVP_PKEY *ec = tb_keygen("EC"), *ed = tb_keygen("ED25519");
	json_t *set = mixed_set(ec, ed);
	char *text = json_dumps(set, 0), *path = tb_write_file(dir, "kept.json", text, 0644);

	(void)state;
	remove_files_named("jwksfile-");
	expect_file_keys(path, "nope", 0, false);
	assert_int_equal(files_named("jwksfile-"), 0);
	expect_file_keys(path, "k5", 1, false);
	assert_int_equal(files_named("jwksfile-"), SIGNERS + 3);
	expect_file_keys(path, "k5", 1, true);
	expect_file_keys(path, "ed", 1, true);

	assert_int_equal(json_array_remove(json_object_get(set, "keys"), 5), 0);
	free(text);
	free(path);
	text = json_dumps(set, 0);
	path = tb_write_file(dir, "kept.json", text, 0644);
	expect_file_keys(path, "k5", 0, false);
	expect_file_keys(path, "k6", 1, false);
	expect_file_keys(path, "k6", 1, true);
	assert_int_equal(files_named("jwksfile-"), 2 * (SIGNERS + 3) - 1);
	free(text);
	free(path);
	json_decref(set);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ed);
}

/* `text` written over `path` in place (same inode), until its ctime
 * differs from before, as a later edit's would. */
static void
rewrite_in_place(const char *path, const char *text)
{
	struct stat before, after;
	int tries = 0;

	assert_int_equal(stat(path, &before), 0);
	do {
		int fd = open(path, O_WRONLY | O_TRUNC);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
		close(fd);
		assert_int_equal(stat(path, &after), 0);
		if (after.st_ctim.tv_sec == before.st_ctim.tv_sec &&
		    after.st_ctim.tv_nsec == before.st_ctim.tv_nsec)
			nanosleep(&(struct timespec){ .tv_nsec = 5000000 }, NULL);
		else
			break;
	} while (++tries < 400);
	assert_int_equal(after.st_ino, before.st_ino);
}

/* A jwks_file= whose last change is OA_FILE_SETTLED_SECONDS old is known
 * by its identity: once its members are stored, a login opens and checks
 * the file but reads only its kid's entry.  Rewritten in place to the same
 * size with k5 now another key, the next login reads it again and gets
 * the new k5.  Changed less than OA_FILE_SETTLED_SECONDS ago, it is read
 * on every login, even when its kid's entry answers. */
static void
test_keys_jwks_file_settled_is_known_by_its_identity(void **state)
{
	EVP_PKEY *ec = tb_keygen("EC"), *other = tb_keygen("EC"), *ed = tb_keygen("ED25519");
	json_t *set = mixed_set(ec, ed);
	char *before, *after, *path;
	long long t;

	(void)state;
	assert_int_equal(json_array_set_new(json_object_get(set, "keys"), 6,
					    tb_public_jwk(other, "k6", NULL)), 0);
	before = json_dumps(set, 0);
	assert_int_equal(json_array_set_new(json_object_get(set, "keys"), 5,
					    tb_public_jwk(other, "k5", NULL)), 0);
	assert_int_equal(json_array_set_new(json_object_get(set, "keys"), 6,
					    tb_public_jwk(ec, "k6", NULL)), 0);
	after = json_dumps(set, 0);
	assert_int_equal(strlen(before), strlen(after));
	path = tb_write_file(dir, "settled.json", before, 0644);
	remove_files_named("jwksfile-");
	t = changed_at(path);

	/* just written: read every time, a hit or not */
	expect_file_keys_at(t, path, "k5", 1, false, true, ec);
	expect_file_keys_at(t + 1, path, "k5", 1, true, true, ec);
	/* settled: read once more to store its members by identity, then not */
	expect_file_keys_at(t + 10, path, "k5", 1, false, true, ec);
	expect_file_keys_at(t + 10, path, "k5", 1, true, false, ec);
	expect_file_keys_at(t + 10, path, "k6", 1, true, false, other);
	/* a kid the file lacks: read, and nothing stored for it */
	expect_file_keys_at(t + 10, path, "nope", 0, false, true, NULL);

	rewrite_in_place(path, after);
	t = changed_at(path);
	expect_file_keys_at(t + 10, path, "k5", 1, false, true, other);
	expect_file_keys_at(t + 10, path, "k5", 1, true, false, other);
	expect_file_keys_at(t + 10, path, "k6", 1, true, false, ec);
	free(before);
	free(after);
	free(path);
	json_decref(set);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(other);
	EVP_PKEY_free(ed);
}

/* A jwks_file= over OA_MAX_RESPONSE_BYTES is refused as configuration, and
 * with a cache, as without, no text counts as read (the buffer the read
 * filled goes with the failure). */
static void
test_keys_jwks_file_over_the_bound_reads_nothing(void **state)
{
	size_t n = OA_MAX_RESPONSE_BYTES + 2;
	char *text = malloc(n + 1), *path;
	struct oa_jwks keys;

	(void)state;
	assert_non_null(text);
	memset(text, ' ', n);
	text[0] = '{';
	text[n - 1] = '}';
	text[n] = '\0';
	path = tb_write_file(dir, "over.json", text, 0644);
	/* settled, so the read follows the miss of its identity's entry */
	assert_int_equal(file_keys_at(changed_at(path) + 10, path, "k5", &keys), OA_CONFIG);
	assert_int_equal(keys.imported, 0);
	assert_false(keys.file_read);
	oa_jwks_clear(&keys);
	free(text);
	free(path);
}

/* What the cache keeps of a set: the members the importer reads, so the
 * kept copy imports, skips and refuses exactly as the whole one. */
static void
test_keys_kept_set_drops_only_unread_members(void **state)
{
	EVP_PKEY *a = tb_keygen("EC"), *b = tb_keygen("EC");
	json_t *k1 = tb_public_jwk(a, "k1", NULL), *leaked = tb_public_jwk(b, "k2", NULL);
	json_t *set, *kept;
	const json_t *m;
	struct oa_jwks whole, cut;
	struct oa_result r;

	(void)state;
	json_object_set_new(k1, "x5c", json_pack("[s]", "MIIBcertificatechain"));
	json_object_set_new(k1, "x5t", json_string("thumb"));
	json_object_set_new(k1, "use", json_string("sig"));
	json_object_set_new(leaked, "d", json_string("private"));
	set = json_pack("{s:[o,o,s,{s:s,s:s}], s:s}", "keys", k1, leaked, "not a key",
			"kty", "oct", "kid", "weak", "other", "dropped");
	kept = oa_jwks_kept(set);
	assert_non_null(kept);
	assert_int_equal(json_object_size(kept), 1);
	assert_int_equal(json_array_size(json_object_get(kept, "keys")), 4);
	m = json_array_get(json_object_get(kept, "keys"), 0);
	assert_null(json_object_get(m, "x5c"));
	assert_null(json_object_get(m, "x5t"));
	assert_string_equal(json_string_value(json_object_get(m, "use")), "sig");
	assert_string_equal(json_string_value(json_object_get(m, "kid")), "k1");
	assert_non_null(json_object_get(m, "x"));
	m = json_array_get(json_object_get(kept, "keys"), 1);
	assert_string_equal(json_string_value(json_object_get(m, "d")), "private");
	assert_string_equal(json_string_value(json_array_get(json_object_get(kept, "keys"), 2)),
			    "not a key");

	oa_result_init(&r);
	assert_int_equal(oa_jwks_from_json(set, NULL, 0, OA_JWKS_ANY_ALG, &whole, NULL, &r), OA_OK);
	assert_int_equal(oa_jwks_from_json(kept, NULL, 0, OA_JWKS_ANY_ALG, &cut, NULL, &r), OA_OK);
	assert_int_equal(cut.n, whole.n);
	assert_int_equal(cut.n, 1);
	assert_int_equal(cut.skipped, whole.skipped);
	assert_int_equal(cut.skipped, 3);
	oa_jwks_clear(&whole);
	oa_jwks_clear(&cut);
	assert_null(oa_jwks_kept(json_object_get(set, "other")));
	json_decref(kept);
	json_decref(set);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_keys_only_the_named_key_is_imported, default_arguments),
		cmocka_unit_test_setup(test_keys_kept_set_drops_only_unread_members, default_arguments),
		cmocka_unit_test_setup(test_keys_a_token_imports_only_the_keys_it_may_use,
				       default_arguments),
		cmocka_unit_test_setup(test_keys_a_kid_reads_only_its_members_entry, default_arguments),
		cmocka_unit_test_setup(test_keys_jwks_file_keys_are_kept_by_the_files_text,
				       default_arguments),
		cmocka_unit_test_setup(test_keys_jwks_file_settled_is_known_by_its_identity,
				       default_arguments),
		cmocka_unit_test_setup(test_keys_jwks_file_over_the_bound_reads_nothing,
				       default_arguments),
		cmocka_unit_test_setup(test_keys_fresh_cache_answers_without_a_request, default_arguments),
		cmocka_unit_test_setup(test_keys_new_kid_refetches_at_once_after_a_routine_fetch,
				       default_arguments),
		cmocka_unit_test_setup(test_keys_made_up_kids_refetch_once_per_refresh_min,
				       default_arguments),
		cmocka_unit_test_setup(test_keys_stale_keys_serve_while_the_issuer_is_down, default_arguments),
		cmocka_unit_test_setup(test_keys_stale_keys_keep_their_fetch_time, default_arguments),
		cmocka_unit_test_setup(test_keys_the_readers_jwks_stale_max_decides, default_arguments),
		cmocka_unit_test_setup(test_keys_cached_under_the_tls_trust_they_came_with, default_arguments),
		cmocka_unit_test_setup(test_keys_storing_sweeps_what_killed_writers_left, default_arguments),
		cmocka_unit_test_setup(test_keys_refetch_for_a_token_without_kid_is_paced, default_arguments),
	};
	return cmocka_run_group_tests_name("keys", tests, setup, teardown);
}
