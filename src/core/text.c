#include "text.h"

#include <stdio.h>
#include <string.h>

void
oa_text_escape(const char *in, size_t in_len, char *out, size_t out_size)
{
	size_t o = 0;

	if (out_size == 0)
		return;
	for (size_t i = 0; i < in_len; i++) {
		unsigned char c = (unsigned char)in[i];
		char piece[5];
		size_t n;

		if (c == '"' || c == '\\')
			n = (size_t)snprintf(piece, sizeof(piece), "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			n = (size_t)snprintf(piece, sizeof(piece), "\\x%02x", c);
		else
			n = (size_t)snprintf(piece, sizeof(piece), "%c", c);
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
