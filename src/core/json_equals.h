/* Identities (iss, the username claim, kid, kty, crv...) are compared byte
 * for byte over the JSON string's whole length: json_string_value() stops at
 * an embedded NUL, so "alice\u0000x" compared as a C string would be
 * "alice". */
#ifndef OA_JSON_EQUALS_H
#define OA_JSON_EQUALS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Whether `v` is a JSON string of exactly these `len` bytes. */
bool oa_json_string_equals(const json_t *v, const char *bytes, size_t len);

#endif
