/* SPDX-License-Identifier: MIT */
/* username_map=FILE: which PAM users an identity from the token may log in
 * as, in the spirit of PostgreSQL's pg_ident.conf.  The map never rewrites
 * the PAM user; it only answers "may identity X log in as user Y", so one
 * identity may be granted several roles by several lines.
 *
 * File format, one mapping a line, fields separated by spaces or tabs:
 *   IDENTITY  PAM_USER
 * A field starting with '#' starts a comment; blank lines are skipped; a CR
 * before the newline is ignored.  IDENTITY is compared byte for byte, or,
 * when it starts with '/', the rest is a POSIX extended regular expression
 * that must match the whole identity; then "\1" in PAM_USER stands for its
 * first group.  Regexes run on bytes in the C locale, so a pattern means the
 * same in sshd and in a postgres backend.  Regexes glibc would take
 * gigabytes or minutes to compile are refused (see regex_check in
 * usermap.c).  PAM_USER is compared byte for byte with the PAM user.
 *
 * The file grants logins: it must be a regular file owned by root or the
 * effective user and not writable by group or others. */
#ifndef OA_USERMAP_H
#define OA_USERMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"

struct oa_usermap;

/* Reads and compiles the map into *out (free with oa_usermap_free).
 * casefold: identities compare case-insensitively, ASCII letters only (and
 * regexes get REG_ICASE); the text "\1" brings in is the identity's own.
 * OA_CONFIG with "FILE:LINE: reason" on a bad file. */
enum oa_status oa_usermap_load(const char *path, bool casefold,
			       struct oa_usermap **out, struct oa_result *r);

/* OA_OK when some line maps `identity` to `pam_user`; OA_REJECTED naming
 * both otherwise, and for an identity with a NUL byte or longer than
 * OA_MAX_IDENTITY_BYTES. */
enum oa_status oa_usermap_check(const struct oa_usermap *m, const char *identity,
				size_t identity_len, const char *pam_user,
				struct oa_result *r);

/* The same, and on OA_OK *line is the file line that granted it. */
enum oa_status oa_usermap_match(const struct oa_usermap *m, const char *identity,
				size_t identity_len, const char *pam_user, unsigned *line,
				struct oa_result *r);

void oa_usermap_free(struct oa_usermap *m);

#endif
