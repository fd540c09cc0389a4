/* SPDX-License-Identifier: MIT */
/* JWS signature verification through OpenSSL's EVP interface. */

#include "signature.h"

#include <limits.h>
#include <stdbool.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/rsa.h>

static enum oa_status
does_not_verify(struct oa_result *r)
{
	return oa_fail(r, OA_REJECTED, "signature does not verify");
}

static enum oa_status
verify_hmac(enum oa_alg alg, const struct oa_jwk *key,
	    const unsigned char *input, size_t input_len,
	    const unsigned char *sig, size_t sig_len, struct oa_result *r)
{
	unsigned char tag[EVP_MAX_MD_SIZE];
	unsigned int tag_len = 0;
	enum oa_status s;

	/* A truncated tag would be brute-forceable (RFC 7518 3.2 allows no
	 * truncation for JWS). */
	if (sig_len != oa_alg_hash_bytes(alg))
		return oa_fail(r, OA_REJECTED, "%s signature is %zu bytes, not %zu",
			       oa_alg_name(alg), sig_len, oa_alg_hash_bytes(alg));
	if (key->secret_len > INT_MAX)
		return oa_fail(r, OA_INTERNAL, "HMAC secret is too long");
	if (HMAC(oa_alg_md(alg), key->secret, (int)key->secret_len, input,
		 input_len, tag, &tag_len) == NULL ||
	    tag_len != sig_len)
		return oa_fail(r, OA_INTERNAL, "OpenSSL could not compute %s",
			       oa_alg_name(alg));
	/* Constant time, so response timing does not reveal how many leading
	 * bytes of a forged tag were right. */
	s = CRYPTO_memcmp(tag, sig, sig_len) == 0 ? OA_OK : does_not_verify(r);
	OPENSSL_cleanse(tag, sizeof(tag));
	return s;
}

static size_t
ec_field_bytes(enum oa_alg alg)
{
	switch (alg) {
	case OA_ALG_ES256:
		return 32;
	case OA_ALG_ES384:
		return 48;
	default:
		return 66;
	}
}

/* RFC 7518 3.4: JWS carries r and s as two fixed-length big-endian
 * integers.  OpenSSL wants DER, so the conversion is ours; accepting DER
 * from the token as well would give every signature a second form. */
static enum oa_status
ecdsa_der_from_jws(enum oa_alg alg, const unsigned char *sig, size_t sig_len,
		   unsigned char **der, size_t *der_len, struct oa_result *r)
{
	size_t half = ec_field_bytes(alg);
	ECDSA_SIG *es;
	BIGNUM *br, *bs;
	int len;

	*der = NULL;
	if (sig_len != 2 * half)
		return oa_fail(r, OA_REJECTED,
			       "%s signature is %zu bytes, not the %zu of r||s",
			       oa_alg_name(alg), sig_len, 2 * half);
	es = ECDSA_SIG_new();
	br = BN_bin2bn(sig, (int)half, NULL);
	bs = BN_bin2bn(sig + half, (int)half, NULL);
	if (es == NULL || br == NULL || bs == NULL || ECDSA_SIG_set0(es, br, bs) != 1) {
		ECDSA_SIG_free(es);
		BN_free(br);
		BN_free(bs);
		return oa_fail(r, OA_INTERNAL, "out of memory converting %s signature",
			       oa_alg_name(alg));
	}
	len = i2d_ECDSA_SIG(es, der);
	ECDSA_SIG_free(es);
	if (len <= 0)
		return oa_fail(r, OA_INTERNAL, "OpenSSL could not encode %s signature",
			       oa_alg_name(alg));
	*der_len = (size_t)len;
	return OA_OK;
}

/* Sets the RSA padding the JWS algorithm names, with no room for the
 * signature to choose: PSS salt is the hash length (RFC 7518 3.5), and
 * OpenSSL then refuses any other salt length rather than recovering it. */
