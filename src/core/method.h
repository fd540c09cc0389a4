/* SPDX-License-Identifier: MIT */
/* Which check vouched for a token.  The names are words of the log lines
 * ("method=jwt") and of the verdicts remembered in the cache, which the
 * module of an earlier release may have written: they never change. */
#ifndef OA_METHOD_H
#define OA_METHOD_H

#include <stdbool.h>

enum oa_method {
	OA_METHOD_NONE,             /* no check ran (yet) */
	OA_METHOD_JWT,              /* the token's signature and claims, locally */
	OA_METHOD_INTROSPECTION,    /* RFC 7662 at the issuer */
	OA_METHOD_USERINFO,         /* the issuer's userinfo endpoint */
	OA_METHOD_JWT_INTROSPECTION /* locally, then still active per RFC 7662
				       (introspect_jwt) */
};

/* "jwt", "introspection", "userinfo", "jwt+introspection", or "-" for
 * OA_METHOD_NONE. */
const char *oa_method_name(enum oa_method method);

/* The method a name stands for; false (and `out` untouched) for any other
 * text, "-" included. */
bool oa_method_parse(const char *name, enum oa_method *out);

#endif
