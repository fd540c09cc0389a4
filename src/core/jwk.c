/* SPDX-License-Identifier: MIT */
/* One published JWK turned into an OpenSSL public key, or refused with the reason. */

#include "jwk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "base64url.h"
#include "bounds.h"
#include "json.h"
#include "roca.h"

/* Private and symmetric key material (RFC 7518 6.2.2, 6.3.2, 6.4.1; RFC
 * 8037 2).  An issuer publishing any of these has leaked a key; using the
 * public half as if nothing happened would hide that. */
/* clang-format off */
static const char *const private_members[] = {
	"d", "p", "q", "dp", "dq", "qi", "oth", "k",
};

/* The public members oa_jwk_import reads (oa_jwk_kept). */
static const char *const read_members[] = {
	"kty", "kid", "use", "key_ops", "alg", "n", "e", "crv", "x", "y",
};
/* clang-format on */

struct ec_curve {
	const char *crv;   /* JWK name, RFC 7518 6.2.1.1 */
	const char *group; /* OpenSSL's name */
	int nid;
	size_t field_bytes; /* x and y are exactly this long (6.2.1.2) */
};

static const struct ec_curve ec_curves[] = {
	{ "P-256", "prime256v1", NID_X9_62_prime256v1, 32 },
	{ "P-384", "secp384r1", NID_secp384r1, 48 },
	{ "P-521", "secp521r1", NID_secp521r1, 66 },
};

#define ED25519_KEY_BYTES 32

static bool
json_string_is(const json_t *s, const char *want)
{
	return oa_json_string_equals(s, want, strlen(want));
}

/* `*out` is the member, or NULL when it is absent and not required. */
static enum oa_status
string_member(const json_t *jwk, const char *name, bool required,
	      const json_t **out, struct oa_result *r)
{
	const json_t *v = json_object_get(jwk, name);

	*out = NULL;
	if (v == NULL)
		return required ? oa_fail(r, OA_REJECTED, "JWK has no \"%s\"", name) : OA_OK;
	if (!json_is_string(v))
		return oa_fail(r, OA_REJECTED, "JWK member \"%s\" is not a string",
			       name);
	*out = v;
	return OA_OK;
}

/* A required, non-empty base64url member: an integer or a coordinate. */
static enum oa_status
bytes_member(const json_t *jwk, const char *name, unsigned char **out,
	     size_t *len, struct oa_result *r)
{
	const json_t *v;
	enum oa_status s = string_member(jwk, name, true, &v, r);

	*out = NULL;
	*len = 0;
	if (s != OA_OK)
		return s;
	if (!oa_base64url_decode(json_string_value(v), json_string_length(v),
				 out, len))
		return oa_fail(r, OA_REJECTED,
			       "JWK member \"%s\" is not canonical base64url", name);
	if (*len == 0)
		return oa_fail(r, OA_REJECTED, "JWK member \"%s\" is empty", name);
	return OA_OK;
}

/* Builds a public key of OpenSSL `type` from `bld`; `refusal` is the reason
 * when OpenSSL finds the values themselves unacceptable. */
static enum oa_status
public_key_from_params(const char *type, OSSL_PARAM_BLD *bld,
		       const char *refusal, EVP_PKEY **out, struct oa_result *r)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	enum oa_status s = OA_OK;

	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1)
		s = oa_fail(r, OA_INTERNAL, "OpenSSL could not build a %s key", type);
	else if (EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) != 1)
		s = oa_fail(r, OA_REJECTED, "%s", refusal);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return s;
}

static int
bit_length(unsigned char top_byte)
{
	int bits = 0;

	for (; top_byte != 0; top_byte >>= 1)
		bits++;
	return bits;
}

/* RFC 7518 6.3.1: n and e are unsigned big-endian integers "using the
 * minimum number of octets", so a leading zero is a non-canonical
 * encoding of the same key. */
