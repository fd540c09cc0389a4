/* SPDX-License-Identifier: MIT */
/* The one rule every file named on the pam.d line must pass before its
 * bytes may decide a login (jwks_file=, hmac_secret_file=,
 * client_secret_file=, username_map=, cafile=, capath=), and the cache
 * directory's stricter variant.  Whoever can write such a file, or replace
 * it, chooses who logs in; so:
 *   - the path is absolute (a relative one resolves against whatever
 *     directory the host process was started in);
 *   - the file, and every directory and symbolic link on the way to it, is
 *     owned by root or by the service's effective user;
 *   - none of them is writable by group or others, except a directory with
 *     the sticky bit (see file_trust.c for why);
 *   - a secret is also not readable by others (secret_file.h).
 * The path is checked when the arguments are parsed; a file the module
 * opens itself is checked again on the opened descriptor, so a file swapped
 * in between is caught. */
#ifndef OA_FILE_TRUST_H
#define OA_FILE_TRUST_H

#include <sys/stat.h>

#include "result.h"

enum oa_file_kind {
	OA_FILE_PLAIN,   /* a regular file anyone may read */
	OA_FILE_SECRET,  /* a regular file its group may read, others not */
	OA_FILE_PRIVATE, /* a regular file only its owner may read */
	OA_FILE_DIR,     /* a directory (capath=) */
	OA_FILE_OWN_DIR  /* a directory we write in: owned by the effective uid */
};

/* Parse time: `path` as a whole, with its directories.  `option` names the
 * option in the reason (OA_CONFIG). */
enum oa_status oa_file_trust_path(const char *option, const char *path,
				  enum oa_file_kind kind, struct oa_result *r);

/* Use time: the file `fd` that was opened from `path` (the path is only
 * shown in the reason). */
enum oa_status oa_file_trust_fd(const char *option, const char *path, int fd,
				enum oa_file_kind kind, struct oa_result *r);

/* The object's own part of the rule (type, owner, mode) on a stat result. */
enum oa_status oa_file_trust_stat(const char *option, const char *path,
				  const struct stat *st, enum oa_file_kind kind,
				  struct oa_result *r);

/* The numbers that change whenever a file's bytes may have: device, inode,
 * size, mtime and ctime (seconds and nanoseconds).  Any write, rename
 * over, chmod or chown sets ctime to the time of the change, which no one
 * but root can set back; so a file whose identity is unchanged has its
 * bytes unchanged, once its ctime is older than the clock's granularity
 * (OA_FILE_SETTLED_SECONDS): a rewrite within the same tick could keep
 * the same ctime. */
#define OA_FILE_IDENTITY_NUMBERS 7
void oa_file_identity(const struct stat *st, long long id[OA_FILE_IDENTITY_NUMBERS]);

#endif
