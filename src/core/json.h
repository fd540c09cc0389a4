/* What went wrong in a JSON text, in words that quote none of it: jansson's
 * own message quotes the bytes near the error ("... near 'eyJhbG'"), and
 * the text may be a token, a secret file named by mistake, or an issuer's
 * answer echoing either; the reason ends up in syslog. */
#ifndef OA_JSON_ERROR_H
#define OA_JSON_ERROR_H

#include <jansson.h>
#include <stddef.h>

/* E.g. "invalid syntax at line 1, column 7". */
void oa_json_error_describe(const json_error_t *err, char *out, size_t out_size);

#endif
