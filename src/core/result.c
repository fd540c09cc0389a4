/* SPDX-License-Identifier: MIT */
/* Recording the first failure of a login: its status and its reason. */

#include "result.h"

#include <stdarg.h>
#include <stdio.h>

void
oa_result_init(struct oa_result *r)
{
	r->status = OA_OK;
	r->reason[0] = '\0';
	r->transient = false;
}

enum oa_status
oa_fail(struct oa_result *r, enum oa_status status, const char *fmt, ...)
{
	va_list ap;

	if (r->status != OA_OK)
		return r->status;
	r->status = status;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	return status;
}

const char *
oa_status_name(enum oa_status status)
{
	switch (status) {
	case OA_OK:
		return "ok";
	case OA_REJECTED:
		return "rejected";
	case OA_UNAVAILABLE:
		return "issuer unavailable";
	case OA_CONFIG:
		return "configuration error";
	case OA_INTERNAL:
		return "internal error";
	}
	return "unknown";
}
