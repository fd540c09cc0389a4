/* SPDX-License-Identifier: MIT */
/* A JWK Set checked as a whole and the choice of keys that may verify a token. */

#include "jwks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounds.h"
#include "file_trust.h"
#include "json.h"
#include "read_full.h"
#include "signature.h"
#include "text.h"

struct kid_ref {
	const char *bytes;
	size_t len;
};

static int
kid_order(const void *a, const void *b)
{
	const struct kid_ref *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->bytes, y->bytes, x->len);
}

/* Whether two members carry the same kid, byte for byte: sorted and
 * compared neighbour to neighbour, since every JWT login checks the set
 * and comparing every pair of a 256-key set is 32,640 lookups. */
static enum oa_status
kids_repeat(const json_t *keys, size_t count, bool *repeat)
{
	struct kid_ref *kids = calloc(count > 0 ? count : 1, sizeof(*kids));
	size_t n = 0;

	*repeat = false;
	if (kids == NULL)
		return OA_INTERNAL;
	for (size_t i = 0; i < count; i++) {
		const json_t *kid = json_object_get(json_array_get(keys, i), "kid");

		if (json_is_string(kid)) {
			kids[n].bytes = json_string_value(kid);
			kids[n++].len = json_string_length(kid);
		}
	}
	qsort(kids, n, sizeof(*kids), kid_order);
	for (size_t i = 1; i < n && !*repeat; i++)
		*repeat = kid_order(&kids[i - 1], &kids[i]) == 0;
	free(kids);
	return OA_OK;
}

/* The algorithms a member may verify, read from its JSON before any
 * import: its kty and crv (RFC 7518 6.1, RFC 8037 2), narrowed by its own
 * alg; none when "use" is anything but "sig" (RFC 7517 4.2) or a member it
 * needs is missing or of the wrong type (the import would refuse it).
 * oa_jwk_fits still decides on the imported key. */
static unsigned
member_algs(const json_t *member)
{
	const json_t *kty = json_object_get(member, "kty");
	const json_t *crv = json_object_get(member, "crv");
	const json_t *use = json_object_get(member, "use");
	const json_t *alg = json_object_get(member, "alg");
	unsigned algs = 0;
	enum oa_alg own;

	if (use != NULL && !oa_json_string_equals(use, "sig", 3))
		return 0;
	if (oa_json_string_equals(kty, "RSA", 3))
		algs = 1u << OA_ALG_RS256 | 1u << OA_ALG_RS384 | 1u << OA_ALG_RS512 |
		       1u << OA_ALG_PS256 | 1u << OA_ALG_PS384 | 1u << OA_ALG_PS512;
	else if (oa_json_string_equals(kty, "EC", 2))
		algs = oa_json_string_equals(crv, "P-256", 5) ? 1u << OA_ALG_ES256 :
		       oa_json_string_equals(crv, "P-384", 5) ? 1u << OA_ALG_ES384 :
		       oa_json_string_equals(crv, "P-521", 5) ? 1u << OA_ALG_ES512 :
								0;
	else if (oa_json_string_equals(kty, "OKP", 3))
		algs = oa_json_string_equals(crv, "Ed25519", 7) ? 1u << OA_ALG_EDDSA : 0;
	if (alg == NULL)
		return algs;
	if (!json_is_string(alg) ||
	    !oa_alg_parse(json_string_value(alg), json_string_length(alg), &own))
		return 0;
	return algs & 1u << own;
}

static bool
member_has_kid(const json_t *member, const char *kid, size_t kid_len)
{
	const json_t *k = json_object_get(member, "kid");

	return oa_json_string_equals(k, kid, kid_len);
}

json_t *
oa_jwks_kept(const json_t *doc)
{
	const json_t *keys = json_object_get(doc, "keys");
	json_t *kept_keys;
	size_t i;
	const json_t *member;

	if (!json_is_array(keys) || (kept_keys = json_array()) == NULL)
		return NULL;
	json_array_foreach(keys, i, member) {
		json_t *k = json_is_object(member) ? oa_jwk_kept(member) :
						     json_incref((json_t *)member);

		if (json_array_append_new(kept_keys, k) != 0) {
			json_decref(kept_keys);
			return NULL;
		}
	}
	/* "o" hands kept_keys over, also when it fails. */
	return json_pack("{s:o}", "keys", kept_keys);
}

