/* SPDX-License-Identifier: MIT */
/* Authorization rules (policy.c) against token claims shaped like those of
 * Keycloak, Entra ID and Okta, hostile ones, and every configuration error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static json_t *
claims(const char *text)
{
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);

	assert_non_null(j);
	return j;
}

/* Adds one "name=value" option; the string must outlive the policy. */
static enum oa_status
add(struct oa_policy *p, const char *arg, struct oa_result *r)
{
	const char *eq = strchr(arg, '=');

	assert_non_null(eq);
	oa_result_init(r);
	return oa_policy_add(p, arg, (size_t)(eq - arg), eq + 1, r);
}

/* Checks `json` against a policy made of one option. */
static enum oa_status
check1(const char *arg, const char *json, struct oa_result *r)
{
	struct oa_policy p;
	json_t *j = claims(json);
	enum oa_status s;

	oa_policy_init(&p);
	assert_int_equal(add(&p, arg, r), OA_OK);
	oa_result_init(r);
	s = oa_policy_check(&p, j, r);
	json_decref(j);
	return s;
}

static const char keycloak[] =
	"{\"sub\":\"f1\",\"preferred_username\":\"alice\",\"email_verified\":true,"
	"\"realm_access\":{\"roles\":[\"offline_access\",\"dba\"]},"
	"\"resource_access\":{\"my-app\":{\"roles\":[\"reader\"]},"
	"\"my.client\":{\"roles\":[\"writer\"]}},"
	"\"groups\":[\"/staff\",\"/db/admins\"],"
	"\"scope\":\"openid profile db:login\"}";

static void
test_policy_keycloak_realm_role_required(void **state)
{
	struct oa_result r;

	(void)state;
	assert_int_equal(check1("claim_contains=realm_access.roles:dba", keycloak, &r), OA_OK);
	assert_int_equal(check1("claim_contains=realm_access.roles:admin", keycloak, &r),
			 OA_REJECTED);
	assert_string_equal(r.reason,
			    "rule claim_contains=realm_access.roles:admin failed: "
			    "realm_access.roles has no \"admin\" (found [\"offline_access\",\"dba\"])");
	/* a prefix or a different case is not the role */
	assert_int_equal(check1("claim_contains=realm_access.roles:db", keycloak, &r),
			 OA_REJECTED);
	assert_int_equal(check1("claim_contains=realm_access.roles:DBA", keycloak, &r),
			 OA_REJECTED);
}

static void
test_policy_keycloak_client_roles_nested_path(void **state)
{
	struct oa_result r;

	(void)state;
	assert_int_equal(check1("claim_contains=resource_access.my-app.roles:reader",
				keycloak, &r), OA_OK);
	assert_int_equal(check1("claim_contains=resource_access.other-app.roles:reader",
				keycloak, &r), OA_REJECTED);
	assert_string_equal(r.reason,
			    "rule claim_contains=resource_access.other-app.roles:reader failed: "
			    "no resource_access.other-app.roles claim");
}

static void
test_policy_escaped_dot_and_colon_in_path(void **state)
{
	struct oa_result r;

	(void)state;
	assert_int_equal(check1("claim_contains=resource_access.my\\.client.roles:writer",
				keycloak, &r), OA_OK);
	/* unescaped, the dot means nesting: there is no "my" client */
	assert_int_equal(check1("claim_contains=resource_access.my.client.roles:writer",
				keycloak, &r), OA_REJECTED);
	/* a top-level key with a dot is found only when the dot is escaped */
	assert_int_equal(check1("claim_equals=a\\.b:x", "{\"a.b\":\"x\"}", &r), OA_OK);
	assert_int_equal(check1("claim_equals=a.b:x", "{\"a.b\":\"x\"}", &r), OA_REJECTED);
	assert_int_equal(check1("claim_equals=a.b:x", "{\"a\":{\"b\":\"x\"}}", &r), OA_OK);
	/* Auth0-style namespaced claims: the first unescaped ':' ends PATH */
	assert_int_equal(check1("claim_contains=https\\://example\\.com/roles:dba",
				"{\"https://example.com/roles\":[\"dba\"]}", &r), OA_OK);
	assert_int_equal(check1("claim_equals=a\\\\b:x", "{\"a\\\\b\":\"x\"}", &r), OA_OK);
	/* the value may hold ':' and ',' as written */
	assert_int_equal(check1("claim_contains=groups:cn=dba,ou=db:x",
				"{\"groups\":[\"cn=dba,ou=db:x\"]}", &r), OA_OK);
}

