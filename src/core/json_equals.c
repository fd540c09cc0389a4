#include "json_equals.h"

#include <string.h>

bool
oa_json_string_equals(const json_t *v, const char *bytes, size_t len)
{
	return json_is_string(v) && json_string_length(v) == len &&
	       memcmp(json_string_value(v), bytes, len) == 0;
}
