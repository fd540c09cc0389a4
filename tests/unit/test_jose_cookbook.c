/* SPDX-License-Identifier: MIT */
/* RFC 7520 JWS examples (sections 4.1 to 4.4, and the Ed25519 example of
 * RFC 8037 A.4 from the cookbook's curve25519 folder), read in place from
 * $JOSE_COOKBOOK_DIR, else $OA_VECTORS_DIR/jose-cookbook (../shared/vectors
 * beside the project): signatures made by other implementations, over the
 * JWS signing input exactly as a token carries it.  Where the folder is
 * absent (a clone on its own), every test reports itself skipped, naming
 * the variable to set. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base64url.h"
#include "signature.h"
#include "testkeys.h"

/* The example's key as an oa_jwk: an oct key through oa_jwk_from_secret
 * (import refuses it, as it should), any other through import once its
 * private members are gone. */
static void
example_key(const json_t *example, struct oa_jwk *key)
{
	static const char *const private_members[] = {
		"d", "p", "q", "dp", "dq", "qi", "oth", "k",
	};
	json_t *jwk = json_deep_copy(json_object_get(json_object_get(example, "input"), "key"));
	const char *kty = json_string_value(json_object_get(jwk, "kty"));
	struct oa_result r;

	assert_non_null(kty);
	oa_result_init(&r);
	if (strcmp(kty, "oct") == 0) {
		const json_t *k = json_object_get(jwk, "k");
		unsigned char *secret;
		size_t len;

		assert_int_equal(oa_jwk_import(jwk, key, &r), OA_REJECTED);
		oa_jwk_clear(key);
		assert_true(oa_base64url_decode(json_string_value(k), json_string_length(k),
						&secret, &len));
		oa_result_init(&r);
		assert_int_equal(oa_jwk_from_secret(secret, len, key, &r), OA_OK);
		free(secret);
	} else {
		for (size_t i = 0; i < sizeof(private_members) / sizeof(private_members[0]); i++)
			json_object_del(jwk, private_members[i]);
		tk_import(jwk, key);
	}
	json_decref(jwk);
}

static void
assert_verify(enum oa_alg alg, const struct oa_jwk *key, const char *input,
	      size_t input_len, const unsigned char *sig, size_t sig_len,
	      enum oa_status want)
{
	struct oa_result r;

	oa_result_init(&r);
	if (oa_signature_verify(alg, key, (const unsigned char *)input, input_len,
				sig, sig_len, &r) != want)
		fail_msg("%s: wanted %s, got %s (%s)", oa_alg_name(alg),
			 oa_status_name(want), oa_status_name(r.status), r.reason);
}

/* The compact serialization with one bit of the decoded payload flipped
 * and encoded again: the same token but for one bit of what it says. */
static char *
flip_payload_bit(const char *compact, size_t header_len, size_t payload_len)
{
	unsigned char *payload;
	size_t len;
	char *encoded, *out;
	size_t encoded_len;

	assert_true(oa_base64url_decode(compact + header_len + 1, payload_len,
					&payload, &len));
	payload[len / 2] ^= 0x01;
	encoded = tk_b64url(payload, len);
	encoded_len = strlen(encoded);
	out = malloc(header_len + 1 + encoded_len + 1);
	assert_non_null(out);
	memcpy(out, compact, header_len);
	out[header_len] = '.';
	memcpy(out + header_len + 1, encoded, encoded_len + 1);
	free(encoded);
	free(payload);
	return out;
}

/* The folder the examples are read from (tk_vector_dir). */
static char *vector_dir;

static void
test_cookbook_example(void **state)
{
	const char *relpath = *state;
	json_t *example = tk_load_vector(vector_dir, relpath);
	const json_t *input = json_object_get(example, "input");
	const json_t *output = json_object_get(example, "output");
	const char *name = json_string_value(json_object_get(input, "alg"));
	const char *compact = json_string_value(json_object_get(output, "compact"));
	const char *first_dot, *last_dot;
	unsigned char *sig;
	size_t sig_len;
	char *altered;
	struct oa_jwk key;
	enum oa_alg alg;

	assert_non_null(name);
	assert_non_null(compact);
	assert_true(oa_alg_parse(name, strlen(name), &alg));
	first_dot = strchr(compact, '.');
	last_dot = strrchr(compact, '.');
	assert_non_null(first_dot);
	assert_ptr_not_equal(first_dot, last_dot);
	assert_true(oa_base64url_decode(last_dot + 1, strlen(last_dot + 1), &sig, &sig_len));
	example_key(example, &key);

	/* RFC 7515 5.2: the signature covers header "." payload as sent */
	assert_verify(alg, &key, compact, (size_t)(last_dot - compact), sig, sig_len, OA_OK);
	altered = flip_payload_bit(compact, (size_t)(first_dot - compact),
				   (size_t)(last_dot - first_dot - 1));
	assert_verify(alg, &key, altered, strlen(altered), sig, sig_len, OA_REJECTED);

	free(altered);
	free(sig);
	oa_jwk_clear(&key);
	json_decref(example);
}

int
main(void)
{
	static const char *const examples[] = {
		"jws/4_1.rsa_v15_signature.json",
		"jws/4_2.rsa-pss_signature.json",
		"jws/4_3.ecdsa_signature.json",
		"jws/4_4.hmac-sha2_integrity_protection.json",
		"curve25519/jws.json",
	};
	enum { EXAMPLES = sizeof(examples) / sizeof(examples[0]) };
	struct CMUnitTest tests[EXAMPLES] = { { 0 } };
	int failed;

	/* one test per example, named after its file */
	for (size_t i = 0; i < EXAMPLES; i++) {
		tests[i].name = examples[i];
		tests[i].test_func = test_cookbook_example;
		tests[i].initial_state = (void *)examples[i];
	}
	vector_dir = tk_vector_dir("JOSE_COOKBOOK_DIR", "jose-cookbook");
	if (!tk_vectors_present(vector_dir, "JOSE_COOKBOOK_DIR",
				"RFC 7520 examples (ietf-jose/cookbook)", examples, EXAMPLES)) {
		free(vector_dir);
		return 0;
	}
	failed = cmocka_run_group_tests_name("jose_cookbook", tests, NULL, NULL);
	free(vector_dir);
	return failed;
}