static void
test_policy_claim_equals_is_typed_by_the_claim(void **state)
{
	struct oa_result r;

	(void)state;
	assert_int_equal(check1("claim_equals=email_verified:true", keycloak, &r), OA_OK);
	assert_int_equal(check1("claim_equals=email_verified:false", keycloak, &r),
			 OA_REJECTED);
	assert_string_equal(r.reason, "rule claim_equals=email_verified:false failed: "
			    "email_verified is true");
	/* a literal matches only its JSON value: the string "true" is not
	 * true, and is written quoted to be matched */
	assert_int_equal(check1("claim_equals=email_verified:true",
				"{\"email_verified\":\"true\"}", &r), OA_REJECTED);
	assert_string_equal(r.reason, "rule claim_equals=email_verified:true failed: "
			    "email_verified is \"true\"");
	assert_int_equal(check1("claim_equals=email_verified:\"true\"",
				"{\"email_verified\":\"true\"}", &r), OA_OK);
	assert_int_equal(check1("claim_equals=email_verified:\"true\"", keycloak, &r),
			 OA_REJECTED);
	assert_int_equal(check1("claim_equals=email_verified:True",
				"{\"email_verified\":true}", &r), OA_REJECTED);
	assert_int_equal(check1("claim_equals=email_verified:1",
				"{\"email_verified\":true}", &r), OA_REJECTED);
	assert_int_equal(check1("claim_equals=level:3", "{\"level\":3}", &r), OA_OK);
	assert_int_equal(check1("claim_equals=level:-3", "{\"level\":-3}", &r), OA_OK);
	assert_int_equal(check1("claim_equals=level:03", "{\"level\":3}", &r), OA_REJECTED);
	assert_int_equal(check1("claim_equals=level:+3", "{\"level\":3}", &r), OA_REJECTED);
	assert_int_equal(check1("claim_equals=level:3", "{\"level\":3.0}", &r), OA_REJECTED);
	assert_string_equal(r.reason, "rule claim_equals=level:3 failed: "
			    "level is a non-integer number");
	assert_int_equal(check1("claim_equals=level:3", "{\"level\":\"3\"}", &r),
			 OA_REJECTED);
	assert_int_equal(check1("claim_equals=level:\"3\"", "{\"level\":\"3\"}", &r), OA_OK);
	assert_int_equal(check1("claim_equals=level:\"3\"", "{\"level\":3}", &r), OA_REJECTED);
	assert_int_equal(check1("claim_equals=level:0.5", "{\"level\":0.5}", &r), OA_OK);
	assert_int_equal(check1("claim_equals=level:null", "{\"level\":null}", &r), OA_OK);
	assert_int_equal(check1("claim_equals=level:null", "{\"level\":\"null\"}", &r),
			 OA_REJECTED);
	assert_int_equal(check1("claim_equals=level:false", "{\"level\":null}", &r),
			 OA_REJECTED);
	/* what does not look like a literal stays a plain string */
	assert_int_equal(check1("claim_equals=level:03", "{\"level\":\"03\"}", &r), OA_OK);
	assert_int_equal(check1("claim_equals=tenant:acme", "{\"tenant\":\"acme\"}", &r),
			 OA_OK);
	assert_int_equal(check1("claim_equals=tenant:a\"b", "{\"tenant\":\"a\\\"b\"}", &r),
			 OA_OK);
	/* JSON escapes in a quoted value */
	assert_int_equal(check1("claim_equals=name:\"Jos\\u00e9\"",
				"{\"name\":\"Jos\u00e9\"}", &r), OA_OK);
	assert_int_equal(check1("claim_equals=level:x", "{\"level\":[\"x\"]}", &r),
			 OA_REJECTED);
	assert_int_equal(check1("claim_equals=level:x", "{\"level\":{\"x\":1}}", &r),
			 OA_REJECTED);
	assert_string_equal(r.reason, "rule claim_equals=level:x failed: level is an object");
	assert_int_equal(check1("claim_equals=u:alice", "{\"u\":\"alice\\u0000\"}", &r),
			 OA_REJECTED);
	assert_string_equal(r.reason, "rule claim_equals=u:alice failed: u is \"alice\\x00\"");
}

