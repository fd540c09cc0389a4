#include "claims.h"

#include <stdbool.h>
#include <stdio.h>
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

/* The JSON text of a scalar claim, for comparing with a pam.d value. */
static bool
scalar_text(const json_t *value, const char **text, size_t *len, char *buf,
	    size_t buf_size)
{
	if (json_is_string(value)) {
		*text = json_string_value(value);
		*len = json_string_length(value);
		return true;
	}
	if (json_is_integer(value))
		snprintf(buf, buf_size, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
	else if (json_is_boolean(value))
		snprintf(buf, buf_size, "%s", json_is_true(value) ? "true" : "false");
	else
		return false;
	*text = buf;
	*len = strlen(buf);
	return true;
}

enum oa_status
oa_claims_check_required(const json_t *claims,
			 const struct oa_required_claim *required,
			 size_t n_required, struct oa_result *r)
{
	for (size_t i = 0; i < n_required; i++) {
		const struct oa_required_claim *want = &required[i];
		const json_t *value = json_object_getn(claims, want->name, want->name_len);
		char buf[32], shown[OA_SHOWN_BYTES];
		const char *text;
		size_t len;
		int name_len = (int)want->name_len;

		if (value == NULL)
			return oa_fail(r, OA_REJECTED,
				       "required claim %.*s=%s: the claim is missing",
				       name_len, want->name, want->value);
		if (!scalar_text(value, &text, &len, buf, sizeof(buf)))
			return oa_fail(r, OA_REJECTED,
				       "required claim %.*s=%s: the claim is not a string, integer or boolean",
				       name_len, want->name, want->value);
		if (len != strlen(want->value) || memcmp(text, want->value, len) != 0) {
			oa_text_escape(text, len, shown, sizeof(shown));
			return oa_fail(r, OA_REJECTED,
				       "required claim %.*s=%s: the token has \"%s\"",
				       name_len, want->name, want->value, shown);
		}
	}
	return OA_OK;
}
