#include "jwks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "file_trust.h"
#include "json.h"
#include "signature.h"
#include "text.h"

static bool
kid_seen_before(const json_t *keys, size_t index)
{
	const json_t *kid = json_object_get(json_array_get(keys, index), "kid");

	if (!json_is_string(kid))
		return false;
	for (size_t j = 0; j < index; j++) {
		const json_t *other = json_object_get(json_array_get(keys, j), "kid");

		if (json_is_string(other) && json_equal(kid, other))
			return true;
	}
	return false;
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

enum oa_status
oa_jwks_from_json(const json_t *doc, const char *kid, size_t kid_len, struct oa_jwks *out,
		  struct oa_result *first_skip, struct oa_result *r)
{
	const json_t *keys = json_object_get(doc, "keys");
	size_t count;

	memset(out, 0, sizeof(*out));
	if (!json_is_array(keys))
		return oa_fail(r, OA_UNAVAILABLE, "JWKS has no \"keys\" array");
	count = json_array_size(keys);
	if (count > OA_MAX_JWKS_KEYS)
		return oa_fail(r, OA_UNAVAILABLE, "JWKS has %zu keys, over the limit of %d: refused",
			       count, OA_MAX_JWKS_KEYS);
	for (size_t i = 0; i < count; i++)
		if (kid_seen_before(keys, i))
			return oa_fail(r, OA_UNAVAILABLE,
				       "JWKS has two keys with the same kid: refused");
	out->keys = calloc(count > 0 ? count : 1, sizeof(*out->keys));
	if (out->keys == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	for (size_t i = 0; i < count; i++) {
		struct oa_result why;

		if (kid != NULL && !member_has_kid(json_array_get(keys, i), kid, kid_len))
			continue;
		oa_result_init(&why);
		if (oa_jwk_import(json_array_get(keys, i), &out->keys[out->n], &why) == OA_OK) {
			out->n++;
			continue;
		}
		oa_jwk_clear(&out->keys[out->n]);
		if (why.status == OA_INTERNAL)
			return oa_fail(r, OA_INTERNAL, "%s", why.reason);
		if (out->skipped++ == 0 && first_skip != NULL)
			oa_fail(first_skip, OA_UNAVAILABLE, "key %zu skipped: %s", i, why.reason);
	}
	return OA_OK;
}

enum oa_status
oa_jwks_from_file(const char *path, const char *kid, size_t kid_len,
		  struct oa_jwks *out, struct oa_result *r)
{
	json_error_t err;
	json_t *doc;
	char shown[OA_SHOWN_BYTES];
	/* O_NONBLOCK: a FIFO in the file's place must not hang the login. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	memset(out, 0, sizeof(*out));
	if (fd < 0)
		return oa_fail(r, OA_CONFIG, "jwks_file: %s: %s", path, strerror(errno));
	/* The file read, not the path checked with the arguments. */
	if (oa_file_trust_fd("jwks_file", path, fd, OA_FILE_PLAIN, r) != OA_OK) {
		close(fd);
		return r->status;
	}
	doc = json_loadfd(fd, JSON_REJECT_DUPLICATES, &err);
	close(fd);
	if (doc == NULL) {
		oa_json_error_describe(&err, shown, sizeof(shown));
		return oa_fail(r, OA_CONFIG, "jwks_file %s: %s", path, shown);
	}
	if (oa_jwks_from_json(doc, kid, kid_len, out, NULL, r) != OA_OK && r->status == OA_UNAVAILABLE)
		r->status = OA_CONFIG; /* a bad local file is our configuration */
	json_decref(doc);
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
