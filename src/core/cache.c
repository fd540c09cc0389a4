/* SPDX-License-Identifier: MIT */
/* The on-disk cache: one file per entry in a directory only the service
 * user can write, replaced whole by rename so that concurrent backends need
 * no locks (a lock held by a stuck backend would stall every login), and
 * checked byte for byte on the way back in.  Every operation after
 * oa_cache_open goes through the directory's descriptor, never a path, so
 * nothing done to the path afterwards can redirect it. */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "file_trust.h"
#include "read_full.h"
#include "sha256.h"

/* pg_oauth2_token keeps access and refresh tokens here: a buffer that held
 * an entry is wiped before it goes back to the allocator. */
static void
free_wiped(void *p, size_t n)
{
	if (p != NULL)
		explicit_bzero(p, n);
	free(p);
}

/* An entry, integers big-endian:
 *
 *   offset   size  field
 *   0        8     magic "oa-cache"
 *   8        4     format version (1)
 *   12       8     stored_at   (two's complement)
 *   20       8     fresh_until
 *   28       8     stale_until
 *   36       4     key length K
 *   40       K     key
 *   40+K     4     value length V
 *   44+K     V     value
 *   44+K+V   32    SHA-256 of every byte before it
 *
 * The digest comes last so that it covers the value as well as the header:
 * then any damaged byte, wherever it is, makes the entry a miss.  The file
 * must be exactly 76+K+V bytes long. */
#define MAGIC "oa-cache"
#define MAGIC_BYTES 8
#define FORMAT_VERSION 1u
#define OFF_VERSION 8
#define OFF_STORED 12
#define OFF_FRESH 20
#define OFF_STALE 28
#define OFF_KEY_LEN 36
#define OFF_KEY 40
#define DIGEST_BYTES OA_SHA256_BYTES
#define FIXED_BYTES (OFF_KEY + 4 + DIGEST_BYTES)
#define MAX_ENTRY_BYTES \
	((size_t)FIXED_BYTES + OA_MAX_CACHE_KEY_BYTES + OA_MAX_CACHE_VALUE_BYTES)

/* Entries are "<ns>-<64 hex>", temporary files "<ns>.tmp.<32 hex>": a
 * temporary file can never be taken for an entry, and each namespace's
 * files can be told apart from the others'. */
#define HASH_HEX (2 * DIGEST_BYTES)
#define TEMP_MARK ".tmp."
#define TEMP_RANDOM_BYTES 16
#define NAME_BYTES (OA_MAX_CACHE_NAMESPACE_BYTES + 1 + HASH_HEX + 1)

/* getpwuid_r's scratch buffer grows up to this; a passwd entry is far
 * smaller, but NSS modules (LDAP, sssd) set no bound of their own. */
#define PASSWD_SCRATCH_MAX (1024 * 1024)

static bool
is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[n] == '\0';
}

static void
put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

static uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void
put_i64(unsigned char *p, long long v)
{
	uint64_t u = (uint64_t)v;

	for (int i = 7; i >= 0; i--, u >>= 8)
		p[i] = (unsigned char)(u & 0xff);
}

static long long
get_i64(const unsigned char *p)
{
	uint64_t u = 0;

	for (int i = 0; i < 8; i++)
		u = u << 8 | p[i];
	/* Two's complement back to signed without an out-of-range conversion. */
	if (u > (uint64_t)INT64_MAX)
		return -(long long)(~u) - 1;
	return (long long)u;
}

/* Namespaces become part of file names, so they are held to [a-z]+. */
static bool
valid_namespace(const char *ns)
{
	size_t n = 0;

	if (ns == NULL)
		return false;
	for (; ns[n] != '\0'; n++)
		if (ns[n] < 'a' || ns[n] > 'z' || n >= OA_MAX_CACHE_NAMESPACE_BYTES)
			return false;
	return n > 0;
}

