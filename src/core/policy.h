/* SPDX-License-Identifier: MIT */
/* Authorization rules over the claims of a verified token: which scopes it
 * must carry and which roles or groups it must show before the user may log
 * in at all.  Authentication (is the token genuine, is it this user) is done
 * elsewhere; this only narrows who, among those, is let in.
 *
 * Options, each one rule, all rules must hold, any option may repeat:
 *   scope=S1,S2,...            every scope is in the token's `scope` claim
 *                              (space-separated string, RFC 8693 / RFC 9068)
 *                              or, without one, its `scp` claim (array of
 *                              strings, or a space-separated string);
 *   claim_equals=PATH:VALUE    typed by the claim: a string equals VALUE byte
 *                              for byte, a boolean is VALUE true or false, an
 *                              integer is VALUE in canonical decimal; other
 *                              types never match.  So VALUE true matches both
 *                              the boolean true and the string "true";
 *   claim_contains=PATH:VALUE  an array holding the string VALUE, or a string
 *                              equal to it;
 *   claim_any_of=PATH:V1,V2... the array (or string) holds one of them;
 *   claim_all_of=PATH:V1,V2... it holds all of them.
 * PATH is dotted for nested objects (realm_access.roles); a backslash makes
 * the next '.', ':' or '\' literal (resource_access.my\.client.roles,
 * https\://example.com/roles).  The first unescaped ':' ends PATH; VALUE is
 * taken as written, commas separating list values.  Array elements that are
 * not strings are never equal to anything. */
#ifndef OA_POLICY_H
#define OA_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "bounds.h"
#include "result.h"

enum oa_rule_kind {
	OA_RULE_SCOPE,
	OA_RULE_EQUALS,
	OA_RULE_CONTAINS,
	OA_RULE_ANY_OF,
	OA_RULE_ALL_OF
};

/* Pointers into the option value from argv, which outlives the policy. */
struct oa_rule {
	enum oa_rule_kind kind;
	const char *value; /* the whole option value, for reasons */
	const char *path;  /* escaped form, as written; NULL for scope */
	size_t path_len;
	const char *list; /* one value, or comma-separated values */
	size_t list_len;
};

struct oa_policy {
	struct oa_rule rules[OA_MAX_POLICY_RULES];
	size_t n_rules;
};

void oa_policy_init(struct oa_policy *p);

/* The option name of a rule's kind: "scope", "claim_equals"... */
const char *oa_policy_rule_name(enum oa_rule_kind kind);

/* True if `name` is one of the options above. */
bool oa_policy_is_option(const char *name, size_t name_len);

/* Parses `value` (NUL-terminated, kept by pointer) as one more rule of the
 * option `name`; OA_CONFIG with the option named on bad syntax. */
enum oa_status oa_policy_add(struct oa_policy *p, const char *name,
			     size_t name_len, const char *value,
			     struct oa_result *r);

/* OA_OK when every rule holds for `claims`; otherwise OA_REJECTED naming
 * the first rule that failed and what the token had instead. */
enum oa_status oa_policy_check(const struct oa_policy *p, const json_t *claims,
			       struct oa_result *r);

struct oa_trace;

/* The same, recording each rule as one step of `trace` (may be NULL). */
enum oa_status oa_policy_check_traced(const struct oa_policy *p, const json_t *claims,
				      struct oa_trace *trace, struct oa_result *r);

/* Checks a dotted PATH's syntax for the option `option` (used in the
 * reason); OA_CONFIG on an empty path or segment, a segment longer than
 * OA_MAX_CLAIM_NAME_BYTES, too many segments or a dangling backslash. */
enum oa_status oa_claim_path_check(const char *option, const char *path,
				   size_t path_len, struct oa_result *r);

/* The claim at a dotted PATH: a borrowed reference, valid while `claims`
 * is, or NULL when it is absent, an object on the way is not an object, or
 * the path does not pass oa_claim_path_check. */
const json_t *oa_claim_at_path(const json_t *claims, const char *path,
			       size_t path_len);

#endif
