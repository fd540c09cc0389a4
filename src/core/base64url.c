/* SPDX-License-Identifier: MIT */
/* Strict base64url decoding and encoding, one canonical form per value. */

#include "base64url.h"

#include <stdint.h>
#include <stdlib.h>

/* Each character's 6 bits, or 0x80 for a character outside the alphabet:
 * a table read per character rather than a chain of range tests, since a
 * 16 KB token is decoded on every login. */
#define X 0x80
/* clang-format off */
static const unsigned char sextets[256] = {
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0x00 */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0x10 */
	X, X, X, X, X, X, X, X, X, X, X, X, X, 62, X, X, /* 0x20: '-' */
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, X, X, X, /* '0'..'9' */
	X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, /* 'A'.. */
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, 63, /* ..'Z', '_' */
	X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, /* 'a'.. */
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X, /* ..'z' */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, /* 0x80.. */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
};
/* clang-format on */
#undef X

bool
oa_base64url_decode(const char *in, size_t len, unsigned char **out,
		    size_t *out_len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t whole = len / 4 * 4, n = 0;
	unsigned char *buf, bad = 0;
	uint32_t acc = 0;

	*out = NULL;
	*out_len = 0;
	/* One leftover character carries only 6 bits: never a whole byte. */
	if (len % 4 == 1)
		return false;
	buf = malloc(len / 4 * 3 + 3);
	if (buf == NULL)
		return false;
	/* Four characters make three bytes; a bad character anywhere sets
	 * the high bit of `bad`, checked once at the end. */
	for (size_t i = 0; i < whole; i += 4) {
		unsigned char a = sextets[s[i]], b = sextets[s[i + 1]];
		unsigned char c = sextets[s[i + 2]], d = sextets[s[i + 3]];

		bad |= a | b | c | d;
		acc = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | d;
		buf[n++] = (unsigned char)(acc >> 16);
		buf[n++] = (unsigned char)(acc >> 8);
		buf[n++] = (unsigned char)acc;
	}
	/* Two or three characters left: one or two bytes, and the bits
	 * they leave over must be zero for the encoding to be the only one. */
	acc = 0;
	for (size_t i = whole; i < len; i++) {
		bad |= sextets[s[i]];
		acc = acc << 6 | (sextets[s[i]] & 0x3f);
	}
	if (len - whole == 2) {
		buf[n++] = (unsigned char)(acc >> 4);
		bad |= (acc & 0x0f) != 0 ? 0x80 : 0;
	} else if (len - whole == 3) {
		buf[n++] = (unsigned char)(acc >> 10);
		buf[n++] = (unsigned char)(acc >> 2);
		bad |= (acc & 0x03) != 0 ? 0x80 : 0;
	}
	if (bad & 0x80) {
		free(buf);
		return false;
	}
	buf[n] = '\0';
	*out = buf;
	*out_len = n;
	return true;
}
