/* SPDX-License-Identifier: MIT */
/* One login's shared state: the clock, the time budget and the cache. */

#include "context.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static long long
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
oa_ctx_init(struct oa_ctx *ctx, const struct oa_config *cfg,
	    struct oa_cache *cache)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->cfg = cfg;
	ctx->now = (long long)time(NULL);
	ctx->deadline_ms = monotonic_ms() + cfg->timeout_seconds * 1000LL;
	ctx->cache = cache;
}

long
oa_ctx_remaining_ms(const struct oa_ctx *ctx)
{
	long long left = ctx->deadline_ms - monotonic_ms();

	return left > 0 ? (long)left : 0;
}

void
oa_ctx_note(struct oa_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->note[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(ctx->note, sizeof(ctx->note), fmt, ap);
	va_end(ap);
}
