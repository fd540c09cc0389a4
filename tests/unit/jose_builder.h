/* SPDX-License-Identifier: MIT */
/* Test helpers that make keys and signed tokens with OpenSSL, so tests can
 * craft exactly the malformed or malicious JWTs they need. */
#ifndef OA_TEST_JOSE_BUILDER_H
#define OA_TEST_JOSE_BUILDER_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>

/* base64url without padding of `len` bytes; caller frees. */
char *tb_b64url(const unsigned char *data, size_t len);

/* "RSA" (2048 bits), "EC" (P-256) or "ED25519". */
EVP_PKEY *tb_keygen(const char *type);

/* The public JWK of `key` with the given kid (NULL: none) and alg (NULL:
 * none); new reference. */
json_t *tb_public_jwk(EVP_PKEY *key, const char *kid, const char *alg);

/* header.payload.signature, the signature made with `key` for `alg`
 * ("RS256", "PS256", "ES256", "EdDSA", or "HS256" with `secret`).  The
 * header and payload are used as given (raw JSON text), so tests can put
 * duplicate members in them.  Caller frees. */
char *tb_sign(const char *alg, EVP_PKEY *key, const unsigned char *secret,
	      size_t secret_len, const char *header_json, const char *payload_json);

/* Writes `text` to a new file in `dir` named `name` with `mode`; returns the
 * path (caller frees). */
char *tb_write_file(const char *dir, const char *name, const char *text, int mode);

#endif
