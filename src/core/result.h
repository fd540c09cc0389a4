/* SPDX-License-Identifier: MIT */
/* One error type for the whole core: a status saying which way the caller
 * must fail, and a reason for syslog.  The first failure recorded wins, so
 * the reason names the check that actually failed. */
#ifndef OA_RESULT_H
#define OA_RESULT_H

#include <stdbool.h>

#include "bounds.h"

enum oa_status {
	OA_OK = 0,
	OA_REJECTED,    /* the token or identity is not acceptable */
	OA_UNAVAILABLE, /* the issuer could not give a usable answer */
	OA_CONFIG,      /* the module's configuration is wrong */
	OA_INTERNAL     /* out of memory or a library failure */
};

struct oa_result {
	enum oa_status status;
	char reason[OA_REASON_BYTES];
	/* A refusal that may not hold a moment later (a kid the cached keys
	 * lack, during key rotation): not to be remembered as a verdict. */
	bool transient;
};

void oa_result_init(struct oa_result *r);

/* Records a failure unless one is already recorded; returns the status so
 * callers can write `return oa_fail(r, OA_REJECTED, "...")`. */
enum oa_status oa_fail(struct oa_result *r, enum oa_status status,
		       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

const char *oa_status_name(enum oa_status status);

#endif
