/* SPDX-License-Identifier: MIT */
/* The ROCA fingerprint (CVE-2017-15361): moduli built the way Infineon's
 * RSALib builds them are found, others are not, and a JWK with such a
 * modulus is refused at import with a reason that names it.
 *
 * The two JWKs are Wycheproof's (C2SP/wycheproof, Apache-2.0,
 * testvectors/json_web_key_test.json, tcId 7 "jws_rsa_roca_key" and tcId 5
 * "rs256"): that file is not among the shared vectors, which hold only the
 * signature files, so its two public moduli are written here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <openssl/bn.h>

#include "jwk.h"
#include "roca.h"

static const char wycheproof_roca_n[] =
	"AanFpofbj7KjD4Lf-N2hVMKR7yewSyXhhbirIMTGpfYEhZ_lnt5UoK98DnKIgArXGTu3MaW_HhFw16HGaTDUHqPrId7"
	"fe4r11CqRw09yBFuW79V8sYIwHdzCaWflUI6auImYbVfoN9_nD5n8N8SY9DwXw7mwZM9wREPXoDPgOoIWl6q_MPsp"
	"7n0zs3Z5ZaiQWOOzl1S9OhwAfSiiOwz6efnXEaxuTEtPd7BjSx7NaFka8Dx9U7YqXy2RFj1O9PjyaDGuRh7YXsX3iM"
	"USP_wSyHQg_c_qHRtKUsNSGCT7OZg0hzm2KphtjnayKJvC64vAbROBR4Ubg6Bxg9IQVZ-QYyE";

static const char wycheproof_rs256_n[] =
	"kqGboBfAWttWPCA-0cGRgsY6SaYoIARt0B_PkaEcIq9HPYNdu9n6UuWHuuTHrjF_ZoQW97r5HaAorNvrMEGTGdxCHZd"
	"EtkHvNVVmrtxTBLiQCbCozXhFoIrVcr3qUBrdGnNn_M3jJi7Wg7p_-x62nS5gNG875oyheRkutHsQXikFZwsN3q_Ts"
	"PNOVlCiHy8mxzaFTUQGm-X8UYexFyAivlDSjgDJLAZSWfxd7k9Gxuwa3AUfQqQcVcegmgKGCaErQ3qQbh1x7WB6iopE"
	"3_-GZ8HMAVtR9AmrVscqYsnjhaCehfAI0iKKs8zXr8tISc0ORbaalrkk03H1ZrsEnDKEWQ";

static json_t *
rsa_jwk(const char *n)
{
	json_t *jwk = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kty", "RSA", "alg", "RS256",
				"use", "sig", "n", n, "e", "AQAB");

	assert_non_null(jwk);
	return jwk;
}

/* p = k * M + (65537^a mod M), M the product of the primes up to `top`:
 * RSALib's form of a prime (primality does not matter to the test). */
static BIGNUM *
rsalib_shaped(unsigned top, const char *k_hex, unsigned long a, BN_CTX *ctx)
{
	BIGNUM *m = BN_new(), *k = NULL, *g = BN_new(), *e = BN_new(), *p = BN_new();

	assert_true(m != NULL && g != NULL && e != NULL && p != NULL);
	assert_true(BN_one(m));
	for (unsigned r = 2; r <= top; r++) {
		bool prime = true;

		for (unsigned d = 2; d * d <= r && prime; d++)
			prime = r % d != 0;
		if (prime)
			assert_true(BN_mul_word(m, r));
	}
	assert_true(BN_hex2bn(&k, k_hex) > 0);
	assert_true(BN_set_word(g, 65537) && BN_set_word(e, a));
	assert_true(BN_mod_exp(p, g, e, m, ctx));
	assert_true(BN_mul(k, k, m, ctx) && BN_add(p, p, k));
	BN_free(m);
	BN_free(k);
	BN_free(g);
	BN_free(e);
	return p;
}

static BIGNUM *
rsalib_modulus(unsigned top, BN_CTX *ctx)
{
	BIGNUM *p = rsalib_shaped(top, "c0ffee1234567890abcdef0123456789", 4242, ctx);
	BIGNUM *q = rsalib_shaped(top, "f00dfacefeedbeef0123456789abcdef", 77777, ctx);
	BIGNUM *n = BN_new();

	assert_non_null(n);
	assert_true(BN_mul(n, p, q, ctx));
	BN_free(p);
	BN_free(q);
	return n;
}

static void
test_roca_finds_rsalib_shaped_moduli_of_both_sizes(void **state)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *large = rsalib_modulus(701, ctx), *small = rsalib_modulus(167, ctx);

	(void)state;
	assert_true(BN_num_bits(large) >= 1984);
	assert_true(BN_num_bits(small) < 1984);
	assert_true(oa_rsa_modulus_is_roca(large));
	assert_true(oa_rsa_modulus_is_roca(small));
	/* One step off the subgroups is no longer the fingerprint. */
	assert_true(BN_add_word(large, 2) && BN_add_word(small, 2));
	assert_false(oa_rsa_modulus_is_roca(large));
	assert_false(oa_rsa_modulus_is_roca(small));
	BN_free(large);
	BN_free(small);
	BN_CTX_free(ctx);
}

/* A large modulus is judged on every prime up to 701: M of primes up to
 * 167 alone matches by chance too often (2^-28) to refuse on. */
static void
test_roca_large_moduli_need_every_prime_to_701(void **state)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *p = rsalib_shaped(167, "c0ffee1234567890abcdef0123456789c0ffee1234567890abcdef"
				  "0123456789c0ffee1234567890abcdef0123456789c0ffee12345678"
				  "90abcdef0123456789c0ffee1234567890abcdef0123456789c0ffee"
				  "1234567890abcdef0123456789c0ffee1234567890abcdef01234567"
				  "89c0ffee1234567890abcdef0123456789c0ffee1234567890abcdef", 4242, ctx);
	BIGNUM *n = BN_new();

	(void)state;
	assert_non_null(n);
	assert_true(BN_mul(n, p, p, ctx));
	assert_true(BN_num_bits(n) >= 1984);
	assert_false(oa_rsa_modulus_is_roca(n));
	BN_free(n);
	BN_free(p);
	BN_CTX_free(ctx);
}

static void
test_roca_jwk_of_wycheproof_is_refused(void **state)
{
	json_t *jwk = rsa_jwk(wycheproof_roca_n);
	struct oa_jwk key;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(oa_jwk_import(jwk, &key, &r), OA_REJECTED);
	if (strstr(r.reason, "ROCA fingerprint (CVE-2017-15361") == NULL)
		fail_msg("reason \"%s\" does not name ROCA", r.reason);
	assert_null(key.pkey);
	oa_jwk_clear(&key);
	json_decref(jwk);
}

static void
test_roca_normal_wycheproof_key_is_imported(void **state)
{
	json_t *jwk = rsa_jwk(wycheproof_rs256_n);
	struct oa_jwk key;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(oa_jwk_import(jwk, &key, &r), OA_OK);
	assert_non_null(key.pkey);
	assert_int_equal(key.rsa_bits, 2048);
	oa_jwk_clear(&key);
	json_decref(jwk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roca_finds_rsalib_shaped_moduli_of_both_sizes),
		cmocka_unit_test(test_roca_large_moduli_need_every_prime_to_701),
		cmocka_unit_test(test_roca_jwk_of_wycheproof_is_refused),
		cmocka_unit_test(test_roca_normal_wycheproof_key_is_imported),
	};
	return cmocka_run_group_tests_name("roca", tests, NULL, NULL);
}
