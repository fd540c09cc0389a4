/* SPDX-License-Identifier: MIT */
/* The member-by-member cache of a JWK Set (see cache_jwks.h): the set, an
 * entry per member with a kid, and the head naming the set's SHA-256. */
#include "cache_jwks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounds.h"
#include "cache_json.h"
#include "file_trust.h"
#include "json.h"
#include "sha256.h"

#define SET_NS "jwks"
#define HEAD_NS "jwkshead"
#define MEMBER_NS "jwkskey"
#define FILE_NS "jwksfile"
#define REFETCH_NS "jwksrefetch"

#define DIGEST_HEX (2 * OA_SHA256_BYTES)
#define MEMBER_KEY_BYTES (OA_DOC_CACHE_KEY_BYTES + 8 + DIGEST_HEX)
#define FILE_SET_KEY_BYTES (16 + DIGEST_HEX)

/* The SHA-256 of the set's compact text, as hex: what names a set; and
 * whether the text is long enough to be stored key by key. */
static bool
set_digest(const json_t *set, char hex[DIGEST_HEX + 1], bool *by_member)
{
	unsigned char md[OA_SHA256_BYTES];
	char *text = json_dumps(set, JSON_COMPACT);
	size_t len;

	if (text == NULL)
		return false;
	len = strlen(text);
	oa_sha256(text, len, md);
	free(text);
	oa_hex(md, sizeof(md), hex);
	*by_member = len >= OA_JWKS_MEMBERS_MIN_BYTES;
	return true;
}

/* A member's key: the set's (for an issuer's, its URL and TLS trust; for
 * jwks_file=, the SHA-256 of the file's text) and the SHA-256 of the kid,
 * which may be any bytes and long; the kid itself is compared byte for
 * byte with the member's when it is read. */
static void
member_key(const char *set_key, const char *kid, size_t kid_len, char key[MEMBER_KEY_BYTES])
{
	char hex[DIGEST_HEX + 1];
	unsigned char md[OA_SHA256_BYTES];

	oa_sha256(kid, kid_len, md);
	oa_hex(md, sizeof(md), hex);
	snprintf(key, MEMBER_KEY_BYTES, "%s kid=%s", set_key, hex);
}

/* Each member with a string kid, stored in `ns` with the set's digest and
 * times.  False when one could not be written: then no head names the
 * set. */
static bool
put_members(struct oa_ctx *ctx, const char *ns, const char *set_key, const json_t *set,
	    const char *digest, const struct oa_cache_meta *meta)
{
	const json_t *member;
	struct oa_result r;
	size_t i;

	oa_result_init(&r);
	json_array_foreach(json_object_get(set, "keys"), i, member) {
		const json_t *kid = json_object_get(member, "kid");
		char key[MEMBER_KEY_BYTES];
		json_t *entry;
		enum oa_status s;

		if (!json_is_string(kid))
			continue;
		member_key(set_key, json_string_value(kid), json_string_length(kid), key);
		entry = json_pack("{s:s, s:O}", "set", digest, "member", member);
		if (entry == NULL)
			s = oa_fail(&r, OA_INTERNAL, "out of memory");
		else
			s = oa_cache_put_object(ctx->cache, ns, key, entry, meta, 0, false, &r);
		json_decref(entry);
		if (s != OA_OK) {
			oa_ctx_note(ctx, "cache not written: %s", r.reason);
			return false;
		}
	}
	if (oa_cache_tidy(ctx->cache, ns, &r) != OA_OK)
		oa_ctx_note(ctx, "cache not tidied: %s", r.reason);
	return true;
}

/* The member `kid` stored in `ns` for the set whose digest is the
 * `digest_len` bytes at `digest`, imported into `out`: true for one
 * import, usable or not. */
static bool
read_member(struct oa_ctx *ctx, const char *ns, const char *set_key, const char *digest,
	    size_t digest_len, const char *kid, size_t kid_len, struct oa_jwks *out)
{
	char key[MEMBER_KEY_BYTES];
	json_t *entry = NULL;
	struct oa_result r;
	bool found;

	memset(out, 0, sizeof(*out));
	member_key(set_key, kid, kid_len, key);
	if (!oa_cache_get_object(ctx->cache, ns, key, ctx->now, false, &entry, NULL) ||
	    !oa_json_string_equals(json_object_get(entry, "set"), digest, digest_len)) {
		json_decref(entry);
		return false;
	}
	oa_result_init(&r);
	found = oa_jwks_from_member(json_object_get(entry, "member"), kid, kid_len, out, &r) ==
			OA_OK &&
		out->imported == 1;
	if (!found)
		oa_jwks_clear(out);
	out->one_member = found;
	json_decref(entry);
	return found;
}

