#include "json_equals.h"

#include <string.h>

#include "text.h"

bool
oa_json_string_equals(const json_t *v, const char *bytes, size_t len)
{
	return json_is_string(v) && json_string_length(v) == len &&
	       memcmp(json_string_value(v), bytes, len) == 0;
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
	match = json_is_string(want) ?
		oa_json_string_equals(v, json_string_value(want), json_string_length(want)) :
		json_equal(v, want);
	json_decref(want);
	return match;
}