static void
test_policy_groups_any_of_and_all_of(void **state)
{
	struct oa_result r;

	(void)state;
	assert_int_equal(check1("claim_any_of=groups:/ops,/db/admins", keycloak, &r), OA_OK);
	assert_int_equal(check1("claim_any_of=groups:/ops,/dev", keycloak, &r), OA_REJECTED);
	assert_string_equal(r.reason, "rule claim_any_of=groups:/ops,/dev failed: groups has "
			    "none of them (found [\"/staff\",\"/db/admins\"])");
	assert_int_equal(check1("claim_all_of=groups:/staff,/db/admins", keycloak, &r), OA_OK);
	assert_int_equal(check1("claim_all_of=groups:/staff,/ops,/db/admins", keycloak, &r),
			 OA_REJECTED);
	assert_string_equal(r.reason, "rule claim_all_of=groups:/staff,/ops,/db/admins failed: "
			    "groups has no \"/ops\" (found [\"/staff\",\"/db/admins\"])");
	/* a string claim is a one-member set */
	assert_int_equal(check1("claim_any_of=groups:a,b", "{\"groups\":\"b\"}", &r), OA_OK);
	assert_int_equal(check1("claim_all_of=groups:a,b", "{\"groups\":\"b\"}", &r),
			 OA_REJECTED);
	assert_int_equal(check1("claim_contains=groups:a b", "{\"groups\":\"a b\"}", &r), OA_OK);
	/* a string is not split: "a b" does not contain "a" */
	assert_int_equal(check1("claim_contains=groups:a", "{\"groups\":\"a b\"}", &r),
			 OA_REJECTED);
	assert_int_equal(check1("claim_all_of=groups:a", "{\"groups\":[]}", &r), OA_REJECTED);
}

static void
test_policy_scope_string_and_scp_array(void **state)
{
	struct oa_result r;

	(void)state;
	assert_int_equal(check1("scope=db:login", keycloak, &r), OA_OK);
	assert_int_equal(check1("scope=openid,db:login", keycloak, &r), OA_OK);
	assert_int_equal(check1("scope=db:login", "{\"scope\":\"openid profile\"}", &r),
			 OA_REJECTED);
	assert_string_equal(r.reason, "rule scope=db:login failed: scope db:login missing "
			    "(token scopes: \"openid profile\")");
	/* whole words only, extra spaces harmless */
	assert_int_equal(check1("scope=db", "{\"scope\":\"db:login dbx\"}", &r), OA_REJECTED);
	assert_int_equal(check1("scope=db", "{\"scope\":\"  a  db \"}", &r), OA_OK);
	/* Okta: scp array */
	assert_int_equal(check1("scope=db:login,openid",
				"{\"scp\":[\"openid\",\"db:login\"]}", &r), OA_OK);
	assert_int_equal(check1("scope=db:login", "{\"scp\":[\"openid\",7]}", &r),
			 OA_REJECTED);
	assert_string_equal(r.reason, "rule scope=db:login failed: scope db:login missing "
			    "(token scopes: [\"openid\",7])");
	/* Entra ID: scp space-separated string */
	assert_int_equal(check1("scope=User.Read", "{\"scp\":\"Mail.Read User.Read\"}", &r),
			 OA_OK);
	/* scope, when present, is the token's scopes; scp is not consulted */
	assert_int_equal(check1("scope=db:login",
				"{\"scope\":\"openid\",\"scp\":[\"db:login\"]}", &r), OA_REJECTED);
	assert_int_equal(check1("scope=db:login", "{\"sub\":\"x\"}", &r), OA_REJECTED);
	assert_string_equal(r.reason,
			    "rule scope=db:login failed: the token has no scope or scp claim");
	assert_int_equal(check1("scope=db:login", "{\"scope\":{\"db:login\":true}}", &r),
			 OA_REJECTED);
	assert_string_equal(r.reason, "rule scope=db:login failed: the token's scopes are "
			    "an object, not a string or an array");
}

