/* SPDX-License-Identifier: MIT */
/* Form-encoded request bodies for introspection, wiped when freed. */

#include "form.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

bool
oa_form_reserve(struct oa_form *f, size_t n)
{
	size_t cap = f->cap == 0 ? 256 : f->cap;
	char *p;

	if (f->failed)
		return false;
	if (f->len + n + 1 <= f->cap)
		return true;
	while (cap < f->len + n + 1)
		cap *= 2;
	/* Not realloc: the old block would be freed unwiped. */
	p = malloc(cap);
	if (p == NULL) {
		f->failed = true;
		return false;
	}
	if (f->data != NULL) {
		memcpy(p, f->data, f->len + 1);
		explicit_bzero(f->data, f->cap);
		free(f->data);
	} else {
		p[0] = '\0';
	}
	f->data = p;
	f->cap = cap;
	return true;
}

void
oa_form_append_raw(struct oa_form *f, const char *s, size_t n)
{
	if (!oa_form_reserve(f, n))
		return;
	memcpy(f->data + f->len, s, n);
	f->len += n;
	f->data[f->len] = '\0';
}

void
oa_form_encode(struct oa_form *f, const char *value, size_t value_len)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < value_len; i++) {
		unsigned char c = (unsigned char)value[i];
		char esc[3] = { '%', hex[c >> 4], hex[c & 15] };

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '*')
			oa_form_append_raw(f, (const char *)&value[i], 1);
		else if (c == ' ')
			oa_form_append_raw(f, "+", 1);
		else
			oa_form_append_raw(f, esc, 3);
	}
}

void
oa_form_add(struct oa_form *f, const char *name, const char *value,
	    size_t value_len)
{
	if (f->len > 0)
		oa_form_append_raw(f, "&", 1);
	oa_form_encode(f, name, strlen(name));
	oa_form_append_raw(f, "=", 1);
	oa_form_encode(f, value, value_len);
}

void
oa_form_wipe(struct oa_form *f)
{
	if (f->data != NULL) {
		explicit_bzero(f->data, f->cap);
		free(f->data);
	}
	memset(f, 0, sizeof(*f));
}

void
oa_form_basic_credentials(struct oa_form *f, const char *id,
			  const unsigned char *secret, size_t secret_len)
{
	struct oa_form plain = { 0 };

	oa_form_encode(&plain, id, strlen(id));
	oa_form_append_raw(&plain, ":", 1);
	oa_form_encode(&plain, (const char *)secret, secret_len);
	if (!plain.failed && oa_form_reserve(f, 4 * ((plain.len + 2) / 3))) {
		f->len += (size_t)EVP_EncodeBlock((unsigned char *)f->data + f->len,
						  (const unsigned char *)plain.data,
						  (int)plain.len);
		f->data[f->len] = '\0';
	} else {
		f->failed = true;
	}
	oa_form_wipe(&plain);
}
