/* SPDX-License-Identifier: MIT */
/* Unit tests of signature.c: each algorithm, good and bad signatures. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509.h>

#include "signature.h"
#include "testkeys.h"

static const char message[] = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9";

/* The shared key set and the same keys imported from their public JWKs. */
struct keys {
	struct tk_keys set;
	struct oa_jwk rsa, p256, p384, p521, ed25519;
};

static void
import_public(EVP_PKEY *pkey, struct oa_jwk *key)
{
	json_t *jwk = tk_public_jwk(pkey);

	tk_import(jwk, key);
	json_decref(jwk);
}

static int
make_keys(void **state)
{
	static struct keys k;

	tk_keys_make(&k.set);
	import_public(k.set.rsa, &k.rsa);
	import_public(k.set.p256, &k.p256);
	import_public(k.set.p384, &k.p384);
	import_public(k.set.p521, &k.p521);
	import_public(k.set.ed25519, &k.ed25519);
	*state = &k;
	return 0;
}

static int
free_keys(void **state)
{
	struct keys *k = *state;

	tk_keys_free(&k->set);
	oa_jwk_clear(&k->rsa);
	oa_jwk_clear(&k->p256);
	oa_jwk_clear(&k->p384);
	oa_jwk_clear(&k->p521);
	oa_jwk_clear(&k->ed25519);
	return 0;
}

static enum oa_status
verify(enum oa_alg alg, const struct oa_jwk *key, const void *input,
       size_t input_len, const unsigned char *sig, size_t sig_len,
       struct oa_result *r)
{
	oa_result_init(r);
	return oa_signature_verify(alg, key, input, input_len, sig, sig_len, r);
}

/* Requires OA_REJECTED with `reason` in the text and nothing left in
 * OpenSSL's error queue. */
static void
refused_over(enum oa_alg alg, const struct oa_jwk *key, const void *input,
	     size_t input_len, const unsigned char *sig, size_t sig_len,
	     const char *reason)
{
	struct oa_result r;

	assert_int_equal(verify(alg, key, input, input_len, sig, sig_len, &r), OA_REJECTED);
	if (strstr(r.reason, reason) == NULL)
		fail_msg("%s: reason \"%s\" does not say \"%s\"", oa_alg_name(alg),
			 r.reason, reason);
	assert_int_equal(ERR_peek_error(), 0);
}

static unsigned char *
sign_message(EVP_PKEY *pkey, enum oa_alg alg, size_t *sig_len)
{
	return tk_sign(pkey, alg, message, strlen(message), sig_len);
}

/* The same over the test message. */
static void
assert_refused(enum oa_alg alg, const struct oa_jwk *key, const unsigned char *sig,
	       size_t sig_len, const char *reason)
{
	refused_over(alg, key, message, strlen(message), sig, sig_len, reason);
}

/* Signs the test message as `sign_alg` and requires the signature refused
 * as `alg` under `key`. */
static void
assert_signed_refused(EVP_PKEY *signer, enum oa_alg sign_alg, enum oa_alg alg,
		      const struct oa_jwk *key, const char *reason)
{
	size_t sig_len;
	unsigned char *sig = sign_message(signer, sign_alg, &sig_len);

	assert_refused(alg, key, sig, sig_len, reason);
	free(sig);
}

/* A good signature verifies; the same signature over a message one bit
 * off, or with one bit of its own flipped, does not. */
static void
assert_verifies_only_unaltered(enum oa_alg alg, const struct oa_jwk *key,
			       unsigned char *sig, size_t sig_len)
{
	char altered[sizeof(message)];
	struct oa_result r;

	assert_int_equal(verify(alg, key, message, strlen(message), sig, sig_len, &r), OA_OK);
	memcpy(altered, message, sizeof(message));
	altered[10] ^= 0x01;
	refused_over(alg, key, altered, strlen(altered), sig, sig_len, "");
	sig[sig_len / 2] ^= 0x80;
	refused_over(alg, key, message, strlen(message), sig, sig_len, "");
}

static void
sign_and_check(EVP_PKEY *pkey, const struct oa_jwk *key, enum oa_alg alg)
{
	size_t sig_len;
	unsigned char *sig = sign_message(pkey, alg, &sig_len);

	assert_verifies_only_unaltered(alg, key, sig, sig_len);
	free(sig);
}

