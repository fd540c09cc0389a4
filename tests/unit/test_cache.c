/* SPDX-License-Identifier: MIT */
/* Unit tests of cache.c: entries, locking, sweeping and damage. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cache.h"
#include "cache_json.h"

#define META(a, b, c) ((struct oa_cache_meta){ .stored_at = (a), .fresh_until = (b), .stale_until = (c) })

/* Each test gets a fresh directory under /tmp and a cache opened on it. */
struct fixture {
	char dir[64];
	struct oa_cache cache;
};

static void
remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char child[512];

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		/* Open it up again for the tests that take its permissions away. */
		(void)chmod(path, 0700);
		d = opendir(path);
		while (d != NULL && (de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
			remove_tree(child);
		}
		if (d != NULL)
			closedir(d);
		(void)rmdir(path);
	} else {
		(void)unlink(path);
	}
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct oa_result r;

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/oa-cache-test-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	oa_result_init(&r);
	if (oa_cache_open(f->dir, false, &f->cache, &r) != OA_OK) {
		print_message("# %s\n", r.reason);
		remove_tree(f->dir);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	oa_cache_close(&f->cache);
	remove_tree(f->dir);
	free(f);
	return 0;
}

static void
sub_path(const struct fixture *f, const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", f->dir, name);
}

/* The entry's file name, computed independently of cache.c. */
static void
entry_path(const struct fixture *f, const char *ns, const char *key, char *out,
	   size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	int n;

	assert_int_equal(EVP_Digest(key, strlen(key), md, &md_len, EVP_sha256(), NULL), 1);
	n = snprintf(out, size, "%s/%s-", f->dir, ns);
	for (unsigned int i = 0; i < md_len; i++)
		n += snprintf(out + n, size - (size_t)n, "%02x", md[i]);
}

static enum oa_status
put(struct fixture *f, const char *ns, const char *key, const char *value,
    size_t len, struct oa_cache_meta meta, size_t max_entries)
{
	struct oa_result r;

	oa_result_init(&r);
	return oa_cache_put(&f->cache, ns, key, value, len, &meta, max_entries, &r);
}

/* Returns whether found; the value (if any) is freed unless `out` takes it. */
static bool
get(struct fixture *f, const char *ns, const char *key, long long now,
    char **out, size_t *len, struct oa_cache_meta *meta)
{
	struct oa_result r;
	char *value;
	size_t value_len;
	bool found;

	oa_result_init(&r);
	assert_int_equal(oa_cache_get(&f->cache, ns, key, now, &value, &value_len,
				      meta, &found, &r), OA_OK);
	if (!found)
		assert_null(value);
	if (out != NULL)
		*out = value;
	else
		free(value);
	if (len != NULL)
		*len = value_len;
	return found;
}

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void
write_file(const char *path, const unsigned char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static unsigned char *
read_file(const char *path, size_t *len)
{
	unsigned char *buf = malloc(1 << 16);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	assert_non_null(buf);
	assert_true(fd >= 0);
	n = read(fd, buf, 1 << 16);
	assert_true(n > 0 && n < (1 << 16));
	close(fd);
	*len = (size_t)n;
	return buf;
}

/* Counts the files of a namespace ("" for all) and the temporary files. */
static size_t
count_files(const char *dir, const char *prefix, size_t *temps)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	if (temps != NULL)
		*temps = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (strstr(de->d_name, ".tmp.") != NULL && temps != NULL)
			(*temps)++;
		else if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	}
	closedir(d);
	return n;
}

static void
test_cache_round_trip_keeps_value_and_meta(void **state)
{
	static const char binary[] = "a\0b\nc\xff";
	struct fixture *f = *state;
	struct oa_cache_meta meta;
	char *value;
	size_t len;

	assert_int_equal(put(f, "jwks", "https://issuer.example/jwks", "{\"keys\":[]}", 11,
			     META(100, 200, 300), 0), OA_OK);
	assert_true(get(f, "jwks", "https://issuer.example/jwks", 150, &value, &len, &meta));
	assert_int_equal(len, 11);
	assert_string_equal(value, "{\"keys\":[]}");
	assert_int_equal(meta.stored_at, 100);
	assert_int_equal(meta.fresh_until, 200);
	assert_int_equal(meta.stale_until, 300);
	free(value);

	/* Bytes, not strings: NULs and high bytes come back, NUL-terminated. */
	assert_int_equal(put(f, "discovery", "", binary, sizeof(binary), META(-5, 0, 1LL << 40), 0),
			 OA_OK);
	assert_true(get(f, "discovery", "", 1LL << 40, &value, &len, &meta));
	assert_int_equal(len, sizeof(binary));
	assert_memory_equal(value, binary, sizeof(binary));
	assert_int_equal(value[len], '\0');
	assert_int_equal(meta.stored_at, -5);
	assert_int_equal(meta.stale_until, 1LL << 40);
	free(value);

	/* A new put replaces the entry. */
	assert_int_equal(put(f, "jwks", "https://issuer.example/jwks", "", 0, META(1, 2, 3), 0),
			 OA_OK);
	assert_true(get(f, "jwks", "https://issuer.example/jwks", 3, &value, &len, NULL));
	assert_int_equal(len, 0);
	assert_string_equal(value, "");
	free(value);
}

