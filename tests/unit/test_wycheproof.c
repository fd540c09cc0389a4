/* SPDX-License-Identifier: MIT */
/* Project Wycheproof signature vectors (C2SP/wycheproof testvectors_v1),
 * read in place from $WYCHEPROOF_DIR, else $OA_VECTORS_DIR/wycheproof
 * (../shared/vectors beside the project): one test per file, every
 * `valid` signature must verify and every `invalid` one must not.  Where
 * the folder is absent (a clone on its own), every test reports itself
 * skipped, naming the variable to set.
 *
 * Keys come from each group's publicKeyJwk through oa_jwk_import.  Two
 * kinds of group have none: the RSA PKCS#1 files carry the same public JWK
 * under the name "keyJwk", and nine groups per ECDSA file (the r + n and
 * small r, s edge cases, the ones that catch faulty range checks) carry
 * only publicKey; for those the test writes the JWK from publicKey's
 * uncompressed point, so the cases are checked rather than skipped.  A
 * group whose key import refuses counts as "key refused" and may hold no
 * `valid` test.
 *
 * `acceptable`: only the RSA PKCS#1 files have any, one each, flag
 * MissingNull (a DigestInfo without the NULL parameters of the hash
 * algorithm, which some legacy signers wrote).  OpenSSL 3 rejects them,
 * since it compares the whole DigestInfo it expects, and so do we: JWS
 * signers (RFC 7518 3.3) all use the encoding with NULL, and refusing
 * the legacy form is the side that cannot let a forgery through.  The
 * per-file counts are printed as TAP comments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signature.h"
#include "testkeys.h"

struct vector_file {
	const char *name;
	enum oa_alg alg;
};

/* The table in shared/vectors/README.md */
static const struct vector_file files[] = {
	{ "rsa_signature_2048_sha256_test.json", OA_ALG_RS256 },
	{ "rsa_signature_2048_sha384_test.json", OA_ALG_RS384 },
	{ "rsa_signature_2048_sha512_test.json", OA_ALG_RS512 },
	{ "rsa_pss_2048_sha256_mgf1_32_test.json", OA_ALG_PS256 },
	{ "rsa_pss_4096_sha384_mgf1_48_test.json", OA_ALG_PS384 },
	{ "rsa_pss_4096_sha512_mgf1_64_test.json", OA_ALG_PS512 },
	{ "ecdsa_secp256r1_sha256_p1363_test.json", OA_ALG_ES256 },
	{ "ecdsa_secp384r1_sha384_p1363_test.json", OA_ALG_ES384 },
	{ "ecdsa_secp521r1_sha512_p1363_test.json", OA_ALG_ES512 },
	{ "ed25519_test.json", OA_ALG_EDDSA },
};

#define FILE_COUNT (sizeof(files) / sizeof(files[0]))

/* The folder the files are read from (tk_vector_dir). */
static char *vector_dir;

struct counts {
	int valid, valid_verified;
	int invalid, invalid_refused;
	int acceptable, acceptable_verified;
	int groups, keys_from_point, keys_refused;
	int wrong;
};

/* An EC JWK from publicKey: {"curve": ..., "uncompressed": "04" x y}. */
static json_t *
jwk_from_point(const json_t *public_key)
{
	const char *curve = json_string_value(json_object_get(public_key, "curve"));
	const char *hex = json_string_value(json_object_get(public_key, "uncompressed"));
	unsigned char *point;
	size_t len, half;
	char *x, *y;
	json_t *jwk;

	if (curve == NULL || hex == NULL || tk_jwk_crv(curve) == NULL)
		return NULL;
	point = tk_hex(hex, &len);
	assert_int_equal(point[0], 0x04);
	half = (len - 1) / 2;
	x = tk_b64url(point + 1, half);
	y = tk_b64url(point + 1 + half, half);
	jwk = json_pack("{ssssssss}", "kty", "EC", "crv", tk_jwk_crv(curve),
			"x", x, "y", y);
	free(x);
	free(y);
	free(point);
	return jwk;
}

/* New reference, or NULL when the group has no key we can read. */
static json_t *
group_jwk(const json_t *group, struct counts *c)
{
	json_t *jwk = json_object_get(group, "publicKeyJwk");

	if (jwk == NULL)
		jwk = json_object_get(group, "keyJwk");
	if (jwk != NULL)
		return json_incref(jwk);
	c->keys_from_point++;
	return jwk_from_point(json_object_get(group, "publicKey"));
}

static void
report_wrong(const json_t *test, const char *result, const char *outcome,
	     const struct oa_result *r, struct counts *c)
{
	print_message("# tcId %lld (%s): %s test %s: %s\n",
		      (long long)json_integer_value(json_object_get(test, "tcId")),
		      json_string_value(json_object_get(test, "comment")), result,
		      outcome, r->reason[0] != '\0' ? r->reason : "-");
	c->wrong++;
}

static void
check_test(enum oa_alg alg, const struct oa_jwk *key, const json_t *test,
	 struct counts *c)
{
	const char *result = json_string_value(json_object_get(test, "result"));
	size_t msg_len, sig_len;
	unsigned char *msg = tk_hex(json_string_value(json_object_get(test, "msg")), &msg_len);
	unsigned char *sig = tk_hex(json_string_value(json_object_get(test, "sig")), &sig_len);
	struct oa_result r;
	bool verified;