static void
test_policy_wrong_types_fail_closed(void **state)
{
	struct oa_result r;

	(void)state;
	assert_int_equal(check1("claim_contains=realm_access.roles:dba",
				"{\"realm_access\":{\"roles\":{\"dba\":true}}}", &r), OA_REJECTED);
	assert_string_equal(r.reason, "rule claim_contains=realm_access.roles:dba failed: "
			    "realm_access.roles is an object, not an array or a string");
	/* a number in the array is not the string VALUE */
	assert_int_equal(check1("claim_contains=levels:3", "{\"levels\":[3,\"4\"]}", &r),
			 OA_REJECTED);
	assert_int_equal(check1("claim_contains=levels:4", "{\"levels\":[3,\"4\"]}", &r), OA_OK);
	assert_int_equal(check1("claim_any_of=g:a", "{\"g\":[[\"a\"],{\"a\":1}]}", &r),
			 OA_REJECTED);
	assert_string_equal(r.reason, "rule claim_any_of=g:a failed: g has none of them "
			    "(found [an array,an object])");
	assert_int_equal(check1("claim_contains=g:true", "{\"g\":true}", &r), OA_REJECTED);
	/* claim_equals' typed values do not carry over to the list rules:
	 * pam_oauth2(8)'s example, and quotes that stay part of the text */
	assert_int_equal(check1("claim_equals=gid:42", "{\"gid\":42}", &r), OA_OK);
	assert_int_equal(check1("claim_any_of=gids:42", "{\"gids\":[42]}", &r), OA_REJECTED);
	assert_int_equal(check1("claim_all_of=g:\"a\"", "{\"g\":[\"a\"]}", &r), OA_REJECTED);
	assert_int_equal(check1("claim_all_of=g:\"a\"", "{\"g\":[\"\\\"a\\\"\"]}", &r), OA_OK);
	/* a non-object on the way reads as absent */
	assert_int_equal(check1("claim_contains=realm_access.roles:dba",
				"{\"realm_access\":[\"roles\"]}", &r), OA_REJECTED);
	assert_string_equal(r.reason, "rule claim_contains=realm_access.roles:dba failed: "
			    "no realm_access.roles claim");
}

static void
test_policy_every_rule_must_hold_and_first_failure_is_named(void **state)
{
	struct oa_policy p;
	struct oa_result r;
	json_t *j = claims(keycloak);

	(void)state;
	oa_policy_init(&p);
	assert_int_equal(add(&p, "scope=db:login", &r), OA_OK);
	assert_int_equal(add(&p, "claim_contains=realm_access.roles:dba", &r), OA_OK);
	assert_int_equal(add(&p, "claim_contains=realm_access.roles:offline_access", &r), OA_OK);
	assert_int_equal(add(&p, "claim_equals=email_verified:true", &r), OA_OK);
	oa_result_init(&r);
	assert_int_equal(oa_policy_check(&p, j, &r), OA_OK);
	assert_int_equal(add(&p, "claim_equals=preferred_username:bob", &r), OA_OK);
	assert_int_equal(add(&p, "scope=admin", &r), OA_OK);
	oa_result_init(&r);
	assert_int_equal(oa_policy_check(&p, j, &r), OA_REJECTED);
	assert_string_equal(r.reason, "rule claim_equals=preferred_username:bob failed: "
			    "preferred_username is \"alice\"");
	json_decref(j);
}