static void
test_cache_miss_when_absent(void **state)
{
	struct fixture *f = *state;
	struct oa_cache_meta meta = META(1, 1, 1);
	size_t len = 99;

	assert_false(get(f, "jwks", "https://nowhere.example/", 0, NULL, &len, &meta));
	assert_int_equal(len, 0);
	assert_int_equal(meta.stale_until, 0);
	/* The same key in another namespace is another entry. */
	assert_int_equal(put(f, "jwks", "k", "v", 1, META(0, 10, 10), 0), OA_OK);
	assert_false(get(f, "discovery", "k", 0, NULL, NULL, NULL));
	assert_false(get(f, "jwks", "K", 0, NULL, NULL, NULL));
}

static void
test_cache_miss_past_stale_until(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(put(f, "verdict", "k", "v", 1, META(100, 200, 300), 0), OA_OK);
	assert_true(get(f, "verdict", "k", 300, NULL, NULL, NULL));
	assert_false(get(f, "verdict", "k", 301, NULL, NULL, NULL));
}

static void
test_cache_rejects_bad_namespace(void **state)
{
	static const char *const bad[] = { "", "JWKS", "jwks-1", "../x", "a.b",
					   "abcdefghijklmnopqrstuvwxyzabcdefg" };
	struct fixture *f = *state;
	struct oa_cache_meta meta = META(0, 0, 0);
	struct oa_result r;
	char *value;
	size_t len;
	bool found;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		oa_result_init(&r);
		assert_int_equal(oa_cache_put(&f->cache, bad[i], "k", "v", 1, &meta, 0, &r),
				 OA_INTERNAL);
		oa_result_init(&r);
		assert_int_equal(oa_cache_get(&f->cache, bad[i], "k", 0, &value, &len, NULL,
					      &found, &r), OA_INTERNAL);
		assert_false(found);
	}
	assert_int_equal(count_files(f->dir, "", NULL), 0);
}

static void
test_cache_miss_when_file_holds_another_key(void **state)
{
	struct fixture *f = *state;
	char a[256], b[256];

	entry_path(f, "jwks", "key-a", a, sizeof(a));
	entry_path(f, "jwks", "key-b", b, sizeof(b));
	assert_int_equal(put(f, "jwks", "key-a", "value-a", 7, META(0, 10, 10), 0), OA_OK);
	assert_true(exists(a));
	assert_int_equal(rename(a, b), 0);
	assert_false(get(f, "jwks", "key-b", 0, NULL, NULL, NULL));
	assert_false(exists(b));
	assert_false(get(f, "jwks", "key-a", 0, NULL, NULL, NULL));
}

static void
test_cache_every_corruption_and_truncation_is_a_miss_and_removed(void **state)
{
	struct fixture *f = *state;
	unsigned char *good, *bad;
	char path[256];
	size_t n;

	entry_path(f, "jwks", "k", path, sizeof(path));
	assert_int_equal(put(f, "jwks", "k", "value", 5, META(1, 2, 3), 0), OA_OK);
	good = read_file(path, &n);
	assert_int_equal(n, 76 + 1 + 5);
	bad = malloc(n + 1);
	assert_non_null(bad);

	/* The rewrite itself does no harm: the untouched bytes are a hit. */
	write_file(path, good, n);
	assert_true(get(f, "jwks", "k", 0, NULL, NULL, NULL));

	for (size_t i = 0; i < n; i++) {
		for (unsigned v = 0; v < 256; v++) {
			if (v == good[i])
				continue;
			memcpy(bad, good, n);
			bad[i] = (unsigned char)v;
			write_file(path, bad, n);
			if (get(f, "jwks", "k", 0, NULL, NULL, NULL) || exists(path))
				fail_msg("byte %zu set to 0x%02x was not caught", i, v);
		}
	}
	for (size_t cut = 0; cut < n; cut++) {
		write_file(path, good, cut);
		if (get(f, "jwks", "k", 0, NULL, NULL, NULL) || exists(path))
			fail_msg("truncation to %zu bytes was not caught", cut);
	}
	memcpy(bad, good, n);
	bad[n] = 0;
	write_file(path, bad, n + 1);
	assert_false(get(f, "jwks", "k", 0, NULL, NULL, NULL));
	assert_false(exists(path));
	free(bad);
	free(good);
}