static enum oa_status
entry_name(const struct oa_cache *c, const char *ns, const char *key,
	   char name[NAME_BYTES], struct oa_result *r)
{
	unsigned char md[DIGEST_BYTES];
	size_t key_len;

	if (c->dirfd < 0)
		return oa_fail(r, OA_INTERNAL, "cache used when not open");
	if (!valid_namespace(ns))
		return oa_fail(r, OA_INTERNAL, "cache namespace must be 1 to %d of [a-z]",
			       OA_MAX_CACHE_NAMESPACE_BYTES);
	if (key == NULL)
		return oa_fail(r, OA_INTERNAL, "cache key missing");
	key_len = strlen(key);
	if (key_len > OA_MAX_CACHE_KEY_BYTES)
		return oa_fail(r, OA_INTERNAL,
			       "cache key of %zu bytes is over the limit of %d",
			       key_len, OA_MAX_CACHE_KEY_BYTES);
	oa_sha256(key, key_len, md);
	snprintf(name, NAME_BYTES, "%s-", ns);
	oa_hex(md, sizeof(md), name + strlen(name));
	return OA_OK;
}

/* Removes `name` only while it is still the file that was judged bad (or,
 * with no `seen`, a symbolic link): another backend may have renamed a
 * good entry over it in the meantime. */
static void
remove_if_unchanged(int dirfd, const char *name, const struct stat *seen)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	/* clang-format off */
	if (seen != NULL ? st.st_dev != seen->st_dev || st.st_ino != seen->st_ino
			 : !S_ISLNK(st.st_mode))
		/* clang-format on */
		return;
	(void)unlinkat(dirfd, name, 0);
}

/* ---- opening the directory ---- */

bool
oa_cache_default_dir(char *buf, size_t size)
{
	struct passwd pw, *found = NULL;
	char *scratch = NULL;
	size_t scratch_size = 1024;
	size_t home_len;
	bool ok = false;
	int rc;

	for (;;) {
		scratch = malloc(scratch_size);
		if (scratch == NULL)
			return false;
		rc = getpwuid_r(geteuid(), &pw, scratch, scratch_size, &found);
		if (rc != ERANGE || scratch_size >= PASSWD_SCRATCH_MAX)
			break;
		free(scratch);
		scratch_size *= 4;
	}
	if (rc == 0 && found != NULL && pw.pw_dir != NULL && pw.pw_dir[0] == '/') {
		home_len = strlen(pw.pw_dir);
		/* A home of "/" (daemons) must not become "//.cache". */
		while (home_len > 0 && pw.pw_dir[home_len - 1] == '/')
			home_len--;
		if (home_len <= OA_MAX_PATH_BYTES) {
			int n = snprintf(buf, size, "%.*s/.cache/pam_oauth2",
					 (int)home_len, pw.pw_dir);
			ok = n > 0 && (size_t)n < size;
		}
	}
	free(scratch);
	if (!ok && size > 0)
		buf[0] = '\0';
	return ok;
}

/* ~/.cache itself may be missing for a service user that never ran a
 * desktop program; it is made only when `dir` is the default directory,
 * never for a path someone wrote on the pam.d line. */
static bool
make_default_parent(const char *dir)
{
	char def[OA_MAX_PATH_BYTES + 64];
	size_t dir_len = strlen(dir);
	char *slash;

	while (dir_len > 1 && dir[dir_len - 1] == '/')
		dir_len--;
	if (!oa_cache_default_dir(def, sizeof(def)) ||
	    strncmp(def, dir, dir_len) != 0 || def[dir_len] != '\0')
		return false;
	slash = strrchr(def, '/');
	*slash = '\0';
	return mkdir(def, 0700) == 0 || errno == EEXIST;
}

static int
open_dir(const char *dir)
{
	/* O_NOFOLLOW: a symbolic link in place of the directory could point
	 * the cache anywhere the link's owner likes. */
	return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static enum oa_status
open_failed(const char *dir, int err, struct oa_result *r)
{
	struct stat st;

	/* Linux says ENOTDIR, not ELOOP, for a link under O_DIRECTORY. */
	if (err == ELOOP || (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode)))
		return oa_fail(r, OA_CONFIG,
			       "cache directory %s is a symbolic link; it must be a real directory",
			       dir);
	if (err == ENOTDIR)
		return oa_fail(r, OA_CONFIG, "cache directory %s is not a directory", dir);
	return oa_fail(r, OA_CONFIG, "cannot open cache directory %s: %s", dir,
		       strerror(err));
}

enum oa_status
oa_cache_open(const char *dir, bool create, struct oa_cache *c,
	      struct oa_result *r)
{
	struct stat st;
	bool made = false;
	int fd, err = 0;