static void
test_policy_without_rules_accepts(void **state)
{
	struct oa_policy p;
	struct oa_result r;
	json_t *j = json_array();

	(void)state;
	oa_policy_init(&p);
	oa_result_init(&r);
	assert_int_equal(oa_policy_check(&p, j, &r), OA_OK);
	assert_int_equal(add(&p, "claim_equals=a:b", &r), OA_OK);
	oa_result_init(&r);
	assert_int_equal(oa_policy_check(&p, j, &r), OA_REJECTED);
	assert_string_equal(r.reason, "the token's claims are not a JSON object");
	oa_result_init(&r);
	assert_int_equal(oa_policy_check(&p, NULL, &r), OA_REJECTED);
	json_decref(j);
}

static void
test_policy_hostile_claims_do_not_crash(void **state)
{
	struct oa_policy p;
	struct oa_result r;
	json_t *root = json_object(), *at = root, *big = json_array();
	char *huge = malloc(1024 * 1024 + 1);

	(void)state;
	assert_non_null(huge);
	/* 1000 levels of {"a":{"a":...}} */
	for (int i = 0; i < 1000; i++) {
		json_t *next = json_object();

		json_object_set_new(at, "a", next);
		at = next;
	}
	for (int i = 0; i < OA_MAX_CLAIM_ARRAY_ELEMENTS + 1; i++)
		json_array_append_new(big, json_string("x"));
	json_array_append_new(big, json_string("dba"));
	json_object_set_new(root, "roles", big);
	memset(huge, '\n', 1024 * 1024);
	huge[1024 * 1024] = '\0';
	json_object_set_new(root, "name", json_string(huge));
	json_object_set_new(root, "scope", json_string(huge));

	oa_policy_init(&p);
	assert_int_equal(add(&p, "claim_equals=a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a:x", &r), OA_OK);
	oa_result_init(&r);
	assert_int_equal(oa_policy_check(&p, root, &r), OA_REJECTED);
	assert_string_equal(r.reason, "rule claim_equals=a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a:x "
			    "failed: a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a is an object");

	oa_policy_init(&p);
	assert_int_equal(add(&p, "claim_contains=roles:dba", &r), OA_OK);
	oa_result_init(&r);
	assert_int_equal(oa_policy_check(&p, root, &r), OA_REJECTED);
	assert_string_equal(r.reason, "rule claim_contains=roles:dba failed: "
			    "roles has more than 4096 elements");

	oa_policy_init(&p);
	assert_int_equal(add(&p, "claim_equals=name:x", &r), OA_OK);
	oa_result_init(&r);
	assert_int_equal(oa_policy_check(&p, root, &r), OA_REJECTED);
	assert_true(strlen(r.reason) < OA_REASON_BYTES);
	assert_non_null(strstr(r.reason, "name is \"\\x0a\\x0a"));
	assert_non_null(strstr(r.reason, "..."));

	/* a scope string of 1 MiB of separators has no scopes */
	oa_policy_init(&p);
	assert_int_equal(add(&p, "scope=db", &r), OA_OK);
	oa_result_init(&r);
	assert_int_equal(oa_policy_check(&p, root, &r), OA_REJECTED);
	memset(huge, ' ', 1024 * 1024);
	json_object_set_new(root, "scope", json_string(huge));
	oa_result_init(&r);
	assert_int_equal(oa_policy_check(&p, root, &r), OA_REJECTED);
	assert_non_null(strstr(r.reason, "scope db missing"));
	/* more scope words than the limit fail the rule rather than be searched */
	for (size_t i = 0; i < 1024 * 1024; i += 2)
		huge[i] = 'a';
	json_object_set_new(root, "scope", json_string(huge));
	oa_result_init(&r);
	assert_int_equal(oa_policy_check(&p, root, &r), OA_REJECTED);
	assert_string_equal(r.reason, "rule scope=db failed: the token has more than 4096 scopes");

	free(huge);
	json_decref(root);
}

