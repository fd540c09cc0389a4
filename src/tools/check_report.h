/* SPDX-License-Identifier: MIT */
/* What pam_oauth2_check prints: the steps of one decision, the verified
 * claims and the verdict, as text for a person or one JSON object.  Only
 * the verdict, the trace and the claims reach the output: the token is not
 * among them, only its fingerprint. */
#ifndef OA_CHECK_REPORT_H
#define OA_CHECK_REPORT_H

#include <stdio.h>

#include "trace.h"
#include "verdict.h"

struct check_report {
	const char *user;
	const char *options_from; /* "the command line" or "FILE line N" */
	const struct oa_verdict *verdict;
	const struct oa_trace *trace;
	long long now; /* for "in 5 min" / "3 s ago" */
};

/* The exit status for a verdict: 0 accepted, 1 refused (the issuer
 * unreachable included), 2 a configuration error. */
int check_report_exit_code(enum oa_status status);

void check_report_text(FILE *out, const struct check_report *rep);

/* One JSON object and a newline; false if it could not be built. */
bool check_report_json(FILE *out, const struct check_report *rep);

#endif
