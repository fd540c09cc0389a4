#include "json.h"

#include <stdio.h>
#include <string.h>

bool
oa_json_string_equals(const json_t *v, const char *bytes, size_t len)
{
	return json_is_string(v) && json_string_length(v) == len &&
	       memcmp(json_string_value(v), bytes, len) == 0;
}

static const char *
what_went_wrong(const json_error_t *err)
{
	switch (json_error_code(err)) {
	case json_error_out_of_memory:
		return "out of memory";
	case json_error_stack_overflow:
		return "nested too deeply";
	case json_error_cannot_open_file:
		return "cannot open the file";
	case json_error_invalid_utf8:
		return "invalid UTF-8";
	case json_error_premature_end_of_input:
		return "cut short";
	case json_error_end_of_input_expected:
		return "something after the value";
	case json_error_null_character:
		return "a NUL character";
	case json_error_duplicate_key:
		return "a duplicate member name";
	case json_error_numeric_overflow:
		return "a number out of range";
	default:
		return "invalid syntax";
	}
}

void
oa_json_error_describe(const json_error_t *err, char *out, size_t out_size)
{
	if (err->line > 0)
		snprintf(out, out_size, "%s at line %d, column %d", what_went_wrong(err),
			 err->line, err->column);
	else
		snprintf(out, out_size, "%s", what_went_wrong(err));
}

json_t *
oa_json_pick(const json_t *obj, const char *const *names, size_t count)
{
	json_t *kept;

	if (!json_is_object(obj))
		return NULL;
	/* Not json_object(): the postgres binary exports a function of that
	 * name, which would answer our call inside a backend. */
	kept = json_pack("{}");
	if (kept == NULL)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		json_t *v = json_object_get(obj, names[i]);

		if (v != NULL && json_object_set(kept, names[i], v) != 0) {
			json_decref(kept);
			return NULL;
		}
	}
	return kept;
}
