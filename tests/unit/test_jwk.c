/* SPDX-License-Identifier: MIT */
/* Unit tests of jwk.c: the keys accepted and the keys refused. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "base64url.h"
#include "jwk.h"
#include "testkeys.h"

static int
make_keys(void **state)
{
	static struct tk_keys k;

	tk_keys_make(&k);
	*state = &k;
	return 0;
}

static int
free_keys(void **state)
{
	tk_keys_free(*state);
	return 0;
}

/* Sets one member and returns the same JWK, so a test reads as "this key,
 * with that member" in one line. */
static json_t *
with(json_t *jwk, const char *name, json_t *value)
{
	assert_int_equal(json_object_set_new(jwk, name, value), 0);
	return jwk;
}

static json_t *
with_bytes(json_t *jwk, const char *name, const unsigned char *bytes, size_t len)
{
	char *text = tk_b64url(bytes, len);

	with(jwk, name, json_string(text));
	free(text);
	return jwk;
}

static json_t *
without(json_t *jwk, const char *name)
{
	assert_int_equal(json_object_del(jwk, name), 0);
	return jwk;
}

/* The decoded bytes of a member, to build altered copies from. */
static unsigned char *
member_bytes(const json_t *jwk, const char *name, size_t *len)
{
	const json_t *v = json_object_get(jwk, name);
	unsigned char *out;

	assert_true(oa_base64url_decode(json_string_value(v), json_string_length(v),
					&out, len));
	return out;
}

/* The JWK with one bit of a member's decoded bytes flipped, `from_end`
 * bytes before its last byte. */
static json_t *
with_bit_flipped(json_t *jwk, const char *name, size_t from_end, unsigned char mask)
{
	size_t len;
	unsigned char *bytes = member_bytes(jwk, name, &len);

	bytes[len - 1 - from_end] ^= mask;
	with_bytes(jwk, name, bytes, len);
	free(bytes);
	return jwk;
}

/* Takes the JWK; requires OA_REJECTED with `reason` in the text. */
static void
assert_refused(json_t *jwk, const char *reason)
{
	struct oa_jwk key;
	struct oa_result r;

	oa_result_init(&r);
	assert_int_equal(oa_jwk_import(jwk, &key, &r), OA_REJECTED);
	if (strstr(r.reason, reason) == NULL)
		fail_msg("reason \"%s\" does not say \"%s\"", r.reason, reason);
	assert_null(key.pkey);
	assert_null(key.kid);
	oa_jwk_clear(&key);
	json_decref(jwk);
}

/* Takes the JWK; requires OA_OK and hands back the key. */
static void
import_taking(json_t *jwk, struct oa_jwk *key)
{
	tk_import(jwk, key);
	json_decref(jwk);
}

static void
test_jwk_imports_rsa_2048(void **state)
{
	struct tk_keys *k = *state;
	struct oa_jwk key;

	import_taking(with(tk_public_jwk(k->rsa), "kid", json_string("k1")), &key);
	assert_int_equal(key.kty, OA_KTY_RSA);
	assert_int_equal(key.rsa_bits, 2048);
	assert_non_null(key.pkey);
	assert_true(EVP_PKEY_eq(key.pkey, k->rsa) == 1);
	assert_string_equal(key.kid, "k1");
	assert_false(key.has_alg);
	assert_true(key.for_signatures);
	assert_int_equal(key.curve_nid, 0);
	oa_jwk_clear(&key);
}

static void
test_jwk_imports_ec_curves_and_ed25519(void **state)
{
	struct tk_keys *k = *state;
	EVP_PKEY *pkeys[] = { k->p256, k->p384, k->p521, k->ed25519 };
	const int nids[] = { NID_X9_62_prime256v1, NID_secp384r1, NID_secp521r1,
			     NID_ED25519 };
	struct oa_jwk key;

	for (size_t i = 0; i < 4; i++) {
		import_taking(tk_public_jwk(pkeys[i]), &key);
		assert_int_equal(key.kty, i < 3 ? OA_KTY_EC : OA_KTY_OKP);
		assert_int_equal(key.curve_nid, nids[i]);
		assert_true(EVP_PKEY_eq(key.pkey, pkeys[i]) == 1);
		assert_null(key.kid);
		oa_jwk_clear(&key);
	}
}

