/* SPDX-License-Identifier: MIT */
/* JWS algorithm names (RFC 7518 section 3.1, RFC 8037 section 3.1) and what
 * each one implies: its key family and its hash.  The table is the only
 * place an algorithm name is turned into behaviour, so "none" and every
 * spelling not listed here can never reach a verifier. */
#ifndef OA_JWA_H
#define OA_JWA_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/types.h>

/* clang-format off */
enum oa_alg {
	OA_ALG_RS256, OA_ALG_RS384, OA_ALG_RS512,
	OA_ALG_PS256, OA_ALG_PS384, OA_ALG_PS512,
	OA_ALG_ES256, OA_ALG_ES384, OA_ALG_ES512,
	OA_ALG_EDDSA,
	OA_ALG_HS256, OA_ALG_HS384, OA_ALG_HS512,
	OA_ALG_COUNT
};
/* clang-format on */

enum oa_alg_family {
	OA_FAMILY_RSA_PKCS1, /* RS*: RSASSA-PKCS1-v1_5 */
	OA_FAMILY_RSA_PSS,   /* PS*: RSASSA-PSS */
	OA_FAMILY_ECDSA,     /* ES* */
	OA_FAMILY_EDDSA,     /* EdDSA, Ed25519 only */
	OA_FAMILY_HMAC       /* HS* */
};

/* Exact, case-sensitive names, `len` bytes that need not be NUL-terminated
 * (a name with an embedded NUL matches nothing); "Ed25519", the fully
 * specified name, is also OA_ALG_EDDSA.  "none" and anything else: false. */
bool oa_alg_parse(const char *name, size_t len, enum oa_alg *out);

/* The registered name; "EdDSA" for OA_ALG_EDDSA.  A static string. */
const char *oa_alg_name(enum oa_alg alg);

bool oa_alg_is_hmac(enum oa_alg alg);

enum oa_alg_family oa_alg_family(enum oa_alg alg);

/* The hash the algorithm signs with (also PSS's MGF1 hash); NULL for EdDSA,
 * which hashes inside the signature scheme.  A static OpenSSL object. */
const EVP_MD *oa_alg_md(enum oa_alg alg);

/* Bytes of that hash's output, 0 for EdDSA: the HMAC tag length, the PSS
 * salt length (RFC 7518 3.5) and the shortest HMAC key (RFC 7518 3.2). */
size_t oa_alg_hash_bytes(enum oa_alg alg);

#endif
