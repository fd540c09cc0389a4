/* JSON Web Keys (RFC 7517, RFC 7518 section 6, RFC 8037) turned into
 * OpenSSL keys, with the rules that decide which key may verify what. */
#ifndef OA_JWK_H
#define OA_JWK_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>

#include "jwa.h"
#include "result.h"

enum oa_kty { OA_KTY_RSA, OA_KTY_EC, OA_KTY_OKP, OA_KTY_OCT };

struct oa_jwk {
	enum oa_kty kty;
	char *kid;             /* owned, NULL when absent */
	EVP_PKEY *pkey;        /* RSA, EC, OKP */
	unsigned char *secret; /* OCT (HMAC) only; owned, wiped on clear */
	size_t secret_len;
	int curve_nid;         /* EC: the curve; OKP: NID_ED25519; else 0 */
	int rsa_bits;
	bool has_alg;          /* the JWK's own "alg" member */
	enum oa_alg alg;
	bool for_signatures;   /* "use" absent or "sig", "key_ops" absent or
				  with "verify" */
};

/* Imports one public key.  Refused, with a reason naming the member: not an
 * object; kty missing or unknown, or "oct" (HMAC secrets never come from a
 * JWKS); members of the wrong type; base64url that is not canonical;
 * private members ("d", "p", "q", "dp", "dq", "qi", "oth", "k"); an RSA
 * modulus under 2048 bits, an exponent even or under 3, or either with
 * leading zero bytes; an EC curve other than P-256, P-384 or P-521,
 * coordinates of the wrong length, or a point not on the curve; an OKP
 * curve other than Ed25519; an unknown "alg". */
enum oa_status oa_jwk_import(const json_t *jwk, struct oa_jwk *out,
			     struct oa_result *r);

/* An HMAC key from a shared secret (hmac_secret_file=). */
enum oa_status oa_jwk_from_secret(const unsigned char *secret, size_t len,
				  struct oa_jwk *out, struct oa_result *r);

/* Whether `key` may verify `alg`: RS and PS need RSA; ES256 P-256, ES384
 * P-384, ES512 P-521; EdDSA Ed25519; HS* a secret at least as long as the
 * hash (RFC 7518 section 3.2); the key's own alg, if any, equal to alg; and
 * the key meant for signatures.  The reason says which rule failed. */
bool oa_jwk_fits(const struct oa_jwk *key, enum oa_alg alg, struct oa_result *r);

/* Frees and zeroes; safe on a zeroed key and twice. */
void oa_jwk_clear(struct oa_jwk *key);

#endif
