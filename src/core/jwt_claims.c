/* SPDX-License-Identifier: MIT */
/* The lifetime, issuer, audience and type checks on verified claims. */

#include "jwt_claims.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "text.h"

/* Beyond this many seconds from 1970 (some 285 million years) a date is
 * nonsense; inside it, adding or subtracting the clock and the leeway
 * cannot overflow. */
#define MAX_NUMERIC_DATE 9000000000000000LL
#define NOT_A_DATE "is not a NumericDate (a number of seconds within 9e15 of 1970)"

/* A NumericDate (RFC 7519 section 2): integer or fraction of seconds.
 * Fractions are rounded toward the stricter side by the callers' use of
 * whole seconds: exp down, nbf/iat up. */
static bool
numeric_date(const json_t *v, bool round_up, long long *out)
{
	double d;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return *out >= -MAX_NUMERIC_DATE && *out <= MAX_NUMERIC_DATE;
	}
	if (!json_is_real(v))
		return false;
	d = json_real_value(v);
	if (!isfinite(d) || d < (double)-MAX_NUMERIC_DATE || d > (double)MAX_NUMERIC_DATE)
		return false;
	*out = (long long)(round_up ? ceil(d) : floor(d));
	return true;
}

enum oa_status
oa_claims_check_lifetime(const struct oa_config *cfg, const json_t *claims,
			 long long now, bool exp_required, const char *what,
			 long long *exp, struct oa_result *r)
{
	const json_t *v;
	long long t;

	*exp = -1;
	v = json_object_get(claims, "exp");
	if (v == NULL && !exp_required)
		goto not_before;
	if (v == NULL)
		return oa_fail(r, OA_REJECTED, "%s has no exp claim", what);
	if (!numeric_date(v, false, exp))
		return oa_fail(r, OA_REJECTED, "%s exp " NOT_A_DATE, what);
	if (now >= *exp + cfg->leeway_seconds)
		return oa_fail(r, OA_REJECTED, "%s expired %lld s ago (leeway %ld s)", what,
			       now - *exp, cfg->leeway_seconds);
not_before:
	v = json_object_get(claims, "nbf");
	if (v != NULL) {
		if (!numeric_date(v, true, &t))
			return oa_fail(r, OA_REJECTED, "%s nbf " NOT_A_DATE, what);
		if (t > now + cfg->leeway_seconds)
			return oa_fail(r, OA_REJECTED, "%s not valid for another %lld s (nbf, leeway %ld s)", what,
				       t - now, cfg->leeway_seconds);
	}
	v = json_object_get(claims, "iat");
	if (v != NULL) {
		if (!numeric_date(v, true, &t))
			return oa_fail(r, OA_REJECTED, "%s iat " NOT_A_DATE, what);
		if (t > now + cfg->leeway_seconds)
			return oa_fail(r, OA_REJECTED, "%s issued %lld s in the future (iat, leeway %ld s)", what,
				       t - now, cfg->leeway_seconds);
	}
	return OA_OK;
}

static bool
audience_configured(const struct oa_config *cfg, const json_t *v)
{
	for (size_t i = 0; i < cfg->n_audiences; i++)
		if (oa_json_string_equals(v, cfg->audiences[i].name, cfg->audiences[i].len))
			return true;
	return false;
}

enum oa_status
oa_claims_check_audience(const struct oa_config *cfg, const json_t *claims,
			 bool required, const char *what, struct oa_result *r)
{
	const json_t *aud = json_object_get(claims, "aud");
	size_t i;
	const json_t *item;

	if (cfg->allow_any_audience)
		return OA_OK;
	/* Nothing to compare with: fine for an answer that need not carry aud
	 * (introspection), never for a token that must (config.c refuses such
	 * a line; this keeps the check closed whoever builds the config). */
	/* clang-format off */
	if (cfg->n_audiences == 0)
		return required ? oa_fail(r, OA_CONFIG, "%s: no audience= to check aud against", what)
				: OA_OK;
	/* clang-format on */
	if (aud == NULL && !required)
		return OA_OK;
	if (aud == NULL)
		return oa_fail(r, OA_REJECTED, "%s has no aud claim", what);
	if (json_is_array(aud)) {
		json_array_foreach(aud, i, item) {
			if (!json_is_string(item))
				return oa_fail(r, OA_REJECTED, "%s aud array holds a non-string", what);
		}
		json_array_foreach(aud, i, item) {
			if (audience_configured(cfg, item))
				return OA_OK;
		}
	} else if (!json_is_string(aud)) {
		return oa_fail(r, OA_REJECTED, "%s aud is neither a string nor an array", what);
	} else if (audience_configured(cfg, aud)) {
		return OA_OK;
	}
	return oa_fail(r, OA_REJECTED, "%s aud does not name this service (audience=%s)", what,
		       cfg->audience_arg);
}

static enum oa_status
check_type(const struct oa_config *cfg, const struct oa_jws *jws,
	   struct oa_result *r)
{
	const char *typ = jws->typ;