static void
test_cache_foreign_files_are_a_miss_and_removed(void **state)
{
	struct fixture *f = *state;
	unsigned char *good;
	char path[256], other[256];
	size_t n;

	entry_path(f, "jwks", "k", path, sizeof(path));
	assert_int_equal(put(f, "jwks", "k", "value", 5, META(1, 2, 3), 0), OA_OK);
	good = read_file(path, &n);

	/* A good entry readable by the group is not one we wrote. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_false(get(f, "jwks", "k", 0, NULL, NULL, NULL));
	assert_false(exists(path));

	/* A symbolic link to a good entry is not followed. */
	sub_path(f, "elsewhere", other, sizeof(other));
	write_file(other, good, n);
	assert_int_equal(symlink(other, path), 0);
	assert_false(get(f, "jwks", "k", 0, NULL, NULL, NULL));
	assert_false(exists(path));
	assert_true(exists(other));

	/* A FIFO must neither hang the reader nor survive. */
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_false(get(f, "jwks", "k", 0, NULL, NULL, NULL));
	assert_false(exists(path));
	free(good);
}

static void
test_cache_value_at_size_limit_passes_one_over_is_refused(void **state)
{
	struct fixture *f = *state;
	size_t limit = OA_MAX_CACHE_VALUE_BYTES, len, temps;
	char *big = malloc(limit + 1), *value;
	struct oa_cache_meta meta = META(0, 0, 10);
	struct oa_result r;

	assert_non_null(big);
	for (size_t i = 0; i <= limit; i++)
		big[i] = (char)('a' + i % 26);
	assert_int_equal(put(f, "jwks", "big", big, limit, meta, 0), OA_OK);
	assert_true(get(f, "jwks", "big", 0, &value, &len, NULL));
	assert_int_equal(len, limit);
	assert_memory_equal(value, big, limit);
	free(value);

	oa_result_init(&r);
	assert_int_equal(oa_cache_put(&f->cache, "jwks", "big", big, limit + 1, &meta, 0, &r),
			 OA_INTERNAL);
	assert_non_null(strstr(r.reason, "over the limit"));
	/* The refused put left the earlier entry alone and no litter. */
	assert_true(get(f, "jwks", "big", 0, NULL, &len, NULL));
	assert_int_equal(len, limit);
	assert_int_equal(count_files(f->dir, "", &temps), 1);
	assert_int_equal(temps, 0);
	free(big);
}

static void
test_cache_files_are_0600_and_no_temp_files_remain(void **state)
{
	struct fixture *f = *state;
	char path[256], key[16];
	struct stat st;
	size_t temps;
	mode_t old = umask(0);

	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "key%d", i);
		assert_int_equal(put(f, "discovery", key, key, strlen(key), META(0, 0, 10), 0),
				 OA_OK);
	}
	umask(old);
	assert_int_equal(count_files(f->dir, "discovery-", &temps), 10);
	assert_int_equal(temps, 0);
	entry_path(f, "discovery", "key3", path, sizeof(path));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, geteuid());
}

static void
expect_refused(const char *path, const char *why)
{
	struct oa_cache c = { .dirfd = 42 };
	struct oa_result r;

	oa_result_init(&r);
	assert_int_equal(oa_cache_open(path, true, &c, &r), OA_CONFIG);
	assert_int_equal(c.dirfd, -1);
	if (strstr(r.reason, why) == NULL)
		fail_msg("reason \"%s\" does not say \"%s\"", r.reason, why);
	if (path != NULL && path[0] == '/' && strstr(r.reason, path) == NULL)
		fail_msg("reason \"%s\" does not name %s", r.reason, path);
	oa_cache_close(&c);
}