static enum oa_status
check_rsa_numbers(const unsigned char *n, size_t n_len, const unsigned char *e,
		  size_t e_len, int *bits, struct oa_result *r)
{
	if (n[0] == 0)
		return oa_fail(r, OA_REJECTED, "JWK member \"n\" has a leading zero byte");
	if (e[0] == 0)
		return oa_fail(r, OA_REJECTED, "JWK member \"e\" has a leading zero byte");
	if (n_len > OA_MAX_RSA_BITS / 8)
		return oa_fail(r, OA_REJECTED, "RSA modulus is over %d bits",
			       OA_MAX_RSA_BITS);
	*bits = (int)(n_len - 1) * 8 + bit_length(n[0]);
	if (*bits < OA_MIN_RSA_BITS)
		return oa_fail(r, OA_REJECTED, "RSA modulus of %d bits is under %d",
			       *bits, OA_MIN_RSA_BITS);
	if ((n[n_len - 1] & 1) == 0)
		return oa_fail(r, OA_REJECTED, "RSA modulus is even");
	if (e_len > OA_MAX_RSA_EXPONENT_BYTES)
		return oa_fail(r, OA_REJECTED, "RSA exponent is over %d bits",
			       OA_MAX_RSA_EXPONENT_BYTES * 8);
	if ((e[e_len - 1] & 1) == 0)
		return oa_fail(r, OA_REJECTED, "RSA exponent is even");
	if (e_len == 1 && e[0] < 3)
		return oa_fail(r, OA_REJECTED, "RSA exponent is under 3");
	return OA_OK;
}

static enum oa_status
import_rsa(const json_t *jwk, struct oa_jwk *out, struct oa_result *r)
{
	unsigned char *n = NULL, *e = NULL;
	size_t n_len, e_len;
	BIGNUM *bn_n = NULL, *bn_e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	enum oa_status s;

	s = bytes_member(jwk, "n", &n, &n_len, r);
	if (s == OA_OK)
		s = bytes_member(jwk, "e", &e, &e_len, r);
	if (s == OA_OK)
		s = check_rsa_numbers(n, n_len, e, e_len, &out->rsa_bits, r);
	if (s != OA_OK)
		goto done;
	bn_n = BN_bin2bn(n, (int)n_len, NULL);
	bn_e = BN_bin2bn(e, (int)e_len, NULL);
	bld = OSSL_PARAM_BLD_new();
	if (bn_n == NULL || bn_e == NULL || bld == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) != 1) {
		s = oa_fail(r, OA_INTERNAL, "out of memory building an RSA key");
		goto done;
	}
	if (oa_rsa_modulus_is_roca(bn_n)) {
		/* clang-format off */
		s = oa_fail(r, OA_REJECTED, "RSA modulus has the ROCA fingerprint "
			    "(CVE-2017-15361, Infineon RSALib): its private key can be "
			    "computed from it");
		/* clang-format on */
		goto done;
	}
	s = public_key_from_params("RSA", bld, "OpenSSL refused the RSA key",
				   &out->pkey, r);
done:
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn_n);
	BN_free(bn_e);
	free(n);
	free(e);
	return s;
}

static const struct ec_curve *
find_ec_curve(const json_t *crv)
{
	for (size_t i = 0; i < sizeof(ec_curves) / sizeof(ec_curves[0]); i++)
		if (json_string_is(crv, ec_curves[i].crv))
			return &ec_curves[i];
	return NULL;
}

/* A coordinate shorter than the field would be another encoding of the
 * same point (RFC 7518 6.2.1.2 requires the full length). */
static enum oa_status
coordinate_member(const json_t *jwk, const char *name,
		  const struct ec_curve *curve, unsigned char **out,
		  struct oa_result *r)
{
	size_t len;
	enum oa_status s = bytes_member(jwk, name, out, &len, r);

	if (s == OA_OK && len != curve->field_bytes)
		s = oa_fail(r, OA_REJECTED,
			    "JWK member \"%s\" is %zu bytes, %s needs %zu", name,
			    len, curve->crv, curve->field_bytes);
	return s;
}