	c->dirfd = -1;
	if (dir == NULL || dir[0] != '/')
		return oa_fail(r, OA_CONFIG,
			       "cache directory %s must be an absolute path",
			       dir != NULL ? dir : "(none)");
	if (strlen(dir) > OA_MAX_PATH_BYTES)
		return oa_fail(r, OA_CONFIG, "cache directory path is over %d bytes",
			       OA_MAX_PATH_BYTES);
	fd = open_dir(dir);
	if (fd < 0 && errno == ENOENT && create) {
		made = mkdir(dir, 0700) == 0;
		err = errno;
		if (!made && err == ENOENT && make_default_parent(dir)) {
			made = mkdir(dir, 0700) == 0;
			err = errno;
		}
		/* EEXIST: another backend made it first, which is as good. */
		if (!made && err != EEXIST)
			return oa_fail(r, OA_CONFIG, "cannot create cache directory %s: %s",
				       dir, strerror(err));
		fd = open_dir(dir);
	}
	if (fd < 0)
		return open_failed(dir, errno, r);
	/* The umask may have taken bits from what mkdir asked for; we must at
	 * least be able to read, write and search what we made. */
	if (made)
		(void)fchmod(fd, 0700);
	if (fstat(fd, &st) != 0) {
		err = errno;
		close(fd);
		return open_failed(dir, err, r);
	}
	if (oa_file_trust_stat("cache directory", dir, &st, OA_FILE_OWN_DIR, r) != OA_OK) {
		close(fd);
		return r->status;
	}
	c->dirfd = fd;
	return OA_OK;
}

void
oa_cache_close(struct oa_cache *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	c->dirfd = -1;
}

/* ---- reading ---- */

/* Reads the whole entry if it is one we could have written: a regular file
 * of ours, private, and no longer than any entry can be.  *buf stays NULL
 * for a file that is not; the status is for I/O and memory failures. */
static enum oa_status
read_entry(int fd, const struct stat *st, unsigned char **buf, size_t *size,
	   struct oa_result *r)
{
	size_t want, got = 0;
	int err;

	*buf = NULL;
	if (!S_ISREG(st->st_mode) || st->st_uid != geteuid() ||
	    (st->st_mode & 077) != 0 || st->st_size < FIXED_BYTES ||
	    (size_t)st->st_size > MAX_ENTRY_BYTES)
		return OA_OK;
	want = (size_t)st->st_size;
	/* One byte more than the size, to see a file that grew after fstat. */
	*buf = malloc(want + 1);
	if (*buf == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	err = oa_read_full(fd, *buf, want + 1, &got);
	if (err != 0) {
		free_wiped(*buf, want + 1);
		*buf = NULL;
		return oa_fail(r, OA_INTERNAL, "cannot read cache entry: %s", strerror(err));
	}
	if (got != want) {
		free_wiped(*buf, want + 1);
		*buf = NULL;
	}
	*size = want;
	return OA_OK;
}

struct entry {
	struct oa_cache_meta meta;
	const unsigned char *value;
	size_t value_len;
};

/* Strict: the digest, the magic, the version, both lengths and the key
 * must all agree with the file's exact size and the key looked up. */
static bool
parse_entry(const unsigned char *buf, size_t size, const char *key,
	    struct entry *e)
{
	unsigned char md[DIGEST_BYTES];
	size_t key_len, value_len;

	if (size < FIXED_BYTES)
		return false;
	oa_sha256(buf, size - DIGEST_BYTES, md);
	if (memcmp(md, buf + size - DIGEST_BYTES, DIGEST_BYTES) != 0)
		return false;
	if (memcmp(buf, MAGIC, MAGIC_BYTES) != 0 ||
	    get_u32(buf + OFF_VERSION) != FORMAT_VERSION)
		return false;
	key_len = get_u32(buf + OFF_KEY_LEN);
	if (key_len > OA_MAX_CACHE_KEY_BYTES || key_len > size - FIXED_BYTES)
		return false;
	value_len = get_u32(buf + OFF_KEY + key_len);
	if (value_len > OA_MAX_CACHE_VALUE_BYTES ||
	    size != FIXED_BYTES + key_len + value_len)
		return false;
	/* The name only says the SHA-256 of the key matched; the key itself
	 * must too. */
	if (strlen(key) != key_len || memcmp(buf + OFF_KEY, key, key_len) != 0)
		return false;
	e->meta.stored_at = get_i64(buf + OFF_STORED);
	e->meta.fresh_until = get_i64(buf + OFF_FRESH);
	e->meta.stale_until = get_i64(buf + OFF_STALE);
	e->value = buf + OFF_KEY + key_len + 4;
	e->value_len = value_len;
	return true;
}

enum oa_status
oa_cache_get(struct oa_cache *c, const char *ns, const char *key,
	     long long now, char **value, size_t *len,
	     struct oa_cache_meta *meta, bool *found, struct oa_result *r)
{
	char name[NAME_BYTES];
	unsigned char *buf = NULL;
	size_t size = 0;
	struct entry e;
	struct stat st;
	int fd;

