/* SPDX-License-Identifier: MIT */
/* The issuer's metadata: OpenID Connect Discovery 1.0, then RFC 8414.  A
 * document is used only if its "issuer" equals issuer= exactly (OIDC
 * Discovery section 4.3, RFC 8414 section 3.3): otherwise whoever serves the
 * URL could name any keys. */
#ifndef OA_DISCOVERY_H
#define OA_DISCOVERY_H

#include <jansson.h>

#include "context.h"
#include "result.h"

/* The metadata document (new reference), from the cache while fresh, else
 * fetched, else the last good one while within jwks_stale_max=. */
enum oa_status oa_discovery_get(struct oa_ctx *ctx, json_t **doc,
				struct oa_result *r);

/* OA_OK when the document's "issuer" is a string equal to `issuer` byte
 * for byte; else OA_UNAVAILABLE naming `url`, where it came from. */
enum oa_status oa_discovery_check_issuer(const json_t *doc, const char *issuer,
					 const char *url, struct oa_result *r);

/* An endpoint URL from the document (e.g. "jwks_uri"), checked against the
 * URL policy; borrowed from doc. */
enum oa_status oa_discovery_endpoint(const json_t *doc, const char *name,
				     const char **url, struct oa_result *r);

#endif
