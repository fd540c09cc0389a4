#include "jwk.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <stdlib.h>
#include <string.h>

#include "base64url.h"
#include "bounds.h"

#define RSA_MIN_BITS 2048

/* A base64url member decoded; absent, non-string or non-canonical is a
 * refusal naming the member. */
static enum oa_status
member_bytes(const json_t *jwk, const char *name, unsigned char **out,
	     size_t *len, struct oa_result *r)
{
	const json_t *v = json_object_get(jwk, name);

	*out = NULL;
	if (!json_is_string(v))
		return oa_fail(r, OA_REJECTED, "JWK member \"%s\" is missing or not a string", name);
	if (!oa_base64url_decode(json_string_value(v), json_string_length(v), out, len))
		return oa_fail(r, OA_REJECTED, "JWK member \"%s\" is not canonical base64url", name);
	return OA_OK;
}

static EVP_PKEY *
pkey_from_params(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *pkey = NULL;

	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pkey;
}

static enum oa_status
import_rsa(const json_t *jwk, struct oa_jwk *key, struct oa_result *r)
{
	unsigned char *n = NULL, *e = NULL;
	size_t n_len = 0, e_len = 0;
	BIGNUM *bn_n = NULL, *bn_e = NULL;
	OSSL_PARAM_BLD *bld = NULL;

	if (member_bytes(jwk, "n", &n, &n_len, r) != OA_OK ||
	    member_bytes(jwk, "e", &e, &e_len, r) != OA_OK)
		goto out;
	/* RFC 7518 section 6.3.1: minimal encodings, so one key has one form. */
	if (n_len == 0 || e_len == 0 || n[0] == 0 || e[0] == 0) {
		oa_fail(r, OA_REJECTED, "JWK RSA n or e is empty or has leading zeros");
		goto out;
	}
	bn_n = BN_bin2bn(n, (int)n_len, NULL);
	bn_e = BN_bin2bn(e, (int)e_len, NULL);
	if (bn_n == NULL || bn_e == NULL) {
		oa_fail(r, OA_INTERNAL, "out of memory");
		goto out;
	}
	key->rsa_bits = BN_num_bits(bn_n);
	if (key->rsa_bits < RSA_MIN_BITS) {
		oa_fail(r, OA_REJECTED, "JWK RSA key of %d bits is under %d", key->rsa_bits,
			RSA_MIN_BITS);
		goto out;
	}
	if (!BN_is_odd(bn_e) || BN_cmp(bn_e, BN_value_one()) <= 0) {
		oa_fail(r, OA_REJECTED, "JWK RSA exponent must be odd and at least 3");
		goto out;
	}
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) ||
	    (key->pkey = pkey_from_params("RSA", bld)) == NULL)
		oa_fail(r, OA_REJECTED, "JWK RSA key is not usable");
out:
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn_n);
	BN_free(bn_e);
	free(n);
	free(e);
	return r->status;
}

struct curve {
	const char *crv;      /* JWK name */
	const char *group;    /* OpenSSL group name */
	int nid;
	size_t field_bytes;
};

static const struct curve curves[] = {
	{ "P-256", "prime256v1", NID_X9_62_prime256v1, 32 },
	{ "P-384", "secp384r1", NID_secp384r1, 48 },
	{ "P-521", "secp521r1", NID_secp521r1, 66 },
};

