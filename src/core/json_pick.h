/* Keeping only the members of a JSON object that the module reads: an
 * issuer's discovery document or JWK Set is stored in the cache and parsed
 * again on every login that uses it, and the parts nobody reads (Keycloak's
 * metadata arrays, x5c certificate chains) are most of its bytes. */
#ifndef OA_JSON_PICK_H
#define OA_JSON_PICK_H

#include <jansson.h>
#include <stddef.h>

/* A new object holding the members of `obj` named in `names` that it has
 * (the values shared, not copied).  NULL if `obj` is not an object or
 * memory runs out. */
json_t *oa_json_pick(const json_t *obj, const char *const *names, size_t count);

#endif
