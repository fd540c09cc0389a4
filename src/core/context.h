/* SPDX-License-Identifier: MIT */
/* What one login's checks share: the configuration, one clock reading, the
 * time budget for all network work together, and the on-disk cache. */
#ifndef OA_CONTEXT_H
#define OA_CONTEXT_H

#include "cache.h"
#include "config.h"
#include "trace.h"

/* Whether this login asked the issuer for its keys, and what came back. */
enum oa_jwks_fetch {
	OA_JWKS_NOT_ASKED,
	OA_JWKS_FETCHED,
	OA_JWKS_FETCH_FAILED
};

struct oa_ctx {
	const struct oa_config *cfg;
	long long now;              /* wall clock, seconds: token and cache times */
	long long deadline_ms;      /* monotonic: all requests together end by then */
	struct oa_cache *cache;     /* NULL: work without one */
	char note[OA_REASON_BYTES]; /* a non-fatal event for the debug log */
	struct oa_trace *trace;     /* NULL but in pam_oauth2_check */
	enum oa_jwks_fetch jwks_fetch;
};

/* Starts the clock: `timeout=` covers every request of the login, so a
 * discovery, a JWKS and a userinfo call cannot add up to more. */
void oa_ctx_init(struct oa_ctx *ctx, const struct oa_config *cfg,
		 struct oa_cache *cache);

long oa_ctx_remaining_ms(const struct oa_ctx *ctx);

/* Records a note for the debug log; the first one is kept. */
void oa_ctx_note(struct oa_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
