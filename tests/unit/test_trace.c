/* SPDX-License-Identifier: MIT */
/* The decision trace (trace.c) that pam_oauth2_check prints: a NULL trace
 * records nothing and costs nothing, steps past the capacity are counted,
 * a failed step carries the reason, and the policy records one step a rule
 * up to the one that failed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "trace.h"

static struct oa_trace trace; /* too large for cmocka's default stack use */

static void
test_trace_null_records_nothing(void **state)
{
	struct oa_result r;
	json_t *j = json_object();

	(void)state;
	oa_result_init(&r);
	oa_trace_step(NULL, "x", OA_STEP_OK, "%s", "y");
	oa_trace_outcome(NULL, "x", OA_REJECTED, &r, "-");
	oa_trace_claims(NULL, j);
	assert_int_equal(j->refcount, 1);
	json_decref(j);
}

static void
test_trace_failed_step_carries_status_and_reason(void **state)
{
	struct oa_result r;

	(void)state;
	oa_trace_init(&trace);
	oa_result_init(&r);
	oa_trace_outcome(&trace, "jwt claims", OA_OK, &r, "%d checks hold", 5);
	oa_fail(&r, OA_UNAVAILABLE, "cannot reach issuer");
	oa_trace_outcome(&trace, "userinfo", r.status, &r, "not this");
	assert_int_equal(trace.n, 2);
	assert_int_equal(trace.steps[0].outcome, OA_STEP_OK);
	assert_string_equal(trace.steps[0].detail, "5 checks hold");
	assert_int_equal(trace.steps[1].outcome, OA_STEP_FAIL);
	assert_string_equal(trace.steps[1].name, "userinfo");
	assert_string_equal(trace.steps[1].detail, "issuer unavailable: cannot reach issuer");
}

static void
test_trace_a_full_reason_is_not_cut(void **state)
{
	struct oa_result r;

	(void)state;
	oa_trace_init(&trace);
	oa_result_init(&r);
	oa_fail(&r, OA_REJECTED, "%0*d", OA_REASON_BYTES - 1, 7);
	oa_trace_outcome(&trace, "x", r.status, &r, "-");
	assert_int_equal(strlen(trace.steps[0].detail), strlen("rejected: ") + OA_REASON_BYTES - 1);
}

static void
test_trace_counts_steps_past_capacity(void **state)
{
	char last[16];

	(void)state;
	snprintf(last, sizeof(last), "%d", OA_MAX_TRACE_STEPS - 1);
	oa_trace_init(&trace);
	for (int i = 0; i < OA_MAX_TRACE_STEPS + 3; i++)
		oa_trace_step(&trace, "step", OA_STEP_INFO, "%d", i);
	assert_int_equal(trace.n, OA_MAX_TRACE_STEPS);
	assert_int_equal(trace.dropped, 3);
	assert_string_equal(trace.steps[OA_MAX_TRACE_STEPS - 1].detail, last);
}

static void
test_trace_keeps_the_claims_until_cleared(void **state)
{
	json_t *a = json_pack("{s:s}", "sub", "a"), *b = json_pack("{s:s}", "sub", "b");

	(void)state;
	oa_trace_init(&trace);
	oa_trace_claims(&trace, a);
	oa_trace_claims(&trace, b);
	assert_int_equal(a->refcount, 1);
	json_decref(a);
	json_decref(b);
	assert_string_equal(json_string_value(json_object_get(trace.claims, "sub")), "b");
	oa_trace_clear(&trace);
	assert_null(trace.claims);
}

static void
test_trace_policy_records_rules_up_to_the_failure(void **state)
{
	static char scope[] = "db:login", role[] = "realm_access.roles:dba",
		    group[] = "groups:ops";
	struct oa_policy p;
	struct oa_result r;
	json_t *j = json_loads("{\"scope\":\"db:login\",\"realm_access\":{\"roles\":[\"web\"]}}",
			       0, NULL);

	(void)state;
	oa_policy_init(&p);
	oa_result_init(&r);
	assert_int_equal(oa_policy_add(&p, "scope", 5, scope, &r), OA_OK);
	assert_int_equal(oa_policy_add(&p, "claim_contains", 14, role, &r), OA_OK);
	assert_int_equal(oa_policy_add(&p, "claim_any_of", 12, group, &r), OA_OK);
	oa_trace_init(&trace);
	assert_int_equal(oa_policy_check_traced(&p, j, &trace, &r), OA_REJECTED);
	assert_int_equal(trace.n, 2);
	assert_string_equal(trace.steps[0].name, "rule scope=db:login");
	assert_int_equal(trace.steps[0].outcome, OA_STEP_OK);
	assert_string_equal(trace.steps[1].name, "rule claim_contains=realm_access.roles:dba");
	assert_int_equal(trace.steps[1].outcome, OA_STEP_FAIL);
	assert_non_null(strstr(trace.steps[1].detail, "has no \"dba\""));
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_null_records_nothing),
		cmocka_unit_test(test_trace_failed_step_carries_status_and_reason),
		cmocka_unit_test(test_trace_a_full_reason_is_not_cut),
		cmocka_unit_test(test_trace_counts_steps_past_capacity),
		cmocka_unit_test(test_trace_keeps_the_claims_until_cleared),
		cmocka_unit_test(test_trace_policy_records_rules_up_to_the_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