static enum oa_status
import_ec(const json_t *jwk, struct oa_jwk *key, struct oa_result *r)
{
	const json_t *crv = json_object_get(jwk, "crv");
	const struct curve *curve = NULL;
	unsigned char *x = NULL, *y = NULL, point[1 + 2 * 66];
	size_t x_len = 0, y_len = 0;
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY_CTX *check = NULL;

	for (size_t i = 0; json_is_string(crv) && i < sizeof(curves) / sizeof(curves[0]); i++)
		if (strcmp(json_string_value(crv), curves[i].crv) == 0)
			curve = &curves[i];
	if (curve == NULL)
		return oa_fail(r, OA_REJECTED, "JWK EC crv is missing or not P-256, P-384 or P-521");
	if (member_bytes(jwk, "x", &x, &x_len, r) != OA_OK ||
	    member_bytes(jwk, "y", &y, &y_len, r) != OA_OK)
		goto out;
	if (x_len != curve->field_bytes || y_len != curve->field_bytes) {
		oa_fail(r, OA_REJECTED, "JWK EC x or y is not %zu bytes", curve->field_bytes);
		goto out;
	}
	point[0] = 0x04; /* uncompressed point (SEC 1 section 2.3.3) */
	memcpy(point + 1, x, x_len);
	memcpy(point + 1 + x_len, y, y_len);
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, curve->group, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + x_len + y_len) ||
	    (key->pkey = pkey_from_params("EC", bld)) == NULL) {
		oa_fail(r, OA_REJECTED, "JWK EC point is not usable");
		goto out;
	}
	/* An off-curve point is the invalid-curve attack's way in. */
	check = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
	if (check == NULL || EVP_PKEY_public_check(check) != 1) {
		oa_fail(r, OA_REJECTED, "JWK EC point is not on the curve");
		goto out;
	}
	key->curve_nid = curve->nid;
out:
	EVP_PKEY_CTX_free(check);
	OSSL_PARAM_BLD_free(bld);
	free(x);
	free(y);
	return r->status;
}

static enum oa_status
import_okp(const json_t *jwk, struct oa_jwk *key, struct oa_result *r)
{
	const json_t *crv = json_object_get(jwk, "crv");
	unsigned char *x = NULL;
	size_t x_len = 0;

	if (!json_is_string(crv) || strcmp(json_string_value(crv), "Ed25519") != 0)
		return oa_fail(r, OA_REJECTED, "JWK OKP crv is missing or not Ed25519");
	if (member_bytes(jwk, "x", &x, &x_len, r) != OA_OK)
		return r->status;
	if (x_len != 32)
		oa_fail(r, OA_REJECTED, "JWK Ed25519 x is not 32 bytes");
	else if ((key->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, 32)) == NULL)
		oa_fail(r, OA_REJECTED, "JWK Ed25519 key is not usable");
	else
		key->curve_nid = NID_ED25519;
	free(x);
	return r->status;
}

/* "use" and "key_ops" (RFC 7517 sections 4.2, 4.3) say what a key is for. */
static enum oa_status
read_purpose(const json_t *jwk, struct oa_jwk *key, struct oa_result *r)
{
	const json_t *use = json_object_get(jwk, "use");
	const json_t *ops = json_object_get(jwk, "key_ops");
	const json_t *alg = json_object_get(jwk, "alg");
	const json_t *kid = json_object_get(jwk, "kid");

	key->for_signatures = true;
	if (use != NULL) {
		if (!json_is_string(use))
			return oa_fail(r, OA_REJECTED, "JWK \"use\" is not a string");
		key->for_signatures = strcmp(json_string_value(use), "sig") == 0;
	}
	if (ops != NULL) {
		size_t i;
		const json_t *op;
		bool verify = false;

		if (!json_is_array(ops))
			return oa_fail(r, OA_REJECTED, "JWK \"key_ops\" is not an array");
		json_array_foreach(ops, i, op) {
			if (!json_is_string(op))
				return oa_fail(r, OA_REJECTED, "JWK \"key_ops\" holds a non-string");
			verify = verify || strcmp(json_string_value(op), "verify") == 0;
		}
		key->for_signatures = key->for_signatures && verify;
	}
	if (alg != NULL) {
		if (!json_is_string(alg) ||
		    !oa_alg_parse(json_string_value(alg), json_string_length(alg), &key->alg))
			return oa_fail(r, OA_REJECTED, "JWK \"alg\" is not a supported algorithm");
		key->has_alg = true;
	}
	if (kid != NULL) {
		if (!json_is_string(kid) || strlen(json_string_value(kid)) != json_string_length(kid))
			return oa_fail(r, OA_REJECTED, "JWK \"kid\" is not a string");
		key->kid = strdup(json_string_value(kid));
		if (key->kid == NULL)
			return oa_fail(r, OA_INTERNAL, "out of memory");
	}
	return OA_OK;
}

