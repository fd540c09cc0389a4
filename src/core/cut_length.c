/* SPDX-License-Identifier: MIT */
/* The one table of cut lengths (see cut_length.h).  Each entry is one less
 * than a buffer size somebody chose: the last byte holds the string's NUL,
 * and what does not fit is dropped without a word to anyone. */
#include "cut_length.h"

#include <stdio.h>
#include <string.h>

static const struct {
	size_t len;
	const char *where; /* completes "..., where ___" */
} cut_lengths[] = {
	/* PgBouncer 1.17 to 1.25 copy a PAM password into
	 * char[MAX_PASSWORD], MAX_PASSWORD 2048 (include/bouncer.h; 1.17's
	 * changelog: "Increase maximum password length again"). */
	{ 2047, "PgBouncer cuts passwords" },
	/* A password typed or pasted at an interactive prompt (psql's) goes
	 * through the Linux terminal's canonical line buffer,
	 * N_TTY_BUF_SIZE 4096. */
	{ 4095, "an interactive psql prompt cuts passwords" },
	/* PgBouncer 1.16 only: MAX_PASSWORD 996 (pgbouncer#626), the
	 * PostgreSQL 13 server's own bound on a password message; 1.17
	 * raised it to 2048. */
	{ 995, "PgBouncer 1.16 cuts passwords" },
	/* 1,024- and 512-byte password buffers elsewhere: Amazon's Redshift
	 * ODBC driver, for one, cuts a connection string's password at 1,023;
	 * no client cutting at 511 has been named. */
	{ 1023, "some clients cut passwords" },
	{ 511, "some clients cut passwords" },
};

const char *
oa_cut_length_where(size_t len)
{
	for (size_t i = 0; i < sizeof(cut_lengths) / sizeof(cut_lengths[0]); i++)
		if (cut_lengths[i].len == len)
			return cut_lengths[i].where;
	return NULL;
}

bool
oa_cut_length_note(struct oa_result *r, size_t password_len, size_t token_len)
{
	const char *where = oa_cut_length_where(password_len);
	size_t used;

	if (r->status != OA_REJECTED || where == NULL)
		return false;
	used = strlen(r->reason);
	snprintf(r->reason + used, sizeof(r->reason) - used,
		 "; the %s is exactly %zu bytes, where %s: it was probably truncated",
		 token_len == password_len ? "token" : "password", password_len, where);
	return true;
}
