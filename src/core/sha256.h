/* SPDX-License-Identifier: MIT */
/* SHA-256 for the module's own bookkeeping: the configuration's digest, the
 * verdict cache's keys, cache entries' self-checks and the token fingerprint
 * in the log.  Not for signatures (signature.c uses EVP). */
#ifndef OA_SHA256_H
#define OA_SHA256_H

#include <stddef.h>

#define OA_SHA256_BYTES 32

struct oa_sha256 {
	/* Room for OpenSSL's SHA256_CTX (112 bytes on LP64) without its
	 * deprecated type in every includer; sha256.c checks the size. */
	_Alignas(8) unsigned char state[128];
};

void oa_sha256_init(struct oa_sha256 *s);
void oa_sha256_update(struct oa_sha256 *s, const void *data, size_t len);
void oa_sha256_final(struct oa_sha256 *s, unsigned char out[OA_SHA256_BYTES]);

/* One buffer in, digest out. */
void oa_sha256(const void *data, size_t len, unsigned char out[OA_SHA256_BYTES]);

/* Lowercase hex of the first `bytes` bytes of `md` into out (2 * bytes + 1). */
void oa_hex(const unsigned char *md, size_t bytes, char *out);

#endif
