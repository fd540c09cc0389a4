#include "signature.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <stdbool.h>
#include <stdlib.h>

static const EVP_MD *
digest_of(enum oa_alg alg)
{
	switch (alg) {
	case OA_ALG_RS256: case OA_ALG_PS256: case OA_ALG_ES256: case OA_ALG_HS256:
		return EVP_sha256();
	case OA_ALG_RS384: case OA_ALG_PS384: case OA_ALG_ES384: case OA_ALG_HS384:
		return EVP_sha384();
	case OA_ALG_RS512: case OA_ALG_PS512: case OA_ALG_ES512: case OA_ALG_HS512:
		return EVP_sha512();
	case OA_ALG_EDDSA: case OA_ALG_COUNT:
		break;
	}
	return NULL;
}

static bool
is_pss(enum oa_alg alg)
{
	return alg == OA_ALG_PS256 || alg == OA_ALG_PS384 || alg == OA_ALG_PS512;
}

static bool
is_ecdsa(enum oa_alg alg)
{
	return alg == OA_ALG_ES256 || alg == OA_ALG_ES384 || alg == OA_ALG_ES512;
}

/* JWS carries ECDSA signatures as r||s, each the field size (RFC 7518
 * section 3.4); EVP wants DER.  Any other length is refused, so one
 * signature has one encoding. */
static unsigned char *
ecdsa_raw_to_der(const unsigned char *sig, size_t sig_len, size_t field_bytes,
		 size_t *der_len)
{
	ECDSA_SIG *ecsig;
	BIGNUM *rr, *ss;
	unsigned char *der = NULL;
	int n;

	if (sig_len != 2 * field_bytes)
		return NULL;
	ecsig = ECDSA_SIG_new();
	rr = BN_bin2bn(sig, (int)field_bytes, NULL);
	ss = BN_bin2bn(sig + field_bytes, (int)field_bytes, NULL);
	if (ecsig == NULL || rr == NULL || ss == NULL || ECDSA_SIG_set0(ecsig, rr, ss) != 1) {
		BN_free(rr);
		BN_free(ss);
		ECDSA_SIG_free(ecsig);
		return NULL;
	}
	n = i2d_ECDSA_SIG(ecsig, &der);
	ECDSA_SIG_free(ecsig);
	if (n <= 0)
		return NULL;
	*der_len = (size_t)n;
	return der;
}

static size_t
field_bytes_of(enum oa_alg alg)
{
	return alg == OA_ALG_ES256 ? 32 : alg == OA_ALG_ES384 ? 48 : 66;
}

static enum oa_status
verify_hmac(enum oa_alg alg, const struct oa_jwk *key, const unsigned char *input,
	    size_t input_len, const unsigned char *sig, size_t sig_len,
	    struct oa_result *r)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;

	if (HMAC(digest_of(alg), key->secret, (int)key->secret_len, input, input_len,
		 mac, &mac_len) == NULL)
		return oa_fail(r, OA_INTERNAL, "HMAC failed");
	if (sig_len != mac_len || CRYPTO_memcmp(mac, sig, mac_len) != 0)
		return oa_fail(r, OA_REJECTED, "signature does not verify");
	return OA_OK;
}

static enum oa_status
verify_pkey(enum oa_alg alg, const struct oa_jwk *key, const unsigned char *input,
	    size_t input_len, const unsigned char *sig, size_t sig_len,
	    struct oa_result *r)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *der = NULL;
	int ok;

	if (md == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	if (is_ecdsa(alg)) {
		der = ecdsa_raw_to_der(sig, sig_len, field_bytes_of(alg), &sig_len);
		if (der == NULL) {
			EVP_MD_CTX_free(md);
			return oa_fail(r, OA_REJECTED, "ECDSA signature is not %zu bytes of r||s",
				       2 * field_bytes_of(alg));
		}
		sig = der;
	} else if (alg == OA_ALG_EDDSA ? sig_len != 64 :
		   sig_len != (size_t)EVP_PKEY_get_size(key->pkey)) {
		EVP_MD_CTX_free(md);
		return oa_fail(r, OA_REJECTED, "signature has the wrong length for %s",
			       oa_alg_name(alg));
	}
	if (EVP_DigestVerifyInit(md, &pctx, digest_of(alg), NULL, key->pkey) != 1 ||
	    (is_pss(alg) &&
	     (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	      EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, digest_of(alg)) != 1 ||
	      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, EVP_MD_get_size(digest_of(alg))) != 1))) {
		EVP_MD_CTX_free(md);
		OPENSSL_free(der);
		return oa_fail(r, OA_INTERNAL, "cannot set up %s verification", oa_alg_name(alg));
	}
	ok = EVP_DigestVerify(md, sig, sig_len, input, input_len);
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	if (ok != 1)
		return oa_fail(r, OA_REJECTED, "signature does not verify");
	return OA_OK;
}

enum oa_status
oa_signature_verify(enum oa_alg alg, const struct oa_jwk *key,
		    const unsigned char *input, size_t input_len,
		    const unsigned char *sig, size_t sig_len, struct oa_result *r)
{
	if (oa_jwk_fits(key, alg, r)) {
		if (oa_alg_is_hmac(alg))
			verify_hmac(alg, key, input, input_len, sig, sig_len, r);
		else
			verify_pkey(alg, key, input, input_len, sig, sig_len, r);
	}
	ERR_clear_error();
	return r->status;
}