static void
expect_opens(const char *path, struct oa_cache *c)
{
	struct oa_result r;

	oa_result_init(&r);
	if (oa_cache_open(path, true, c, &r) != OA_OK)
		fail_msg("%s", r.reason);
	assert_true(c->dirfd >= 0);
}

static void
test_cache_open_refuses_relative_path(void **state)
{
	(void)state;
	expect_refused("relative/cache", "absolute");
	expect_refused("", "absolute");
	expect_refused(NULL, "absolute");
}

static void
test_cache_open_refuses_symlink_to_good_dir(void **state)
{
	struct fixture *f = *state;
	char real[256], link[256];

	sub_path(f, "real", real, sizeof(real));
	sub_path(f, "link", link, sizeof(link));
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink(real, link), 0);
	expect_refused(link, "symbolic link");
}

static void
test_cache_open_refuses_group_or_world_writable_dir(void **state)
{
	static const mode_t modes[] = { 0720, 0770, 0702, 0703, 0777 };
	struct fixture *f = *state;
	char dir[256];

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/mode%04o", f->dir, (unsigned)modes[i]);
		assert_int_equal(mkdir(dir, 0700), 0);
		assert_int_equal(chmod(dir, modes[i]), 0);
		expect_refused(dir, "must not be writable by group or others");
	}
	/* Readable by others is allowed: entries hold no secrets. */
	snprintf(dir, sizeof(dir), "%s/readable", f->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	oa_cache_close(&f->cache);
	expect_opens(dir, &f->cache);
}

static void
test_cache_open_refuses_regular_file(void **state)
{
	struct fixture *f = *state;
	char file[256];

	sub_path(f, "file", file, sizeof(file));
	write_file(file, (const unsigned char *)"x", 1);
	expect_refused(file, "not a directory");
}

static void
test_cache_open_refuses_dir_owned_by_another_uid(void **state)
{
	struct fixture *f = *state;
	char dir[256];

	if (geteuid() != 0) {
		print_message("# skipped: only root can give a directory to uid 65534\n");
		skip();
	}
	sub_path(f, "theirs", dir, sizeof(dir));
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chown(dir, 65534, 65534), 0);
	expect_refused(dir, "owned by uid 65534");
}

static void
test_cache_open_without_create_refuses_missing_dir(void **state)
{
	struct fixture *f = *state;
	struct oa_cache c;
	struct oa_result r;
	char dir[256];

	sub_path(f, "missing", dir, sizeof(dir));
	oa_result_init(&r);
	assert_int_equal(oa_cache_open(dir, false, &c, &r), OA_CONFIG);
	assert_false(exists(dir));
	/* Only the last component is made: a missing parent is an error. */
	sub_path(f, "missing/cache", dir, sizeof(dir));
	expect_refused(dir, "cannot create");
}