/* The set, then (with_members) its members, then the head.  The old head
 * goes first: were the writing to stop half way, no head would pair
 * members of an older set with this one, and logins would read the set. */
static void
put_all(struct oa_ctx *ctx, const char *url, const json_t *set, const struct oa_doc_meta *meta,
	bool with_members)
{
	char digest[DIGEST_HEX + 1], set_key[OA_DOC_CACHE_KEY_BYTES];
	json_t *head;
	bool by_member;

	oa_doc_cache_remove(ctx, HEAD_NS, url);
	if (!oa_doc_cache_put(ctx, SET_NS, url, set, meta) ||
	    !set_digest(set, digest, &by_member) || !by_member)
		return;
	oa_doc_cache_key(ctx->cfg, url, set_key);
	if (with_members && !put_members(ctx, MEMBER_NS, set_key, set, digest, &meta->entry))
		return;
	head = json_pack("{s:s}", "set", digest);
	if (head != NULL)
		oa_doc_cache_put(ctx, HEAD_NS, url, head, meta);
	json_decref(head);
}

void
oa_jwks_cache_store(struct oa_ctx *ctx, const char *url, const json_t *set, long max_age)
{
	struct oa_doc_meta meta;
	struct oa_result r;

	oa_result_init(&r);
	if (ctx->cache == NULL || oa_jwks_check_set(set, &r) != OA_OK)
		return;
	oa_doc_cache_fresh_meta(ctx, max_age, &meta);
	put_all(ctx, url, set, &meta, true);
}

void
oa_jwks_cache_retry_later(struct oa_ctx *ctx, const char *url, const json_t *set,
			  const struct oa_doc_meta *old)
{
	struct oa_doc_meta meta;

	if (ctx->cache == NULL)
		return;
	oa_doc_cache_retry_meta(ctx, old, &meta);
	/* The members stored with the set still carry its digest. */
	put_all(ctx, url, set, &meta, false);
}

void
oa_jwks_cache_note_refetch(struct oa_ctx *ctx, const char *url)
{
	/* Kept as long as any reader's jwks_refresh_min= could count it. */
	struct oa_cache_meta meta = {
		.stored_at = ctx->now,
		.fresh_until = ctx->now + OA_MAX_JWKS_REFRESH_MIN_SECONDS,
		.stale_until = ctx->now + OA_MAX_JWKS_REFRESH_MIN_SECONDS,
	};
	char key[OA_DOC_CACHE_KEY_BYTES];
	struct oa_result r;
	json_t *marker;

	if (ctx->cache == NULL)
		return;
	oa_result_init(&r);
	oa_doc_cache_key(ctx->cfg, url, key);
	/* Not json_object(): inside a PostgreSQL backend that name is the
	 * server's own SQL function, which the call would reach. */
	marker = json_pack("{}");
	/* Unrecorded, the next such token asks again: as with every entry,
	 * a cache that cannot be written costs speed, not correctness. */
	if (marker == NULL ||
	    oa_cache_put_object(ctx->cache, REFETCH_NS, key, marker, &meta, 0, false, &r) != OA_OK)
		oa_ctx_note(ctx, "cache not written: %s", marker == NULL ? "out of memory" : r.reason);
	else if (oa_cache_tidy(ctx->cache, REFETCH_NS, &r) != OA_OK)
		oa_ctx_note(ctx, "cache not tidied: %s", r.reason);
	json_decref(marker);
}

bool
oa_jwks_cache_refetched_recently(struct oa_ctx *ctx, const char *url)
{
	char key[OA_DOC_CACHE_KEY_BYTES];
	struct oa_cache_meta meta;
	json_t *marker = NULL;
	bool recent;

	if (ctx->cache == NULL)
		return false;
	oa_doc_cache_key(ctx->cfg, url, key);
	recent = oa_cache_get_object(ctx->cache, REFETCH_NS, key, ctx->now, false, &marker, &meta) &&
		 ctx->now - meta.stored_at < ctx->cfg->jwks_refresh_min_seconds;
	json_decref(marker);
	return recent;
}

bool
oa_jwks_cache_member(struct oa_ctx *ctx, const char *url, const char *kid, size_t kid_len,
		     struct oa_jwks *out)
{
	char set_key[OA_DOC_CACHE_KEY_BYTES];
	struct oa_doc_meta meta;
	json_t *head = NULL;
	bool found = false;

	memset(out, 0, sizeof(*out));
	/* Past its freshness the set is refetched or served stale: the whole
	 * set's path decides, with its notes. */
	if (ctx->cache != NULL && oa_doc_cache_peek(ctx, HEAD_NS, url, &head, &meta) &&
	    ctx->now < meta.entry.fresh_until) {
		const json_t *digest = json_object_get(head, "set");

		oa_doc_cache_key(ctx->cfg, url, set_key);
		found = json_is_string(digest) &&
			read_member(ctx, MEMBER_NS, set_key, json_string_value(digest),
				    json_string_length(digest), kid, kid_len, out);
	}
	json_decref(head);
	return found;
}