static void
test_jwk_rejects_non_objects(void **state)
{
	(void)state;
	assert_refused(json_array(), "not a JSON object");
	assert_refused(json_string("RSA"), "not a JSON object");
	assert_refused(json_null(), "not a JSON object");
}

static void
test_jwk_rejects_missing_or_unknown_kty(void **state)
{
	struct tk_keys *k = *state;

	assert_refused(without(tk_public_jwk(k->rsa), "kty"), "no \"kty\"");
	assert_refused(with(tk_public_jwk(k->rsa), "kty", json_integer(1)),
		       "\"kty\" is not a string");
	assert_refused(with(tk_public_jwk(k->rsa), "kty", json_string("rsa")),
		       "\"kty\" is not RSA, EC or OKP");
	assert_refused(with(tk_public_jwk(k->rsa), "kty", json_string("RSA-PSS")),
		       "\"kty\" is not RSA, EC or OKP");
	assert_refused(with(tk_public_jwk(k->rsa), "kty", json_stringn("RSA\0", 4)),
		       "\"kty\" is not RSA, EC or OKP");
}

static void
test_jwk_rejects_oct_even_without_k(void **state)
{
	(void)state;
	assert_refused(json_pack("{ss}", "kty", "oct"), "HMAC keys never come from a JWKS");
	assert_refused(json_pack("{ssss}", "kty", "oct", "k", "c2VjcmV0"),
		       "private member \"k\"");
}

static void
test_jwk_rejects_private_members(void **state)
{
	static const char *const members[] = { "d", "p", "q", "dp", "dq", "qi", "oth", "k" };
	struct tk_keys *k = *state;
	char reason[64];

	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		snprintf(reason, sizeof(reason), "private member \"%s\"", members[i]);
		assert_refused(with(tk_public_jwk(k->rsa), members[i], json_string("AQAB")),
			       reason);
		assert_refused(with(tk_public_jwk(k->p256), members[i], json_null()),
			       reason);
	}
	assert_refused(with(tk_public_jwk(k->ed25519), "d", json_string("AQAB")),
		       "private member \"d\"");
}

static void
test_jwk_rejects_rsa_1024(void **state)
{
	EVP_PKEY *small = tk_keygen("RSA", NULL, 1024);

	(void)state;
	assert_refused(tk_public_jwk(small), "RSA modulus of 1024 bits is under 2048");
	EVP_PKEY_free(small);
}

static void
test_jwk_rejects_rsa_2047(void **state)
{
	struct tk_keys *k = *state;
	json_t *jwk = tk_public_jwk(k->rsa);
	size_t len;
	unsigned char *n = member_bytes(jwk, "n", &len);

	n[0] = 0x7f;
	assert_refused(with_bytes(jwk, "n", n, len), "RSA modulus of 2047 bits is under 2048");
	free(n);
}

static void
test_jwk_rejects_rsa_leading_zeros(void **state)
{
	static const unsigned char e_padded[] = { 0, 1, 0, 1 };
	struct tk_keys *k = *state;
	json_t *jwk = tk_public_jwk(k->rsa);
	size_t len;
	unsigned char *n = member_bytes(jwk, "n", &len);
	unsigned char *padded = calloc(1, len + 1);

	memcpy(padded + 1, n, len);
	assert_refused(with_bytes(jwk, "n", padded, len + 1), "\"n\" has a leading zero");
	assert_refused(with_bytes(tk_public_jwk(k->rsa), "e", e_padded, sizeof(e_padded)),
		       "\"e\" has a leading zero");
	free(padded);
	free(n);
}

