/* SPDX-License-Identifier: MIT */
/* Test keys and tokens signed with them, shared by the unit tests. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "testkeys.h"

char *
tk_b64url(const unsigned char *in, size_t len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char *out = malloc(len / 3 * 4 + 5);
	size_t n = 0;
	uint32_t acc = 0;
	unsigned bits = 0;

	assert_non_null(out);
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[n++] = alphabet[(acc >> bits) & 63];
		}
	}
	if (bits > 0)
		out[n++] = alphabet[(acc << (6 - bits)) & 63];
	out[n] = '\0';
	return out;
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	fail_msg("bad hex digit '%c'", c);
	return -1;
}

unsigned char *
tk_hex(const char *hex, size_t *len)
{
	size_t n = strlen(hex);
	unsigned char *out = malloc(n / 2 + 1);

	assert_non_null(out);
	assert_int_equal(n % 2, 0);
	for (size_t i = 0; i < n / 2; i++)
		out[i] = (unsigned char)(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
	*len = n / 2;
	return out;
}

EVP_PKEY *
tk_keygen(const char *type, const char *curve, unsigned bits)
{
	EVP_PKEY *pkey;

	if (strcmp(type, "RSA") == 0)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, type, (size_t)bits);
	else if (strcmp(type, "EC") == 0)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, type, curve);
	else
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, type);
	assert_non_null(pkey);
	return pkey;
}

static void
set_b64url(json_t *jwk, const char *name, const unsigned char *bytes,
	   size_t len)
{
	char *text = tk_b64url(bytes, len);

	assert_int_equal(json_object_set_new(jwk, name, json_string(text)), 0);
	free(text);
}

/* Big-endian, minimal length, or left-padded to `width` when non-zero. */
static void
set_bn(json_t *jwk, const char *name, EVP_PKEY *pkey, const char *param,
       int width)
{
	BIGNUM *bn = NULL;
	unsigned char buf[1024];
	int len;

	assert_int_equal(EVP_PKEY_get_bn_param(pkey, param, &bn), 1);
	len = width > 0 ? BN_bn2binpad(bn, buf, width) : BN_bn2bin(bn, buf);
	assert_true(len > 0);
	set_b64url(jwk, name, buf, (size_t)len);
	BN_free(bn);
}

void
tk_keys_make(struct tk_keys *k)
{
	k->rsa = tk_keygen("RSA", NULL, 2048);
	k->p256 = tk_keygen("EC", "P-256", 0);
	k->p384 = tk_keygen("EC", "P-384", 0);
	k->p521 = tk_keygen("EC", "P-521", 0);
	k->ed25519 = tk_keygen("ED25519", NULL, 0);
}

void
tk_keys_free(struct tk_keys *k)
{
	EVP_PKEY_free(k->rsa);
	EVP_PKEY_free(k->p256);
	EVP_PKEY_free(k->p384);
	EVP_PKEY_free(k->p521);
	EVP_PKEY_free(k->ed25519);
}

const char *
tk_jwk_crv(const char *curve)
{
	if (strcmp(curve, "prime256v1") == 0 || strcmp(curve, "secp256r1") == 0)
		return "P-256";
	if (strcmp(curve, "secp384r1") == 0)
		return "P-384";
	if (strcmp(curve, "secp521r1") == 0)
		return "P-521";
	return NULL;
}

json_t *
tk_public_jwk(EVP_PKEY *pkey)
{
	json_t *jwk = json_object();

	assert_non_null(jwk);
	if (EVP_PKEY_is_a(pkey, "RSA")) {
		json_object_set_new(jwk, "kty", json_string("RSA"));
		set_bn(jwk, "n", pkey, OSSL_PKEY_PARAM_RSA_N, 0);
		set_bn(jwk, "e", pkey, OSSL_PKEY_PARAM_RSA_E, 0);
	} else if (EVP_PKEY_is_a(pkey, "EC")) {
		char group[32];
		int field = (EVP_PKEY_get_bits(pkey) + 7) / 8;

		assert_int_equal(EVP_PKEY_get_utf8_string_param(pkey,
			OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), NULL), 1);
		json_object_set_new(jwk, "kty", json_string("EC"));
		assert_non_null(tk_jwk_crv(group));
		json_object_set_new(jwk, "crv", json_string(tk_jwk_crv(group)));
		set_bn(jwk, "x", pkey, OSSL_PKEY_PARAM_EC_PUB_X, field);
		set_bn(jwk, "y", pkey, OSSL_PKEY_PARAM_EC_PUB_Y, field);
	} else {
		unsigned char raw[32];
		size_t len = sizeof(raw);

		assert_true(EVP_PKEY_is_a(pkey, "ED25519"));
		assert_int_equal(EVP_PKEY_get_raw_public_key(pkey, raw, &len), 1);
		json_object_set_new(jwk, "kty", json_string("OKP"));
		json_object_set_new(jwk, "crv", json_string("Ed25519"));
		set_b64url(jwk, "x", raw, len);
	}
	return jwk;
}