static void
test_signature_rsa_pkcs1_and_pss_round_trip(void **state)
{
	static const enum oa_alg algs[] = { OA_ALG_RS256, OA_ALG_RS384, OA_ALG_RS512,
					    OA_ALG_PS256, OA_ALG_PS384, OA_ALG_PS512 };
	struct keys *k = *state;

	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		sign_and_check(k->set.rsa, &k->rsa, algs[i]);
}

static void
test_signature_ecdsa_and_eddsa_round_trip(void **state)
{
	struct keys *k = *state;

	sign_and_check(k->set.p256, &k->p256, OA_ALG_ES256);
	sign_and_check(k->set.p384, &k->p384, OA_ALG_ES384);
	sign_and_check(k->set.p521, &k->p521, OA_ALG_ES512);
	sign_and_check(k->set.ed25519, &k->ed25519, OA_ALG_EDDSA);
}

static unsigned char *
hmac_tag(enum oa_alg alg, const unsigned char *secret, size_t secret_len,
	 size_t *tag_len)
{
	unsigned char *tag = malloc(EVP_MAX_MD_SIZE);
	unsigned int len = 0;

	assert_non_null(HMAC(oa_alg_md(alg), secret, (int)secret_len,
			     (const unsigned char *)message, strlen(message), tag, &len));
	*tag_len = len;
	return tag;
}

/* An HMAC key of 64 bytes, enough for every HS* (RFC 7518 3.2); `flip`
 * changes its first byte, to make a different key. */
static void
hmac_key(unsigned char flip, struct oa_jwk *key, unsigned char secret[64])
{
	struct oa_result r;

	memset(secret, 0x5a, 64);
	secret[0] ^= flip;
	oa_result_init(&r);
	assert_int_equal(oa_jwk_from_secret(secret, 64, key, &r), OA_OK);
}

static void
test_signature_hmac_round_trip(void **state)
{
	static const enum oa_alg algs[] = { OA_ALG_HS256, OA_ALG_HS384, OA_ALG_HS512 };
	unsigned char secret[64];
	struct oa_jwk key;

	(void)state;
	hmac_key(0, &key, secret);
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		size_t tag_len;
		unsigned char *tag = hmac_tag(algs[i], secret, sizeof(secret), &tag_len);

		assert_verifies_only_unaltered(algs[i], &key, tag, tag_len);
		free(tag);
	}
	oa_jwk_clear(&key);
}

static void
test_signature_hmac_refuses_truncated_and_wrong_length_tags(void **state)
{
	unsigned char secret[64];
	size_t tag_len;
	unsigned char *tag;
	struct oa_jwk key;

	(void)state;
	hmac_key(0, &key, secret);
	tag = hmac_tag(OA_ALG_HS512, secret, sizeof(secret), &tag_len);
	/* HS512's tag cut to HS256's length is neither */
	assert_refused(OA_ALG_HS256, &key, tag, 32, "signature does not verify");
	assert_refused(OA_ALG_HS512, &key, tag, 32, "HS512 signature is 32 bytes, not 64");
	assert_refused(OA_ALG_HS512, &key, tag, 0, "HS512 signature is 0 bytes, not 64");
	free(tag);
	oa_jwk_clear(&key);
}

static void
test_signature_hmac_refuses_another_secret(void **state)
{
	unsigned char secret[64];
	size_t tag_len;
	unsigned char *tag;
	struct oa_jwk key;

	(void)state;
	hmac_key(1, &key, secret);
	memset(secret, 0x5a, sizeof(secret));
	tag = hmac_tag(OA_ALG_HS256, secret, sizeof(secret), &tag_len);
	assert_refused(OA_ALG_HS256, &key, tag, tag_len, "signature does not verify");
	free(tag);
	oa_jwk_clear(&key);
}

static void
test_signature_refuses_key_of_wrong_type(void **state)
{
	struct keys *k = *state;

	assert_signed_refused(k->set.p256, OA_ALG_ES256, OA_ALG_RS256, &k->p256,
			      "cannot verify RS256");
	assert_signed_refused(k->set.p256, OA_ALG_ES256, OA_ALG_ES256, &k->p384,
			      "P-384 key cannot verify ES256");
	assert_signed_refused(k->set.p256, OA_ALG_ES256, OA_ALG_EDDSA, &k->p256,
			      "cannot verify EdDSA");
	assert_signed_refused(k->set.p384, OA_ALG_ES384, OA_ALG_ES384, &k->p256,
			      "cannot verify ES384");
	assert_signed_refused(k->set.ed25519, OA_ALG_EDDSA, OA_ALG_EDDSA, &k->rsa,
			      "RSA key cannot verify EdDSA");
}