static enum oa_status
import_ec(const json_t *jwk, struct oa_jwk *out, struct oa_result *r)
{
	const json_t *crv;
	const struct ec_curve *curve;
	unsigned char *x = NULL, *y = NULL, *point = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	char refusal[64];
	enum oa_status s = string_member(jwk, "crv", true, &crv, r);

	if (s != OA_OK)
		return s;
	curve = find_ec_curve(crv);
	if (curve == NULL)
		return oa_fail(r, OA_REJECTED,
			       "JWK member \"crv\" is not P-256, P-384 or P-521");
	s = coordinate_member(jwk, "x", curve, &x, r);
	if (s == OA_OK)
		s = coordinate_member(jwk, "y", curve, &y, r);
	if (s != OA_OK)
		goto done;
	/* SEC 1 2.3.3 uncompressed form: 0x04 || x || y */
	point = malloc(1 + 2 * curve->field_bytes);
	bld = OSSL_PARAM_BLD_new();
	if (point == NULL || bld == NULL) {
		s = oa_fail(r, OA_INTERNAL, "out of memory building an EC key");
		goto done;
	}
	point[0] = 0x04;
	memcpy(point + 1, x, curve->field_bytes);
	memcpy(point + 1 + curve->field_bytes, y, curve->field_bytes);
	if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					    curve->group, 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point,
					     1 + 2 * curve->field_bytes) != 1) {
		s = oa_fail(r, OA_INTERNAL, "out of memory building an EC key");
		goto done;
	}
	/* Public key validation (SP 800-56A 5.6.2.3.3; a point off the curve
	 * is the invalid-curve attack) happens in the decoding itself:
	 * EVP_PKEY_fromdata decodes the point with EC_POINT_oct2point, which
	 * refuses a coordinate of p or over ("invalid encoding") and a point
	 * off the curve, and the uncompressed form cannot name the point at
	 * infinity.  With cofactor 1 that is the whole validation, so
	 * EVP_PKEY_public_check_quick after it would only repeat it, at
	 * about 5 % of an ES256 validation.  That the decoding refuses is
	 * how OpenSSL works rather than what fromdata promises, so test_jwk
	 * holds it to each refusal, with points that reduced mod p would be
	 * on the curve. */
	snprintf(refusal, sizeof(refusal), "EC point is not a valid %s public key",
		 curve->crv);
	s = public_key_from_params("EC", bld, refusal, &out->pkey, r);
	if (s == OA_OK)
		out->curve_nid = curve->nid;
done:
	OSSL_PARAM_BLD_free(bld);
	free(point);
	free(x);
	free(y);
	return s;
}

static enum oa_status
import_okp(const json_t *jwk, struct oa_jwk *out, struct oa_result *r)
{
	const json_t *crv;
	unsigned char *x = NULL;
	size_t x_len;
	OSSL_PARAM_BLD *bld = NULL;
	enum oa_status s = string_member(jwk, "crv", true, &crv, r);

	if (s != OA_OK)
		return s;
	/* X25519 is for key agreement; Ed448 is not offered by issuers we
	 * know of and would need its own tests. */
	if (!json_string_is(crv, "Ed25519"))
		return oa_fail(r, OA_REJECTED, "JWK member \"crv\" is not Ed25519");
	s = bytes_member(jwk, "x", &x, &x_len, r);
	if (s == OA_OK && x_len != ED25519_KEY_BYTES)
		s = oa_fail(r, OA_REJECTED, "JWK member \"x\" is %zu bytes, Ed25519 needs %d",
			    x_len, ED25519_KEY_BYTES);
	if (s != OA_OK)
		goto done;
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, x,
					     x_len) != 1) {
		s = oa_fail(r, OA_INTERNAL, "out of memory building an Ed25519 key");
		goto done;
	}
	s = public_key_from_params("ED25519", bld, "OpenSSL refused the Ed25519 key",
				   &out->pkey, r);
	if (s == OA_OK)
		out->curve_nid = NID_ED25519;
done:
	OSSL_PARAM_BLD_free(bld);
	free(x);
	return s;
}

/* kid is later compared with the token's kid as a C string: an embedded
 * NUL would make "a\u0000b" match "a". */
