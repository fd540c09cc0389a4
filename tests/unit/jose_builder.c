#include "jose_builder.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *
tb_b64url(const unsigned char *data, size_t len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char *out = malloc(len / 3 * 4 + 5);
	size_t o = 0, i = 0;

	for (; i + 2 < len; i += 3) {
		unsigned v = (unsigned)data[i] << 16 | (unsigned)data[i + 1] << 8 | data[i + 2];
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (len - i == 1) {
		unsigned v = (unsigned)data[i] << 16;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
	} else if (len - i == 2) {
		unsigned v = (unsigned)data[i] << 16 | (unsigned)data[i + 1] << 8;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
	}
	out[o] = '\0';
	return out;
}

EVP_PKEY *
tb_keygen(const char *type)
{
	if (strcmp(type, "RSA") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (strcmp(type, "EC") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
}

static char *
bn_member(EVP_PKEY *key, const char *param, size_t pad_to)
{
	BIGNUM *bn = NULL;
	unsigned char buf[1024];
	int n;

	EVP_PKEY_get_bn_param(key, param, &bn);
	n = pad_to > 0 ? BN_bn2binpad(bn, buf, (int)pad_to) : BN_bn2bin(bn, buf);
	BN_free(bn);
	return tb_b64url(buf, (size_t)n);
}

json_t *
tb_public_jwk(EVP_PKEY *key, const char *kid, const char *alg)
{
	json_t *jwk = json_object();
	char *a, *b;

	if (EVP_PKEY_is_a(key, "RSA")) {
		a = bn_member(key, OSSL_PKEY_PARAM_RSA_N, 0);
		b = bn_member(key, OSSL_PKEY_PARAM_RSA_E, 0);
		json_object_set_new(jwk, "kty", json_string("RSA"));
		json_object_set_new(jwk, "n", json_string(a));
		json_object_set_new(jwk, "e", json_string(b));
	} else if (EVP_PKEY_is_a(key, "EC")) {
		a = bn_member(key, OSSL_PKEY_PARAM_EC_PUB_X, 32);
		b = bn_member(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
		json_object_set_new(jwk, "kty", json_string("EC"));
		json_object_set_new(jwk, "crv", json_string("P-256"));
		json_object_set_new(jwk, "x", json_string(a));
		json_object_set_new(jwk, "y", json_string(b));
	} else {
		unsigned char raw[32];
		size_t len = sizeof(raw);

		EVP_PKEY_get_raw_public_key(key, raw, &len);
		a = tb_b64url(raw, len);
		b = NULL;
		json_object_set_new(jwk, "kty", json_string("OKP"));
		json_object_set_new(jwk, "crv", json_string("Ed25519"));
		json_object_set_new(jwk, "x", json_string(a));
	}
	free(a);
	free(b);
	if (kid != NULL)
		json_object_set_new(jwk, "kid", json_string(kid));
	if (alg != NULL)
		json_object_set_new(jwk, "alg", json_string(alg));
	return jwk;
}

/* DER ECDSA signature to the raw r||s form JWS uses. */
static size_t
der_to_raw(const unsigned char *der, size_t der_len, unsigned char *out)
{
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &der, (long)der_len);
	const BIGNUM *r, *s;

	ECDSA_SIG_get0(sig, &r, &s);
	BN_bn2binpad(r, out, 32);
	BN_bn2binpad(s, out + 32, 32);
	ECDSA_SIG_free(sig);
	return 64;
}

char *
tb_sign(const char *alg, EVP_PKEY *key, const unsigned char *secret,
	size_t secret_len, const char *header_json, const char *payload_json)
{
	char *h = tb_b64url((const unsigned char *)header_json, strlen(header_json));
	char *p = tb_b64url((const unsigned char *)payload_json, strlen(payload_json));
	size_t input_len = strlen(h) + 1 + strlen(p);
	char *input = malloc(input_len + 1);
	unsigned char sig[1024], raw[132];
	size_t sig_len = sizeof(sig);
	char *s, *token;

	snprintf(input, input_len + 1, "%s.%s", h, p);
	if (strncmp(alg, "HS", 2) == 0) {
		unsigned int n = 0;

		HMAC(EVP_sha256(), secret, (int)secret_len, (const unsigned char *)input,
		     input_len, sig, &n);
		sig_len = n;
	} else {
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		EVP_PKEY_CTX *pctx = NULL;
		const EVP_MD *digest = strcmp(alg, "EdDSA") == 0 ? NULL : EVP_sha256();

		EVP_DigestSignInit(md, &pctx, digest, NULL, key);
		if (strcmp(alg, "PS256") == 0) {
			EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
			EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32);
		}
		EVP_DigestSign(md, sig, &sig_len, (const unsigned char *)input, input_len);
		EVP_MD_CTX_free(md);
		if (strcmp(alg, "ES256") == 0) {
			sig_len = der_to_raw(sig, sig_len, raw);
			memcpy(sig, raw, sig_len);
		}
	}
	s = tb_b64url(sig, sig_len);
	token = malloc(input_len + strlen(s) + 2);
	sprintf(token, "%s.%s", input, s);
	free(h);
	free(p);
	free(s);
	free(input);
	return token;
}

char *
tb_write_file(const char *dir, const char *name, const char *text, int mode)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *path = malloc(len);
	int fd;

	snprintf(path, len, "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, (mode_t)mode);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(path);
		fchmod(fd, (mode_t)mode);
		close(fd);
	}
	return path;
}
