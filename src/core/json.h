/* SPDX-License-Identifier: MIT */
/* The module's helpers over jansson: comparing identities, describing a
 * parse error, keeping the members read. */
#ifndef OA_JSON_H
#define OA_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "result.h"

/* Identities (iss, the username claim, kid, kty, crv...) are compared byte
 * for byte over the JSON string's whole length: json_string_value() stops at
 * an embedded NUL, so "alice\u0000x" compared as a C string would be
 * "alice".
 *
 * Whether `v` is a JSON string of exactly these `len` bytes. */
bool oa_json_string_equals(const json_t *v, const char *bytes, size_t len);

/* Values written in pam.d (claim_equals=PATH:VALUE, the positional
 * CLAIM=VALUE) are compared by JSON type, one rule for both: true, false,
 * null and a number written as JSON writes it stand for that JSON value
 * and match nothing else, so the string "true" does not satisfy
 * email_verified:true; a value in double quotes is a JSON string (how a
 * string that looks like a literal is written: flag:"true"); anything else
 * is a string of exactly those bytes, as before.
 *
 * The JSON value the pam.d `text` stands for (new reference).  OA_CONFIG
 * for a quoted value that is not exactly one JSON string, or a number out
 * of range; the reason does not name the option. */
enum oa_status oa_json_config_value(const char *text, size_t len, json_t **out,
				    struct oa_result *r);

/* Whether the claim `v` matches the pam.d `text` under the rule above;
 * false when `text` is not a valid value (oa_json_config_value refuses it
 * when the configuration is read). */
bool oa_json_matches_config_value(const json_t *v, const char *text, size_t len);

/* What went wrong in a JSON text, in words that quote none of it: jansson's
 * own message quotes the bytes near the error ("... near 'eyJhbG'"), and
 * the text may be a token, a secret file named by mistake, or an issuer's
 * answer echoing either; the reason ends up in syslog.
 *
 * E.g. "invalid syntax at line 1, column 7". */
void oa_json_error_describe(const json_error_t *err, char *out, size_t out_size);

/* Keeping only the members of a JSON object that the module reads: an
 * issuer's discovery document or JWK Set is stored in the cache and parsed
 * again on every login that uses it, and the parts nobody reads (Keycloak's
 * metadata arrays, x5c certificate chains) are most of its bytes.
 *
 * A new object holding the members of `obj` named in `names` that it has
 * (the values shared, not copied).  NULL if `obj` is not an object or
 * memory runs out. */
json_t *oa_json_pick(const json_t *obj, const char *const *names, size_t count);

#endif