/* Whether the member is one a token may use (oa_jwks_from_json). */
static bool
member_wanted(const json_t *member, const char *kid, size_t kid_len, unsigned algs)
{
	if (kid != NULL)
		return member_has_kid(member, kid, kid_len);
	return algs == OA_JWKS_ANY_ALG || (member_algs(member) & algs) != 0;
}

enum oa_status
oa_jwks_check_set(const json_t *doc, struct oa_result *r)
{
	const json_t *keys = json_object_get(doc, "keys");
	size_t count;
	bool repeat;

	if (!json_is_array(keys))
		return oa_fail(r, OA_UNAVAILABLE, "JWKS has no \"keys\" array");
	count = json_array_size(keys);
	if (count > OA_MAX_JWKS_KEYS)
		return oa_fail(r, OA_UNAVAILABLE, "JWKS has %zu keys, over the limit of %d: refused",
			       count, OA_MAX_JWKS_KEYS);
	if (kids_repeat(keys, count, &repeat) != OA_OK)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	if (repeat)
		return oa_fail(r, OA_UNAVAILABLE, "JWKS has two keys with the same kid: refused");
	return OA_OK;
}

/* Imports member i of the set into out->keys[out->n]; false when the set
 * is to be refused (memory). */
static bool
import_member(const json_t *member, size_t i, struct oa_jwks *out,
	      struct oa_result *first_skip, struct oa_result *r)
{
	struct oa_result why;

	oa_result_init(&why);
	out->imported++;
	if (oa_jwk_import(member, &out->keys[out->n], &why) == OA_OK) {
		out->n++;
		return true;
	}
	oa_jwk_clear(&out->keys[out->n]);
	if (why.status == OA_INTERNAL) {
		oa_fail(r, OA_INTERNAL, "%s", why.reason);
		return false;
	}
	if (out->skipped++ == 0 && first_skip != NULL)
		oa_fail(first_skip, OA_UNAVAILABLE, "key %zu skipped: %s", i, why.reason);
	return true;
}

enum oa_status
oa_jwks_from_json(const json_t *doc, const char *kid, size_t kid_len, unsigned algs,
		  struct oa_jwks *out, struct oa_result *first_skip, struct oa_result *r)
{
	const json_t *keys = json_object_get(doc, "keys");
	size_t count;

	memset(out, 0, sizeof(*out));
	if (oa_jwks_check_set(doc, r) != OA_OK)
		return r->status;
	count = json_array_size(keys);
	out->keys = calloc(count > 0 ? count : 1, sizeof(*out->keys));
	if (out->keys == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	for (size_t i = 0; i < count; i++)
		if (member_wanted(json_array_get(keys, i), kid, kid_len, algs) &&
		    !import_member(json_array_get(keys, i), i, out, first_skip, r))
			return r->status;
	return OA_OK;
}

enum oa_status
oa_jwks_from_member(const json_t *member, const char *kid, size_t kid_len,
		    struct oa_jwks *out, struct oa_result *r)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(member) || !member_has_kid(member, kid, kid_len))
		return OA_OK;
	out->keys = calloc(1, sizeof(*out->keys));
	if (out->keys == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	import_member(member, 0, out, NULL, r);
	return r->status;
}

enum oa_status
oa_jwks_file_open(const char *path, int *fd, struct stat *st, struct oa_result *r)
{
	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (*fd < 0)
		return oa_fail(r, OA_CONFIG, "jwks_file %s: %s", path, strerror(errno));
	if (fstat(*fd, st) != 0 || !S_ISREG(st->st_mode)) {
		oa_fail(r, OA_CONFIG, "jwks_file %s is not a regular file", path);
	} else {
		/* The file read, not the path checked with the arguments. */
		if (oa_file_trust_fd("jwks_file", path, *fd, OA_FILE_PLAIN, r) == OA_OK)
			return OA_OK;
	}
	close(*fd);
	*fd = -1;
	return r->status;
}

/* The whole file in one read (jansson reading a FILE takes a getc per
 * byte), held to the bound of a set fetched from the issuer. */
