/* Identities (iss, the username claim, kid, kty, crv...) are compared byte
 * for byte over the JSON string's whole length: json_string_value() stops at
 * an embedded NUL, so "alice\u0000x" compared as a C string would be
 * "alice".
 *
 * Values written in pam.d (claim_equals=PATH:VALUE, the positional
 * CLAIM=VALUE) are compared by JSON type, one rule for both: true, false,
 * null and a number written as JSON writes it stand for that JSON value
 * and match nothing else, so the string "true" does not satisfy
 * email_verified:true; a value in double quotes is a JSON string (how a
 * string that looks like a literal is written: flag:"true"); anything else
 * is a string of exactly those bytes, as before. */
#ifndef OA_JSON_EQUALS_H
#define OA_JSON_EQUALS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "result.h"

/* Whether `v` is a JSON string of exactly these `len` bytes. */
bool oa_json_string_equals(const json_t *v, const char *bytes, size_t len);

/* The JSON value the pam.d `text` stands for (new reference).  OA_CONFIG
 * for a quoted value that is not exactly one JSON string, or a number out
 * of range; the reason does not name the option. */
enum oa_status oa_json_config_value(const char *text, size_t len, json_t **out,
				    struct oa_result *r);

/* Whether the claim `v` matches the pam.d `text` under the rule above;
 * false when `text` is not a valid value (oa_json_config_value refuses it
 * when the configuration is read). */
bool oa_json_matches_config_value(const json_t *v, const char *text, size_t len);

#endif
