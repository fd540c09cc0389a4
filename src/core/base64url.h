/* SPDX-License-Identifier: MIT */
/* Strict base64url (RFC 4648 section 5) as JWS requires (RFC 7515 section 2):
 * no padding, no characters outside the URL-safe alphabet, and unused
 * trailing bits zero, so that every input has one canonical encoding. */
#ifndef OA_BASE64URL_H
#define OA_BASE64URL_H

#include <stdbool.h>
#include <stddef.h>

/* Decodes `len` bytes of `in` into a new NUL-terminated buffer the caller
 * frees; `*out_len` excludes the NUL.  Returns false on non-canonical input
 * or allocation failure, leaving `*out` NULL. */
bool oa_base64url_decode(const char *in, size_t len, unsigned char **out,
			 size_t *out_len);

#endif
