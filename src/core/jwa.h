/* JWS signature algorithms (RFC 7518 section 3, RFC 8037): the names a
 * token may carry and the ones the verifier is willing to accept. */
#ifndef OA_JWA_H
#define OA_JWA_H

#include <stdbool.h>
#include <stddef.h>

enum oa_alg {
	OA_ALG_RS256, OA_ALG_RS384, OA_ALG_RS512,
	OA_ALG_PS256, OA_ALG_PS384, OA_ALG_PS512,
	OA_ALG_ES256, OA_ALG_ES384, OA_ALG_ES512,
	OA_ALG_EDDSA,
	OA_ALG_HS256, OA_ALG_HS384, OA_ALG_HS512,
	OA_ALG_COUNT
};

/* Exact, case-sensitive names; "Ed25519" (the fully-specified name) is
 * OA_ALG_EDDSA too.  "none" and anything else: false. */
bool oa_alg_parse(const char *name, size_t len, enum oa_alg *out);

const char *oa_alg_name(enum oa_alg alg);

bool oa_alg_is_hmac(enum oa_alg alg);

#endif
