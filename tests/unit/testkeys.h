/* SPDX-License-Identifier: MIT */
/* Test support for the JOSE tests: keys made on the spot and exported as
 * public JWKs, signatures in JWS form made with OpenSSL directly (so the
 * verifier is never checked against itself), hex and base64url, and the
 * third-party vectors read in place (see tk_vector_dir). */
#ifndef OA_TESTKEYS_H
#define OA_TESTKEYS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <openssl/types.h>

#include "jwa.h"
#include "jwk.h"

/* New string, fails the test on allocation failure. */
char *tk_b64url(const unsigned char *in, size_t len);

/* New buffer (never NULL, even for ""), fails the test on bad hex. */
unsigned char *tk_hex(const char *hex, size_t *len);

/* "RSA" with bits, "EC" with a curve name, "ED25519" with NULL. */
EVP_PKEY *tk_keygen(const char *type, const char *curve, unsigned bits);

/* One key of each kind a JWS verifier takes; RSA generation is slow, so
 * each test program makes the set once, in its group setup. */
struct tk_keys {
	EVP_PKEY *rsa, *p256, *p384, *p521, *ed25519;
};

void tk_keys_make(struct tk_keys *k);
void tk_keys_free(struct tk_keys *k);

/* The JWK crv of an OpenSSL or Wycheproof curve name ("prime256v1",
 * "secp256r1", "secp384r1", "secp521r1"), NULL for any other. */
const char *tk_jwk_crv(const char *curve);

/* The public JWK (RSA n/e, EC crv/x/y, OKP crv/x) of a generated key. */
json_t *tk_public_jwk(EVP_PKEY *pkey);

/* Imports `jwk` (borrowed), failing the test with the reason if refused. */
void tk_import(const json_t *jwk, struct oa_jwk *out);

/* A signature as JWS carries it: ES* as raw r||s, PS* with a salt as long
 * as the hash.  New buffer. */
unsigned char *tk_sign(EVP_PKEY *pkey, enum oa_alg alg, const void *msg,
		       size_t msg_len, size_t *sig_len);

/* The same with the details a JWS verifier must refuse to negotiate: the
 * PSS salt length, and ECDSA left in OpenSSL's DER. */
unsigned char *tk_sign_as(EVP_PKEY *pkey, enum oa_alg alg, int pss_salt_len,
			  bool ecdsa_der, const void *msg, size_t msg_len,
			  size_t *sig_len);

/* The folder of one set of third-party vectors: $env_name when it is set
 * (a checkout of the vectors elsewhere), else $OA_VECTORS_DIR/subdir
 * (meson points OA_VECTORS_DIR at ../shared/vectors, beside the project);
 * NULL when neither is set.  New string. */
char *tk_vector_dir(const char *env_name, const char *subdir);

/* Whether `dir` is a folder.  If not, prints the whole TAP output of a
 * suite of `count` tests, each skipped with the reason and the variable
 * that points at the vectors (a clone without them must not fail), and
 * the caller returns 0 without running anything. */
bool tk_vectors_present(const char *dir, const char *env_name, const char *what,
			const char *const names[], size_t count);

/* dir/relpath, without JSON duplicates; a file missing from a folder that
 * is there fails the test. */
json_t *tk_load_vector(const char *dir, const char *relpath);

#endif
