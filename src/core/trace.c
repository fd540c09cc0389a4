/* SPDX-License-Identifier: MIT */
/* The step-by-step account of one decision, for pam_oauth2_check. */

#include "trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
oa_trace_init(struct oa_trace *t)
{
	t->n = 0;
	t->dropped = 0;
	t->claims = NULL;
}

void
oa_trace_clear(struct oa_trace *t)
{
	json_decref(t->claims);
	t->claims = NULL;
}

static struct oa_trace_step *
next_step(struct oa_trace *t, const char *name, enum oa_step_outcome outcome)
{
	struct oa_trace_step *s;

	if (t->n == OA_MAX_TRACE_STEPS) {
		t->dropped++;
		return NULL;
	}
	s = &t->steps[t->n++];
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->outcome = outcome;
	s->detail[0] = '\0';
	return s;
}

void
oa_trace_step(struct oa_trace *t, const char *name, enum oa_step_outcome outcome,
	      const char *fmt, ...)
{
	struct oa_trace_step *s;
	va_list ap;

	if (t == NULL || (s = next_step(t, name, outcome)) == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
	va_end(ap);
}

void
oa_trace_outcome(struct oa_trace *t, const char *name, enum oa_status status,
		 const struct oa_result *r, const char *fmt, ...)
{
	struct oa_trace_step *s;
	va_list ap;

	if (t == NULL)
		return;
	s = next_step(t, name, status == OA_OK ? OA_STEP_OK : OA_STEP_FAIL);
	if (s == NULL)
		return;
	if (status != OA_OK) {
		snprintf(s->detail, sizeof(s->detail), "%s: %s", oa_status_name(status),
			 r->reason);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
	va_end(ap);
}

void
oa_trace_claims(struct oa_trace *t, json_t *claims)
{
	if (t == NULL || claims == NULL)
		return;
	json_decref(t->claims);
	t->claims = json_incref(claims);
}

const char *
oa_step_outcome_name(enum oa_step_outcome outcome)
{
	switch (outcome) {
	case OA_STEP_OK:
		return "ok";
	case OA_STEP_FAIL:
		return "fail";
	case OA_STEP_SKIP:
		return "skip";
	case OA_STEP_INFO:
		return "info";
	}
	return "?";
}