enum oa_status
oa_jwks_file_read_fd(const char *path, int fd, const struct stat *st, char **text,
		     size_t *len, struct oa_result *r)
{
	size_t want;
	int err;

	want = st->st_size < OA_MAX_RESPONSE_BYTES ? (size_t)st->st_size : OA_MAX_RESPONSE_BYTES;
	/* One byte more, to tell a file over the bound (or grown since
	 * fstat) from one at it. */
	*text = malloc(want + 1);
	if (*text == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	err = oa_read_full(fd, *text, want + 1, len);
	if (err != 0)
		oa_fail(r, OA_CONFIG, "jwks_file %s: %s", path, strerror(err));
	else if (*len > OA_MAX_RESPONSE_BYTES)
		oa_fail(r, OA_CONFIG, "jwks_file %s is over %d bytes", path,
			OA_MAX_RESPONSE_BYTES);
	else
		return OA_OK;
	/* No text on failure: the caller's file_read says what was read. */
	free(*text);
	*text = NULL;
	return r->status;
}

enum oa_status
oa_jwks_from_text(const char *path, const char *text, size_t len, const char *kid,
		  size_t kid_len, unsigned algs, struct oa_jwks *out, json_t **set,
		  struct oa_result *r)
{
	json_error_t err;
	json_t *doc;
	char shown[OA_SHOWN_BYTES];

	memset(out, 0, sizeof(*out));
	if (set != NULL)
		*set = NULL;
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (doc == NULL) {
		oa_json_error_describe(&err, shown, sizeof(shown));
		return oa_fail(r, OA_CONFIG, "jwks_file %s: %s", path, shown);
	}
	if (oa_jwks_from_json(doc, kid, kid_len, algs, out, NULL, r) != OA_OK &&
	    r->status == OA_UNAVAILABLE)
		r->status = OA_CONFIG; /* a bad local file is our configuration */
	if (r->status == OA_OK && set != NULL)
		*set = json_incref(doc);
	json_decref(doc);
	return r->status;
}

enum oa_status
oa_jwks_from_file(const char *path, const char *kid, size_t kid_len, unsigned algs,
		  struct oa_jwks *out, struct oa_result *r)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int fd;

	memset(out, 0, sizeof(*out));
	if (oa_jwks_file_open(path, &fd, &st, r) != OA_OK)
		return r->status;
	if (oa_jwks_file_read_fd(path, fd, &st, &text, &len, r) == OA_OK)
		oa_jwks_from_text(path, text, len, kid, kid_len, algs, out, NULL, r);
	close(fd);
	free(text);
	return r->status;
}

void
oa_jwks_clear(struct oa_jwks *set)
{
	for (size_t i = 0; i < set->n; i++)
		oa_jwk_clear(&set->keys[i]);
	free(set->keys);
	memset(set, 0, sizeof(*set));
}

static bool
same_kid(const struct oa_jwk *key, const char *kid, size_t kid_len)
{
	return key->kid != NULL && strlen(key->kid) == kid_len &&
	       memcmp(key->kid, kid, kid_len) == 0;
}

bool
oa_jwks_has_kid(const struct oa_jwks *set, const char *kid, size_t kid_len)
{
	for (size_t i = 0; i < set->n; i++)
		if (same_kid(&set->keys[i], kid, kid_len))
			return true;
	return false;
}

enum oa_status
oa_jwks_verify(const struct oa_jwks *set, const struct oa_jws *jws,
	       struct oa_result *r)
{
	struct oa_result last;
	size_t tried = 0;

	oa_result_init(&last);
	for (size_t i = 0; i < set->n; i++) {
		const struct oa_jwk *key = &set->keys[i];
		struct oa_result attempt;

		if (jws->kid != NULL && !same_kid(key, jws->kid, jws->kid_len))
			continue;
		oa_result_init(&attempt);
		/* Without a kid, keys of another type are not candidates at all;
		 * with one, the named key must fit or the token is refused. */
		if (jws->kid == NULL && !oa_jwk_fits(key, jws->alg, &attempt))
			continue;
		tried++;
		if (oa_signature_verify(jws->alg, key, (const unsigned char *)jws->signing_input,
					jws->signing_input_len, jws->signature,
					jws->signature_len, &attempt) == OA_OK)
			return OA_OK;
		if (attempt.status == OA_INTERNAL)
			return oa_fail(r, OA_INTERNAL, "%s", attempt.reason);
		last = attempt;
	}
	if (tried == 0 && jws->kid != NULL) {
		char shown[80];

		oa_text_escape(jws->kid, jws->kid_len, shown, sizeof(shown));
		oa_fail(r, OA_REJECTED, "no key with kid \"%s\" in the issuer's keys", shown);
		r->transient = true;
		return r->status;
	}
	if (tried == 0)
		return oa_fail(r, OA_REJECTED, "no key of the issuer fits alg %s",
			       oa_alg_name(jws->alg));
	return oa_fail(r, OA_REJECTED, "%s", last.reason);
}
