/* SPDX-License-Identifier: MIT */
/* Authorization rules over verified claims (see policy.h for the syntax).
 * Rules are parsed once into spans of the option value; checking walks the
 * claims without allocating, and every loop is bounded by a named limit so
 * that a hostile issuer answer costs the login, never the host. */
#include "policy.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "text.h"
#include "trace.h"

/* Room for one escaped piece of untrusted or admin text in a reason, so
 * that the rule, the path and what was found all fit OA_REASON_BYTES. */
#define SHOWN_BYTES 72
#define FOUND_BYTES 112

/* Which values of a rule were seen is kept as bits of a uint64_t. */
_Static_assert(OA_MAX_POLICY_VALUES <= 64, "one bit per rule value");

struct span {
	const char *s;
	size_t len;
};

static const struct {
	const char *name;
	enum oa_rule_kind kind;
} rule_names[] = {
	{ "scope", OA_RULE_SCOPE },
	{ "claim_equals", OA_RULE_EQUALS },
	{ "claim_contains", OA_RULE_CONTAINS },
	{ "claim_any_of", OA_RULE_ANY_OF },
	{ "claim_all_of", OA_RULE_ALL_OF },
};

#define N_RULE_NAMES (sizeof(rule_names) / sizeof(rule_names[0]))

static const char *
kind_name(enum oa_rule_kind kind)
{
	for (size_t i = 0; i < N_RULE_NAMES; i++)
		if (rule_names[i].kind == kind)
			return rule_names[i].name;
	return "?";
}

static bool
find_kind(const char *name, size_t name_len, enum oa_rule_kind *kind)
{
	for (size_t i = 0; i < N_RULE_NAMES; i++)
		if (strlen(rule_names[i].name) == name_len &&
		    memcmp(rule_names[i].name, name, name_len) == 0) {
			*kind = rule_names[i].kind;
			return true;
		}
	return false;
}

static bool
span_is(const char *s, size_t len, struct span want)
{
	return len == want.len && memcmp(s, want.s, len) == 0;
}

/* ---- paths ---- */

enum path_status {
	PATH_OK,
	PATH_EMPTY_SEGMENT,
	PATH_LONG_SEGMENT,
	PATH_BAD_ESCAPE,
	PATH_TOO_DEEP
};

/* Walks PATH one unescaped segment at a time.  With claims NULL it only
 * checks the syntax; otherwise *found is the claim or NULL.  The whole path
 * is always read, so a bad path fails the same way whatever the claims. */
static enum path_status
walk_path(const json_t *claims, const char *path, size_t len,
	  const json_t **found)
{
	char seg[OA_MAX_CLAIM_NAME_BYTES];
	const json_t *at = claims;
	size_t i = 0, depth = 0;

	for (;;) {
		size_t n = 0;

		while (i < len && path[i] != '.') {
			char c = path[i++];

			if (c == '\\') {
				if (i == len || (path[i] != '.' && path[i] != ':' &&
						 path[i] != '\\'))
					return PATH_BAD_ESCAPE;
				c = path[i++];
			}
			if (n == sizeof(seg))
				return PATH_LONG_SEGMENT;
			seg[n++] = c;
		}
		if (n == 0)
			return PATH_EMPTY_SEGMENT;
		if (++depth > OA_MAX_CLAIM_PATH_SEGMENTS)
			return PATH_TOO_DEEP;
		/* json_object_getn is NULL for a non-object, so a string where
		 * an object was expected reads as "absent", which fails closed. */
		at = json_object_getn(at, seg, n);
		if (i == len)
			break;
		i++; /* the dot */
	}
	*found = at;
	return PATH_OK;
}

enum oa_status
oa_claim_path_check(const char *option, const char *path, size_t path_len,
		    struct oa_result *r)
{
	const json_t *unused;
	char shown[SHOWN_BYTES];

	oa_text_escape(path, path_len, shown, sizeof(shown));
	switch (walk_path(NULL, path, path_len, &unused)) {
	case PATH_OK:
		return OA_OK;
	case PATH_EMPTY_SEGMENT:
		return oa_fail(r, OA_CONFIG, "%s: claim path \"%s\" is empty or has an empty segment",
			       option, shown);
	case PATH_LONG_SEGMENT:
		return oa_fail(r, OA_CONFIG, "%s: claim path \"%s\" has a segment longer than %d bytes",
			       option, shown, OA_MAX_CLAIM_NAME_BYTES);
	case PATH_BAD_ESCAPE:
		return oa_fail(r, OA_CONFIG,
			       "%s: claim path \"%s\": a backslash must be followed by '.', ':' or '\\'",
			       option, shown);
	case PATH_TOO_DEEP:
		return oa_fail(r, OA_CONFIG, "%s: claim path \"%s\" has more than %d segments",
			       option, shown, OA_MAX_CLAIM_PATH_SEGMENTS);
	}
	return oa_fail(r, OA_INTERNAL, "%s: unexpected claim path status", option);
}