static void
test_policy_config_errors_name_the_option(void **state)
{
	static const struct {
		const char *arg, *reason;
	} bad[] = {
		{ "claim_equals=:x", "claim_equals=:x: claim path \"\" is empty or has an empty segment" },
		{ "claim_contains=a..b:x",
		  "claim_contains=a..b:x: claim path \"a..b\" is empty or has an empty segment" },
		{ "claim_any_of=.a:x", "claim_any_of=.a:x: claim path \".a\" is empty or has an empty segment" },
		{ "claim_all_of=a.:x", "claim_all_of=a.:x: claim path \"a.\" is empty or has an empty segment" },
		{ "claim_equals=email_verified",
		  "claim_equals=email_verified: expected PATH:VALUE, there is no ':' after the claim path" },
		{ "claim_equals=a\\:b",
		  "claim_equals=a\\\\:b: expected PATH:VALUE, there is no ':' after the claim path" },
		{ "claim_contains=a\\x:b",
		  "claim_contains=a\\\\x:b: claim path \"a\\\\x\": a backslash must be followed by '.', ':' or '\\'" },
		{ "claim_contains=groups:", "claim_contains=groups:: the value after ':' is empty" },
		{ "claim_equals=groups:", "claim_equals=groups:: the value after ':' is empty" },
		{ "claim_equals=flag:\"true", "claim_equals=flag:\\\"true: a value in double quotes "
		  "must be one JSON string (premature end of input near '\\\"true')" },
		{ "claim_equals=flag:\"a\"b", "claim_equals=flag:\\\"a\\\"b: a value in double "
		  "quotes must be one JSON string (end of file expected near 'b')" },
		{ "claim_equals=n:1e999", "claim_equals=n:1e999: the number is out of range "
		  "(real number overflow near '1e999')" },
		{ "claim_any_of=groups:", "claim_any_of=groups:: the value list is empty" },
		{ "claim_all_of=groups:a,,b", "claim_all_of=groups:a,,b: empty value in the list" },
		{ "claim_any_of=groups:a,", "claim_any_of=groups:a,: empty value in the list" },
		{ "scope=", "scope=: the value list is empty" },
		{ "scope=,openid", "scope=,openid: empty value in the list" },
		{ "scope=openid profile", "scope=openid profile: a scope cannot contain a space" },
		{ "claim_equals=a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q:x",
		  "claim_equals=a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q:x: claim path "
		  "\"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q\" has more than 16 segments" },
	};
	struct oa_policy p;
	struct oa_result r;
	char arg[600], list[400];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		oa_policy_init(&p);
		assert_int_equal(add(&p, bad[i].arg, &r), OA_CONFIG);
		assert_string_equal(r.reason, bad[i].reason);
		assert_int_equal(p.n_rules, 0);
	}

	oa_policy_init(&p);
	memset(arg, 0, sizeof(arg));
	memcpy(arg, "claim_equals=", 13);
	memset(arg + 13, 'k', OA_MAX_CLAIM_NAME_BYTES + 1);
	memcpy(arg + 13 + OA_MAX_CLAIM_NAME_BYTES + 1, ":x", 2);
	assert_int_equal(add(&p, arg, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "has a segment longer than 256 bytes"));
	arg[13 + OA_MAX_CLAIM_NAME_BYTES] = ':';
	assert_int_equal(add(&p, arg, &r), OA_OK);

	/* 65 values in one list */
	list[0] = '\0';
	for (int i = 0; i <= OA_MAX_POLICY_VALUES; i++)
		strcat(list, i == 0 ? "s" : ",s");
	snprintf(arg, sizeof(arg), "scope=%s", list);
	oa_policy_init(&p);
	assert_int_equal(add(&p, arg, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "...: more than 64 values"));
	arg[strlen(arg) - 2] = '\0';
	assert_int_equal(add(&p, arg, &r), OA_OK);
}

