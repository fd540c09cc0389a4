/* SPDX-License-Identifier: MIT */
/* An issuer's JWK Set in the on-disk cache, member by member.
 *
 * Every login of a fresh backend reads its keys from the cache, and
 * parsing a whole set of a hundred keys (40 KB of JSON) costs ten times
 * the one key a token names.  So beside the set (the "jwks" entry, read as
 * before by tokens without a kid, on a refetch and by older versions), each
 * member with a kid is stored on its own ("jwkskey", keyed by the set's URL,
 * TLS trust and kid), holding the SHA-256 of the set it came from; and a
 * small head ("jwkshead") names the set stored last by that SHA-256, with
 * the set's times.  A login whose token has a kid reads the head and that
 * one member, and uses it only when the member's set is the head's: a key
 * the issuer withdrew stops matching with the first set stored without it.
 * Anything missing, stale or not matching sends the login to the whole
 * set, which keeps every rule (refetch pacing for an unknown kid, stale
 * keys while the issuer is down).  The checks on the set as a whole (its
 * size, no repeated kid) are made once, when it is stored.  A set shorter
 * than OA_JWKS_MEMBERS_MIN_BYTES is only stored whole.
 *
 * A last small entry ("jwksrefetch", keyed like the set) records when a
 * token the fresh set could not serve (an unknown kid, or no kid and no
 * key verifying it) last made a login ask the issuer, answering or not:
 * only those refetches are paced by jwks_refresh_min=, so a routine fetch
 * does not hold back the first token of a new key. */
#ifndef OA_CACHE_JWKS_H
#define OA_CACHE_JWKS_H

#include <jansson.h>
#include <stdbool.h>

#include "context.h"
#include "cache_doc.h"
#include "jwks.h"

/* The whole set fetched from `url` (as oa_jwks_kept cut it), with its
 * members and the head; nothing is stored for a set oa_jwks_check_set
 * refuses. */
void oa_jwks_cache_store(struct oa_ctx *ctx, const char *url, const json_t *set, long max_age);

/* oa_doc_cache_retry_later for the set, and the head with the same times. */
void oa_jwks_cache_retry_later(struct oa_ctx *ctx, const char *url, const json_t *set,
			       const struct oa_doc_meta *meta);

/* Records that the issuer at `url` is asked now for a token the fresh set
 * could not serve. */
void oa_jwks_cache_note_refetch(struct oa_ctx *ctx, const char *url);

/* Whether such a refetch was recorded for `url` (under this TLS trust)
 * less than jwks_refresh_min= ago.  A cache without the entry (cache=off,
 * or written by an older version) has none. */
bool oa_jwks_cache_refetched_recently(struct oa_ctx *ctx, const char *url);

/* The key named `kid` from the set last stored for `url`, while that set is
 * fresh (not only usable stale): true with the member imported into `out`
 * (one import, usable or not), else false with `out` empty, and the
 * caller reads the whole set. */
bool oa_jwks_cache_member(struct oa_ctx *ctx, const char *url, const char *kid, size_t kid_len,
			  struct oa_jwks *out);

/* The keys of jwks_file= for a token naming `kid`.  The file is opened and
 * its checks made on every login.  With a cache and a kid, the member
 * stored for the file ("jwksfile", keyed by the file's name in the cache
 * and the SHA-256 of the kid) is used when there is one; else the file is
 * parsed whole, as oa_jwks_from_file, and its members stored for the next
 * login.  The file's name in the cache is its identity (file_trust.h) once
 * its last change is OA_FILE_SETTLED_SECONDS old, so a login reads no more
 * than its kid's entry; a file changed more recently is read and named by
 * the SHA-256 of its text.  Either way a file changed since its members
 * were stored has another name, so no key of an older text is used for
 * it. */
enum oa_status oa_jwks_cache_from_file(struct oa_ctx *ctx, const char *kid, size_t kid_len,
				       unsigned algs, struct oa_jwks *out, struct oa_result *r);

#endif