const json_t *
oa_claim_at_path(const json_t *claims, const char *path, size_t path_len)
{
	const json_t *found;

	if (claims == NULL || walk_path(claims, path, path_len, &found) != PATH_OK)
		return NULL;
	return found;
}

/* ---- parsing options ---- */

/* Splits a list checked by check_list; returns how many values. */
static size_t
split_list(const char *list, size_t len, struct span *out)
{
	size_t n = 0, start = 0;

	for (size_t i = 0; i <= len && n < OA_MAX_POLICY_VALUES; i++)
		if (i == len || list[i] == ',') {
			out[n].s = list + start;
			out[n].len = i - start;
			n++;
			start = i + 1;
		}
	return n;
}

static enum oa_status
check_list(const char *option, const char *list, size_t len, bool is_scope,
	   struct oa_result *r)
{
	size_t n = 1, start = 0;

	if (len == 0)
		return oa_fail(r, OA_CONFIG, "%s: the value list is empty", option);
	for (size_t i = 0; i <= len; i++) {
		if (i < len && list[i] != ',') {
			/* The token's scope string is split at spaces, so a
			 * scope with one in it could never be found. */
			if (is_scope && list[i] == ' ')
				return oa_fail(r, OA_CONFIG, "%s: a scope cannot contain a space",
					       option);
			continue;
		}
		if (i == start)
			return oa_fail(r, OA_CONFIG, "%s: empty value in the list", option);
		if (i < len && ++n > OA_MAX_POLICY_VALUES)
			return oa_fail(r, OA_CONFIG, "%s: more than %d values", option,
				       OA_MAX_POLICY_VALUES);
		start = i + 1;
	}
	return OA_OK;
}

void
oa_policy_init(struct oa_policy *p)
{
	memset(p, 0, sizeof(*p));
}

bool
oa_policy_is_option(const char *name, size_t name_len)
{
	enum oa_rule_kind unused;

	return find_kind(name, name_len, &unused);
}

/* Finds the first ':' not escaped by a backslash. */
static const char *
path_end(const char *value, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (value[i] == '\\' && i + 1 < len)
			i++;
		else if (value[i] == ':')
			return value + i;
	}
	return NULL;
}

/* claim_equals= compares by JSON type (json_equals.h): a quoted value
 * that is not one JSON string is a configuration error, found here rather
 * than as a refusal on every login. */
static enum oa_status
check_value(const char *option, const struct oa_rule *rule, struct oa_result *r)
{
	struct oa_result why;
	json_t *value;

	oa_result_init(&why);
	if (oa_json_config_value(rule->list, rule->list_len, &value, &why) != OA_OK)
		return oa_fail(r, why.status, "%s: %s", option, why.reason);
	json_decref(value);
	return OA_OK;
}

enum oa_status
oa_policy_add(struct oa_policy *p, const char *name, size_t name_len,
	      const char *value, struct oa_result *r)
{
	struct oa_rule rule = { .value = value };
	size_t len = strlen(value);
	const char *colon;
	char shown[SHOWN_BYTES], option[SHOWN_BYTES + 24];

	if (!find_kind(name, name_len, &rule.kind))
		return oa_fail(r, OA_INTERNAL, "%.*s is not a policy option",
			       (int)(name_len < 32 ? name_len : 32), name);
	/* Reasons quote the whole argument: the option may occur many times. */
	oa_text_escape(value, len, shown, sizeof(shown));
	snprintf(option, sizeof(option), "%s=%s", kind_name(rule.kind), shown);
	if (p->n_rules == OA_MAX_POLICY_RULES)
		return oa_fail(r, OA_CONFIG, "%s: more than %d authorization rules",
			       option, OA_MAX_POLICY_RULES);
	if (rule.kind == OA_RULE_SCOPE) {
		rule.list = value;
		rule.list_len = len;
	} else {
		colon = path_end(value, len);
		if (colon == NULL)
			return oa_fail(r, OA_CONFIG,
				       "%s: expected PATH:VALUE, there is no ':' after the claim path",
				       option);
		rule.path = value;
		rule.path_len = (size_t)(colon - value);
		rule.list = colon + 1;
		rule.list_len = len - rule.path_len - 1;
		if (oa_claim_path_check(option, rule.path, rule.path_len, r) != OA_OK)
			return r->status;
	}
	/* One value, taken whole: group names such as LDAP DNs have commas. */
	if (rule.kind == OA_RULE_EQUALS || rule.kind == OA_RULE_CONTAINS) {
		if (rule.list_len == 0)
			return oa_fail(r, OA_CONFIG, "%s: the value after ':' is empty", option);
		if (rule.kind == OA_RULE_EQUALS && check_value(option, &rule, r) != OA_OK)
			return r->status;
	} else if (check_list(option, rule.list, rule.list_len,
			      rule.kind == OA_RULE_SCOPE, r) != OA_OK) {
		return r->status;
	}
	p->rules[p->n_rules++] = rule;
	return OA_OK;
}