static void
test_policy_too_many_rules_is_a_config_error(void **state)
{
	struct oa_policy p;
	struct oa_result r;

	(void)state;
	oa_policy_init(&p);
	for (int i = 0; i < OA_MAX_POLICY_RULES; i++)
		assert_int_equal(add(&p, i % 2 ? "scope=a" : "claim_any_of=g:a,b", &r), OA_OK);
	assert_int_equal(add(&p, "claim_contains=g:a", &r), OA_CONFIG);
	assert_string_equal(r.reason, "claim_contains=g:a: more than 32 authorization rules");
	assert_int_equal(p.n_rules, OA_MAX_POLICY_RULES);
}

static void
test_policy_is_option_knows_exactly_its_names(void **state)
{
	(void)state;
	assert_true(oa_policy_is_option("scope", 5));
	assert_true(oa_policy_is_option("claim_equals", 12));
	assert_true(oa_policy_is_option("claim_contains", 14));
	assert_true(oa_policy_is_option("claim_any_of", 12));
	assert_true(oa_policy_is_option("claim_all_of", 12));
	assert_true(oa_policy_is_option("scope=x", 5));
	assert_false(oa_policy_is_option("scope", 4));
	assert_false(oa_policy_is_option("scopes", 6));
	assert_false(oa_policy_is_option("claim", 5));
	assert_false(oa_policy_is_option("", 0));
}

static void
test_claim_at_path_returns_borrowed_claim_or_null(void **state)
{
	json_t *j = claims(keycloak);
	const json_t *v;

	(void)state;
	v = oa_claim_at_path(j, "resource_access.my\\.client.roles", 32);
	assert_non_null(v);
	assert_true(json_is_array(v));
	assert_ptr_equal(oa_claim_at_path(j, "preferred_username", 18),
			 json_object_get(j, "preferred_username"));
	/* only the first path_len bytes count */
	assert_non_null(oa_claim_at_path(j, "subject", 3));
	assert_null(oa_claim_at_path(j, "preferred_username.x", 20));
	assert_null(oa_claim_at_path(j, "", 0));
	assert_null(oa_claim_at_path(j, "realm_access.", 13));
	assert_null(oa_claim_at_path(j, "realm\\access", 12));
	assert_null(oa_claim_at_path(NULL, "sub", 3));
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_keycloak_realm_role_required),
		cmocka_unit_test(test_policy_keycloak_client_roles_nested_path),
		cmocka_unit_test(test_policy_escaped_dot_and_colon_in_path),
		cmocka_unit_test(test_policy_claim_equals_is_typed_by_the_claim),
		cmocka_unit_test(test_policy_groups_any_of_and_all_of),
		cmocka_unit_test(test_policy_scope_string_and_scp_array),
		cmocka_unit_test(test_policy_wrong_types_fail_closed),
		cmocka_unit_test(test_policy_every_rule_must_hold_and_first_failure_is_named),
		cmocka_unit_test(test_policy_without_rules_accepts),
		cmocka_unit_test(test_policy_hostile_claims_do_not_crash),
		cmocka_unit_test(test_policy_config_errors_name_the_option),
		cmocka_unit_test(test_policy_too_many_rules_is_a_config_error),
		cmocka_unit_test(test_policy_is_option_knows_exactly_its_names),
		cmocka_unit_test(test_claim_at_path_returns_borrowed_claim_or_null),
	};
	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
