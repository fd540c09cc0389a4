/* SPDX-License-Identifier: MIT */
/* Remembered verdicts, shared by every backend through the on-disk cache:
 * a token checked a moment ago by another connection costs no request, and
 * a refused one cannot make every login ask the issuer.  Entries are keyed
 * by SHA-256 of the configuration and the token, and hold what the username
 * and policy checks need (the verified claims), never the token. */
#ifndef OA_CACHE_VERDICT_H
#define OA_CACHE_VERDICT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "method.h"
#include "token.h"

enum oa_remembered {
	OA_REMEMBERED_NOTHING,
	OA_REMEMBERED_VALID,
	OA_REMEMBERED_REFUSED
};

struct oa_remembered_verdict {
	enum oa_remembered what;
	enum oa_method method;
	json_t *claims;               /* new reference when VALID */
	long long exp;                /* -1 if unknown */
	char reason[OA_REASON_BYTES]; /* why, when REFUSED */
};

#define OA_VERDICT_KEY_BYTES 65 /* hex SHA-256 and its NUL */

/* The token's entry key under this configuration and this module version;
 * false with no cache, or when a file that decides verdicts (jwks_file=,
 * hmac_secret_file=, client_secret_file=, cafile=, capath=) cannot be
 * seen.  username_map= is not in it: the map is read after the lookup, on
 * every login, like the username and rule checks.  Made
 * once per login, before the check reads the key files: a verdict reached
 * with a file that changed meanwhile is then stored under the old file's
 * identity, which no later login asks for. */
bool oa_verdict_cache_key(const struct oa_ctx *ctx, const struct oa_token *token,
			  char out[OA_VERDICT_KEY_BYTES]);

/* The same key as a module of `version` would make (for the tests: an
 * upgrade must not find the verdicts of the version before). */
bool oa_verdict_cache_key_of_version(const struct oa_ctx *ctx, const char *version,
				     const struct oa_token *token,
				     char out[OA_VERDICT_KEY_BYTES]);

/* The entry under `key` (NULL: none); corrupt, expired or foreign entries
 * are nothing. */
void oa_verdict_cache_lookup(struct oa_ctx *ctx, const char *key,
			     struct oa_remembered_verdict *out);

/* Remembers a token the check accepted under `key` (NULL: not at all), for
 * cache_ttl= but never past exp. */
void oa_verdict_cache_store_valid(struct oa_ctx *ctx, const char *key,
				  enum oa_method method, const json_t *claims, long long exp);

/* Remembers a token the check refused, for negative_cache_ttl=. */
void oa_verdict_cache_store_refused(struct oa_ctx *ctx, const char *key,
				    enum oa_method method, const char *reason);

/* Reads one entry's text (the cache has checked its digest, but any backend
 * of the service user may have written it): anything malformed is nothing. */
void oa_verdict_cache_parse_entry(const char *value, size_t len, long long now,
				  struct oa_remembered_verdict *out);

void oa_remembered_clear(struct oa_remembered_verdict *v);

#endif
