/* SPDX-License-Identifier: MIT */
/* Compact JWS parsing under RFC 8725's rules, before any cryptography. */

#include "jws.h"

#include <stdlib.h>
#include <string.h>

#include "base64url.h"
#include "json.h"
#include "text.h"

bool
oa_jws_is_compact(const char *token, size_t len)
{
	const char *end = token + len, *dot = token;
	size_t dots = 0;

	/* memchr, not a loop over every byte: a token may be 64 KB. */
	while (dots < 3 && (dot = memchr(dot, '.', (size_t)(end - dot))) != NULL) {
		dots++;
		dot++;
	}
	return dots == 2;
}

/* Decodes one segment as a JSON object; `what` names it in reasons. */
static enum oa_status
decode_object(const char *seg, size_t len, const char *what, json_t **out,
	      struct oa_result *r)
{
	unsigned char *raw;
	size_t raw_len;
	json_error_t err;

	*out = NULL;
	if (len == 0)
		return oa_fail(r, OA_REJECTED, "JWT %s is empty", what);
	if (!oa_base64url_decode(seg, len, &raw, &raw_len))
		return oa_fail(r, OA_REJECTED, "JWT %s is not canonical unpadded base64url", what);
	/* jansson refuses \u0000 unless asked, and duplicates with the flag:
	 * two "alg" or two "sub" members must not mean different things to
	 * different parsers. */
	*out = json_loadb((const char *)raw, raw_len, JSON_REJECT_DUPLICATES, &err);
	free(raw);
	if (*out == NULL) {
		char shown[80];

		oa_json_error_describe(&err, shown, sizeof(shown));
		return oa_fail(r, OA_REJECTED, "JWT %s is not valid JSON: %s", what, shown);
	}
	if (!json_is_object(*out))
		return oa_fail(r, OA_REJECTED, "JWT %s is not a JSON object", what);
	return OA_OK;
}

static enum oa_status
check_header(struct oa_jws *jws, unsigned allowed, struct oa_result *r)
{
	const json_t *alg = json_object_get(jws->header, "alg");
	const json_t *kid = json_object_get(jws->header, "kid");
	const json_t *typ = json_object_get(jws->header, "typ");
	char shown[40];

	if (!json_is_string(alg))
		return oa_fail(r, OA_REJECTED, "JWT header has no \"alg\" string");
	oa_text_escape(json_string_value(alg), json_string_length(alg), shown, sizeof(shown));
	if (!oa_alg_parse(json_string_value(alg), json_string_length(alg), &jws->alg))
		return oa_fail(r, OA_REJECTED, "JWT alg \"%s\" is not accepted", shown);
	if ((allowed & (1u << jws->alg)) == 0)
		return oa_fail(r, OA_REJECTED, "JWT alg %s is not in algorithms=", shown);
	if (json_object_get(jws->header, "crit") != NULL)
		return oa_fail(r, OA_REJECTED, "JWT header has \"crit\", which is not supported");
	if (json_object_get(jws->header, "b64") != NULL ||
	    json_object_get(jws->header, "zip") != NULL ||
	    json_object_get(jws->header, "enc") != NULL)
		return oa_fail(r, OA_REJECTED,
			       "JWT header has b64, zip or enc: not a plain signed JWT");
	if (kid != NULL) {
		if (!json_is_string(kid))
			return oa_fail(r, OA_REJECTED, "JWT header \"kid\" is not a string");
		jws->kid = json_string_value(kid);
		jws->kid_len = json_string_length(kid);
	}
	if (typ != NULL) {
		if (!json_is_string(typ))
			return oa_fail(r, OA_REJECTED, "JWT header \"typ\" is not a string");
		jws->typ = json_string_value(typ);
	}
	return OA_OK;
}

enum oa_status
oa_jws_parse(const char *token, size_t len, unsigned allowed,
	     struct oa_jws *out, struct oa_result *r)
{
	const char *dot1, *dot2, *end = token + len;

	memset(out, 0, sizeof(*out));
	if (!oa_jws_is_compact(token, len))
		return oa_fail(r, OA_REJECTED, "token is not a compact JWS of three parts");
	dot1 = memchr(token, '.', len);
	dot2 = memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1));
	if (decode_object(token, (size_t)(dot1 - token), "header", &out->header, r) != OA_OK ||
	    check_header(out, allowed, r) != OA_OK ||
	    decode_object(dot1 + 1, (size_t)(dot2 - dot1 - 1), "payload", &out->payload, r) != OA_OK)
		return r->status;
	if (dot2 + 1 == end ||
	    !oa_base64url_decode(dot2 + 1, (size_t)(end - dot2 - 1), &out->signature,
				 &out->signature_len))
		return oa_fail(r, OA_REJECTED,
			       "JWT signature is empty or not canonical unpadded base64url");
	out->signing_input = token;
	out->signing_input_len = (size_t)(dot2 - token);
	return OA_OK;
}

void
oa_jws_clear(struct oa_jws *jws)
{
	json_decref(jws->header);
	json_decref(jws->payload);
	free(jws->signature);
	memset(jws, 0, sizeof(*jws));
}
