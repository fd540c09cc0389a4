/* SPDX-License-Identifier: MIT */
/* Where verification keys come from: jwks_file=, jwks_uri=, or the issuer's
 * discovery document; never the token (jku, x5u, jwk, x5c are ignored).
 * Keys fetched over the network are cached on disk between logins, refetched
 * when a token names an unknown kid (such refetches at most once per
 * jwks_refresh_min=, whenever the set was last fetched),
 * and kept in use for up to jwks_stale_max= while the issuer is down. */
#ifndef OA_KEYS_H
#define OA_KEYS_H

#include "context.h"
#include "jwks.h"
#include "jws.h"
#include "result.h"

/* `out` is set (emptied first) whatever the outcome; oa_jwks_clear it. */
enum oa_status oa_keys_for_token(struct oa_ctx *ctx, const struct oa_jws *jws,
				 struct oa_jwks *out, struct oa_result *r);

enum oa_refetch {
	OA_REFETCHED,     /* `out` holds the issuer's keys as of now */
	OA_REFETCH_LATER, /* not now (paced, or the issuer is not answering) */
	OA_REFETCH_NEVER, /* jwks_file=, or this login already fetched them */
};

/* For a token without a kid that none of the keys verified: the issuer's
 * keys fetched again, unless such a token or one with an unknown kid made a
 * login ask the issuer less than jwks_refresh_min= ago,
 * which picks up a rotation the token does not name.  `out` is empty but
 * for OA_REFETCHED; oa_jwks_clear it either way. */
enum oa_refetch oa_keys_refetched(struct oa_ctx *ctx, struct oa_jwks *out);

#endif
