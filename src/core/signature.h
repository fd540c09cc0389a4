/* SPDX-License-Identifier: MIT */
/* JWS signature verification (RFC 7515 5.2 step 8, RFC 7518 section 3,
 * RFC 8037 3.1): the one place that says whether bytes were signed by a
 * key.  Only the exact encodings JWS defines are accepted, so a signature
 * cannot be re-encoded into another one that also verifies. */
#ifndef OA_SIGNATURE_H
#define OA_SIGNATURE_H

#include <stddef.h>

#include "jwa.h"
#include "jwk.h"
#include "result.h"

/* OA_OK only when `sig` is a valid `alg` signature of `input` under `key`,
 * which must fit `alg` (oa_jwk_fits).  RS*: PKCS#1 v1.5.  PS*: MGF1 with
 * the same hash and a salt as long as the hash, nothing else.  ES*: the raw
 * r||s form of exactly twice the field size (64, 96 or 132 bytes), never
 * DER.  EdDSA: Ed25519.  HS*: HMAC tag of exactly the hash length.
 * OA_REJECTED when the signature does not verify, OA_INTERNAL when OpenSSL
 * fails.  Leaves the OpenSSL error queue empty. */
enum oa_status oa_signature_verify(enum oa_alg alg, const struct oa_jwk *key,
				   const unsigned char *input, size_t input_len,
				   const unsigned char *sig, size_t sig_len,
				   struct oa_result *r);

#endif