static bool
set_rsa_padding(enum oa_alg alg, EVP_PKEY_CTX *pctx)
{
	if (oa_alg_family(alg) == OA_FAMILY_RSA_PKCS1)
		return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
	return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
	       EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, oa_alg_md(alg)) == 1 &&
	       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
						(int)oa_alg_hash_bytes(alg)) == 1;
}

/* RS*, PS*, ES* (sig already DER) and EdDSA (no digest: Ed25519 hashes
 * the whole message itself, so only the one-shot call works). */
static enum oa_status
verify_pkey(enum oa_alg alg, EVP_PKEY *pkey, const unsigned char *input,
	    size_t input_len, const unsigned char *sig, size_t sig_len,
	    struct oa_result *r)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	bool is_rsa = oa_alg_family(alg) == OA_FAMILY_RSA_PKCS1 ||
		      oa_alg_family(alg) == OA_FAMILY_RSA_PSS;
	enum oa_status s;
	int rc;

	if (ctx == NULL ||
	    EVP_DigestVerifyInit(ctx, &pctx, oa_alg_md(alg), NULL, pkey) != 1 ||
	    (is_rsa && !set_rsa_padding(alg, pctx))) {
		EVP_MD_CTX_free(ctx);
		return oa_fail(r, OA_INTERNAL, "OpenSSL could not set up %s",
			       oa_alg_name(alg));
	}
	/* 1 is valid; 0 and negative values both come back for malformed
	 * signatures (bad padding, wrong length), so anything else is a
	 * refusal: failing closed either way. */
	rc = EVP_DigestVerify(ctx, sig, sig_len, input, input_len);
	s = rc == 1 ? OA_OK : does_not_verify(r);
	EVP_MD_CTX_free(ctx);
	return s;
}

static enum oa_status
verify_checked(enum oa_alg alg, const struct oa_jwk *key,
	       const unsigned char *input, size_t input_len,
	       const unsigned char *sig, size_t sig_len, struct oa_result *r)
{
	unsigned char *der;
	size_t der_len = 0;
	enum oa_status s;

	switch (oa_alg_family(alg)) {
	case OA_FAMILY_HMAC:
		return verify_hmac(alg, key, input, input_len, sig, sig_len, r);
	case OA_FAMILY_ECDSA:
		s = ecdsa_der_from_jws(alg, sig, sig_len, &der, &der_len, r);
		if (s == OA_OK)
			s = verify_pkey(alg, key->pkey, input, input_len, der,
					der_len, r);
		OPENSSL_free(der);
		return s;
	case OA_FAMILY_RSA_PKCS1:
	case OA_FAMILY_RSA_PSS:
		/* RFC 8017 8.2.2 step 1: the signature is exactly k bytes. */
		if (sig_len != (size_t)EVP_PKEY_get_size(key->pkey))
			return oa_fail(r, OA_REJECTED,
				       "%s signature is %zu bytes, the key needs %d",
				       oa_alg_name(alg), sig_len,
				       EVP_PKEY_get_size(key->pkey));
		break;
	case OA_FAMILY_EDDSA:
		/* RFC 8032 5.1.7: R || S, 32 bytes each. */
		if (sig_len != 64)
			return oa_fail(r, OA_REJECTED,
				       "EdDSA signature is %zu bytes, not 64", sig_len);
		break;
	}
	return verify_pkey(alg, key->pkey, input, input_len, sig, sig_len, r);
}

enum oa_status
oa_signature_verify(enum oa_alg alg, const struct oa_jwk *key,
		    const unsigned char *input, size_t input_len,
		    const unsigned char *sig, size_t sig_len, struct oa_result *r)
{
	enum oa_status s;

	if (!oa_jwk_fits(key, alg, r))
		return OA_REJECTED;
	s = verify_checked(alg, key, input, input_len, sig, sig_len, r);
	/* A failed verification leaves errors queued; the host process
	 * (libpq's TLS, sshd) would otherwise find them in its own calls. */
	ERR_clear_error();
	return s;
}
