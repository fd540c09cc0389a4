/* SPDX-License-Identifier: MIT */
/* Makes untrusted text (PAM user names from clients, claim values from the
 * issuer) safe to put inside one syslog line. */
#ifndef OA_TEXT_H
#define OA_TEXT_H

#include <stddef.h>

/* The buffer for one escaped value in a log line or a reason: enough to
 * recognise a user name, a kid or a claim value, and short enough that a
 * hostile one cannot crowd the rest of the line out (escaping can make
 * it four times longer, so it is cut with "..."). */
#define OA_SHOWN_BYTES 96

/* Copies at most out_size-1 bytes: printable ASCII as is, '"' and '\\'
 * escaped, anything else as \xNN; marks a cut with "...". */
void oa_text_escape(const char *in, size_t in_len, char *out, size_t out_size);

#endif