/* The name of jwks_file='s set in the cache, and what its members' "set"
 * holds: by its identity when `st` may stand for its text, else by the
 * SHA-256 of `text`. */
static void
file_set_name(const struct stat *st, const char *text, size_t len, char hex[DIGEST_HEX + 1],
	      char set_key[FILE_SET_KEY_BYTES])
{
	unsigned char md[OA_SHA256_BYTES];
	long long id[OA_FILE_IDENTITY_NUMBERS];

	if (text == NULL) {
		oa_file_identity(st, id);
		oa_sha256(id, sizeof(id), md);
	} else {
		oa_sha256(text, len, md);
	}
	oa_hex(md, sizeof(md), hex);
	snprintf(set_key, FILE_SET_KEY_BYTES, "jwks_file %s %s", text == NULL ? "id" : "text",
		 hex);
}

/* Whether the file's identity (file_trust.h) may stand for its text: it
 * is long enough to be kept member by member, and its last change is
 * older than a rewrite could hide in.  `now` is read before the file is
 * opened, so a change made after this login's read gets a later ctime. */
static bool
file_settled(const struct oa_ctx *ctx, const struct stat *st)
{
	return st->st_size >= OA_JWKS_MEMBERS_MIN_BYTES &&
	       (long long)st->st_ctim.tv_sec + OA_FILE_SETTLED_SECONDS <= ctx->now;
}

static bool
same_identity(const struct stat *a, const struct stat *b)
{
	long long x[OA_FILE_IDENTITY_NUMBERS], y[OA_FILE_IDENTITY_NUMBERS];

	oa_file_identity(a, x);
	oa_file_identity(b, y);
	return memcmp(x, y, sizeof(x)) == 0;
}

enum oa_status
oa_jwks_cache_from_file(struct oa_ctx *ctx, const char *kid, size_t kid_len, unsigned algs,
			struct oa_jwks *out, struct oa_result *r)
{
	const char *path = ctx->cfg->jwks_file;
	char hex[DIGEST_HEX + 1], set_key[FILE_SET_KEY_BYTES];
	struct oa_cache_meta meta;
	struct stat st, after;
	json_t *set = NULL, *kept;
	size_t len = 0;
	char *text = NULL;
	bool settled;
	int fd;

	if (ctx->cache == NULL || kid == NULL) {
		if (oa_jwks_from_file(path, kid, kid_len, algs, out, r) == OA_OK)
			out->file_read = true;
		return r->status;
	}
	memset(out, 0, sizeof(*out));
	/* Opened and checked on every login, read only when needed. */
	if (oa_jwks_file_open(path, &fd, &st, r) != OA_OK)
		return r->status;
	settled = file_settled(ctx, &st);
	if (settled) {
		file_set_name(&st, NULL, 0, hex, set_key);
		if (read_member(ctx, FILE_NS, set_key, hex, DIGEST_HEX, kid, kid_len, out))
			goto done;
	}
	if (oa_jwks_file_read_fd(path, fd, &st, &text, &len, r) != OA_OK)
		goto done;
	if (len < OA_JWKS_MEMBERS_MIN_BYTES) {
		oa_jwks_from_text(path, text, len, kid, kid_len, algs, out, NULL, r);
		goto done;
	}
	/* A change while it was read: the text read is known by itself. */
	if (settled && (fstat(fd, &after) != 0 || !same_identity(&st, &after)))
		settled = false;
	if (!settled) {
		/* Named by its text: a file changed in any way is another set,
		 * whose members were never stored. */
		file_set_name(&st, text, len, hex, set_key);
		if (read_member(ctx, FILE_NS, set_key, hex, DIGEST_HEX, kid, kid_len, out))
			goto done;
	}
	/* Only for a kid the file has: a token naming kids it lacks must not
	 * make each login write the cache. */
	if (oa_jwks_from_text(path, text, len, kid, kid_len, algs, out, &set, r) != OA_OK ||
	    out->imported == 0)
		goto done;
	/* Kept a day past its last whole read; the set's checks held. */
	meta.stored_at = ctx->now;
	meta.fresh_until = meta.stale_until = ctx->now + OA_MAX_KEYS_FRESH_SECONDS;
	kept = oa_jwks_kept(set);
	if (kept != NULL)
		put_members(ctx, FILE_NS, set_key, kept, hex, &meta);
	json_decref(kept);
done:
	out->file_read = text != NULL;
	close(fd);
	json_decref(set);
	free(text);
	return r->status;
}
