/* The OAuth 2.0 Device Authorization Grant (RFC 8628): the user approves
 * on any browser while this process polls the token endpoint. */
#ifndef PT_DEVICE_GRANT_H
#define PT_DEVICE_GRANT_H

#include "context.h"
#include "result.h"
#include "token_client.h"

/* Asks `device_url` for a code, tells the user on stderr where to enter
 * it, then polls `token_url` until the issuer hands out a token (OA_OK,
 * *out filled), the user refuses or the code expires (OA_REJECTED), or the
 * issuer cannot be used (OA_UNAVAILABLE).  Each request gets the
 * context's full timeout. */
enum oa_status pt_device_grant(struct oa_ctx *ctx, const char *device_url,
			       const char *token_url, const struct pt_client *client,
			       const struct pt_target *target, struct pt_token *out,
			       struct oa_result *r);

#endif