	*value = NULL;
	*len = 0;
	*found = false;
	if (meta != NULL)
		memset(meta, 0, sizeof(*meta));
	if (entry_name(c, ns, key, name, r) != OA_OK)
		return r->status;
	/* O_NONBLOCK: a FIFO in the entry's place must not hang the login. */
	fd = openat(c->dirfd, name,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return OA_OK;
	if (fd < 0 && errno == ELOOP) {
		remove_if_unchanged(c->dirfd, name, NULL);
		return OA_OK;
	}
	if (fd < 0)
		return oa_fail(r, OA_INTERNAL, "cannot open cache entry %s: %s",
			       name, strerror(errno));
	if (fstat(fd, &st) != 0) {
		close(fd);
		return oa_fail(r, OA_INTERNAL, "cannot stat cache entry %s: %s",
			       name, strerror(errno));
	}
	if (read_entry(fd, &st, &buf, &size, r) != OA_OK) {
		close(fd);
		return r->status;
	}
	close(fd);
	if (buf == NULL || !parse_entry(buf, size, key, &e)) {
		remove_if_unchanged(c->dirfd, name, &st);
		free_wiped(buf, size + 1);
		return OA_OK;
	}
	if (now > e.meta.stale_until) {
		free_wiped(buf, size + 1);
		return OA_OK;
	}
	*value = malloc(e.value_len + 1);
	if (*value == NULL) {
		free_wiped(buf, size + 1);
		return oa_fail(r, OA_INTERNAL, "out of memory");
	}
	memcpy(*value, e.value, e.value_len);
	(*value)[e.value_len] = '\0';
	*len = e.value_len;
	if (meta != NULL)
		*meta = e.meta;
	free_wiped(buf, size + 1);
	*found = true;
	return OA_OK;
}

/* ---- writing ---- */

static bool
write_all(int fd, const unsigned char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = EIO;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* O_EXCL and O_NOFOLLOW: the name is ours alone, whatever was there. */
static int
create_temp(int dirfd, const char *ns, char temp[NAME_BYTES])
{
	unsigned char rnd[TEMP_RANDOM_BYTES];
	char hex[2 * TEMP_RANDOM_BYTES + 1];

	for (int attempt = 0; attempt < 4; attempt++) {
		int fd;

		/* GRND_NONBLOCK: early in boot the pool may not be ready, and
		 * a login must not wait for it. */
		if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
			break;
		oa_hex(rnd, sizeof(rnd), hex);
		snprintf(temp, NAME_BYTES, "%s" TEMP_MARK "%s", ns, hex);
		fd = openat(dirfd, temp,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

/* The entry's modification time is its stale_until, so that a sweep
 * tells the dead and the soon-dead from a stat alone.  A file system that
 * refuses the time leaves the time of writing, earlier than stale_until:
 * a sweep then takes the entry for dead too soon, which costs a refetch. */
static void
set_expiry(int fd, long long stale_until)
{
	struct timespec times[2] = { { .tv_nsec = UTIME_OMIT },
				     { .tv_sec = (time_t)stale_until } };

	(void)futimens(fd, times);
}

static size_t
encode_entry(unsigned char *buf, const char *key, size_t key_len,
	     const char *value, size_t len, const struct oa_cache_meta *meta)
{
	size_t off = OFF_KEY + key_len;

	memcpy(buf, MAGIC, MAGIC_BYTES);
	put_u32(buf + OFF_VERSION, FORMAT_VERSION);
	put_i64(buf + OFF_STORED, meta->stored_at);
	put_i64(buf + OFF_FRESH, meta->fresh_until);
	put_i64(buf + OFF_STALE, meta->stale_until);
	put_u32(buf + OFF_KEY_LEN, (uint32_t)key_len);
	memcpy(buf + OFF_KEY, key, key_len);
	put_u32(buf + off, (uint32_t)len);
	off += 4;
	if (len > 0)
		memcpy(buf + off, value, len);
	return off + len;
}

/* Files of a namespace: entries, and temporary files of its writers. */
enum file_kind {
	FILE_OTHER,
	FILE_ENTRY,
	FILE_TEMP
};

static enum file_kind
classify(const char *name, const char *ns, size_t ns_len)
{
	if (strncmp(name, ns, ns_len) != 0)
		return FILE_OTHER;
	name += ns_len;
	if (name[0] == '-' && is_hex(name + 1, HASH_HEX))
		return FILE_ENTRY;
	if (strncmp(name, TEMP_MARK, strlen(TEMP_MARK)) == 0 &&
	    is_hex(name + strlen(TEMP_MARK), 2 * TEMP_RANDOM_BYTES))
		return FILE_TEMP;
	return FILE_OTHER;
}

struct victim {
	char name[NAME_BYTES];
	struct stat st;
};

/* An entry's modification time is its stale_until (see oa_cache_put). */
static int
expires_first(const void *a, const void *b)
{
	const struct victim *x = a, *y = b;

	if (x->st.st_mtim.tv_sec != y->st.st_mtim.tv_sec)
		return x->st.st_mtim.tv_sec < y->st.st_mtim.tv_sec ? -1 : 1;
	if (x->st.st_mtim.tv_nsec != y->st.st_mtim.tv_nsec)
		return x->st.st_mtim.tv_nsec < y->st.st_mtim.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

bool
oa_cache_sweep_due(size_t max_entries, uint32_t random)
{
	size_t every = max_entries / OA_CACHE_SWEEP_SHARE;

	return every <= 1 || random % every == 0;
}

size_t
oa_cache_sweep_target(size_t max_entries)
{
	return max_entries - max_entries / OA_CACHE_SWEEP_SHARE;
}

/* Lists the namespace once: removes what is past its stale_until, then,
 * with max_entries > 0 and more than oa_cache_sweep_target() remaining,
 * those that expire soonest.  Needs no entry opened: the time is the
 * file's.  Backends sweeping at once may remove a little more than
 * needed, which costs a refetch. */
static enum oa_status
sweep(int dirfd, const char *ns, size_t max_entries, struct oa_result *r)
{
	size_t ns_len = strlen(ns), n = 0, cap = 0, target = oa_cache_sweep_target(max_entries);
	struct victim *v = NULL;
	time_t now = time(NULL);
	struct dirent *de;
	DIR *d;
	int fd;

	/* fdopendir takes the descriptor it is given; the cache keeps its own. */
	fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return oa_fail(r, OA_INTERNAL, "cannot list the cache: %s", strerror(errno));
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return oa_fail(r, OA_INTERNAL, "cannot list the cache: %s", strerror(errno));
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		enum file_kind kind = classify(de->d_name, ns, ns_len);
		struct stat st;

		if (kind == FILE_OTHER ||
		    fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (kind == FILE_TEMP) {
			/* A writer killed after set_expiry left an mtime in the
			 * future; ctime still says when it last wrote. */
			if (st.st_mtime < now - OA_CACHE_TEMP_MAX_AGE_SECONDS ||
			    st.st_ctime < now - OA_CACHE_TEMP_MAX_AGE_SECONDS)
				remove_if_unchanged(dirfd, de->d_name, &st);
			continue;
		}
		if (st.st_mtime < now) {
			remove_if_unchanged(dirfd, de->d_name, &st);
			continue;
		}
		if (max_entries == 0)
			continue;
		if (n == cap) {
			size_t new_cap = cap == 0 ? 16 : 2 * cap;
			struct victim *grown = realloc(v, new_cap * sizeof(*v));

			if (grown == NULL) {
				closedir(d);
				free(v);
				return oa_fail(r, OA_INTERNAL, "out of memory");
			}
			v = grown;
			cap = new_cap;
		}
		/* classify has bounded the name's length. */
		memcpy(v[n].name, de->d_name, strlen(de->d_name) + 1);
		v[n].st = st;
		n++;
	}
	closedir(d);
	if (max_entries > 0 && n > target) {
		qsort(v, n, sizeof(*v), expires_first);
		for (size_t i = 0; i < n - target; i++)
			remove_if_unchanged(dirfd, v[i].name, &v[i].st);
	}
	free(v);
	return OA_OK;
}

/* A sweep lists and stats the whole namespace, milliseconds at thousands
 * of entries: so only about one put in max_entries/OA_CACHE_SWEEP_SHARE
 * pays it, picked at random so that no choice of tokens avoids it, and it
 * leaves room for that many puts. */
static enum oa_status
maybe_sweep(int dirfd, const char *ns, size_t max_entries, struct oa_result *r)
{
	uint32_t random = 0;

	if (getrandom(&random, sizeof(random), GRND_NONBLOCK) != (ssize_t)sizeof(random))
		random = 0; /* no randomness: sweep, the bound matters more */
	if (!oa_cache_sweep_due(max_entries, random))
		return OA_OK;
	return sweep(dirfd, ns, max_entries, r);
}

enum oa_status
oa_cache_put(struct oa_cache *c, const char *ns, const char *key,
	     const char *value, size_t len, const struct oa_cache_meta *meta,
	     size_t max_entries, struct oa_result *r)
{
	char name[NAME_BYTES], temp[NAME_BYTES];
	unsigned char md[DIGEST_BYTES];
	unsigned char *buf;
	size_t size, alloc;
	bool ok;
	int fd, err;

	if (entry_name(c, ns, key, name, r) != OA_OK)
		return r->status;
	if (meta == NULL || (value == NULL && len > 0))
		return oa_fail(r, OA_INTERNAL, "cache put without a value or its times");
	if (len > OA_MAX_CACHE_VALUE_BYTES)
		return oa_fail(r, OA_INTERNAL,
			       "cache value of %zu bytes is over the limit of %d",
			       len, OA_MAX_CACHE_VALUE_BYTES);
	alloc = FIXED_BYTES + strlen(key) + len;
	buf = malloc(alloc);
	if (buf == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	size = encode_entry(buf, key, strlen(key), value, len, meta);
	oa_sha256(buf, size, md);
	memcpy(buf + size, md, DIGEST_BYTES);
	size += DIGEST_BYTES;

	fd = create_temp(c->dirfd, ns, temp);
	if (fd < 0) {
		err = errno;
		free_wiped(buf, alloc);
		return oa_fail(r, OA_INTERNAL,
			       "cannot create a temporary file in the cache: %s",
			       strerror(err));
	}
	/* No fsync: after a crash an entry cut short fails its digest and is
	 * a miss, and a miss only costs a fetch, while fsync would cost every
	 * login that writes the cache a disk flush. */
	ok = write_all(fd, buf, size);
	if (ok)
		set_expiry(fd, meta->stale_until);
	err = errno;
	free_wiped(buf, alloc);
	if (close(fd) != 0 && ok) {
		ok = false;
		err = errno;
	}
	if (ok && renameat(c->dirfd, temp, c->dirfd, name) != 0) {
		ok = false;
		err = errno;
	}
	if (!ok) {
		(void)unlinkat(c->dirfd, temp, 0);
		return oa_fail(r, OA_INTERNAL, "cannot write cache entry %s: %s",
			       name, strerror(err));
	}
	if (max_entries > 0)
		return maybe_sweep(c->dirfd, ns, max_entries, r);
	return OA_OK;
}

enum oa_status
oa_cache_remove(struct oa_cache *c, const char *ns, const char *key, struct oa_result *r)
{
	char name[NAME_BYTES];

	if (entry_name(c, ns, key, name, r) != OA_OK)
		return r->status;
	if (unlinkat(c->dirfd, name, 0) != 0 && errno != ENOENT)
		return oa_fail(r, OA_INTERNAL, "cannot remove cache entry %s: %s", name,
			       strerror(errno));
	return OA_OK;
}

enum oa_status
oa_cache_tidy(struct oa_cache *c, const char *ns, struct oa_result *r)
{
	if (c->dirfd < 0)
		return oa_fail(r, OA_INTERNAL, "cache used when not open");
	if (!valid_namespace(ns))
		return oa_fail(r, OA_INTERNAL, "cache namespace must be 1 to %d of [a-z]",
			       OA_MAX_CACHE_NAMESPACE_BYTES);
	return sweep(c->dirfd, ns, 0, r);
}
