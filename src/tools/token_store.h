/* SPDX-License-Identifier: MIT */
/* The user's token cache: one entry per issuer, client, scope and grant in
 * $XDG_CACHE_HOME/pg_oauth2_token (else ~/.cache/pg_oauth2_token), through
 * the core's on-disk cache (cache.c): directory 0700 and ours, entries 0600
 * replaced by rename, anything damaged or foreign a miss.  A cached access
 * token is what lets a script run psql a hundred times with one sign-in. */
#ifndef PT_TOKEN_STORE_H
#define PT_TOKEN_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "cache.h"
#include "result.h"
#include "token_client.h"

/* Fills `buf` with the cache directory; false if none can be named. */
bool pt_store_default_dir(char *buf, size_t size);

/* Opens (making it if missing) `dir`; OA_CONFIG with the reason for a
 * directory that is not ours or that others may write. */
enum oa_status pt_store_open(const char *dir, struct oa_cache *c, struct oa_result *r);

/* The entry under `key`, if any and not past its use: *out gets the access
 * token, its expiry and the refresh token.  False for none. */
bool pt_store_load(struct oa_cache *c, const char *key, long long now,
		   struct pt_token *out);

/* Replaces the entry under `key`.  An access token with no expiry is not
 * handed out again (we could never tell when it stops working), but its
 * refresh token is kept for the next run.  Failures are reported on
 * stderr and otherwise ignored: the token in hand is still good. */
void pt_store_save(struct oa_cache *c, const char *key, const struct pt_token *t,
		   long long now);

/* Removes nothing, but makes the entry unusable: a refresh token the
 * issuer refused is not to be tried again. */
void pt_store_forget(struct oa_cache *c, const char *key, long long now);

/* Runs that would ask the issuer for a token take turns: each refresh
 * spends the refresh token the others would send too, and issuers that
 * rotate them revoke the sign-in when a spent one comes back.  Blocks
 * until the lock is ours, calling `waiting` (may be NULL) first if another
 * run holds it.  The descriptor for pt_store_unlock, or -1 when no lock
 * could be had (the run then goes on without). */
int pt_store_lock(struct oa_cache *c, void (*waiting)(void));
void pt_store_unlock(int fd);

#endif
