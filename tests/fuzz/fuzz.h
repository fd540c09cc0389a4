/* SPDX-License-Identifier: MIT */
/* What the libFuzzer targets share: fixed configurations, an HTTP answer
 * framed in the fuzzer's input, and private files for the parsers that read
 * from disk.  Every target frees all it allocates: the runs use
 * -detect_leaks=1, and a leak per login adds up in a long-lived sshd. */
#ifndef OA_FUZZ_H
#define OA_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "http.h"

/* The one clock of every target: the seeds' exp, nbf and cache times are
 * written around it, so a seed means the same whenever it runs. */
#define FUZZ_NOW 1700000000LL

/* libFuzzer's entry point, declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parses a target's own fixed arguments; aborts if they are refused, since
 * a target with a wrong configuration would fuzz nothing. */
void fuzz_config(int argc, const char *const *argv, struct oa_config *cfg);

/* The input as "STATUS [CONTENT-TYPE]\n" then the body, as http.c would
 * hand it over (body NUL-terminated, content type NULL when absent).  False
 * when there is no newline; else free with oa_http_response_free. */
bool fuzz_http_response(const uint8_t *data, size_t size,
			struct oa_http_response *resp);

/* A NUL-terminated copy of the input (which may hold NULs itself); the
 * caller frees.  Aborts when out of memory. */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* A private 0700 directory under $TMPDIR (or /tmp), made on first use and
 * emptied and removed at exit. */
const char *fuzz_private_dir(void);

/* Writes `data` to `path` with mode 0600, replacing what was there; aborts
 * on failure, which would be the target's fault, not the input's. */
void fuzz_write_file(const char *path, const uint8_t *data, size_t size);

#endif
