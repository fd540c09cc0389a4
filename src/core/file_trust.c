/* SPDX-License-Identifier: MIT */
/* The trust rule for files named on the pam.d line (file_trust.h): one
 * place, so every file option and the cache directory are judged alike and
 * refused in the same words. */
#include "file_trust.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "secret_file.h"

/* As many symbolic links as the kernel follows in one lookup. */
#define MAX_LINKS 40

/* Root, or the user the service runs as: anyone else who owns a file that
 * decides logins decides them.  Both can already do all the module does. */
static bool
owner_ok(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

static bool
writable_by_others(mode_t mode)
{
	return (mode & (S_IWGRP | S_IWOTH)) != 0;
}

enum oa_status
oa_file_trust_stat(const char *option, const char *path, const struct stat *st,
		   enum oa_file_kind kind, struct oa_result *r)
{
	bool want_dir = kind == OA_FILE_DIR || kind == OA_FILE_OWN_DIR;
	unsigned mode = (unsigned)(st->st_mode & 07777);

	if (want_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
		return oa_fail(r, OA_CONFIG, "%s: %s is not a %s", option, path,
			       want_dir ? "directory" : "regular file");
	/* The cache holds what we wrote: a directory of root's would do for
	 * reading keys, not for entries we must be the only writer of. */
	if (kind == OA_FILE_OWN_DIR && st->st_uid != geteuid())
		return oa_fail(r, OA_CONFIG,
			       "%s: %s is owned by uid %u: it must be owned by uid %u, "
			       "the user the service runs as (chown %u %s)",
			       option, path, (unsigned)st->st_uid, (unsigned)geteuid(),
			       (unsigned)geteuid(), path);
	if (!owner_ok(st->st_uid))
		return oa_fail(r, OA_CONFIG,
			       "%s: %s is owned by uid %u: it must be owned by root or uid %u, "
			       "the user the service runs as (chown root %s)",
			       option, path, (unsigned)st->st_uid, (unsigned)geteuid(), path);
	if (kind == OA_FILE_SECRET || kind == OA_FILE_PRIVATE) {
		bool group_may_read = kind == OA_FILE_SECRET;

		if (!oa_secret_mode_ok(st->st_mode, group_may_read))
			return oa_fail(r, OA_CONFIG, "%s: %s has mode %04o: %s", option, path, mode,
				       oa_secret_mode_rule(group_may_read));
	} else if (writable_by_others(st->st_mode)) {
		return oa_fail(r, OA_CONFIG,
			       "%s: %s has mode %04o: it must not be writable by group or others "
			       "(chmod go-w %s)",
			       option, path, mode, path);
	}
	return OA_OK;
}

enum oa_status
oa_file_trust_fd(const char *option, const char *path, int fd,
		 enum oa_file_kind kind, struct oa_result *r)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return oa_fail(r, OA_CONFIG, "%s: %s: %s", option, path, strerror(errno));
	return oa_file_trust_stat(option, path, &st, kind, r);
}

/* A directory or symbolic link the lookup of `path` passes through, at
 * `entry`.  Whoever may replace an entry on the way may replace the file,
 * as OpenSSH's safe_path says for authorized_keys: a root-owned key in a
 * directory the attacker can write is the attacker's key once they rename
 * their own over it.  A writable directory with the sticky bit (/tmp) is
 * the exception: there only an entry's owner, the directory's owner or
 * root may rename or remove the entry (rename(2), EPERM), and both owners
 * are checked to be root or us, so a file of ours in /tmp/ours stays ours.
 * A link's own mode means nothing (always 0777); its owner does, in a
 * sticky directory, and is held to the same rule everywhere for
 * simplicity. */
static enum oa_status
check_on_the_way(const char *option, const char *path, const char *entry,
		 const struct stat *st, struct oa_result *r)
{
	const char *shown = *entry != '\0' ? entry : "/";

	if (!owner_ok(st->st_uid))
		return oa_fail(r, OA_CONFIG,
			       "%s: %s lies under %s, owned by uid %u, who could replace it: "
			       "it must be owned by root or uid %u (chown root %s)",
			       option, path, shown, (unsigned)st->st_uid, (unsigned)geteuid(), shown);
	if (S_ISDIR(st->st_mode) && writable_by_others(st->st_mode) &&
	    (st->st_mode & S_ISVTX) == 0)
		return oa_fail(r, OA_CONFIG,
			       "%s: %s lies in %s of mode %04o, whose other writers could replace it: "
			       "chmod go-w %s (or +t)",
			       option, path, shown, (unsigned)(st->st_mode & 07777), shown);
	return OA_OK;
}

/* Appends "/" and `len` bytes of `name` to `buf` (which holds `*used`). */
static bool
append_entry(char *buf, size_t *used, const char *name, size_t len)
{
	if (*used + 1 + len >= PATH_MAX)
		return false;
	buf[(*used)++] = '/';
	memcpy(buf + *used, name, len);
	*used += len;
	buf[*used] = '\0';
	return true;
}

/* Resolves `path` the way the kernel will, one entry at a time, checking
 * every directory passed through and every symbolic link followed (a link
 * is followed, not refused: /etc/ssl/certs and mounted secrets are made of
 * them, and a link that only root or we could replace is as safe as its
 * target).  The last entry itself is the caller's to check. */
static enum oa_status
check_the_way(const char *option, const char *path, struct oa_result *r)
{
	char done[PATH_MAX]; /* resolved so far, no links in it; "" is "/" */
	char todo[PATH_MAX]; /* what is left to look up */
	char next[PATH_MAX];
	char target[PATH_MAX];
	size_t used = 0, links = 0;
	const char *p;
	struct stat st;

	done[0] = '\0';
	if (lstat("/", &st) != 0)
		return oa_fail(r, OA_CONFIG, "%s: cannot stat /: %s", option, strerror(errno));
	if (check_on_the_way(option, path, done, &st, r) != OA_OK)
		return r->status;
	if (strlen(path) >= sizeof(todo))
		return oa_fail(r, OA_CONFIG, "%s: path over %d bytes", option, PATH_MAX);
	strcpy(todo, path);
	p = todo;
	for (;;) {
		const char *rest;
		size_t len, saved = used;
		ssize_t n;

		p += strspn(p, "/");
		if (*p == '\0')
			return OA_OK;
		len = strcspn(p, "/");
		rest = p + len;
		if (len == 1 && p[0] == '.') {
			p = rest;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			/* `done` has no links in it: its parent is lexical. */
			while (used > 0 && done[--used] != '/')
				;
			done[used] = '\0';
			p = rest;
			continue;
		}
		if (!append_entry(done, &used, p, len))
			return oa_fail(r, OA_CONFIG, "%s: path over %d bytes", option, PATH_MAX);
		if (lstat(done, &st) != 0)
			return oa_fail(r, OA_CONFIG, "%s: cannot read %s: %s", option, path,
				       strerror(errno));
		if (S_ISLNK(st.st_mode)) {
			if (check_on_the_way(option, path, done, &st, r) != OA_OK)
				return r->status;
			if (++links > MAX_LINKS)
				return oa_fail(r, OA_CONFIG, "%s: %s: %s", option, path,
					       strerror(ELOOP));
			n = readlink(done, target, sizeof(target) - 1);
			if (n < 0)
				return oa_fail(r, OA_CONFIG, "%s: cannot read link %s: %s", option,
					       done, strerror(errno));
			target[n] = '\0';
			if ((size_t)n + strlen(rest) >= sizeof(next))
				return oa_fail(r, OA_CONFIG, "%s: path over %d bytes", option, PATH_MAX);
			strcpy(next, target);
			strcat(next, rest);
			strcpy(todo, next);
			p = todo;
			/* The link's target is looked up from its directory, or
			 * from the root when absolute. */
			used = target[0] == '/' ? 0 : saved;
			done[used] = '\0';
			continue;
		}
		if (rest[strspn(rest, "/")] == '\0')
			return OA_OK; /* the file itself */
		if (!S_ISDIR(st.st_mode))
			return oa_fail(r, OA_CONFIG, "%s: cannot read %s: %s", option, path,
				       strerror(ENOTDIR));
		if (check_on_the_way(option, path, done, &st, r) != OA_OK)
			return r->status;
		p = rest;
	}
}

enum oa_status
oa_file_trust_path(const char *option, const char *path, enum oa_file_kind kind,
		   struct oa_result *r)
{
	struct stat st;

	if (*path == '\0' || strlen(path) > OA_MAX_PATH_BYTES)
		return oa_fail(r, OA_CONFIG, "%s: empty or overlong path", option);
	if (path[0] != '/')
		return oa_fail(r, OA_CONFIG,
			       "%s: %s is not an absolute path: it would be looked up from "
			       "whatever directory the service was started in (write it from /)",
			       option, path);
	if (check_the_way(option, path, r) != OA_OK)
		return r->status;
	if (stat(path, &st) != 0 || access(path, R_OK) != 0)
		return oa_fail(r, OA_CONFIG, "%s: cannot read %s: %s", option, path,
			       strerror(errno));
	return oa_file_trust_stat(option, path, &st, kind, r);
}

void
oa_file_identity(const struct stat *st, long long id[OA_FILE_IDENTITY_NUMBERS])
{
	id[0] = (long long)st->st_dev;
	id[1] = (long long)st->st_ino;
	id[2] = (long long)st->st_size;
	id[3] = (long long)st->st_mtim.tv_sec;
	id[4] = (long long)st->st_mtim.tv_nsec;
	id[5] = (long long)st->st_ctim.tv_sec;
	id[6] = (long long)st->st_ctim.tv_nsec;
}
