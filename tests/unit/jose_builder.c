/* SPDX-License-Identifier: MIT */
/* Token-level helpers over testkeys: whole compact JWS tokens from raw
 * header and payload text, so tests can make malformed ones on purpose. */
#include "jose_builder.h"

#include <fcntl.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jwa.h"
#include "testkeys.h"

char *
tb_b64url(const unsigned char *data, size_t len)
{
	return tk_b64url(data, len);
}

EVP_PKEY *
tb_keygen(const char *type)
{
	if (strcmp(type, "RSA") == 0)
		return tk_keygen("RSA", NULL, 2048);
	if (strcmp(type, "EC") == 0)
		return tk_keygen("EC", "prime256v1", 0);
	return tk_keygen("ED25519", NULL, 0);
}

json_t *
tb_public_jwk(EVP_PKEY *key, const char *kid, const char *alg)
{
	json_t *jwk = tk_public_jwk(key);

	if (kid != NULL)
		json_object_set_new(jwk, "kid", json_string(kid));
	if (alg != NULL)
		json_object_set_new(jwk, "alg", json_string(alg));
	return jwk;
}

char *
tb_sign(const char *alg_name, EVP_PKEY *key, const unsigned char *secret,
	size_t secret_len, const char *header_json, const char *payload_json)
{
	char *h = tk_b64url((const unsigned char *)header_json, strlen(header_json));
	char *p = tk_b64url((const unsigned char *)payload_json, strlen(payload_json));
	size_t input_len = strlen(h) + 1 + strlen(p), sig_len = 0;
	char *input = malloc(input_len + 1);
	unsigned char mac[EVP_MAX_MD_SIZE], *sig;
	enum oa_alg alg = OA_ALG_RS256;
	char *s, *token;

	snprintf(input, input_len + 1, "%s.%s", h, p);
	oa_alg_parse(alg_name, strlen(alg_name), &alg);
	if (oa_alg_is_hmac(alg)) {
		unsigned int n = 0;

		HMAC(EVP_sha256(), secret, (int)secret_len, (const unsigned char *)input,
		     input_len, mac, &n);
		s = tk_b64url(mac, n);
	} else {
		sig = tk_sign(key, alg, input, input_len, &sig_len);
		s = tk_b64url(sig, sig_len);
		free(sig);
	}
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
