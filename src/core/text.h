/* Makes untrusted text (PAM user names from clients, claim values from the
 * issuer) safe to put inside one syslog line. */
#ifndef OA_TEXT_H
#define OA_TEXT_H

#include <stddef.h>

/* Copies at most out_size-1 bytes: printable ASCII as is, '"' and '\\'
 * escaped, anything else as \xNN; marks a cut with "...". */
void oa_text_escape(const char *in, size_t in_len, char *out, size_t out_size);

#endif
