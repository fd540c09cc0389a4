/* SPDX-License-Identifier: MIT */
/* Reads a PAM service file the way libpam does, to find the arguments it
 * hands pam_oauth2.so on the auth line: pam_oauth2_check --service runs
 * the module's checks on exactly that argument list.  Lines and fields are
 * read as libpam reads them (core/words.h: '#' comments, backslash
 * continuations, "[...]" fields such as "[success=1 default=ignore]"), and:
 *   - a service file line is TYPE CONTROL MODULE ARGS..., TYPE may start
 *     with '-' and is compared without case;
 *   - "@include FILE" stands for FILE's lines, and an auth line whose
 *     control is "include" or "substack" for FILE's auth lines (FILE a
 *     name in the same directory, or a path if it starts with '/'), up to
 *     OA_PAMD_MAX_INCLUDE_DEPTH deep.
 * The first auth entry for pam_oauth2.so in that order is the one found.
 * (A substack's results stay inside it when libpam runs the stack; for
 * finding the module's arguments that makes no difference.) */
#ifndef OA_PAMD_H
#define OA_PAMD_H

#include <stddef.h>

#include "result.h"

/* Arguments on one line, as many as a 64 KiB line of one-letter ones. */
#define OA_PAMD_MAX_ARGS 1024
/* libpam's own limit on nested substacks (PAM_SUBSTACK_MAX_LEVEL). */
#define OA_PAMD_MAX_INCLUDE_DEPTH 16

struct oa_pamd_entry {
	char *text;        /* owned: the fields, NUL-terminated in place */
	const char **argv; /* owned array of argc pointers into text */
	int argc;
	const char *module; /* the module path as written */
	unsigned line;      /* physical line where the entry starts, from 1 */
	char *file;         /* owned: the file it is in (oa_pamd_read_service) */
};

/* Finds the first `auth` entry in `text` whose module path is
 * "pam_oauth2.so" or ends in "/pam_oauth2.so", following no include.
 * `where` names the file in reasons.  OA_CONFIG when there is none; free
 * `out` in every case. */
enum oa_status oa_pamd_find_auth(const char *text, size_t len, const char *where,
				 struct oa_pamd_entry *out, struct oa_result *r);

/* Reads DIR/SERVICE and finds the entry as above, following includes.
 * SERVICE must be a plain file name (no '/', not "." or ".."). */
enum oa_status oa_pamd_read_service(const char *dir, const char *service,
				    struct oa_pamd_entry *out, struct oa_result *r);

void oa_pamd_entry_free(struct oa_pamd_entry *e);

#endif