/* The classic algorithm confusion: the attacker MACs the token with the
 * issuer's public key bytes as the HMAC secret and writes alg HS256. */
static void
test_signature_refuses_hs256_made_with_rsa_public_key_bytes(void **state)
{
	struct keys *k = *state;
	unsigned char *spki = NULL;
	int spki_len = i2d_PUBKEY(k->set.rsa, &spki);
	json_t *jwk = tk_public_jwk(k->set.rsa);
	const char *n = json_string_value(json_object_get(jwk, "n"));
	size_t tag_len;
	unsigned char *tag;

	assert_true(spki_len > 0);
	tag = hmac_tag(OA_ALG_HS256, spki, (size_t)spki_len, &tag_len);
	assert_refused(OA_ALG_HS256, &k->rsa, tag, tag_len,
		       "RSA key cannot verify HS256");
	free(tag);
	tag = hmac_tag(OA_ALG_HS256, (const unsigned char *)n, strlen(n), &tag_len);
	assert_refused(OA_ALG_HS256, &k->rsa, tag, tag_len,
		       "RSA key cannot verify HS256");
	free(tag);
	OPENSSL_free(spki);
	json_decref(jwk);
}

/* A key whose JWK has one more member, given a good `alg` signature:
 * the member alone must make it refuse. */
static void
assert_member_refuses(EVP_PKEY *pkey, enum oa_alg alg, const char *name,
		      json_t *value, const char *reason)
{
	json_t *jwk = tk_public_jwk(pkey);
	struct oa_jwk key;

	json_object_set_new(jwk, name, value);
	tk_import(jwk, &key);
	assert_signed_refused(pkey, alg, alg, &key, reason);
	oa_jwk_clear(&key);
	json_decref(jwk);
}

static void
test_signature_refuses_key_whose_own_alg_differs(void **state)
{
	struct keys *k = *state;

	assert_member_refuses(k->set.rsa, OA_ALG_PS256, "alg", json_string("RS256"),
			      "key is for RS256, not PS256");
	assert_member_refuses(k->set.p256, OA_ALG_ES256, "alg", json_string("ES384"),
			      "key is for ES384, not ES256");
}

static void
test_signature_refuses_keys_for_encryption(void **state)
{
	struct keys *k = *state;

	assert_member_refuses(k->set.p256, OA_ALG_ES256, "use", json_string("enc"),
			      "not for signatures");
	assert_member_refuses(k->set.p256, OA_ALG_ES256, "key_ops",
			      json_pack("[ss]", "sign", "encrypt"), "not for signatures");
}

static void
test_signature_refuses_der_ecdsa(void **state)
{
	struct keys *k = *state;
	size_t sig_len;
	unsigned char *sig = tk_sign_as(k->set.p256, OA_ALG_ES256, 0, true, message,
					strlen(message), &sig_len);

	assert_int_equal(sig[0], 0x30); /* a DER SEQUENCE, and a valid one */
	assert_refused(OA_ALG_ES256, &k->p256, sig, sig_len, "not the 64 of r||s");
	free(sig);
}

/* A good signature one byte short, or one byte long at either end, is
 * refused for its length alone: r||s (RFC 7518 3.4), R||S (RFC 8032
 * 5.1.6) and RSA (RFC 8017 8.2.2) all have one exact length. */
static void
assert_one_byte_off_refused(EVP_PKEY *pkey, enum oa_alg alg, const struct oa_jwk *key)
{
	size_t sig_len;
	unsigned char *sig = sign_message(pkey, alg, &sig_len);
	unsigned char *longer = calloc(1, sig_len + 1);
	char reason[64];

	assert_non_null(longer);
	snprintf(reason, sizeof(reason), "%s signature is %zu bytes", oa_alg_name(alg),
		 sig_len - 1);
	assert_refused(alg, key, sig, sig_len - 1, reason);
	snprintf(reason, sizeof(reason), "%s signature is %zu bytes", oa_alg_name(alg),
		 sig_len + 1);
	memcpy(longer, sig, sig_len);
	assert_refused(alg, key, longer, sig_len + 1, reason);
	memcpy(longer + 1, sig, sig_len);
	longer[0] = 0;
	assert_refused(alg, key, longer, sig_len + 1, reason);
	free(longer);
	free(sig);
}

