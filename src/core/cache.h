/* SPDX-License-Identifier: MIT */
/* The on-disk cache shared by every backend of the service user.
 * PostgreSQL forks a backend per connection and loads the module afresh, so
 * discovery documents, JWKS keys and verdicts can only outlive a login on
 * disk.  Many backends read and write at once without locks: writers
 * replace whole files by rename, and readers trust nothing they read until
 * its checksum, key, owner and mode have been checked, so a damaged or
 * planted entry is a miss, never a value.  The module's entries hold no
 * token; pg_oauth2_token's hold its access and refresh tokens, so entries
 * are written 0600 in a 0700 directory and buffers are wiped when freed. */
#ifndef OA_CACHE_H
#define OA_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "result.h"

struct oa_cache_meta {
	long long stored_at;   /* unix seconds when written */
	long long fresh_until; /* use without asking the network until then */
	long long stale_until; /* past this the entry is never returned */
};

struct oa_cache {
	int dirfd; /* -1 when closed */
};

/* Opens the cache directory.  If it is missing and `create`, makes it 0700
 * (its parent must exist; for the default directory, ~/.cache may be made
 * 0700 too).  Refuses with OA_CONFIG, naming the path and the rule, a path
 * that is not absolute, is a symbolic link, is not a directory, is not owned
 * by the effective uid, or is group or world writable.  On success call
 * oa_cache_close; on failure c->dirfd is -1. */
enum oa_status oa_cache_open(const char *dir, bool create, struct oa_cache *c,
			     struct oa_result *r);

/* Safe to call twice and on a cache that failed to open. */
void oa_cache_close(struct oa_cache *c);

/* `ns` is a short namespace of [a-z]+ ("jwks", "discovery", "verdict");
 * `key` any string.  Sets *found only for an entry that is complete, whose
 * checksum and key match, that is not past stale_until at `now`, and that
 * is a regular file owned by us with no group or world bits; an entry that
 * fails any check but the time is removed.  When found, *value is a new
 * NUL-terminated allocation the caller frees, *len its length without the
 * NUL, and *meta (if not NULL) its times; otherwise *value is NULL.  A
 * status other than OA_OK means the cache itself failed (memory, I/O). */
enum oa_status oa_cache_get(struct oa_cache *c, const char *ns, const char *key,
			    long long now, char **value, size_t *len,
			    struct oa_cache_meta *meta, bool *found,
			    struct oa_result *r);

/* Replaces the entry atomically: readers see the old entry or the new one,
 * never a mix, and a failure leaves no temporary file behind.  The file's
 * modification time is set to meta->stale_until.  When max_entries > 0, a
 * put sweeps the namespace when oa_cache_sweep_due() says so for a random
 * number: entries past their stale_until go, then, while more than
 * oa_cache_sweep_target() remain, those that expire soonest (temporary
 * files abandoned by killed writers go too).  The namespace thus stays near
 * max_entries without every put listing it.  Refuses values over
 * OA_MAX_CACHE_VALUE_BYTES and keys over OA_MAX_CACHE_KEY_BYTES. */
enum oa_status oa_cache_put(struct oa_cache *c, const char *ns, const char *key,
			    const char *value, size_t len,
			    const struct oa_cache_meta *meta, size_t max_entries,
			    struct oa_result *r);

/* Removes the entry stored under ns/key, if any: for an entry that must
 * stop answering before its replacement is written. */
enum oa_status oa_cache_remove(struct oa_cache *c, const char *ns, const char *key,
			       struct oa_result *r);

/* Removes the namespace's entries past their stale_until and the
 * temporary files of writers killed mid-write, and no live entry: for a
 * namespace of few entries written seldom (issuer documents, the token
 * tool's tokens), after a put. */
enum oa_status oa_cache_tidy(struct oa_cache *c, const char *ns, struct oa_result *r);

/* Whether the put that drew `random` sweeps: always when max_entries is
 * below 2 * OA_CACHE_SWEEP_SHARE, else with a chance of
 * OA_CACHE_SWEEP_SHARE / max_entries. */
bool oa_cache_sweep_due(size_t max_entries, uint32_t random);

/* How many entries a sweep leaves at most: max_entries less its
 * OA_CACHE_SWEEP_SHARE-th part, room for the puts until the next sweep. */
size_t oa_cache_sweep_target(size_t max_entries);

/* ~/.cache/pam_oauth2 of the effective user, from the password database and
 * never from $HOME: the host process's environment is not ours to trust.
 * False if it cannot be determined or does not fit in `size`. */
bool oa_cache_default_dir(char *buf, size_t size);

#endif