/* ---- describing what the token had ---- */

struct text {
	char *s;
	size_t size, len;
	bool cut;
};

static void
put(struct text *t, const char *piece)
{
	size_t n = strlen(piece);

	/* Keep room for "..." and the NUL. */
	if (t->cut || t->len + n + 4 > t->size) {
		t->cut = true;
		return;
	}
	memcpy(t->s + t->len, piece, n + 1);
	t->len += n;
}

static void
put_quoted(struct text *t, const char *s, size_t len)
{
	char shown[SHOWN_BYTES];

	oa_text_escape(s, len, shown, sizeof(shown));
	put(t, "\"");
	put(t, shown);
	put(t, "\"");
}

static void
put_scalar(struct text *t, const json_t *v)
{
	static const char *const words[] = {
		[JSON_OBJECT] = "an object",
		[JSON_ARRAY] = "an array",
		[JSON_REAL] = "a non-integer number",
		[JSON_TRUE] = "true",
		[JSON_FALSE] = "false",
		[JSON_NULL] = "null",
	};
	char num[32];

	if (json_is_string(v)) {
		put_quoted(t, json_string_value(v), json_string_length(v));
	} else if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		put(t, num);
	} else {
		put(t, words[json_typeof(v)]);
	}
}

/* A short, escaped picture of a claim for a reason: scalars as JSON, arrays
 * as their first elements (nested ones by type only). */
static void
describe(const json_t *v, char *out, size_t size)
{
	struct text t = { out, size, 0, false };

	out[0] = '\0';
	if (!json_is_array(v)) {
		put_scalar(&t, v);
	} else {
		put(&t, "[");
		for (size_t i = 0; i < json_array_size(v) && !t.cut; i++) {
			if (i > 0)
				put(&t, ",");
			put_scalar(&t, json_array_get(v, i));
		}
		put(&t, "]");
	}
	if (t.cut)
		memcpy(out + t.len, "...", 4);
}

/* ---- checking ---- */

/* Marks in *found which of want[] are among the strings of `set`: the
 * elements of an array, or a string taken whole or split at spaces.  One
 * pass over the set, so the cost is elements x values, both bounded.
 * False when the set has more than OA_MAX_CLAIM_ARRAY_ELEMENTS members. */
static bool
mark_members(const json_t *set, bool split_spaces, const struct span *want,
	     size_t n_want, uint64_t *found)
{
	size_t members = 0;

	*found = 0;
	if (json_is_string(set)) {
		const char *s = json_string_value(set);
		size_t len = json_string_length(set), i = 0;

		while (i < len) {
			size_t start = i;

			if (split_spaces) {
				while (i < len && s[i] != ' ')
					i++;
			} else {
				i = len;
			}
			if (i > start && ++members > OA_MAX_CLAIM_ARRAY_ELEMENTS)
				return false;
			for (size_t w = 0; w < n_want; w++)
				if (span_is(s + start, i - start, want[w]))
					*found |= UINT64_C(1) << w;
			i++;
		}
		return true;
	}
	if (json_array_size(set) > OA_MAX_CLAIM_ARRAY_ELEMENTS)
		return false;
	for (size_t e = 0; e < json_array_size(set); e++) {
		const json_t *el = json_array_get(set, e);

		if (!json_is_string(el))
			continue;
		for (size_t w = 0; w < n_want; w++)
			if (span_is(json_string_value(el), json_string_length(el), want[w]))
				*found |= UINT64_C(1) << w;
	}
	return true;
}

