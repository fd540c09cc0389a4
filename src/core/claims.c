/* SPDX-License-Identifier: MIT */
/* The username and required-claim checks on claims an issuer vouched for. */

#include "claims.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "policy.h"
#include "text.h"
#include "trace.h"
#include "usermap.h"

enum oa_status
oa_claims_check_username(const json_t *claims, const char *claim_name,
			 const char *user, struct oa_result *r)
{
	const json_t *value = oa_claim_at_path(claims, claim_name, strlen(claim_name));
	char shown[OA_SHOWN_BYTES], shown_user[OA_SHOWN_BYTES];
	size_t user_len = strlen(user);

	if (value == NULL)
		return oa_fail(r, OA_REJECTED, "issuer's answer has no \"%s\" claim",
			       claim_name);
	if (!json_is_string(value))
		return oa_fail(r, OA_REJECTED, "claim \"%s\" is not a string", claim_name);
	if (!oa_json_string_equals(value, user, user_len)) {
		oa_text_escape(json_string_value(value), json_string_length(value),
			       shown, sizeof(shown));
		oa_text_escape(user, user_len, shown_user, sizeof(shown_user));
		return oa_fail(r, OA_REJECTED,
			       "claim \"%s\" is \"%s\", not the PAM user \"%s\"",
			       claim_name, shown, shown_user);
	}
	return OA_OK;
}

enum oa_status
oa_claims_check_mapped_user(const json_t *claims, const char *claim_name,
			    const char *map_path, bool casefold, const char *user,
			    struct oa_trace *trace, struct oa_result *r)
{
	const json_t *value = oa_claim_at_path(claims, claim_name, strlen(claim_name));
	struct oa_usermap *map = NULL;
	char shown[OA_SHOWN_BYTES], shown_user[OA_SHOWN_BYTES];
	unsigned line = 0;

	if (value == NULL)
		oa_fail(r, OA_REJECTED, "issuer's answer has no \"%s\" claim", claim_name);
	else if (!json_is_string(value))
		oa_fail(r, OA_REJECTED, "claim \"%s\" is not a string", claim_name);
	else if (oa_usermap_load(map_path, casefold, &map, r) == OA_OK)
		oa_usermap_match(map, json_string_value(value), json_string_length(value), user,
				 &line, r);
	oa_usermap_free(map);
	if (trace != NULL && r->status == OA_OK) {
		oa_text_escape(json_string_value(value), json_string_length(value), shown,
			       sizeof(shown));
		oa_text_escape(user, strlen(user), shown_user, sizeof(shown_user));
		oa_trace_step(trace, "username map", OA_STEP_OK,
			      "claim \"%s\" is \"%s\", mapped to \"%s\" by %s line %u",
			      claim_name, shown, shown_user, map_path, line);
	} else {
		oa_trace_outcome(trace, "username map", r->status, r, "-");
	}
	return r->status;
}

/* The claim as JSON (arrays and objects by type only), escaped and cut,
 * for a reason. */
static void
show_claim(const json_t *value, char *out, size_t size)
{
	char *text;

	if (json_is_string(value)) {
		char inner[96];

		oa_text_escape(json_string_value(value), json_string_length(value), inner,
			       sizeof(inner));
		snprintf(out, size, "\"%s\"", inner);
		return;
	}
	if (json_is_array(value) || json_is_object(value)) {
		snprintf(out, size, "%s", json_is_array(value) ? "an array" : "an object");
		return;
	}
	text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
	if (text == NULL) {
		snprintf(out, size, "a value");
		return;
	}
	oa_text_escape(text, strlen(text), out, size);
	free(text);
}

enum oa_status
oa_claims_check_required(const json_t *claims,
			 const struct oa_required_claim *required,
			 size_t n_required, struct oa_result *r)
{
	for (size_t i = 0; i < n_required; i++) {
		const struct oa_required_claim *want = &required[i];
		const json_t *value = json_object_getn(claims, want->name, want->name_len);
		char shown[112];
		int name_len = (int)want->name_len;

		if (value == NULL)
			return oa_fail(r, OA_REJECTED,
				       "required claim %.*s=%s: the claim is missing",
				       name_len, want->name, want->value);
		if (!oa_json_matches_config_value(value, want->value, strlen(want->value))) {
			show_claim(value, shown, sizeof(shown));
			return oa_fail(r, OA_REJECTED,
				       "required claim %.*s=%s: the token has %s",
				       name_len, want->name, want->value, shown);
		}
	}
	return OA_OK;
}
