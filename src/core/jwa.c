/* SPDX-License-Identifier: MIT */
/* The table of JWS algorithms: name, key family and hash. */

#include "jwa.h"

#include <string.h>

#include <openssl/evp.h>

struct alg_entry {
	const char *name;
	enum oa_alg_family family;
	size_t hash_bytes; /* 256, 384 or 512 bits; 0 for EdDSA */
};

static const struct alg_entry algs[OA_ALG_COUNT] = {
	[OA_ALG_RS256] = { "RS256", OA_FAMILY_RSA_PKCS1, 32 },
	[OA_ALG_RS384] = { "RS384", OA_FAMILY_RSA_PKCS1, 48 },
	[OA_ALG_RS512] = { "RS512", OA_FAMILY_RSA_PKCS1, 64 },
	[OA_ALG_PS256] = { "PS256", OA_FAMILY_RSA_PSS, 32 },
	[OA_ALG_PS384] = { "PS384", OA_FAMILY_RSA_PSS, 48 },
	[OA_ALG_PS512] = { "PS512", OA_FAMILY_RSA_PSS, 64 },
	[OA_ALG_ES256] = { "ES256", OA_FAMILY_ECDSA, 32 },
	[OA_ALG_ES384] = { "ES384", OA_FAMILY_ECDSA, 48 },
	[OA_ALG_ES512] = { "ES512", OA_FAMILY_ECDSA, 64 },
	[OA_ALG_EDDSA] = { "EdDSA", OA_FAMILY_EDDSA, 0 },
	[OA_ALG_HS256] = { "HS256", OA_FAMILY_HMAC, 32 },
	[OA_ALG_HS384] = { "HS384", OA_FAMILY_HMAC, 48 },
	[OA_ALG_HS512] = { "HS512", OA_FAMILY_HMAC, 64 },
};

static bool
name_is(const char *name, size_t len, const char *registered)
{
	return len == strlen(registered) && memcmp(name, registered, len) == 0;
}

bool
oa_alg_parse(const char *name, size_t len, enum oa_alg *out)
{
	if (name == NULL)
		return false;
	for (size_t i = 0; i < OA_ALG_COUNT; i++) {
		if (name_is(name, len, algs[i].name)) {
			*out = (enum oa_alg)i;
			return true;
		}
	}
	/* RFC 9864 fully-specified name: the same verification as EdDSA,
	 * since EdDSA here never means anything but Ed25519. */
	if (name_is(name, len, "Ed25519")) {
		*out = OA_ALG_EDDSA;
		return true;
	}
	return false;
}

const char *
oa_alg_name(enum oa_alg alg)
{
	return algs[alg].name;
}

bool
oa_alg_is_hmac(enum oa_alg alg)
{
	return algs[alg].family == OA_FAMILY_HMAC;
}

enum oa_alg_family
oa_alg_family(enum oa_alg alg)
{
	return algs[alg].family;
}

const EVP_MD *
oa_alg_md(enum oa_alg alg)
{
	switch (algs[alg].hash_bytes) {
	case 32:
		return EVP_sha256();
	case 48:
		return EVP_sha384();
	case 64:
		return EVP_sha512();
	default:
		return NULL;
	}
}

size_t
oa_alg_hash_bytes(enum oa_alg alg)
{
	return algs[alg].hash_bytes;
}
