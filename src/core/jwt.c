#include "jwt.h"

#include <string.h>

#include "jwk.h"
#include "jwks.h"
#include "jwt_claims.h"
#include "keys.h"
#include "secret_file.h"
#include "signature.h"

/* The key from hmac_secret_file=: the file's bytes. */
static enum oa_status
hmac_key(const char *path, struct oa_jwk *key, struct oa_result *r)
{
	struct oa_secret secret;

	if (oa_secret_read(path, "hmac_secret_file", &secret, r) == OA_OK)
		oa_jwk_from_secret(secret.bytes, secret.len, key, r);
	oa_secret_wipe(&secret);
	return r->status;
}

static enum oa_status
verify_signature(struct oa_ctx *ctx, const struct oa_jws *jws, struct oa_result *r)
{
	if (oa_alg_is_hmac(jws->alg)) {
		struct oa_jwk key;

		memset(&key, 0, sizeof(key));
		if (hmac_key(ctx->cfg->hmac_secret_file, &key, r) == OA_OK)
			oa_signature_verify(jws->alg, &key, (const unsigned char *)jws->signing_input,
					    jws->signing_input_len, jws->signature,
					    jws->signature_len, r);
		oa_jwk_clear(&key);
	} else {
		struct oa_jwks keys;

		memset(&keys, 0, sizeof(keys));
		if (oa_keys_for_token(ctx, jws, &keys, r) == OA_OK)
			oa_jwks_verify(&keys, jws, r);
		oa_jwks_clear(&keys);
	}
	return r->status;
}

enum oa_status
oa_jwt_validate(struct oa_ctx *ctx, const struct oa_token *token,
		json_t **claims, long long *exp, struct oa_result *r)
{
	struct oa_jws jws;

	*claims = NULL;
	*exp = -1;
	if (oa_jws_parse(token->value, token->len, ctx->cfg->algorithms, &jws, r) == OA_OK &&
	    verify_signature(ctx, &jws, r) == OA_OK &&
	    oa_jwt_check_claims(ctx->cfg, &jws, ctx->now, exp, r) == OA_OK)
		*claims = json_incref(jws.payload);
	oa_jws_clear(&jws);
	return r->status;
}
