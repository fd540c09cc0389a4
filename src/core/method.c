/* SPDX-License-Identifier: MIT */
/* The names of the token checks, both ways. */
#include "method.h"

#include <stddef.h>
#include <string.h>

static const char *const names[] = {
	[OA_METHOD_NONE] = "-",
	[OA_METHOD_JWT] = "jwt",
	[OA_METHOD_INTROSPECTION] = "introspection",
	[OA_METHOD_USERINFO] = "userinfo",
	[OA_METHOD_JWT_INTROSPECTION] = "jwt+introspection",
};

const char *
oa_method_name(enum oa_method method)
{
	if ((size_t)method >= sizeof(names) / sizeof(names[0]))
		return "-";
	return names[method];
}

bool
oa_method_parse(const char *name, enum oa_method *out)
{
	for (size_t m = OA_METHOD_NONE + 1; m < sizeof(names) / sizeof(names[0]); m++)
		if (strcmp(name, names[m]) == 0) {
			*out = (enum oa_method)m;
			return true;
		}
	return false;
}