static void
test_cache_open_with_create_makes_0700_dir(void **state)
{
	/* Neither a lax nor a harsh umask changes the mode. */
	static const mode_t umasks[] = { 0, 022, 0277 };
	struct fixture *f = *state;
	struct oa_cache c;
	struct stat st;
	char dir[256];

	for (size_t i = 0; i < sizeof(umasks) / sizeof(umasks[0]); i++) {
		mode_t old = umask(umasks[i]);

		/* A trailing slash names the same directory. */
		snprintf(dir, sizeof(dir), "%s/made%zu/", f->dir, i);
		expect_opens(dir, &c);
		umask(old);
		oa_cache_close(&c);
		oa_cache_close(&c);
		assert_int_equal(c.dirfd, -1);
		assert_int_equal(lstat(dir, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		assert_int_equal(st.st_mode & 07777, 0700);
		/* An existing good directory is simply opened. */
		expect_opens(dir, &c);
		oa_cache_close(&c);
	}
}

static void
test_cache_default_dir_is_from_passwd_not_home(void **state)
{
	struct passwd *pw = getpwuid(geteuid());
	char want[4200], buf[4200];

	(void)state;
	assert_non_null(pw);
	snprintf(want, sizeof(want), "%s/.cache/pam_oauth2",
		 strcmp(pw->pw_dir, "/") == 0 ? "" : pw->pw_dir);
	assert_int_equal(setenv("HOME", "/nonexistent-home", 1), 0);
	assert_true(oa_cache_default_dir(buf, sizeof(buf)));
	assert_string_equal(buf, want);
	/* It does not fit: false, not a cut path. */
	assert_false(oa_cache_default_dir(buf, strlen(want)));
	assert_true(oa_cache_default_dir(buf, strlen(want) + 1));
}

static time_t
mtime_of(const struct fixture *f, const char *ns, const char *key)
{
	struct stat st;
	char path[256];

	entry_path(f, ns, key, path, sizeof(path));
	assert_int_equal(lstat(path, &st), 0);
	return st.st_mtime;
}

static void
test_cache_eviction_removes_soonest_expiring_and_spares_other_namespaces(void **state)
{
	/* Written in this order, but given expiry times in another, so that
	 * the test tells write order, name order and expiry apart. */
	static const char *const keys[] = { "k0", "k1", "k2", "k3", "k4" };
	static const time_t later[] = { 1004, 1001, 1003, 1000, 1002 };
	struct fixture *f = *state;
	char stale_temp[256], fresh_temp[256], other[256];
	struct timespec old[2] = { { .tv_sec = 1000 }, { .tv_sec = 1000 } };
	time_t now = time(NULL);
	size_t temps;

	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(put(f, "jwks", keys[i], "v", 1, META(0, 0, now + later[i]), 0),
				 OA_OK);
		assert_int_equal(put(f, "discovery", keys[i], "v", 1, META(0, 0, now + 1), 0),
				 OA_OK);
	}
	/* A writer killed long ago left a temporary file; one at work now
	 * has one too; and a stranger's file is none of our business. */
	sub_path(f, "jwks.tmp.0123456789abcdef0123456789abcdef", stale_temp, sizeof(stale_temp));
	sub_path(f, "jwks.tmp.fedcba9876543210fedcba9876543210", fresh_temp, sizeof(fresh_temp));
	sub_path(f, "jwks-notes", other, sizeof(other));
	write_file(stale_temp, (const unsigned char *)"x", 1);
	assert_int_equal(utimensat(AT_FDCWD, stale_temp, old, 0), 0);
	write_file(fresh_temp, (const unsigned char *)"x", 1);
	write_file(other, (const unsigned char *)"x", 1);

	assert_int_equal(put(f, "jwks", "k5", "v", 1, META(0, 0, now + 2000), 3), OA_OK);
	assert_int_equal(count_files(f->dir, "jwks-", NULL), 3 + 1);
	assert_true(get(f, "jwks", "k5", 0, NULL, NULL, NULL));
	assert_true(get(f, "jwks", "k0", 0, NULL, NULL, NULL));
	assert_true(get(f, "jwks", "k2", 0, NULL, NULL, NULL));
	assert_false(get(f, "jwks", "k1", 0, NULL, NULL, NULL));
	assert_false(get(f, "jwks", "k3", 0, NULL, NULL, NULL));
	assert_false(get(f, "jwks", "k4", 0, NULL, NULL, NULL));
	assert_int_equal(count_files(f->dir, "discovery-", NULL), 5);
	assert_false(exists(stale_temp));
	assert_true(exists(fresh_temp));
	assert_true(exists(other));
	assert_int_equal(count_files(f->dir, "", &temps), 3 + 5 + 1);
	assert_int_equal(temps, 1);

	/* Without a bound nothing is removed. */
	assert_int_equal(put(f, "jwks", "k6", "v", 1, META(0, 0, now + 10), 0), OA_OK);
	assert_int_equal(count_files(f->dir, "jwks-", NULL), 4 + 1);
}

/* Tidying takes only what is dead: expired entries and the temporary
 * files of killed writers, however many live entries there are, and in
 * its own namespace only. */
static void
test_cache_tidy_removes_the_dead_and_keeps_every_live_entry(void **state)
{
	struct fixture *f = *state;
	struct timespec old[2] = { { .tv_sec = 1000 }, { .tv_sec = 1000 } };
	time_t now = time(NULL);
	char stale_temp[256], key[16];
	struct oa_result r;

	for (int i = 0; i < 40; i++) {
		snprintf(key, sizeof(key), "live%d", i);
		assert_int_equal(put(f, "token", key, "v", 1, META(0, 0, now + 100 + i), 0), OA_OK);
	}
	assert_int_equal(put(f, "token", "dead", "v", 1, META(0, 0, now - 1), 0), OA_OK);
	assert_int_equal(put(f, "jwks", "dead", "v", 1, META(0, 0, now - 1), 0), OA_OK);
	sub_path(f, "token.tmp.0123456789abcdef0123456789abcdef", stale_temp, sizeof(stale_temp));
	write_file(stale_temp, (const unsigned char *)"x", 1);
	assert_int_equal(utimensat(AT_FDCWD, stale_temp, old, 0), 0);

	oa_result_init(&r);
	assert_int_equal(oa_cache_tidy(&f->cache, "token", &r), OA_OK);
	assert_int_equal(count_files(f->dir, "token-", NULL), 40);
	assert_false(exists(stale_temp));
	assert_int_equal(count_files(f->dir, "jwks-", NULL), 1);
	assert_int_equal(oa_cache_tidy(&f->cache, "JWKS", &r), OA_INTERNAL);
}

static void
test_cache_entry_time_is_its_stale_until(void **state)
{
	struct fixture *f = *state;
	time_t now = time(NULL);

	assert_int_equal(put(f, "verdict", "a", "v", 1, META(now, now + 5, now + 300), 0), OA_OK);
	assert_int_equal(mtime_of(f, "verdict", "a"), now + 300);
	assert_int_equal(put(f, "verdict", "a", "w", 1, META(now, now, now + 7), 0), OA_OK);
	assert_int_equal(mtime_of(f, "verdict", "a"), now + 7);
}

static void
test_cache_sweep_removes_the_expired_even_under_the_bound(void **state)
{
	struct fixture *f = *state;
	time_t now = time(NULL);

	assert_int_equal(put(f, "verdict", "dead1", "v", 1, META(0, 0, now - 100), 0), OA_OK);
	assert_int_equal(put(f, "verdict", "dead2", "v", 1, META(0, 0, now - 1), 0), OA_OK);
	assert_int_equal(put(f, "verdict", "alive", "v", 1, META(0, 0, now + 100), 0), OA_OK);
	assert_int_equal(put(f, "jwks", "dead", "v", 1, META(0, 0, now - 100), 0), OA_OK);
	assert_int_equal(count_files(f->dir, "verdict-", NULL), 3);

	/* Well under a bound of 10, which sweeps on every put. */
	assert_int_equal(put(f, "verdict", "new", "v", 1, META(0, 0, now + 100), 10), OA_OK);
	assert_int_equal(count_files(f->dir, "verdict-", NULL), 2);
	assert_true(get(f, "verdict", "alive", 0, NULL, NULL, NULL));
	assert_true(get(f, "verdict", "new", 0, NULL, NULL, NULL));
	assert_false(get(f, "verdict", "dead1", 0, NULL, NULL, NULL));
	assert_false(get(f, "verdict", "dead2", 0, NULL, NULL, NULL));
	/* another namespace is not swept by this one's put */
	assert_int_equal(count_files(f->dir, "jwks-", NULL), 1);
}

static void
test_cache_sweep_leaves_room_for_the_puts_until_the_next(void **state)
{
	struct fixture *f = *state;
	time_t now = time(NULL);
	char key[16];

	/* 15 entries under a bound of 15, then one more: the sweep leaves
	 * 15 - 15/10 = 14, the latest-expiring ones. */
	for (int i = 0; i < 15; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(put(f, "verdict", key, "v", 1, META(0, 0, now + 100 + i), 0),
				 OA_OK);
	}
	assert_int_equal(put(f, "verdict", "last", "v", 1, META(0, 0, now + 1000), 15), OA_OK);
	assert_int_equal(count_files(f->dir, "verdict-", NULL), 14);
	assert_false(get(f, "verdict", "k0", 0, NULL, NULL, NULL));
	assert_false(get(f, "verdict", "k1", 0, NULL, NULL, NULL));
	assert_true(get(f, "verdict", "k2", 0, NULL, NULL, NULL));
	assert_true(get(f, "verdict", "last", 0, NULL, NULL, NULL));
}

static void
test_cache_sweeps_one_put_in_a_tenth_of_the_bound(void **state)
{
	size_t due = 0;

	(void)state;
	/* small bounds: every put */
	for (uint32_t rnd = 0; rnd < 1000; rnd++) {
		assert_true(oa_cache_sweep_due(1, rnd));
		assert_true(oa_cache_sweep_due(19, rnd));
	}
	/* 10000: one in 1000, whatever the spread of the random numbers */
	for (uint32_t rnd = 0; rnd < 100000; rnd++)
		due += oa_cache_sweep_due(10000, rnd * 7919u);
	assert_int_equal(due, 100);
	assert_true(oa_cache_sweep_due(10000, 0));
	assert_false(oa_cache_sweep_due(10000, 1));
	assert_true(oa_cache_sweep_due(10000, 3000));

	assert_int_equal(oa_cache_sweep_target(1), 1);
	assert_int_equal(oa_cache_sweep_target(3), 3);
	assert_int_equal(oa_cache_sweep_target(15), 14);
	assert_int_equal(oa_cache_sweep_target(10000), 9000);
}

/* ---- many backends at once ---- */

#define RACE_WRITERS 8
#define RACE_READERS 2
#define RACE_PUTS 300
#define RACE_KEYS 5
#define RACE_MAX_VALUE (64 * 1024)

static void
race_key(int k, char *out, size_t size)
{
	snprintf(out, size, "https://issuer.example/race/%d", k);
}

/* A value names its key, writer and round, repeated to a length that
 * varies from put to put, so a reader can tell a torn or mixed value. */
static size_t
race_value(int k, int child, int n, char *out)
{
	char unit[64];
	int unit_len = snprintf(unit, sizeof(unit), "key=%d child=%d n=%d;", k, child, n);
	size_t repeats = 1 + (size_t)(n * 131 + child * 17) % (RACE_MAX_VALUE / (size_t)unit_len);
	size_t len = 0;

	for (size_t i = 0; i < repeats; i++, len += (size_t)unit_len)
		memcpy(out + len, unit, (size_t)unit_len);
	return len;
}

static bool
race_well_formed(const char *value, size_t len, int k)
{
	int key, child, n, unit_len = 0;

	if (sscanf(value, "key=%d child=%d n=%d;%n", &key, &child, &n, &unit_len) != 3 ||
	    unit_len <= 0 || key != k || child < 0 || child >= RACE_WRITERS || n < 0 ||
	    n >= RACE_PUTS || len % (size_t)unit_len != 0 || value[len] != '\0')
		return false;
	for (size_t off = (size_t)unit_len; off < len; off += (size_t)unit_len)
		if (memcmp(value, value + off, (size_t)unit_len) != 0)
			return false;
	return true;
}

/* Children report through their exit status: cmocka's asserts belong to
 * the parent. */
static void
race_writer(const char *dir, int child)
{
	static char value[RACE_MAX_VALUE];
	struct oa_cache c;
	struct oa_result r;
	char key[64];

	oa_result_init(&r);
	if (oa_cache_open(dir, false, &c, &r) != OA_OK)
		_exit(10);
	for (int n = 0; n < RACE_PUTS; n++) {
		int k = (n + child) % RACE_KEYS;
		size_t len = race_value(k, child, n, value);
		struct oa_cache_meta meta = META(n, n, time(NULL) + 3600);

		race_key(k, key, sizeof(key));
		if (oa_cache_put(&c, "jwks", key, value, len, &meta, RACE_KEYS, &r) != OA_OK)
			_exit(11);
	}
	oa_cache_close(&c);
	_exit(0);
}

static void
race_reader(const char *dir, int stop_fd)
{
	struct pollfd stop = { .fd = stop_fd, .events = POLLIN };
	struct oa_cache c;
	struct oa_result r;
	long found_count = 0;
	char key[64];

	oa_result_init(&r);
	if (oa_cache_open(dir, false, &c, &r) != OA_OK)
		_exit(20);
	while (poll(&stop, 1, 0) == 0) {
		for (int k = 0; k < RACE_KEYS; k++) {
			char *value;
			size_t len;
			bool found;

			race_key(k, key, sizeof(key));
			if (oa_cache_get(&c, "jwks", key, 0, &value, &len, NULL, &found, &r) != OA_OK)
				_exit(21);
			if (found && !race_well_formed(value, len, k))
				_exit(22);
			found_count += found;
			free(value);
		}
	}
	oa_cache_close(&c);
	/* A reader that never found anything tested nothing. */
	_exit(found_count > 0 ? 0 : 23);
}

static void
test_cache_racing_writers_and_readers_see_only_whole_entries(void **state)
{
	struct fixture *f = *state;
	pid_t readers[RACE_READERS], writers[RACE_WRITERS];
	int stop[2], status;
	size_t temps;
	char key[64], *value;
	size_t len;

	assert_int_equal(pipe(stop), 0);
	for (int i = 0; i < RACE_READERS; i++) {
		readers[i] = fork();
		assert_true(readers[i] >= 0);
		if (readers[i] == 0) {
			close(stop[1]);
			race_reader(f->dir, stop[0]);
		}
	}
	for (int i = 0; i < RACE_WRITERS; i++) {
		writers[i] = fork();
		assert_true(writers[i] >= 0);
		if (writers[i] == 0) {
			close(stop[1]);
			race_writer(f->dir, i);
		}
	}
	for (int i = 0; i < RACE_WRITERS; i++) {
		assert_int_equal(waitpid(writers[i], &status, 0), writers[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fail_msg("writer %d failed with status 0x%x", i, status);
	}
	/* Closing the last write end wakes the readers up to stop. */
	close(stop[1]);
	for (int i = 0; i < RACE_READERS; i++) {
		assert_int_equal(waitpid(readers[i], &status, 0), readers[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fail_msg("reader %d failed with status 0x%x", i, status);
	}
	close(stop[0]);

	for (int k = 0; k < RACE_KEYS; k++) {
		race_key(k, key, sizeof(key));
		assert_true(get(f, "jwks", key, 0, &value, &len, NULL));
		assert_true(race_well_formed(value, len, k));
		free(value);
	}
	assert_int_equal(count_files(f->dir, "", &temps), RACE_KEYS);
	assert_int_equal(temps, 0);
}

/* One JSON object an entry: what was put comes back equal, with its
 * times; an entry that is not one object, or repeats a member, is none. */
static void
test_cache_json_objects_only(void **state)
{
	struct fixture *f = *state;
	struct oa_cache_meta meta = META(100, 200, 300), got_meta;
	json_t *doc = json_pack("{s:s, s:[i,i]}", "issuer", "https://idp", "n", 1, 2), *got;
	static const char *const not_objects[] = {
		"[1,2]", "\"text\"", "{\"a\":1,\"a\":2}", "{\"a\":", "",
	};
	struct oa_result r;

	oa_result_init(&r);
	assert_int_equal(oa_cache_put_object(&f->cache, "jwks", "k", doc, &meta, 0, true, &r), OA_OK);
	assert_true(oa_cache_get_object(&f->cache, "jwks", "k", 150, true, &got, &got_meta));
	assert_true(json_equal(doc, got));
	assert_int_equal(got_meta.fresh_until, 200);
	json_decref(got);
	assert_false(oa_cache_get_object(&f->cache, "jwks", "k", 301, false, &got, NULL));
	assert_null(got);
	assert_false(oa_cache_get_object(&f->cache, "jwks", "absent", 150, false, &got, NULL));
	for (size_t i = 0; i < sizeof(not_objects) / sizeof(not_objects[0]); i++) {
		assert_int_equal(oa_cache_put(&f->cache, "jwks", "k", not_objects[i],
					      strlen(not_objects[i]), &meta, 0, &r), OA_OK);
		assert_false(oa_cache_get_object(&f->cache, "jwks", "k", 150, false, &got, NULL));
		assert_null(got);
	}
	json_decref(doc);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_cache_round_trip_keeps_value_and_meta),
		T(test_cache_miss_when_absent),
		T(test_cache_miss_past_stale_until),
		T(test_cache_rejects_bad_namespace),
		T(test_cache_miss_when_file_holds_another_key),
		T(test_cache_every_corruption_and_truncation_is_a_miss_and_removed),
		T(test_cache_foreign_files_are_a_miss_and_removed),
		T(test_cache_value_at_size_limit_passes_one_over_is_refused),
		T(test_cache_files_are_0600_and_no_temp_files_remain),
		T(test_cache_open_refuses_relative_path),
		T(test_cache_open_refuses_symlink_to_good_dir),
		T(test_cache_open_refuses_group_or_world_writable_dir),
		T(test_cache_open_refuses_regular_file),
		T(test_cache_open_refuses_dir_owned_by_another_uid),
		T(test_cache_open_without_create_refuses_missing_dir),
		T(test_cache_open_with_create_makes_0700_dir),
		T(test_cache_default_dir_is_from_passwd_not_home),
		T(test_cache_eviction_removes_soonest_expiring_and_spares_other_namespaces),
		T(test_cache_tidy_removes_the_dead_and_keeps_every_live_entry),
		T(test_cache_entry_time_is_its_stale_until),
		T(test_cache_sweep_removes_the_expired_even_under_the_bound),
		T(test_cache_sweep_leaves_room_for_the_puts_until_the_next),
		T(test_cache_sweeps_one_put_in_a_tenth_of_the_bound),
		T(test_cache_racing_writers_and_readers_see_only_whole_entries),
		T(test_cache_json_objects_only),
	};
	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
