/* The module's helpers over jansson: comparing identities, describing a
 * parse error, keeping the members read. */
#ifndef OA_JSON_H
#define OA_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Identities (iss, the username claim, kid, kty, crv...) are compared byte
 * for byte over the JSON string's whole length: json_string_value() stops at
 * an embedded NUL, so "alice\u0000x" compared as a C string would be
 * "alice".
 *
 * Whether `v` is a JSON string of exactly these `len` bytes. */
bool oa_json_string_equals(const json_t *v, const char *bytes, size_t len);

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
