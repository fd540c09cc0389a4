/* SPDX-License-Identifier: MIT */
/* Compact JWS parsing (RFC 7515 section 7.1) with the rules of RFC 8725
 * applied before any cryptography: the verifier, not the token, decides the
 * algorithm, and nothing in the header ever says where keys come from. */
#ifndef OA_JWS_H
#define OA_JWS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "jwa.h"
#include "result.h"

struct oa_jws {
	json_t *header;  /* owned */
	json_t *payload; /* owned; a JSON object */
	enum oa_alg alg;
	const char *kid; /* borrowed from header; NULL when absent */
	size_t kid_len;
	const char *typ;           /* borrowed from header; NULL when absent */
	const char *signing_input; /* borrowed from the token: header.payload */
	size_t signing_input_len;
	unsigned char *signature; /* owned */
	size_t signature_len;
};

/* True for something shaped like a compact JWS (three dot-separated parts):
 * such a token gets the JWT check and nothing weaker. */
bool oa_jws_is_compact(const char *token, size_t len);

/* Exactly three segments of canonical unpadded base64url; header and
 * payload JSON objects without duplicate names or NUL; "alg" a string naming
 * an algorithm in `allowed` (a set of 1u << enum oa_alg), never "none";
 * "crit" refused (no extension is understood, RFC 7515 section 4.1.11);
 * "kid" and "typ" strings when present.  "jku", "x5u", "jwk" and "x5c" are
 * ignored: keys come only from the configuration.  Failures are
 * OA_REJECTED.  Call oa_jws_clear in every case. */
enum oa_status oa_jws_parse(const char *token, size_t len, unsigned allowed,
			    struct oa_jws *out, struct oa_result *r);

void oa_jws_clear(struct oa_jws *jws);

#endif
