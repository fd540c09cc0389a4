/* SPDX-License-Identifier: MIT */
/* Every JWS segment goes through this decoder before any JSON parser. */
#include <stdlib.h>
#include <string.h>

#include "base64url.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *out = NULL;
	size_t out_len = 0;

	if (oa_base64url_decode((const char *)data, size, &out, &out_len)) {
		/* Unpadded base64url: 4 characters carry 3 bytes, and a
		 * canonical tail of 2 or 3 carries 1 or 2.  Anything else means
		 * the decoder read or wrote past what it was given. */
		if (out_len != size / 4 * 3 + (size % 4 == 0 ? 0 : size % 4 - 1) ||
		    out[out_len] != '\0')
			abort();
	} else if (out != NULL) {
		abort();
	}
	free(out);
	return 0;
}
