#include "jwa.h"

#include <string.h>

static const char *const names[OA_ALG_COUNT] = {
	"RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
	"ES256", "ES384", "ES512", "EdDSA", "HS256", "HS384", "HS512",
};

bool
oa_alg_parse(const char *name, size_t len, enum oa_alg *out)
{
	for (int a = 0; a < OA_ALG_COUNT; a++) {
		if (strlen(names[a]) == len && memcmp(names[a], name, len) == 0) {
			*out = (enum oa_alg)a;
			return true;
		}
	}
	if (len == 7 && memcmp(name, "Ed25519", 7) == 0) {
		*out = OA_ALG_EDDSA;
		return true;
	}
	return false;
}

const char *
oa_alg_name(enum oa_alg alg)
{
	return alg < OA_ALG_COUNT ? names[alg] : "?";
}

bool
oa_alg_is_hmac(enum oa_alg alg)
{
	return alg == OA_ALG_HS256 || alg == OA_ALG_HS384 || alg == OA_ALG_HS512;
}
