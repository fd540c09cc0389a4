/* SPDX-License-Identifier: MIT */
/* Untrusted text escaped for one syslog line. */

#include "text.h"

#include <string.h>

void
oa_text_escape(const char *in, size_t in_len, char *out, size_t out_size)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (out_size == 0)
		return;
	/* Built by hand rather than a snprintf per character: every login
	 * escapes its user, issuer and claims for the log line. */
	for (size_t i = 0; i < in_len; i++) {
		unsigned char c = (unsigned char)in[i];
		char piece[4];
		size_t n = 0;

		if (c == '"' || c == '\\') {
			piece[n++] = '\\';
			piece[n++] = (char)c;
		} else if (c < 0x20 || c > 0x7e) {
			piece[n++] = '\\';
			piece[n++] = 'x';
			piece[n++] = hex[c >> 4];
			piece[n++] = hex[c & 0xf];
		} else {
			piece[n++] = (char)c;
		}
		if (o + n + 4 > out_size) {
			if (out_size >= 4) {
				if (o > out_size - 4)
					o = out_size - 4;
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(out + o, piece, n);
		o += n;
	}
	out[o] = '\0';
}