static enum oa_status
import_kid(const json_t *jwk, struct oa_jwk *out, struct oa_result *r)
{
	const json_t *kid;
	enum oa_status s = string_member(jwk, "kid", false, &kid, r);

	if (s != OA_OK || kid == NULL)
		return s;
	if (strlen(json_string_value(kid)) != json_string_length(kid))
		return oa_fail(r, OA_REJECTED, "JWK member \"kid\" holds a NUL character");
	out->kid = strdup(json_string_value(kid));
	if (out->kid == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	return OA_OK;
}

static enum oa_status
import_alg(const json_t *jwk, struct oa_jwk *out, struct oa_result *r)
{
	const json_t *alg;
	enum oa_status s = string_member(jwk, "alg", false, &alg, r);

	if (s != OA_OK || alg == NULL)
		return s;
	if (!oa_alg_parse(json_string_value(alg), json_string_length(alg),
			  &out->alg))
		return oa_fail(r, OA_REJECTED,
			       "JWK member \"alg\" is not a supported algorithm");
	out->has_alg = true;
	return OA_OK;
}

/* RFC 7517 4.2 and 4.3: a key published for encryption, or whose key_ops
 * leave out "verify", must not verify tokens even if everything else
 * about it fits. */
static enum oa_status
import_usage(const json_t *jwk, struct oa_jwk *out, struct oa_result *r)
{
	const json_t *use, *ops = json_object_get(jwk, "key_ops");
	bool ops_verify = false;
	enum oa_status s = string_member(jwk, "use", false, &use, r);
	size_t i;
	json_t *op;

	if (s != OA_OK)
		return s;
	if (ops != NULL && !json_is_array(ops))
		return oa_fail(r, OA_REJECTED, "JWK member \"key_ops\" is not an array");
	json_array_foreach(ops, i, op) {
		if (!json_is_string(op))
			return oa_fail(r, OA_REJECTED,
				       "JWK member \"key_ops\" holds a non-string");
		if (json_string_is(op, "verify"))
			ops_verify = true;
	}
	out->for_signatures = (use == NULL || json_string_is(use, "sig")) &&
			      (ops == NULL || ops_verify);
	return OA_OK;
}

static enum oa_status
import_key(const json_t *jwk, struct oa_jwk *out, struct oa_result *r)
{
	const json_t *kty;
	enum oa_status s;

	if (!json_is_object(jwk))
		return oa_fail(r, OA_REJECTED, "JWK is not a JSON object");
	for (size_t i = 0; i < sizeof(private_members) / sizeof(private_members[0]); i++)
		if (json_object_get(jwk, private_members[i]) != NULL)
			return oa_fail(r, OA_REJECTED,
				       "JWK has private member \"%s\"",
				       private_members[i]);
	s = string_member(jwk, "kty", true, &kty, r);
	if (s == OA_OK)
		s = import_kid(jwk, out, r);
	if (s == OA_OK)
		s = import_alg(jwk, out, r);
	if (s == OA_OK)
		s = import_usage(jwk, out, r);
	if (s != OA_OK)
		return s;
	if (json_string_is(kty, "RSA")) {
		out->kty = OA_KTY_RSA;
		return import_rsa(jwk, out, r);
	}
	if (json_string_is(kty, "EC")) {
		out->kty = OA_KTY_EC;
		return import_ec(jwk, out, r);
	}
	if (json_string_is(kty, "OKP")) {
		out->kty = OA_KTY_OKP;
		return import_okp(jwk, out, r);
	}
	/* A JWKS is public; an HMAC key in it would let anyone who reads
	 * it forge tokens, so it is refused even without "k". */
	if (json_string_is(kty, "oct"))
		return oa_fail(r, OA_REJECTED,
			       "JWK of kty \"oct\" refused: HMAC keys never come from a JWKS");
	return oa_fail(r, OA_REJECTED, "JWK member \"kty\" is not RSA, EC or OKP");
}

enum oa_status
oa_jwk_import(const json_t *jwk, struct oa_jwk *out, struct oa_result *r)
{
	enum oa_status s;

	memset(out, 0, sizeof(*out));
	s = import_key(jwk, out, r);
	if (s != OA_OK)
		oa_jwk_clear(out);
	/* Nothing of a refused key may surface in the host's own later
	 * OpenSSL calls (libpq, sshd). */
	ERR_clear_error();
	return s;
}

enum oa_status
oa_jwk_from_secret(const unsigned char *secret, size_t len, struct oa_jwk *out,
		   struct oa_result *r)
{
	memset(out, 0, sizeof(*out));
	if (secret == NULL || len == 0)
		return oa_fail(r, OA_CONFIG, "HMAC secret is empty");
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
key_type_fits(const struct oa_jwk *key, enum oa_alg alg)
{
	switch (oa_alg_family(alg)) {
	case OA_FAMILY_RSA_PKCS1:
	case OA_FAMILY_RSA_PSS:
		return key->kty == OA_KTY_RSA && key->pkey != NULL;
	case OA_FAMILY_ECDSA:
		return key->kty == OA_KTY_EC && key->pkey != NULL &&
		       key->curve_nid == (alg == OA_ALG_ES256 ? NID_X9_62_prime256v1 :
					  alg == OA_ALG_ES384 ? NID_secp384r1 :
								NID_secp521r1);
	case OA_FAMILY_EDDSA:
		return key->kty == OA_KTY_OKP && key->pkey != NULL &&
		       key->curve_nid == NID_ED25519;
	case OA_FAMILY_HMAC:
		return key->kty == OA_KTY_OCT && key->secret != NULL;
	}
	return false;
}

/* For reasons: the JWK's own words for the key type or curve. */
static const char *
key_type_name(const struct oa_jwk *key)
{
	/* clang-format off */
	static const char *const kty_names[] = {
		[OA_KTY_RSA] = "RSA", [OA_KTY_EC] = "EC",
		[OA_KTY_OKP] = "OKP", [OA_KTY_OCT] = "oct",
	};
	/* clang-format on */

	for (size_t i = 0; i < sizeof(ec_curves) / sizeof(ec_curves[0]); i++)
		if (key->kty == OA_KTY_EC && key->curve_nid == ec_curves[i].nid)
			return ec_curves[i].crv;
	if (key->kty == OA_KTY_OKP && key->curve_nid == NID_ED25519)
		return "Ed25519";
	return kty_names[key->kty];
}

bool
oa_jwk_fits(const struct oa_jwk *key, enum oa_alg alg, struct oa_result *r)
{
	if (key == NULL || (unsigned)alg >= OA_ALG_COUNT) {
		oa_fail(r, OA_REJECTED, "no key or no known algorithm");
		return false;
	}
	if (!key->for_signatures) {
		oa_fail(r, OA_REJECTED, "key is not for signatures (use/key_ops)");
		return false;
	}
	if (key->has_alg && key->alg != alg) {
		oa_fail(r, OA_REJECTED, "key is for %s, not %s",
			oa_alg_name(key->alg), oa_alg_name(alg));
		return false;
	}
	if (!key_type_fits(key, alg)) {
		oa_fail(r, OA_REJECTED, "%s key cannot verify %s", key_type_name(key),
			oa_alg_name(alg));
		return false;
	}
	/* RFC 7518 3.2: a shorter HMAC key is brute-forceable below the
	 * strength the algorithm name promises. */
	if (oa_alg_is_hmac(alg) && key->secret_len < oa_alg_hash_bytes(alg)) {
		oa_fail(r, OA_REJECTED, "HMAC secret of %zu bytes is under the %zu %s needs",
			key->secret_len, oa_alg_hash_bytes(alg), oa_alg_name(alg));
		return false;
	}
	return true;
}

void
oa_jwk_clear(struct oa_jwk *key)
{
	free(key->kid);
	EVP_PKEY_free(key->pkey);
	if (key->secret != NULL) {
		OPENSSL_cleanse(key->secret, key->secret_len);
		free(key->secret);
	}
	memset(key, 0, sizeof(*key));
}

json_t *
oa_jwk_kept(const json_t *jwk)
{
	size_t n_private = sizeof(private_members) / sizeof(private_members[0]);
	json_t *kept = oa_json_pick(jwk, read_members,
				    sizeof(read_members) / sizeof(read_members[0]));

	/* The private members too, so that the copy is refused as the
	 * original is. */
	for (size_t i = 0; kept != NULL && i < n_private; i++) {
		json_t *v = json_object_get(jwk, private_members[i]);

		if (v != NULL && json_object_set(kept, private_members[i], v) != 0) {
			json_decref(kept);
			kept = NULL;
		}
	}
	return kept;
}
