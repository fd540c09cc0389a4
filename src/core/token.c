/* SPDX-License-Identifier: MIT */
/* Token intake: what the client sent, checked before anything is asked. */

#include "token.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64url.h"
#include "sha256.h"

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" /
 * "~" / "+" / "/" ) *"=" */
static bool
is_b64token(const char *s, size_t len)
{
	size_t i = 0;

	for (; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		      c == '~' || c == '+' || c == '/'))
			break;
	}
	if (i == 0)
		return false;
	for (; i < len; i++)
		if (s[i] != '=')
			return false;
	return true;
}

enum oa_status
oa_token_intake(const char *input, size_t max_bytes, struct oa_token *out,
		struct oa_result *r)
{
	const char *start, *end;
	size_t len;

	memset(out, 0, sizeof(*out));
	strcpy(out->fingerprint, "-");
	if (input == NULL)
		return oa_fail(r, OA_REJECTED, "no token given");
	start = input;
	end = input + strlen(input);
	while (start < end && is_space(*start))
		start++;
	/* Before trailing space is trimmed, so "Bearer " alone is empty. */
	if (end - start > 6 && strncasecmp(start, "bearer", 6) == 0 &&
	    is_space(start[6])) {
		start += 6;
		while (start < end && is_space(*start))
			start++;
	}
	while (end > start && is_space(end[-1]))
		end--;
	len = (size_t)(end - start);
	if (len == 0)
		return oa_fail(r, OA_REJECTED, "empty token");
	if (len > max_bytes)
		return oa_fail(r, OA_REJECTED,
			       "token of %zu bytes is over max_token_size=%zu",
			       len, max_bytes);
	oa_sha256(start, len, out->digest);
	oa_hex(out->digest, OA_FINGERPRINT_HEX / 2, out->fingerprint);
	if (!is_b64token(start, len))
		return oa_fail(r, OA_REJECTED,
			       "token has characters a bearer token cannot have");
	out->value = malloc(len + 1);
	if (out->value == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	memcpy(out->value, start, len);
	out->value[len] = '\0';
	out->len = len;
	return OA_OK;
}

void
oa_token_clear(struct oa_token *t)
{
	if (t->value != NULL) {
		explicit_bzero(t->value, t->len);
		free(t->value);
	}
	t->value = NULL;
	t->len = 0;
}

long long
oa_token_unverified_exp(const struct oa_token *t)
{
	const char *payload, *payload_end;
	unsigned char *json = NULL;
	size_t json_len;
	json_t *claims, *exp;
	long long result = -1;

	if (t->value == NULL)
		return -1;
	payload = strchr(t->value, '.');
	if (payload == NULL)
		return -1;
	payload++;
	payload_end = strchr(payload, '.');
	if (payload_end == NULL || strchr(payload_end + 1, '.') != NULL)
		return -1;
	if (!oa_base64url_decode(payload, (size_t)(payload_end - payload), &json,
				 &json_len))
		return -1;
	claims = json_loadb((const char *)json, json_len, JSON_REJECT_DUPLICATES, NULL);
	exp = json_object_get(claims, "exp");
	if (json_is_integer(exp))
		result = json_integer_value(exp);
	else if (json_is_real(exp) && json_real_value(exp) > 0 &&
		 json_real_value(exp) < 9.2e18)
		result = (long long)json_real_value(exp);
	json_decref(claims);
	free(json);
	return result < 0 ? -1 : result;
}
