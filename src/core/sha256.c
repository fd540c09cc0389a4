/* SPDX-License-Identifier: MIT */
/* OpenSSL's SHA-256 itself, through its low-level interface rather than EVP:
 * the first EVP call in a process initialises OpenSSL 3 (configuration file,
 * providers, algorithm tables), about 0.9 ms of CPU measured here, and a
 * PostgreSQL backend with ssl=off starts with OpenSSL uninitialised.  A
 * login answered from the verdict cache needs nothing but these digests, so
 * it pays none of that.  The functions are deprecated in OpenSSL 3 in favour
 * of EVP but remain part of its API (3.x keeps them, and they compute the
 * same standard digest; the unit test checks FIPS 180-2 vectors). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "sha256.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <string.h>

_Static_assert(sizeof(SHA256_CTX) <= sizeof(((struct oa_sha256 *)0)->state),
	       "struct oa_sha256 too small for SHA256_CTX");
_Static_assert(_Alignof(SHA256_CTX) <= 8, "struct oa_sha256 alignment");

static SHA256_CTX *
ctx_of(struct oa_sha256 *s)
{
	return (SHA256_CTX *)(void *)s->state;
}

void
oa_sha256_init(struct oa_sha256 *s)
{
	/* Cannot fail: it only sets the initial hash values. */
	(void)SHA256_Init(ctx_of(s));
}

void
oa_sha256_update(struct oa_sha256 *s, const void *data, size_t len)
{
	(void)SHA256_Update(ctx_of(s), data, len);
}

void
oa_sha256_final(struct oa_sha256 *s, unsigned char out[OA_SHA256_BYTES])
{
	(void)SHA256_Final(out, ctx_of(s));
	OPENSSL_cleanse(s, sizeof(*s));
}

void
oa_sha256(const void *data, size_t len, unsigned char out[OA_SHA256_BYTES])
{
	struct oa_sha256 s;

	oa_sha256_init(&s);
	oa_sha256_update(&s, data, len);
	oa_sha256_final(&s, out);
}

void
oa_hex(const unsigned char *md, size_t bytes, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < bytes; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[2 * bytes] = '\0';
}