	assert_non_null(result);
	oa_result_init(&r);
	verified = key != NULL &&
		   oa_signature_verify(alg, key, msg, msg_len, sig, sig_len, &r) == OA_OK;
	if (strcmp(result, "valid") == 0) {
		c->valid++;
		c->valid_verified += verified;
		if (!verified)
			report_wrong(test, result, key != NULL ? "refused" : "under a refused key",
				     &r, c);
	} else if (strcmp(result, "invalid") == 0) {
		c->invalid++;
		c->invalid_refused += !verified;
		if (verified)
			report_wrong(test, result, "verified", &r, c);
	} else {
		assert_string_equal(result, "acceptable");
		c->acceptable++;
		c->acceptable_verified += verified;
	}
	free(msg);
	free(sig);
}

static void
check_group(enum oa_alg alg, const json_t *group, struct counts *c)
{
	json_t *jwk = group_jwk(group, c);
	struct oa_jwk key;
	struct oa_result r;
	bool have_key = false;
	const json_t *tests = json_object_get(group, "tests");
	size_t i;
	json_t *test;

	c->groups++;
	oa_result_init(&r);
	if (jwk == NULL)
		oa_fail(&r, OA_REJECTED, "group has no public key the test can read");
	else
		have_key = oa_jwk_import(jwk, &key, &r) == OA_OK;
	if (!have_key) {
		c->keys_refused++;
		print_message("# group %d: key refused: %s\n", c->groups, r.reason);
	}
	assert_true(json_array_size(tests) > 0);
	json_array_foreach(tests, i, test)
		check_test(alg, have_key ? &key : NULL, test, c);
	if (have_key)
		oa_jwk_clear(&key);
	json_decref(jwk);
}

static void
test_wycheproof_file(void **state)
{
	const struct vector_file *f = *state;
	char relpath[128];
	json_t *root, *groups, *group;
	struct counts c = { 0 };
	size_t i;

	snprintf(relpath, sizeof(relpath), "%s", f->name);
	root = tk_load_vector(vector_dir, relpath);
	groups = json_object_get(root, "testGroups");
	assert_true(json_array_size(groups) > 0);
	json_array_foreach(groups, i, group)
		check_group(f->alg, group, &c);
	print_message("# %s (%s): valid %d/%d verified, invalid %d/%d refused, "
		      "acceptable %d (%d verified, %d refused); %d groups, "
		      "%d keys written from publicKey, %d keys refused\n",
		      f->name, oa_alg_name(f->alg), c.valid_verified, c.valid,
		      c.invalid_refused, c.invalid, c.acceptable, c.acceptable_verified,
		      c.acceptable - c.acceptable_verified, c.groups, c.keys_from_point,
		      c.keys_refused);
	/* numberOfTests guards against a test silently not being read */
	assert_int_equal(c.valid + c.invalid + c.acceptable,
			 json_integer_value(json_object_get(root, "numberOfTests")));
	json_decref(root);
	if (c.wrong > 0)
		fail_msg("%s: %d tests went the wrong way (listed above)", f->name, c.wrong);
}

/* A vector file nobody listed above would otherwise never run.  Only
 * for the shared folder, which holds exactly these files: a checkout
 * named by WYCHEPROOF_DIR holds every algorithm Wycheproof covers. */
static void
test_wycheproof_every_vector_file_is_listed(void **state)
{
	const char *path = vector_dir;
	DIR *dir = opendir(path);
	struct dirent *entry;
	int seen = 0;

	(void)state;
	if (dir == NULL)
		fail_msg("cannot open the vector folder %s", path);
	while ((entry = readdir(dir)) != NULL) {
		size_t len = strlen(entry->d_name);
		bool listed = false;

		if (len < 5 || strcmp(entry->d_name + len - 5, ".json") != 0)
			continue;
		for (size_t i = 0; i < FILE_COUNT; i++)
			listed = listed || strcmp(files[i].name, entry->d_name) == 0;
		if (!listed)
			fail_msg("%s/%s has no algorithm in the test's table", path,
				 entry->d_name);
		seen++;
	}
	closedir(dir);
	assert_int_equal(seen, FILE_COUNT);
}

int
main(void)
{
	struct CMUnitTest tests[1 + FILE_COUNT] = {
		cmocka_unit_test(test_wycheproof_every_vector_file_is_listed),
	};
	const char *names[1 + FILE_COUNT] = { tests[0].name };
	/* with WYCHEPROOF_DIR set, the listing test is left out (above) */
	const char *own_dir = getenv("WYCHEPROOF_DIR");
	size_t first = own_dir != NULL && own_dir[0] != '\0' ? 1 : 0;
	int failed;

	/* one test per file, named after it */
	for (size_t i = 0; i < FILE_COUNT; i++) {
		tests[1 + i].name = files[i].name;
		tests[1 + i].test_func = test_wycheproof_file;
		tests[1 + i].initial_state = (void *)&files[i];
		names[1 + i] = files[i].name;
	}
	vector_dir = tk_vector_dir("WYCHEPROOF_DIR", "wycheproof");
	if (!tk_vectors_present(vector_dir, "WYCHEPROOF_DIR",
				"Wycheproof vectors (C2SP/wycheproof, folder testvectors_v1)",
				names + first, 1 + FILE_COUNT - first)) {
		free(vector_dir);
		return 0;
	}
	failed = _cmocka_run_group_tests("wycheproof", tests + first, 1 + FILE_COUNT - first,
					 NULL, NULL);
	free(vector_dir);
	return failed;
}
