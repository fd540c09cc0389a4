/* SPDX-License-Identifier: MIT */
/* A cache entry file: written by any backend of the service user, read by
 * every other, so a damaged or planted one must only ever be a miss.  The
 * input's first byte chooses how it is written: even, as given; odd, with
 * its correct SHA-256 appended, so that the fuzzer gets past the digest to
 * the length and key checks behind it. */
#include <dirent.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "fuzz.h"

#define NS "jwks"
#define KEY "https://idp.example/keys"

static struct oa_cache cache = { .dirfd = -1 };
static char entry_path[512];

/* cache.c alone knows how entries are named: put one, and take the name
 * of the file that appears. */
static void
setup(void)
{
	static const char value[] = "{\"keys\":[]}";
	const struct oa_cache_meta meta = {
		.stored_at = FUZZ_NOW - 10, .fresh_until = FUZZ_NOW + 290,
		.stale_until = FUZZ_NOW + 86400,
	};
	const char *dir = fuzz_private_dir();
	const char *seed = getenv("OA_FUZZ_CACHE_SEED");
	struct oa_result r;
	struct dirent *de;
	DIR *d;

	oa_result_init(&r);
	if (oa_cache_open(dir, false, &cache, &r) != OA_OK ||
	    oa_cache_put(&cache, NS, KEY, value, sizeof(value) - 1, &meta, 0, &r) != OA_OK) {
		fprintf(stderr, "fuzz_cache: %s\n", r.reason);
		abort();
	}
	d = opendir(dir);
	while (d != NULL && (de = readdir(d)) != NULL)
		if (strncmp(de->d_name, NS "-", strlen(NS "-")) == 0)
			snprintf(entry_path, sizeof(entry_path), "%s/%s", dir, de->d_name);
	if (d != NULL)
		closedir(d);
	if (entry_path[0] == '\0')
		abort();
	/* OA_FUZZ_CACHE_SEED=FILE: write that entry as a seed (mode byte 0). */
	if (seed != NULL) {
		FILE *in = fopen(entry_path, "rb"), *out = fopen(seed, "wb");
		int c;

		if (in == NULL || out == NULL)
			abort();
		fputc(0, out);
		while ((c = fgetc(in)) != EOF)
			fputc(c, out);
		fclose(in);
		fclose(out);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *file;
	unsigned int md_len = 0;
	char *value = NULL;
	size_t len;
	struct oa_cache_meta meta;
	bool found;
	struct oa_result r;

	if (entry_path[0] == '\0')
		setup();
	if (size == 0)
		return 0;
	file = malloc(size - 1 + EVP_MAX_MD_SIZE);
	if (file == NULL)
		abort();
	memcpy(file, data + 1, size - 1);
	if ((data[0] & 1) != 0 &&
	    EVP_Digest(file, size - 1, file + size - 1, &md_len, EVP_sha256(), NULL) != 1)
		abort();
	fuzz_write_file(entry_path, file, size - 1 + md_len);
	free(file);
	oa_result_init(&r);
	(void)oa_cache_get(&cache, NS, KEY, FUZZ_NOW, &value, &len, &meta, &found, &r);
	free(value);
	return 0;
}
