#include "json_error.h"

#include <stdio.h>

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
