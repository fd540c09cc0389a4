/* SPDX-License-Identifier: MIT */
/* JSON Web Keys (RFC 7517, RFC 7518 section 6, RFC 8037): turns one public
 * key published by the issuer into an OpenSSL key, refusing anything that
 * is not plainly a public signature key of a strength we accept, and says
 * whether a key may verify a given algorithm.  Deciding which key a token
 * names is not done here. */
#ifndef OA_JWK_H
#define OA_JWK_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <openssl/types.h>

#include "jwa.h"
#include "result.h"

enum oa_kty {
	OA_KTY_RSA,
	OA_KTY_EC,
	OA_KTY_OKP,
	OA_KTY_OCT
};

struct oa_jwk {
	enum oa_kty kty;
	char *kid;             /* owned, NULL when absent */
	EVP_PKEY *pkey;        /* RSA, EC, OKP; owned */
	unsigned char *secret; /* OCT (HMAC) only; owned, wiped on clear */
	size_t secret_len;
	/* EC: NID_X9_62_prime256v1, NID_secp384r1 or NID_secp521r1;
	 * OKP: NID_ED25519; else 0. */
	int curve_nid;
	int rsa_bits; /* RSA modulus bits, else 0 */
	bool has_alg; /* the JWK carries its own "alg" */
	enum oa_alg alg;
	/* "use" absent or "sig", and "key_ops" absent or holding "verify" */
	bool for_signatures;
};

/* Imports one PUBLIC key from a borrowed JSON object.  Refuses, with a
 * reason naming the member: not an object; kty missing or unknown ("oct"
 * too: HMAC secrets never come from a JWKS); members of the wrong JSON type;
 * non-canonical base64url; private members ("d", "p", "q", "dp", "dq",
 * "qi", "oth", "k"); an RSA modulus under OA_MIN_RSA_BITS or over
 * OA_MAX_RSA_BITS, an exponent even, under 3 or over OA_MAX_RSA_EXPONENT_BYTES,
 * leading zero bytes in n or e (RFC 7518 6.3.1); EC crv other than P-256,
 * P-384 or P-521, x or y not exactly the field size, a point not on the
 * curve; OKP crv other than Ed25519 or x not 32 bytes; an unknown "alg";
 * "use" not a string; "key_ops" not an array of strings; "kid" not a string
 * or holding a NUL.  On OA_OK the key is in `out`; call oa_jwk_clear in
 * every case. */
enum oa_status oa_jwk_import(const json_t *jwk, struct oa_jwk *out,
			     struct oa_result *r);

/* A copy of the JWK object holding only the members oa_jwk_import reads,
 * its private ones included, so that it imports (or is refused) as the
 * whole one (what the cache keeps of a JWK Set).  The values are shared.
 * NULL if `jwk` is not an object or memory runs out. */
json_t *oa_jwk_kept(const json_t *jwk);

/* An HMAC key from a shared secret (the contents of hmac_secret_file),
 * copied; an empty secret is OA_CONFIG.  Call oa_jwk_clear in every case. */
enum oa_status oa_jwk_from_secret(const unsigned char *secret, size_t len,
				  struct oa_jwk *out, struct oa_result *r);

/* True when `key` may verify `alg`; else false with the reason in r
 * (OA_REJECTED).  RS* and PS* need RSA; ES256 P-256, ES384 P-384, ES512
 * P-521; EdDSA OKP Ed25519; HS* an OCT secret at least as long as the hash
 * output (RFC 7518 3.2).  The key's own alg, when present, must be `alg`,
 * and the key must be for signatures. */
bool oa_jwk_fits(const struct oa_jwk *key, enum oa_alg alg,
		 struct oa_result *r);

/* Frees and zeroes; safe on a zeroed struct and twice. */
void oa_jwk_clear(struct oa_jwk *key);

#endif