/* The failure reason for one rule: "rule NAME=VALUE failed: " + detail. */
static enum oa_status
deny(const struct oa_rule *rule, struct oa_result *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum oa_status
deny(const struct oa_rule *rule, struct oa_result *r, const char *fmt, ...)
{
	char shown[SHOWN_BYTES], detail[OA_REASON_BYTES];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	oa_text_escape(rule->value, strlen(rule->value), shown, sizeof(shown));
	return oa_fail(r, OA_REJECTED, "rule %s=%s failed: %s", kind_name(rule->kind),
		       shown, detail);
}

static enum oa_status
check_scope(const struct oa_rule *rule, const json_t *claims,
	    struct oa_result *r)
{
	struct span want[OA_MAX_POLICY_VALUES];
	size_t n = split_list(rule->list, rule->list_len, want);
	const json_t *set = json_object_get(claims, "scope");
	char found_text[FOUND_BYTES], missing[SHOWN_BYTES];
	uint64_t found;

	/* RFC 9068 names `scope`; Okta and Entra ID issue `scp` instead. */
	if (set == NULL)
		set = json_object_get(claims, "scp");
	if (set == NULL)
		return deny(rule, r, "the token has no scope or scp claim");
	if (!json_is_string(set) && !json_is_array(set)) {
		describe(set, found_text, sizeof(found_text));
		return deny(rule, r, "the token's scopes are %s, not a string or an array",
			    found_text);
	}
	if (!mark_members(set, true, want, n, &found))
		return deny(rule, r, "the token has more than %d scopes",
			    OA_MAX_CLAIM_ARRAY_ELEMENTS);
	for (size_t w = 0; w < n; w++) {
		if (found & (UINT64_C(1) << w))
			continue;
		oa_text_escape(want[w].s, want[w].len, missing, sizeof(missing));
		describe(set, found_text, sizeof(found_text));
		return deny(rule, r, "scope %s missing (token scopes: %s)", missing,
			    found_text);
	}
	return OA_OK;
}

static enum oa_status
check_claim(const struct oa_rule *rule, const json_t *claims,
	    struct oa_result *r)
{
	struct span want[OA_MAX_POLICY_VALUES];
	size_t n = 1;
	const json_t *v = oa_claim_at_path(claims, rule->path, rule->path_len);
	char path[SHOWN_BYTES], found_text[FOUND_BYTES], missing[SHOWN_BYTES];
	uint64_t found, all;

	oa_text_escape(rule->path, rule->path_len, path, sizeof(path));
	if (v == NULL)
		return deny(rule, r, "no %s claim", path);
	describe(v, found_text, sizeof(found_text));
	want[0].s = rule->list;
	want[0].len = rule->list_len;
	if (rule->kind == OA_RULE_EQUALS) {
		if (!oa_json_matches_config_value(v, want[0].s, want[0].len))
			return deny(rule, r, "%s is %s", path, found_text);
		return OA_OK;
	}
	if (!json_is_string(v) && !json_is_array(v))
		return deny(rule, r, "%s is %s, not an array or a string", path, found_text);
	if (rule->kind != OA_RULE_CONTAINS)
		n = split_list(rule->list, rule->list_len, want);
	if (!mark_members(v, false, want, n, &found))
		return deny(rule, r, "%s has more than %d elements", path,
			    OA_MAX_CLAIM_ARRAY_ELEMENTS);
	if (rule->kind == OA_RULE_ANY_OF) {
		if (found == 0)
			return deny(rule, r, "%s has none of them (found %s)", path, found_text);
		return OA_OK;
	}
	all = n == 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;
	for (size_t w = 0; w < n && found != all; w++) {
		if (found & (UINT64_C(1) << w))
			continue;
		oa_text_escape(want[w].s, want[w].len, missing, sizeof(missing));
		return deny(rule, r, "%s has no \"%s\" (found %s)", path, missing,
			    found_text);
	}
	return OA_OK;
}

enum oa_status
oa_policy_check_traced(const struct oa_policy *p, const json_t *claims,
		       struct oa_trace *trace, struct oa_result *r)
{
	if (p->n_rules > 0 && !json_is_object(claims)) {
		oa_fail(r, OA_REJECTED, "the token's claims are not a JSON object");
		oa_trace_outcome(trace, "rules", r->status, r, "-");
		return r->status;
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct oa_rule *rule = &p->rules[i];
		enum oa_status s = rule->kind == OA_RULE_SCOPE ?
					   check_scope(rule, claims, r) :
					   check_claim(rule, claims, r);
		char shown[SHOWN_BYTES], name[SHOWN_BYTES + 24];

		if (trace != NULL) {
			oa_text_escape(rule->value, strlen(rule->value), shown, sizeof(shown));
			snprintf(name, sizeof(name), "rule %s=%s", kind_name(rule->kind), shown);
			oa_trace_outcome(trace, name, s, r, "holds");
		}
		if (s != OA_OK)
			return s;
	}
	return OA_OK;
}

enum oa_status
oa_policy_check(const struct oa_policy *p, const json_t *claims,
		struct oa_result *r)
{
	return oa_policy_check_traced(p, claims, NULL, r);
}

const char *
oa_policy_rule_name(enum oa_rule_kind kind)
{
	return kind_name(kind);
}
