/* SPDX-License-Identifier: MIT */
/* pg_oauth2_token's token cache, one entry per issuer, client, scope and grant. */

#include "token_store.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache_json.h"

#define STORE_NS "token"
/* Not an entry's name (those are "token-" and a digest), so the cache's
 * checks and sweeps leave it alone. */
#define LOCK_NAME "token.lock"
#define DIR_NAME "pg_oauth2_token"
/* How long an entry with a refresh token is kept past its access token:
 * issuers do not say when a refresh token expires, and one that has is
 * refused and replaced by a full sign-in anyway. */
#define REFRESH_KEEP_SECONDS (90LL * 86400)

static bool
absolute(const char *s)
{
	return s != NULL && s[0] == '/';
}

bool
pt_store_default_dir(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	/* XDG Base Directory: a relative XDG_CACHE_HOME is invalid and ignored. */
	if (absolute(xdg)) {
		n = snprintf(buf, size, "%s/%s", xdg, DIR_NAME);
	} else {
		if (!absolute(home)) {
			struct passwd *pw = getpwuid(getuid());

			home = pw != NULL ? pw->pw_dir : NULL;
		}
		if (!absolute(home))
			return false;
		n = snprintf(buf, size, "%s/.cache/%s", home, DIR_NAME);
	}
	return n > 0 && (size_t)n < size;
}

enum oa_status
pt_store_open(const char *dir, struct oa_cache *c, struct oa_result *r)
{
	char parent[OA_MAX_PATH_BYTES + 1];
	const char *slash = strrchr(dir, '/');

	/* ~/.cache may not exist yet on a fresh account; oa_cache_open makes
	 * only the last component. */
	if (slash != NULL && slash != dir && (size_t)(slash - dir) < sizeof(parent)) {
		memcpy(parent, dir, (size_t)(slash - dir));
		parent[slash - dir] = '\0';
		if (mkdir(parent, 0700) != 0 && errno != EEXIST)
			return oa_fail(r, OA_CONFIG, "cannot create %s: %s", parent, strerror(errno));
	}
	return oa_cache_open(dir, true, c, r);
}

static char *
copy_string(const json_t *v)
{
	char *p;

	if (!json_is_string(v) || !pt_is_visible_ascii(json_string_value(v), json_string_length(v)))
		return NULL;
	p = malloc(json_string_length(v) + 1);
	if (p != NULL)
		memcpy(p, json_string_value(v), json_string_length(v) + 1);
	return p;
}

bool
pt_store_load(struct oa_cache *c, const char *key, long long now, struct pt_token *out)
{
	json_t *root;
	const json_t *exp;
	bool found;

	memset(out, 0, sizeof(*out));
	if (!oa_cache_get_object(c, STORE_NS, key, now, true, &root, NULL))
		return false;
	exp = json_object_get(root, "expires_at");
	out->access_token = copy_string(json_object_get(root, "access_token"));
	if (json_object_get(root, "refresh_token") != NULL)
		out->refresh_token = copy_string(json_object_get(root, "refresh_token"));
	out->expires_at = json_is_integer(exp) ? json_integer_value(exp) : 0;
	found = out->access_token != NULL && out->expires_at > 0 &&
		(json_object_get(root, "refresh_token") == NULL || out->refresh_token != NULL);
	pt_json_wipe_strings(root);
	json_decref(root);
	if (!found)
		pt_token_free(out);
	return found;
}

static void
put(struct oa_cache *c, const char *key, json_t *root, long long now,
    long long fresh_until, long long stale_until)
{
	struct oa_cache_meta meta = {
		.stored_at = now,
		.fresh_until = fresh_until,
		.stale_until = stale_until,
	};
	struct oa_result r;

	oa_result_init(&r);
	/* Tidied after each put: entries past their time still hold refresh
	 * tokens, and a changed --scope or --resource never reads its old
	 * entry again. */
	if (oa_cache_put_object(c, STORE_NS, key, root, &meta, 0, true, &r) != OA_OK)
		fprintf(stderr, "pg_oauth2_token: warning: token not cached: %s\n", r.reason);
	else if (oa_cache_tidy(c, STORE_NS, &r) != OA_OK)
		fprintf(stderr, "pg_oauth2_token: warning: token cache not tidied: %s\n", r.reason);
}

void
pt_store_save(struct oa_cache *c, const char *key, const struct pt_token *t, long long now)
{
	/* An access token of unknown life is never handed out again, but a
	 * new refresh token must replace the one just spent: an issuer that
	 * rotates them takes the old one coming back for theft. */
	long long expires_at = t->expires_at > 0 ? t->expires_at : now;
	json_t *root;

	if (t->expires_at <= 0 && t->refresh_token == NULL) {
		pt_store_forget(c, key, now);
		return;
	}
	root = json_pack("{s:s, s:I}", "access_token", t->access_token,
			 "expires_at", (json_int_t)expires_at);
	if (root != NULL && t->refresh_token != NULL &&
	    json_object_set_new(root, "refresh_token", json_string(t->refresh_token)) != 0) {
		pt_json_wipe_strings(root);
		json_decref(root);
		root = NULL;
	}
	if (root == NULL) {
		fprintf(stderr, "pg_oauth2_token: warning: token not cached: out of memory\n");
		return;
	}
	put(c, key, root, now, expires_at,
	    t->refresh_token != NULL ? now + REFRESH_KEEP_SECONDS : expires_at);
	pt_json_wipe_strings(root);
	json_decref(root);
}

void
pt_store_forget(struct oa_cache *c, const char *key, long long now)
{
	json_t *root = json_pack("{}"); /* as the core does (json.c) */

	/* An empty object is not a token: the next load misses. */
	if (root != NULL)
		put(c, key, root, now, now, now);
	json_decref(root);
}

int
pt_store_lock(struct oa_cache *c, void (*waiting)(void))
{
	int fd = openat(c->dirfd, LOCK_NAME,
			O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (errno == EWOULDBLOCK && waiting != NULL)
		waiting();
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

void
pt_store_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}
