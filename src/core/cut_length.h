/* SPDX-License-Identifier: MIT */
/* The lengths at which known clients and poolers silently cut a password,
 * so that a refused token of exactly such a length can be reported as
 * probably truncated instead of leaving the admin to chase a signature or
 * parse error that only the cut caused. */
#ifndef OA_CUT_LENGTH_H
#define OA_CUT_LENGTH_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"

/* Who is known to cut passwords at exactly `len` bytes, as a clause that
 * completes "..., where " (e.g. "PgBouncer cuts passwords"), or NULL when
 * no known client or pooler cuts there. */
const char *oa_cut_length_where(size_t len);

/* When `r` holds a refusal of the token (OA_REJECTED) and the password
 * the client delivered is exactly a known cut length, appends to r->reason
 * "; the token is exactly N bytes, where PgBouncer cuts passwords: it was
 * probably truncated".  `password_len` is the length as delivered (a
 * pooler cuts that), `token_len` the bearer token's after intake; they
 * differ only by white space or a "Bearer " prefix, and then the note
 * says "password".  Returns whether it appended. */
bool oa_cut_length_note(struct oa_result *r, size_t password_len, size_t token_len);

#endif
