/* SPDX-License-Identifier: MIT */
/* Local JWT validation: parse, choose keys, verify the signature, check the claims. */

#include "jwt.h"

#include <string.h>

#include "jwk.h"
#include "jwks.h"
#include "jwt_claims.h"
#include "keys.h"
#include "secret_file.h"
#include "signature.h"
#include "text.h"
#include "trace.h"

/* The key from hmac_secret_file=: the file's bytes. */
static enum oa_status
hmac_key(const char *path, struct oa_jwk *key, struct oa_result *r)
{
	struct oa_secret secret;

	if (oa_secret_read(path, "hmac_secret_file", true, &secret, r) == OA_OK)
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
		if (oa_keys_for_token(ctx, jws, &keys, r) == OA_OK &&
		    oa_jwks_verify(&keys, jws, r) == OA_REJECTED && jws->kid == NULL) {
			/* No kid to tell a rotated key from a forged signature. */
			oa_jwks_clear(&keys);
			switch (oa_keys_refetched(ctx, &keys)) {
			case OA_REFETCHED:
				oa_result_init(r);
				oa_jwks_verify(&keys, jws, r);
				break;
			case OA_REFETCH_LATER:
				r->transient = true; /* the keys may yet change */
				break;
			case OA_REFETCH_NEVER:
				break;
			}
		}
		oa_jwks_clear(&keys);
	}
	return r->status;
}

/* The header fields the later steps rest on; the kid comes from the token,
 * so it is escaped like any untrusted text. */
static void
trace_format(struct oa_trace *t, enum oa_status s, const struct oa_result *r,
	     const struct oa_jws *jws)
{
	char kid[OA_SHOWN_BYTES] = "none";

	if (t != NULL && s == OA_OK && jws->kid != NULL)
		oa_text_escape(jws->kid, jws->kid_len, kid, sizeof(kid));
	oa_trace_outcome(t, "jwt format", s, r, "compact JWS, alg %s, kid %s",
			 s == OA_OK ? oa_alg_name(jws->alg) : "-", kid);
}

enum oa_status
oa_jwt_validate(struct oa_ctx *ctx, const struct oa_token *token,
		json_t **claims, long long *exp, struct oa_result *r)
{
	struct oa_jws jws;
	enum oa_status s;

	*claims = NULL;
	*exp = -1;
	s = oa_jws_parse(token->value, token->len, ctx->cfg->algorithms, &jws, r);
	trace_format(ctx->trace, s, r, &jws);
	if (s == OA_OK) {
		s = verify_signature(ctx, &jws, r);
		oa_trace_outcome(ctx->trace, "jwt signature", s, r, "%s signature verified with %s",
				 oa_alg_name(jws.alg),
				 oa_alg_is_hmac(jws.alg) ? "hmac_secret_file=" : "the issuer's keys");
	}
	if (s == OA_OK) {
		s = oa_jwt_check_claims(ctx->cfg, &jws, ctx->now, exp, r);
		oa_trace_outcome(ctx->trace, "jwt claims", s, r, "iss, exp, nbf, iat%s hold; %s",
				 ctx->cfg->token_type != OA_TOKEN_TYPE_ANY ? ", typ" : "",
				 ctx->cfg->allow_any_audience ?
					 "aud not checked (allow_any_audience)" :
					 "aud names this service");
	}
	if (s == OA_OK)
		*claims = json_incref(jws.payload);
	oa_jws_clear(&jws);
	return r->status;
}