static void
test_signature_refuses_one_byte_short_or_long(void **state)
{
	struct keys *k = *state;

	assert_one_byte_off_refused(k->set.p256, OA_ALG_ES256, &k->p256);
	assert_one_byte_off_refused(k->set.p384, OA_ALG_ES384, &k->p384);
	assert_one_byte_off_refused(k->set.p521, OA_ALG_ES512, &k->p521);
	assert_one_byte_off_refused(k->set.ed25519, OA_ALG_EDDSA, &k->ed25519);
	assert_one_byte_off_refused(k->set.rsa, OA_ALG_RS256, &k->rsa);
	assert_one_byte_off_refused(k->set.rsa, OA_ALG_PS512, &k->rsa);
}

static void
test_signature_refuses_ecdsa_zero_r_or_s(void **state)
{
	struct keys *k = *state;
	size_t sig_len;
	unsigned char *sig = sign_message(k->set.p256, OA_ALG_ES256, &sig_len);
	unsigned char zeroed[64];

	memcpy(zeroed, sig, 64);
	memset(zeroed, 0, 32);
	assert_refused(OA_ALG_ES256, &k->p256, zeroed, 64,
		       "signature does not verify");
	memcpy(zeroed, sig, 64);
	memset(zeroed + 32, 0, 32);
	assert_refused(OA_ALG_ES256, &k->p256, zeroed, 64,
		       "signature does not verify");
	memset(zeroed, 0, 64);
	assert_refused(OA_ALG_ES256, &k->p256, zeroed, 64,
		       "signature does not verify");
	free(sig);
}

static void
test_signature_refuses_pss_with_another_salt_length(void **state)
{
	static const int salts[] = { 0, 20, 31, 33, 64 };
	struct keys *k = *state;

	for (size_t i = 0; i < sizeof(salts) / sizeof(salts[0]); i++) {
		size_t sig_len;
		unsigned char *sig = tk_sign_as(k->set.rsa, OA_ALG_PS256, salts[i], false,
						message, strlen(message), &sig_len);

		assert_refused(OA_ALG_PS256, &k->rsa, sig, sig_len, "signature does not verify");
		free(sig);
	}
}

static void
test_signature_rsa_padding_is_not_interchangeable(void **state)
{
	static const enum oa_alg pairs[][2] = {
		{ OA_ALG_RS256, OA_ALG_PS256 }, { OA_ALG_RS256, OA_ALG_RS384 },
		{ OA_ALG_PS256, OA_ALG_RS256 }, { OA_ALG_PS256, OA_ALG_PS384 },
	};
	struct keys *k = *state;

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		assert_signed_refused(k->set.rsa, pairs[i][0], pairs[i][1], &k->rsa,
				      "signature does not verify");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signature_rsa_pkcs1_and_pss_round_trip),
		cmocka_unit_test(test_signature_ecdsa_and_eddsa_round_trip),
		cmocka_unit_test(test_signature_hmac_round_trip),
		cmocka_unit_test(test_signature_hmac_refuses_truncated_and_wrong_length_tags),
		cmocka_unit_test(test_signature_hmac_refuses_another_secret),
		cmocka_unit_test(test_signature_refuses_key_of_wrong_type),
		cmocka_unit_test(test_signature_refuses_hs256_made_with_rsa_public_key_bytes),
		cmocka_unit_test(test_signature_refuses_key_whose_own_alg_differs),
		cmocka_unit_test(test_signature_refuses_keys_for_encryption),
		cmocka_unit_test(test_signature_refuses_der_ecdsa),
		cmocka_unit_test(test_signature_refuses_one_byte_short_or_long),
		cmocka_unit_test(test_signature_refuses_ecdsa_zero_r_or_s),
		cmocka_unit_test(test_signature_refuses_pss_with_another_salt_length),
		cmocka_unit_test(test_signature_rsa_padding_is_not_interchangeable),
	};
	return cmocka_run_group_tests_name("signature", tests, make_keys, free_keys);
}
