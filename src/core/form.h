/* SPDX-License-Identifier: MIT */
/* application/x-www-form-urlencoded bodies (WHATWG URL, section 5) for
 * token introspection.  They carry the token and maybe the client secret,
 * so the buffer is wiped when freed. */
#ifndef OA_FORM_H
#define OA_FORM_H

#include <stdbool.h>
#include <stddef.h>

struct oa_form {
	char *data; /* NUL-terminated */
	size_t len;
	size_t cap;
	bool failed; /* an allocation failed: the form is unusable */
};

/* Appends name=value (with '&' before all but the first), both encoded. */
void oa_form_add(struct oa_form *f, const char *name, const char *value,
		 size_t value_len);

/* Appends the encoding of `value` alone (for RFC 6749 section 2.3.1, which
 * form-encodes client_id and secret before Basic authentication). */
void oa_form_encode(struct oa_form *f, const char *value, size_t value_len);

/* Makes room for n more bytes and a NUL; false if the form failed. */
bool oa_form_reserve(struct oa_form *f, size_t n);

/* Appends bytes as they are. */
void oa_form_append_raw(struct oa_form *f, const char *s, size_t n);

/* Appends the value of an HTTP Basic Authorization header for a client:
 * RFC 6749 section 2.3.1 form-encodes client_id and secret, joins them with
 * ':' and base64 encodes that. */
void oa_form_basic_credentials(struct oa_form *f, const char *id,
			       const unsigned char *secret, size_t secret_len);

void oa_form_wipe(struct oa_form *f);

#endif
