#include "base64url.h"

#include <stdint.h>
#include <stdlib.h>

static int
sextet(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

bool
oa_base64url_decode(const char *in, size_t len, unsigned char **out,
		    size_t *out_len)
{
	unsigned char *buf;
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;

	*out = NULL;
	*out_len = 0;
	/* One leftover character carries only 6 bits: never a whole byte. */
	if (len % 4 == 1)
		return false;
	buf = malloc(len / 4 * 3 + 3);
	if (buf == NULL)
		return false;
	for (size_t i = 0; i < len; i++) {
		int v = sextet((unsigned char)in[i]);

		if (v < 0) {
			free(buf);
			return false;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0) {
		free(buf);
		return false;
	}
	buf[n] = '\0';
	*out = buf;
	*out_len = n;
	return true;
}
