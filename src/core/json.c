/* SPDX-License-Identifier: MIT */
/* The module's helpers over jansson: identities compared, errors described, members picked, pam.d values typed. */

#include "json.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

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

static bool
is_word(const char *text, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(text, word, len) == 0;
}

static size_t
digits(const char *s, size_t i, size_t len)
{
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/* RFC 8259 section 6, exactly: no sign but '-', no leading zero, no
 * space; so 03, +3 and 3. stay strings, as they were. */
static bool
is_json_number(const char *s, size_t len)
{
	size_t i = 0, start;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0')
		i++;
	else if (i < len && s[i] >= '1' && s[i] <= '9')
		i = digits(s, i, len);
	else
		return false;
	if (i < len && s[i] == '.') {
		start = ++i;
		if ((i = digits(s, i, len)) == start)
			return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		start = i;
		if ((i = digits(s, i, len)) == start)
			return false;
	}
	return i == len;
}

/* jansson's message quotes the configuration text: escaped like it. */
static enum oa_status
refuse(struct oa_result *r, const char *what, const json_error_t *error)
{
	char shown[sizeof(error->text) * 4];

	oa_text_escape(error->text, strlen(error->text), shown, sizeof(shown));
	return oa_fail(r, OA_CONFIG, "%s (%s)", what, shown);
}

enum oa_status
oa_json_config_value(const char *text, size_t len, json_t **out, struct oa_result *r)
{
	json_error_t error;

	*out = NULL;
	if (is_word(text, len, "true"))
		*out = json_true();
	else if (is_word(text, len, "false"))
		*out = json_false();
	else if (is_word(text, len, "null"))
		*out = json_null();
	else if (len > 0 && text[0] == '"') {
		/* JSON's own escapes; \u0000 is refused (no JSON_ALLOW_NUL). */
		*out = json_loadb(text, len, JSON_DECODE_ANY, &error);
		if (!json_is_string(*out)) {
			json_decref(*out);
			*out = NULL;
			return refuse(r, "a value in double quotes must be one JSON string",
				      &error);
		}
	} else if (is_json_number(text, len)) {
		*out = json_loadb(text, len, JSON_DECODE_ANY, &error);
		if (*out == NULL)
			return refuse(r, "the number is out of range", &error);
	} else {
		*out = json_stringn(text, len);
	}
	if (*out == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	return OA_OK;
}

bool
oa_json_matches_config_value(const json_t *v, const char *text, size_t len)
{
	struct oa_result r;
	json_t *want;
	bool match;

	oa_result_init(&r);
	if (v == NULL || oa_json_config_value(text, len, &want, &r) != OA_OK)
		return false;
	/* json_equal on strings stops at a NUL; compare the whole length.
	 * An integer and a non-integer number are never equal (3 is not 3.0). */
	/* clang-format off */
	match = json_is_string(want) ?
		oa_json_string_equals(v, json_string_value(want), json_string_length(want)) :
		json_equal(v, want);
	/* clang-format on */
	json_decref(want);
	return match;
}
