/* SPDX-License-Identifier: MIT */
/* A JWK Set (RFC 7517 section 5) turned into verification keys, and the
 * choice of which keys may verify a given token. */
#ifndef OA_JWKS_H
#define OA_JWKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "jwk.h"
#include "jws.h"
#include "result.h"

struct oa_jwks {
	struct oa_jwk *keys; /* owned */
	size_t n;
	size_t skipped;  /* members that are not usable public signature keys */
	size_t imported; /* members handed to oa_jwk_import, usable or not */
	bool one_member; /* read from a member's own cache entry (cache_jwks.h),
			  * not from the whole set */
	bool file_read;  /* jwks_file='s text was read for these keys */
};

/* Every algorithm: for `algs` below, when the whole set is to be imported. */
#define OA_JWKS_ANY_ALG (~0u)

/* `doc` must be {"keys":[...]}.  A set in which two keys share a kid is
 * refused whole (a token's kid must name one key), and so is a set of more
 * than OA_MAX_JWKS_KEYS.  Importing a key costs some 20 us and a set may
 * hold dozens, so only the members a token may use are imported: with a
 * kid, the member that carries it (whether it fits is oa_jwks_verify's to
 * say); with kid NULL, the members whose kty, crv, alg and use may fit one
 * of `algs` (bits 1u << enum oa_alg; OA_JWKS_ANY_ALG for every member).
 * Keys that cannot be imported (encryption keys, kinds or sizes not
 * accepted) are left out and counted; the first such reason is kept in
 * *first_skip (may be NULL).  Failures are OA_UNAVAILABLE: the issuer
 * published something unusable. */
enum oa_status oa_jwks_from_json(const json_t *doc, const char *kid, size_t kid_len,
				 unsigned algs, struct oa_jwks *out,
				 struct oa_result *first_skip, struct oa_result *r);

/* The checks on a set as a whole that oa_jwks_from_json makes first: a
 * "keys" array of at most OA_MAX_JWKS_KEYS members, no two with the same
 * kid.  A set stored member by member (cache_jwks.h) is checked so once,
 * when it is stored. */
enum oa_status oa_jwks_check_set(const json_t *doc, struct oa_result *r);

/* The one member of a set that passed oa_jwks_check_set, when it carries
 * this kid (byte for byte): imported as oa_jwks_from_json would (counted
 * in imported and, if unusable, in skipped).  `out` is empty for a member
 * that is not an object or carries another kid. */
enum oa_status oa_jwks_from_member(const json_t *member, const char *kid, size_t kid_len,
				   struct oa_jwks *out, struct oa_result *r);

/* jwks_file= `path` opened, and the opened file checked (a regular file
 * the service may trust, file_trust.h): *fd is the caller's to close, and
 * -1 on failure; *st is its fstat. */
enum oa_status oa_jwks_file_open(const char *path, int *fd, struct stat *st,
				 struct oa_result *r);

/* The text of the file oa_jwks_file_open opened, in one read, at most
 * OA_MAX_RESPONSE_BYTES; *text is the caller's to free, and NULL on
 * failure. */
enum oa_status oa_jwks_file_read_fd(const char *path, int fd, const struct stat *st,
				    char **text, size_t *len, struct oa_result *r);

/* The keys of a jwks_file='s text, as oa_jwks_from_json; failures are
 * OA_CONFIG.  With `set`, the parsed set as well when OA_OK. */
enum oa_status oa_jwks_from_text(const char *path, const char *text, size_t len,
				 const char *kid, size_t kid_len, unsigned algs,
				 struct oa_jwks *out, json_t **set, struct oa_result *r);

/* Reads a JWK Set from a file (jwks_file=), opened, checked and read as
 * above; kid and algs as oa_jwks_from_json. */
enum oa_status oa_jwks_from_file(const char *path, const char *kid, size_t kid_len,
				 unsigned algs, struct oa_jwks *out, struct oa_result *r);

/* A copy of the set with each member cut by oa_jwk_kept (members that
 * are not objects kept as they are), which oa_jwks_from_json reads as it
 * reads `doc`; what the cache stores.  NULL if `doc` has no "keys" array or
 * memory runs out. */
json_t *oa_jwks_kept(const json_t *doc);

void oa_jwks_clear(struct oa_jwks *set);

/* Whether the set has a key with this kid. */
bool oa_jwks_has_kid(const struct oa_jwks *set, const char *kid, size_t kid_len);

/* Verifies the token's signature with the keys that may: the key named by
 * its kid, or without a kid every key that fits its alg.  OA_OK only when
 * one of them verifies it. */
enum oa_status oa_jwks_verify(const struct oa_jwks *set, const struct oa_jws *jws,
			      struct oa_result *r);

#endif