	if (cfg->token_type == OA_TOKEN_TYPE_ANY)
		return OA_OK;
	/* Media type names are case-insensitive and "application/" may be
	 * left out (RFC 7515 section 4.1.9). */
	if (typ != NULL && strncasecmp(typ, "application/", 12) == 0)
		typ += 12;
	if (typ == NULL || strcasecmp(typ, "at+jwt") != 0)
		return oa_fail(r, OA_REJECTED, "JWT typ is not at+jwt (RFC 9068 access token)");
	return OA_OK;
}

enum oa_status
oa_claims_check_issuer(const struct oa_config *cfg, const json_t *claims,
		       bool required, const char *what, struct oa_result *r)
{
	const json_t *iss = json_object_get(claims, "iss");
	char shown[OA_SHOWN_BYTES];

	/* clang-format off */
	if (cfg->issuer == NULL)
		return required ? oa_fail(r, OA_CONFIG, "%s: no issuer= to check iss against", what)
				: OA_OK;
	/* clang-format on */
	if (iss == NULL && !required)
		return OA_OK;
	if (!json_is_string(iss))
		return oa_fail(r, OA_REJECTED, "%s has no iss string", what);
	if (!oa_json_string_equals(iss, cfg->issuer, strlen(cfg->issuer))) {
		oa_text_escape(json_string_value(iss), json_string_length(iss), shown,
			       sizeof(shown));
		return oa_fail(r, OA_REJECTED, "%s iss \"%s\" is not issuer=%s", what, shown,
			       cfg->issuer);
	}
	return OA_OK;
}

/* Whether the string `v` is one of `names`, ignoring case. */
static bool
string_is_one_of(const json_t *v, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strlen(*names) == json_string_length(v) &&
		    strcasecmp(json_string_value(v), *names) == 0)
			return true;
	return false;
}

/* A member that says what kind of token this is; `allowed` lists the
 * values of an access token, `refused` those of another kind (either may
 * be NULL: then the other list alone decides).  Absent, it says nothing. */
static enum oa_status
check_kind_member(const json_t *claims, const char *name,
		  const char *const *allowed, const char *const *refused,
		  const char *what, struct oa_result *r)
{
	const json_t *v = json_object_get(claims, name);
	char shown[64];

	if (v == NULL)
		return OA_OK;
	/* Only a list of what is allowed makes any other value, a non-string
	 * too, a refusal. */
	/* clang-format off */
	if (!json_is_string(v))
		return allowed == NULL ? OA_OK :
		       oa_fail(r, OA_REJECTED, "%s %s is not a string", what, name);
	/* clang-format on */
	if (allowed != NULL ? string_is_one_of(v, allowed) : !string_is_one_of(v, refused))
		return OA_OK;
	oa_text_escape(json_string_value(v), json_string_length(v), shown, sizeof(shown));
	return oa_fail(r, OA_REJECTED, "%s is not an access token: %s is \"%s\"", what, name,
		       shown);
}

enum oa_status
oa_claims_check_access_token(const json_t *claims, const char *what,
			     struct oa_result *r)
{
	/* RFC 7662 2.2 token_type: an access token's type (RFC 6749 7.1).
	 * Bearer is the only kind a password can carry: a DPoP or MAC token
	 * is bound to a key whose proof a login cannot check. */
	/* clang-format off */
	static const char *const token_types[] = {
		"Bearer", "access_token", "urn:ietf:params:oauth:token-type:access_token", NULL,
	};
	/* Ory Hydra's token_use; AWS Cognito says "access" in its tokens. */
	static const char *const token_uses[] = { "access_token", "access", NULL };
	/* Keycloak's typ claim for its other tokens (its access tokens say
	 * "Bearer", or "DPoP" when bound to a key). */
	static const char *const other_typs[] = {
		"Refresh", "Offline", "ID", "Logout", "DPoP", NULL,
	};
	/* clang-format on */

	/* RFC 7800 cnf: the token is bound to a key (DPoP, RFC 9449) or a
	 * client certificate (RFC 8705) and is worth nothing without the
	 * proof, which no password carries. */
	if (json_object_get(claims, "cnf") != NULL)
		return oa_fail(r, OA_REJECTED,
			       "%s is bound to a key or certificate (cnf), whose proof a password "
			       "cannot carry",
			       what);
	if (check_kind_member(claims, "token_type", token_types, NULL, what, r) == OA_OK &&
	    check_kind_member(claims, "token_use", token_uses, NULL, what, r) == OA_OK)
		check_kind_member(claims, "typ", NULL, other_typs, what, r);
	return r->status;
}

enum oa_status
oa_jwt_check_claims(const struct oa_config *cfg, const struct oa_jws *jws,
		    long long now, long long *exp, struct oa_result *r)
{
	if (check_type(cfg, jws, r) == OA_OK &&
	    oa_claims_check_lifetime(cfg, jws->payload, now, true, "JWT", exp, r) == OA_OK &&
	    oa_claims_check_issuer(cfg, jws->payload, true, "JWT", r) == OA_OK &&
	    oa_claims_check_audience(cfg, jws->payload, true, "JWT", r) == OA_OK)
		oa_claims_check_access_token(jws->payload, "JWT", r);
	return r->status;
}