static void
test_jwk_rejects_rsa_bad_exponents(void **state)
{
	static const unsigned char long_e[] = { 1, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct tk_keys *k = *state;
	struct oa_jwk key;

	assert_refused(with(tk_public_jwk(k->rsa), "e", json_string("AQAA")), "exponent is even");
	assert_refused(with(tk_public_jwk(k->rsa), "e", json_string("Ag")), "exponent is even");
	assert_refused(with(tk_public_jwk(k->rsa), "e", json_string("AQ")), "exponent is under 3");
	assert_refused(with_bytes(tk_public_jwk(k->rsa), "e", long_e, sizeof(long_e)),
		       "exponent is over 64 bits");
	/* 3 is small but sound with proper padding, and Wycheproof has valid
	 * signatures under e = 3. */
	import_taking(with(tk_public_jwk(k->rsa), "e", json_string("Aw")), &key);
	oa_jwk_clear(&key);
}

static void
test_jwk_rejects_rsa_even_modulus(void **state)
{
	struct tk_keys *k = *state;

	assert_refused(with_bit_flipped(tk_public_jwk(k->rsa), "n", 0, 1), "modulus is even");
}

static void
test_jwk_rejects_missing_or_mistyped_numbers(void **state)
{
	struct tk_keys *k = *state;

	assert_refused(without(tk_public_jwk(k->rsa), "n"), "no \"n\"");
	assert_refused(without(tk_public_jwk(k->rsa), "e"), "no \"e\"");
	assert_refused(with(tk_public_jwk(k->rsa), "e", json_integer(65537)),
		       "\"e\" is not a string");
	assert_refused(with(tk_public_jwk(k->rsa), "n", json_string("")), "\"n\" is empty");
	assert_refused(with(tk_public_jwk(k->p256), "x", json_array()), "\"x\" is not a string");
	assert_refused(without(tk_public_jwk(k->p256), "y"), "no \"y\"");
	assert_refused(without(tk_public_jwk(k->ed25519), "x"), "no \"x\"");
}

static void
test_jwk_rejects_non_canonical_base64url(void **state)
{
	static const char *const bad[] = { "AQAB=", "AQ+B", "AQ/B", "AQ B", "AQABx", "AQAB\n" };
	struct tk_keys *k = *state;
	json_t *jwk = tk_public_jwk(k->p256);
	const char *x = json_string_value(json_object_get(jwk, "x"));
	char *bumped = strdup(x);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused(with(tk_public_jwk(k->rsa), "e", json_string(bad[i])),
			       "\"e\" is not canonical base64url");
	/* 32 bytes leave 2 unused bits in the last character: setting one is
	 * a second spelling of the same x. */
	bumped[strlen(bumped) - 1] = bumped[strlen(bumped) - 1] == 'A' ? 'B' :
				     (char)(bumped[strlen(bumped) - 1] ^ 1);
	assert_refused(with(jwk, "x", json_string(bumped)), "\"x\" is not canonical base64url");
	free(bumped);
}

static void
test_jwk_rejects_unknown_ec_curves(void **state)
{
	static const char *const bad[] = { "P-192", "P-224", "p-256", "secp256k1", "P-256K",
					   "prime256v1", "Ed25519" };
	struct tk_keys *k = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused(with(tk_public_jwk(k->p256), "crv", json_string(bad[i])),
			       "\"crv\" is not P-256, P-384 or P-521");
	assert_refused(without(tk_public_jwk(k->p256), "crv"), "no \"crv\"");
}

static void
test_jwk_rejects_ec_coordinates_of_wrong_length(void **state)
{
	struct tk_keys *k = *state;
	json_t *jwk = tk_public_jwk(k->p256);
	size_t len;
	unsigned char *x = member_bytes(jwk, "x", &len);
	unsigned char longer[33] = { 0 };

	memcpy(longer + 1, x, 32);
	assert_refused(with_bytes(tk_public_jwk(k->p256), "x", longer, 33),
		       "\"x\" is 33 bytes, P-256 needs 32");
	assert_refused(with_bytes(tk_public_jwk(k->p256), "y", x, 31),
		       "\"y\" is 31 bytes, P-256 needs 32");
	/* A P-256 point presented as P-384 */
	assert_refused(with(jwk, "crv", json_string("P-384")), "\"x\" is 32 bytes, P-384 needs 48");
	free(x);
}

static void
test_jwk_rejects_ec_point_off_the_curve(void **state)
{
	struct tk_keys *k = *state;
	EVP_PKEY *pkeys[] = { k->p256, k->p384, k->p521 };

	for (size_t i = 0; i < 3; i++)
		assert_refused(with_bit_flipped(tk_public_jwk(pkeys[i]), "y", 0, 1),
			       "EC point is not");
}

static void
test_jwk_rejects_ec_coordinate_over_the_field(void **state)
{
	struct tk_keys *k = *state;
	unsigned char ones[32];

	/* x = 2^256 - 1 is over p: not a field element at all */
	memset(ones, 0xff, sizeof(ones));
	assert_refused(with_bytes(tk_public_jwk(k->p256), "x", ones, sizeof(ones)),
		       "EC point is not");
}

/* The JWK of `key` with x and y set to `x` and `y`, each written in the
 * curve's `field_bytes`. */
static json_t *
with_point(EVP_PKEY *key, const BIGNUM *x, const BIGNUM *y, int field_bytes)
{
	unsigned char bx[66], by[66];

	assert_int_equal(BN_bn2binpad(x, bx, field_bytes), field_bytes);
	assert_int_equal(BN_bn2binpad(y, by, field_bytes), field_bytes);
	return with_bytes(with_bytes(tk_public_jwk(key), "x", bx, (size_t)field_bytes), "y",
			  by, (size_t)field_bytes);
}

/* A decoder that reduced coordinates mod p would take x + p for x: the
 * same point under another encoding.  The key carries no check of its own
 * after the decoding (jwk.c), so this holds OpenSSL's decoding to the
 * refusal, for every curve, from a point that is on it: the smallest x
 * for which x^3 + ax + b has a square root mod p. */
static void
test_jwk_rejects_ec_coordinate_of_p_or_more(void **state)
{
	struct tk_keys *k = *state;
	EVP_PKEY *keys[] = { k->p256, k->p384, k->p521 };
	const int nids[] = { NID_X9_62_prime256v1, NID_secp384r1, NID_secp521r1 };

	for (size_t i = 0; i < 3; i++) {
		EC_GROUP *group = EC_GROUP_new_by_curve_name(nids[i]);
		BN_CTX *ctx = BN_CTX_new();
		BIGNUM *p = BN_new(), *a = BN_new(), *b = BN_new(), *x = BN_new(),
		       *y = BN_new(), *rhs = BN_new(), *t = BN_new();
		int field_bytes;
		struct oa_jwk key;

		assert_non_null(group);
		assert_non_null(t);
		assert_int_equal(EC_GROUP_get_curve(group, p, a, b, ctx), 1);
		field_bytes = BN_num_bytes(p);
		for (BN_ULONG x0 = 1;; x0++) {
			assert_true(x0 < 1000);
			assert_int_equal(BN_set_word(x, x0), 1);
			assert_int_equal(BN_mod_sqr(rhs, x, p, ctx), 1);
			assert_int_equal(BN_mod_add(rhs, rhs, a, p, ctx), 1);
			assert_int_equal(BN_mod_mul(rhs, rhs, x, p, ctx), 1);
			assert_int_equal(BN_mod_add(rhs, rhs, b, p, ctx), 1);
			ERR_set_mark();
			if (BN_mod_sqrt(y, rhs, p, ctx) != NULL) {
				ERR_pop_to_mark();
				break;
			}
			ERR_pop_to_mark();
		}
		/* the point itself is a key */
		import_taking(with_point(keys[i], x, y, field_bytes), &key);
		assert_int_equal(key.curve_nid, nids[i]);
		oa_jwk_clear(&key);
		assert_int_equal(BN_add(t, x, p), 1);
		assert_refused(with_point(keys[i], t, y, field_bytes), "EC point is not");
		/* y + p fits the field's bytes only where p leaves room: P-521 */
		assert_int_equal(BN_add(t, y, p), 1);
		if (BN_num_bytes(t) <= field_bytes)
			assert_refused(with_point(keys[i], x, t, field_bytes), "EC point is not");
		else
			assert_int_not_equal(nids[i], NID_secp521r1);
		BN_free(p);
		BN_free(a);
		BN_free(b);
		BN_free(x);
		BN_free(y);
		BN_free(rhs);
		BN_free(t);
		BN_CTX_free(ctx);
		EC_GROUP_free(group);
	}
}

static void
test_jwk_rejects_okp_other_than_ed25519(void **state)
{
	static const char *const bad[] = { "X25519", "Ed448", "X448", "ed25519", "P-256" };
	struct tk_keys *k = *state;
	json_t *jwk = tk_public_jwk(k->ed25519);
	size_t len;
	unsigned char *x = member_bytes(jwk, "x", &len);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused(with(tk_public_jwk(k->ed25519), "crv", json_string(bad[i])),
			       "\"crv\" is not Ed25519");
	assert_refused(with_bytes(tk_public_jwk(k->ed25519), "x", x, 31),
		       "\"x\" is 31 bytes, Ed25519 needs 32");
	x = realloc(x, 33);
	x[32] = 0;
	assert_refused(with_bytes(jwk, "x", x, 33), "\"x\" is 33 bytes, Ed25519 needs 32");
	free(x);
}

static void
test_jwk_reads_its_own_alg(void **state)
{
	struct tk_keys *k = *state;
	struct oa_jwk key;

	import_taking(with(tk_public_jwk(k->rsa), "alg", json_string("PS256")), &key);
	assert_true(key.has_alg);
	assert_int_equal(key.alg, OA_ALG_PS256);
	oa_jwk_clear(&key);
	assert_refused(with(tk_public_jwk(k->rsa), "alg", json_string("none")),
		       "\"alg\" is not a supported algorithm");
	assert_refused(with(tk_public_jwk(k->rsa), "alg", json_string("RSA-OAEP")),
		       "\"alg\" is not a supported algorithm");
	assert_refused(with(tk_public_jwk(k->rsa), "alg", json_stringn("RS256\0", 6)),
		       "\"alg\" is not a supported algorithm");
	assert_refused(with(tk_public_jwk(k->rsa), "alg", json_integer(256)),
		       "\"alg\" is not a string");
}

/* Imports the JWK (taken) and says whether it came out for signatures. */
static bool
for_signatures(json_t *jwk)
{
	struct oa_jwk key;
	bool result;

	import_taking(jwk, &key);
	result = key.for_signatures;
	oa_jwk_clear(&key);
	return result;
}

static void
test_jwk_reads_use_and_key_ops(void **state)
{
	struct tk_keys *k = *state;

	assert_true(for_signatures(tk_public_jwk(k->p256)));
	assert_true(for_signatures(with(tk_public_jwk(k->p256), "use", json_string("sig"))));
	assert_false(for_signatures(with(tk_public_jwk(k->p256), "use", json_string("enc"))));
	assert_false(for_signatures(with(tk_public_jwk(k->p256), "use", json_string("SIG"))));
	assert_false(for_signatures(with(tk_public_jwk(k->p256), "use", json_stringn("sig\0", 4))));
	assert_true(for_signatures(with(tk_public_jwk(k->p256), "key_ops",
					json_pack("[ss]", "sign", "verify"))));
	assert_false(for_signatures(with(tk_public_jwk(k->p256), "key_ops",
					 json_pack("[s]", "sign"))));
	assert_false(for_signatures(with(tk_public_jwk(k->p256), "key_ops", json_array())));
	assert_false(for_signatures(with(with(tk_public_jwk(k->p256), "use", json_string("enc")),
					 "key_ops", json_pack("[s]", "verify"))));
	assert_refused(with(tk_public_jwk(k->p256), "use", json_true()), "\"use\" is not a string");
	assert_refused(with(tk_public_jwk(k->p256), "key_ops", json_string("verify")),
		       "\"key_ops\" is not an array");
	assert_refused(with(tk_public_jwk(k->p256), "key_ops", json_pack("[si]", "verify", 1)),
		       "\"key_ops\" holds a non-string");
}

static void
test_jwk_rejects_bad_kid(void **state)
{
	struct tk_keys *k = *state;

	assert_refused(with(tk_public_jwk(k->p256), "kid", json_integer(7)),
		       "\"kid\" is not a string");
	assert_refused(with(tk_public_jwk(k->p256), "kid", json_stringn("a\0b", 3)),
		       "\"kid\" holds a NUL");
}

static void
test_jwk_from_secret_copies_and_clear_wipes(void **state)
{
	unsigned char secret[40];
	struct oa_jwk key;
	struct oa_result r;

	(void)state;
	memset(secret, 's', sizeof(secret));
	oa_result_init(&r);
	assert_int_equal(oa_jwk_from_secret(secret, sizeof(secret), &key, &r), OA_OK);
	assert_int_equal(key.kty, OA_KTY_OCT);
	assert_int_equal(key.secret_len, sizeof(secret));
	assert_ptr_not_equal(key.secret, secret);
	assert_memory_equal(key.secret, secret, sizeof(secret));
	assert_true(key.for_signatures);
	assert_null(key.pkey);
	oa_jwk_clear(&key);
	assert_null(key.secret);
	assert_int_equal(key.secret_len, 0);
	oa_jwk_clear(&key);
	assert_int_equal(oa_jwk_from_secret(secret, 0, &key, &r), OA_CONFIG);
	assert_string_equal(r.reason, "HMAC secret is empty");
	oa_jwk_clear(&key);
}

static void
test_jwk_clear_is_safe_on_zeroed_and_twice(void **state)
{
	struct tk_keys *k = *state;
	struct oa_jwk key;

	memset(&key, 0, sizeof(key));
	oa_jwk_clear(&key);
	import_taking(with(tk_public_jwk(k->rsa), "kid", json_string("x")), &key);
	oa_jwk_clear(&key);
	assert_null(key.pkey);
	assert_null(key.kid);
	oa_jwk_clear(&key);
}

/* Which keys each algorithm may use: exactly one key type (and curve)
 * per family, whatever the other members say. */
static void
test_jwk_fits_only_the_matching_key_type(void **state)
{
	struct tk_keys *k = *state;
	unsigned char secret[64];
	struct oa_jwk keys[6];
	struct oa_result r;
	/* rows: rsa, p256, p384, p521, ed25519, 64-byte secret */
	static const char *const fits[6] = {
		"RS256 RS384 RS512 PS256 PS384 PS512",
		"ES256", "ES384", "ES512", "EdDSA",
		"HS256 HS384 HS512",
	};

	memset(secret, 7, sizeof(secret));
	import_taking(tk_public_jwk(k->rsa), &keys[0]);
	import_taking(tk_public_jwk(k->p256), &keys[1]);
	import_taking(tk_public_jwk(k->p384), &keys[2]);
	import_taking(tk_public_jwk(k->p521), &keys[3]);
	import_taking(tk_public_jwk(k->ed25519), &keys[4]);
	oa_result_init(&r);
	assert_int_equal(oa_jwk_from_secret(secret, sizeof(secret), &keys[5], &r), OA_OK);
	for (size_t i = 0; i < 6; i++) {
		for (int a = 0; a < OA_ALG_COUNT; a++) {
			enum oa_alg alg = (enum oa_alg)a;
			bool want = strstr(fits[i], oa_alg_name(alg)) != NULL;

			oa_result_init(&r);
			if (oa_jwk_fits(&keys[i], alg, &r) != want)
				fail_msg("key %zu with %s: wanted %d (%s)", i,
					 oa_alg_name(alg), want, r.reason);
			assert_int_equal(r.status, want ? OA_OK : OA_REJECTED);
		}
		oa_jwk_clear(&keys[i]);
	}
}

static void
test_jwk_fits_reasons_name_the_mismatch(void **state)
{
	struct tk_keys *k = *state;
	struct oa_jwk key;
	struct oa_result r;

	import_taking(tk_public_jwk(k->p384), &key);
	oa_result_init(&r);
	assert_false(oa_jwk_fits(&key, OA_ALG_ES256, &r));
	assert_string_equal(r.reason, "P-384 key cannot verify ES256");
	oa_result_init(&r);
	assert_false(oa_jwk_fits(&key, OA_ALG_RS256, &r));
	assert_string_equal(r.reason, "P-384 key cannot verify RS256");
	oa_jwk_clear(&key);
	import_taking(tk_public_jwk(k->rsa), &key);
	oa_result_init(&r);
	assert_false(oa_jwk_fits(&key, OA_ALG_HS256, &r));
	assert_string_equal(r.reason, "RSA key cannot verify HS256");
	oa_jwk_clear(&key);
}

static void
test_jwk_fits_refuses_a_different_own_alg(void **state)
{
	struct tk_keys *k = *state;
	struct oa_jwk key;
	struct oa_result r;

	import_taking(with(tk_public_jwk(k->rsa), "alg", json_string("RS256")), &key);
	oa_result_init(&r);
	assert_true(oa_jwk_fits(&key, OA_ALG_RS256, &r));
	assert_false(oa_jwk_fits(&key, OA_ALG_PS256, &r));
	assert_string_equal(r.reason, "key is for RS256, not PS256");
	oa_result_init(&r);
	assert_false(oa_jwk_fits(&key, OA_ALG_RS512, &r));
	oa_jwk_clear(&key);
}

static void
test_jwk_fits_refuses_keys_not_for_signatures(void **state)
{
	struct tk_keys *k = *state;
	struct oa_jwk key;
	struct oa_result r;

	import_taking(with(tk_public_jwk(k->p256), "use", json_string("enc")), &key);
	oa_result_init(&r);
	assert_false(oa_jwk_fits(&key, OA_ALG_ES256, &r));
	assert_string_equal(r.reason, "key is not for signatures (use/key_ops)");
	oa_jwk_clear(&key);
	import_taking(with(tk_public_jwk(k->p256), "key_ops", json_pack("[s]", "sign")), &key);
	oa_result_init(&r);
	assert_false(oa_jwk_fits(&key, OA_ALG_ES256, &r));
	oa_jwk_clear(&key);
}

static void
test_jwk_fits_hmac_secret_no_shorter_than_the_hash(void **state)
{
	unsigned char secret[64];
	struct oa_jwk key;
	struct oa_result r;

	(void)state;
	memset(secret, 1, sizeof(secret));
	oa_result_init(&r);
	assert_int_equal(oa_jwk_from_secret(secret, 31, &key, &r), OA_OK);
	assert_false(oa_jwk_fits(&key, OA_ALG_HS256, &r));
	assert_string_equal(r.reason, "HMAC secret of 31 bytes is under the 32 HS256 needs");
	oa_jwk_clear(&key);
	assert_int_equal(oa_jwk_from_secret(secret, 32, &key, &r), OA_OK);
	oa_result_init(&r);
	assert_true(oa_jwk_fits(&key, OA_ALG_HS256, &r));
	assert_false(oa_jwk_fits(&key, OA_ALG_HS384, &r));
	oa_jwk_clear(&key);
	oa_result_init(&r);
	assert_int_equal(oa_jwk_from_secret(secret, 63, &key, &r), OA_OK);
	assert_true(oa_jwk_fits(&key, OA_ALG_HS384, &r));
	assert_false(oa_jwk_fits(&key, OA_ALG_HS512, &r));
	oa_jwk_clear(&key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jwk_imports_rsa_2048),
		cmocka_unit_test(test_jwk_imports_ec_curves_and_ed25519),
		cmocka_unit_test(test_jwk_rejects_non_objects),
		cmocka_unit_test(test_jwk_rejects_missing_or_unknown_kty),
		cmocka_unit_test(test_jwk_rejects_oct_even_without_k),
		cmocka_unit_test(test_jwk_rejects_private_members),
		cmocka_unit_test(test_jwk_rejects_rsa_1024),
		cmocka_unit_test(test_jwk_rejects_rsa_2047),
		cmocka_unit_test(test_jwk_rejects_rsa_leading_zeros),
		cmocka_unit_test(test_jwk_rejects_rsa_bad_exponents),
		cmocka_unit_test(test_jwk_rejects_rsa_even_modulus),
		cmocka_unit_test(test_jwk_rejects_missing_or_mistyped_numbers),
		cmocka_unit_test(test_jwk_rejects_non_canonical_base64url),
		cmocka_unit_test(test_jwk_rejects_unknown_ec_curves),
		cmocka_unit_test(test_jwk_rejects_ec_coordinates_of_wrong_length),
		cmocka_unit_test(test_jwk_rejects_ec_point_off_the_curve),
		cmocka_unit_test(test_jwk_rejects_ec_coordinate_over_the_field),
		cmocka_unit_test(test_jwk_rejects_ec_coordinate_of_p_or_more),
		cmocka_unit_test(test_jwk_rejects_okp_other_than_ed25519),
		cmocka_unit_test(test_jwk_reads_its_own_alg),
		cmocka_unit_test(test_jwk_reads_use_and_key_ops),
		cmocka_unit_test(test_jwk_rejects_bad_kid),
		cmocka_unit_test(test_jwk_from_secret_copies_and_clear_wipes),
		cmocka_unit_test(test_jwk_clear_is_safe_on_zeroed_and_twice),
		cmocka_unit_test(test_jwk_fits_only_the_matching_key_type),
		cmocka_unit_test(test_jwk_fits_reasons_name_the_mismatch),
		cmocka_unit_test(test_jwk_fits_refuses_a_different_own_alg),
		cmocka_unit_test(test_jwk_fits_refuses_keys_not_for_signatures),
		cmocka_unit_test(test_jwk_fits_hmac_secret_no_shorter_than_the_hash),
	};
	return cmocka_run_group_tests_name("jwk", tests, make_keys, free_keys);
}