enum oa_status
oa_jwk_import(const json_t *jwk, struct oa_jwk *out, struct oa_result *r)
{
	static const char *const private_members[] = { "d", "p", "q", "dp", "dq", "qi", "oth", "k" };
	const json_t *kty = json_object_get(jwk, "kty");
	const char *type;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(jwk))
		return oa_fail(r, OA_REJECTED, "JWK is not a JSON object");
	if (!json_is_string(kty))
		return oa_fail(r, OA_REJECTED, "JWK has no \"kty\" string");
	for (size_t i = 0; i < sizeof(private_members) / sizeof(private_members[0]); i++)
		if (json_object_get(jwk, private_members[i]) != NULL)
			return oa_fail(r, OA_REJECTED,
				       "JWK holds private member \"%s\": only public keys belong in a JWKS",
				       private_members[i]);
	if (read_purpose(jwk, out, r) != OA_OK)
		goto fail;
	type = json_string_value(kty);
	if (strcmp(type, "RSA") == 0) {
		out->kty = OA_KTY_RSA;
		import_rsa(jwk, out, r);
	} else if (strcmp(type, "EC") == 0) {
		out->kty = OA_KTY_EC;
		import_ec(jwk, out, r);
	} else if (strcmp(type, "OKP") == 0) {
		out->kty = OA_KTY_OKP;
		import_okp(jwk, out, r);
	} else {
		oa_fail(r, OA_REJECTED, "JWK kty is not RSA, EC or OKP");
	}
	if (r->status == OA_OK)
		return OA_OK;
fail:
	ERR_clear_error();
	oa_jwk_clear(out);
	return r->status;
}

enum oa_status
oa_jwk_from_secret(const unsigned char *secret, size_t len, struct oa_jwk *out,
		   struct oa_result *r)
{
	memset(out, 0, sizeof(*out));
	if (len == 0)
		return oa_fail(r, OA_CONFIG, "the HMAC secret is empty");
	out->secret = malloc(len);
	if (out->secret == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	memcpy(out->secret, secret, len);
	out->secret_len = len;
	out->kty = OA_KTY_OCT;
	out->for_signatures = true;
	return OA_OK;
}

static bool
kty_fits(const struct oa_jwk *key, enum oa_alg alg)
{
	switch (alg) {
	case OA_ALG_RS256: case OA_ALG_RS384: case OA_ALG_RS512:
	case OA_ALG_PS256: case OA_ALG_PS384: case OA_ALG_PS512:
		return key->kty == OA_KTY_RSA;
	case OA_ALG_ES256:
		return key->kty == OA_KTY_EC && key->curve_nid == NID_X9_62_prime256v1;
	case OA_ALG_ES384:
		return key->kty == OA_KTY_EC && key->curve_nid == NID_secp384r1;
	case OA_ALG_ES512:
		return key->kty == OA_KTY_EC && key->curve_nid == NID_secp521r1;
	case OA_ALG_EDDSA:
		return key->kty == OA_KTY_OKP && key->curve_nid == NID_ED25519;
	case OA_ALG_HS256:
		return key->kty == OA_KTY_OCT && key->secret_len >= 32;
	case OA_ALG_HS384:
		return key->kty == OA_KTY_OCT && key->secret_len >= 48;
	case OA_ALG_HS512:
		return key->kty == OA_KTY_OCT && key->secret_len >= 64;
	case OA_ALG_COUNT:
		break;
	}
	return false;
}

bool
oa_jwk_fits(const struct oa_jwk *key, enum oa_alg alg, struct oa_result *r)
{
	if (!key->for_signatures) {
		oa_fail(r, OA_REJECTED, "key is not for signatures (use/key_ops)");
		return false;
	}
	if (key->has_alg && key->alg != alg) {
		oa_fail(r, OA_REJECTED, "key is for alg %s, the token says %s",
			oa_alg_name(key->alg), oa_alg_name(alg));
		return false;
	}
	if (!kty_fits(key, alg)) {
		oa_fail(r, OA_REJECTED, oa_alg_is_hmac(alg) ?
			"HMAC secret is shorter than the %s hash" :
			"key type or curve does not fit alg %s", oa_alg_name(alg));
		return false;
	}
	return true;
}

void
oa_jwk_clear(struct oa_jwk *key)
{
	EVP_PKEY_free(key->pkey);
	free(key->kid);
	if (key->secret != NULL) {
		explicit_bzero(key->secret, key->secret_len);
		free(key->secret);
	}
	memset(key, 0, sizeof(*key));
}
