/* JWS signature verification with OpenSSL 3 EVP (RFC 7518 section 3,
 * RFC 8037 section 3.1). */
#ifndef OA_SIGNATURE_H
#define OA_SIGNATURE_H

#include <stddef.h>

#include "jwa.h"
#include "jwk.h"
#include "result.h"

/* OA_OK only when `sig` is a valid signature of `input` by `key` under
 * `alg`, which the key must fit (oa_jwk_fits).  RS*: PKCS#1 v1.5; PS*: PSS
 * with MGF1 of the same hash and a salt as long as the hash, nothing else;
 * ES*: the raw r||s form of exactly twice the field size (a DER signature
 * is refused); EdDSA: Ed25519; HS*: HMAC compared in constant time.  Every
 * signature must have its algorithm's exact length.  Invalid: OA_REJECTED;
 * library failure: OA_INTERNAL.  Leaves OpenSSL's error queue empty, so the
 * host process's own OpenSSL calls never see our errors. */
enum oa_status oa_signature_verify(enum oa_alg alg, const struct oa_jwk *key,
				   const unsigned char *input, size_t input_len,
				   const unsigned char *sig, size_t sig_len,
				   struct oa_result *r);

#endif