void
tk_import(const json_t *jwk, struct oa_jwk *out)
{
	struct oa_result r;

	oa_result_init(&r);
	if (oa_jwk_import(jwk, out, &r) != OA_OK)
		fail_msg("JWK refused: %s", r.reason);
}

/* OpenSSL's DER ECDSA signature to JWS's fixed-width r||s. */
static unsigned char *
ecdsa_raw(const unsigned char *der, size_t der_len, size_t half, size_t *len)
{
	const unsigned char *p = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	unsigned char *raw = malloc(2 * half);

	assert_non_null(es);
	assert_non_null(raw);
	assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, (int)half), half);
	assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + half, (int)half), half);
	ECDSA_SIG_free(es);
	*len = 2 * half;
	return raw;
}

unsigned char *
tk_sign_as(EVP_PKEY *pkey, enum oa_alg alg, int pss_salt_len, bool ecdsa_der,
	   const void *msg, size_t msg_len, size_t *sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *sig, *raw;
	size_t len = 0;

	assert_non_null(ctx);
	assert_int_equal(EVP_DigestSignInit(ctx, &pctx, oa_alg_md(alg), NULL, pkey), 1);
	if (oa_alg_family(alg) == OA_FAMILY_RSA_PSS) {
		assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
		assert_int_equal(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, oa_alg_md(alg)), 1);
		assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, pss_salt_len), 1);
	}
	assert_int_equal(EVP_DigestSign(ctx, NULL, &len, msg, msg_len), 1);
	sig = malloc(len);
	assert_non_null(sig);
	assert_int_equal(EVP_DigestSign(ctx, sig, &len, msg, msg_len), 1);
	EVP_MD_CTX_free(ctx);
	*sig_len = len;
	if (oa_alg_family(alg) != OA_FAMILY_ECDSA || ecdsa_der)
		return sig;
	raw = ecdsa_raw(sig, len, (size_t)(EVP_PKEY_get_bits(pkey) + 7) / 8, sig_len);
	free(sig);
	return raw;
}

unsigned char *
tk_sign(EVP_PKEY *pkey, enum oa_alg alg, const void *msg, size_t msg_len,
	size_t *sig_len)
{
	return tk_sign_as(pkey, alg, (int)oa_alg_hash_bytes(alg), false, msg,
			  msg_len, sig_len);
}

char *
tk_vector_dir(const char *env_name, const char *subdir)
{
	const char *dir = getenv(env_name);
	const char *base = getenv("OA_VECTORS_DIR");
	char *path;

	if (dir != NULL && dir[0] != '\0') {
		path = strdup(dir);
		assert_non_null(path);
		return path;
	}
	if (base == NULL || base[0] == '\0')
		return NULL;
	path = malloc(strlen(base) + strlen(subdir) + 2);
	assert_non_null(path);
	sprintf(path, "%s/%s", base, subdir);
	return path;
}

bool
tk_vectors_present(const char *dir, const char *env_name, const char *what,
		   const char *const names[], size_t count)
{
	struct stat st;

	if (dir != NULL && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return true;
	/* cmocka 1.1 prints a skipped test as "not ok", which TAP readers
	 * count as a failure: the plan is written here instead. */
	printf("1..%zu\n", count);
	printf("# no %s in %s: these tests are skipped. Set %s to that folder "
	       "(meson test passes the environment on) to run them.\n", what,
	       dir != NULL ? dir : "(OA_VECTORS_DIR and the variable both unset)",
	       env_name);
	for (size_t i = 0; i < count; i++)
		printf("ok %zu - %s # SKIP %s not found (set %s)\n", i + 1, names[i],
		       what, env_name);
	return false;
}

json_t *
tk_load_vector(const char *dir, const char *relpath)
{
	char *path = malloc(strlen(dir) + strlen(relpath) + 2);
	json_error_t err;
	json_t *root;

	assert_non_null(path);
	sprintf(path, "%s/%s", dir, relpath);
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	/* the folder is there, so a file missing from it is an error: a
	 * partial checkout would otherwise pass with tests unrun */
	if (root == NULL)
		fail_msg("cannot read test vectors %s: %s", path, err.text);
	free(path);
	return root;
}
