/* SPDX-License-Identifier: MIT */
/* An account of one decision, step by step, for pam_oauth2_check: which
 * check ran, what each rule found, whether the cache answered.  The PAM
 * module passes no trace; every call below returns at once on NULL, so the
 * login path pays one pointer test per decision point.
 *
 * Details hold what the module's reasons hold (claim values, escaped), and
 * never the token. */
#ifndef OA_TRACE_H
#define OA_TRACE_H

#include <jansson.h>
#include <stddef.h>

#include "bounds.h"
#include "result.h"

/* A step's name: the name of a check or rule, with its argument. */
#define OA_TRACE_NAME_BYTES 96

enum oa_step_outcome {
	OA_STEP_OK,   /* the step passed */
	OA_STEP_FAIL, /* the step refused the token: the verdict's reason */
	OA_STEP_SKIP, /* the step did not run, and why */
	OA_STEP_INFO  /* a fact the decision rests on, neither pass nor fail */
};

struct oa_trace_step {
	char name[OA_TRACE_NAME_BYTES];
	enum oa_step_outcome outcome;
	char detail[OA_REASON_BYTES + 32]; /* a reason and its status's name */
};

struct oa_trace {
	struct oa_trace_step steps[OA_MAX_TRACE_STEPS];
	size_t n;
	size_t dropped; /* steps past OA_MAX_TRACE_STEPS */
	json_t *claims; /* owned: the verified claims the rules were run on */
};

void oa_trace_init(struct oa_trace *t);

/* Drops the claims; the steps stay readable. */
void oa_trace_clear(struct oa_trace *t);

void oa_trace_step(struct oa_trace *t, const char *name,
		   enum oa_step_outcome outcome, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* One step whose outcome is `status`: on OA_OK the detail is formatted
 * from fmt, otherwise it is r's reason (the failure just recorded). */
void oa_trace_outcome(struct oa_trace *t, const char *name, enum oa_status status,
		      const struct oa_result *r, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Keeps a reference to the claims the username and policy checks saw. */
void oa_trace_claims(struct oa_trace *t, json_t *claims);

const char *oa_step_outcome_name(enum oa_step_outcome outcome);

#endif
