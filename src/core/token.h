/* SPDX-License-Identifier: MIT */
/* Token intake: turns what the client typed as a password into a bearer
 * token, or refuses it before anything is sent anywhere. */
#ifndef OA_TOKEN_H
#define OA_TOKEN_H

#include <stddef.h>

#include "bounds.h"
#include "result.h"
#include "sha256.h"

struct oa_token {
	char *value; /* owned; wiped by oa_token_clear */
	size_t len;
	/* First hex digits of SHA-256(token), for logs; "-" if none. */
	char fingerprint[OA_FINGERPRINT_HEX + 1];
	/* SHA-256(token), hashed once: the fingerprint's source and what the
	 * verdict cache key holds of the token (a 16 KB token costs a pass). */
	unsigned char digest[OA_SHA256_BYTES];
};

/* Trims surrounding white space and an optional "Bearer " prefix, then
 * requires 1..max_bytes characters of RFC 6750 b64token syntax, which also
 * keeps CR/LF out of the Authorization header.  On OA_OK the token is in
 * `out`; call oa_token_clear in every case. */
enum oa_status oa_token_intake(const char *input, size_t max_bytes,
			       struct oa_token *out, struct oa_result *r);

void oa_token_clear(struct oa_token *t);

/* The `exp` of a JWT-shaped token, read WITHOUT verifying anything: use it
 * only to refuse (an expired token stays expired whoever signed it), never
 * to accept.  Returns -1 when the token has no readable numeric exp. */
long long oa_token_unverified_exp(const struct oa_token *t);

#endif
