/* SPDX-License-Identifier: MIT */
/* The pam.d line: trusted, but written by hand, and a typo must be a
 * refusal with a reason, never a crash inside sshd or postgres.  The input
 * is split into arguments at each NUL or newline. */
#include <stdlib.h>

#include "fuzz.h"

/* More than the option table holds, so "given twice" paths are reached. */
#define MAX_ARGS 64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	const char *argv[MAX_ARGS];
	struct oa_config cfg;
	struct oa_result r;
	int argc = 0;

	argv[argc++] = text;
	for (size_t i = 0; i < size; i++)
		if (text[i] == '\0' || text[i] == '\n') {
			text[i] = '\0';
			if (argc == MAX_ARGS)
				break;
			argv[argc++] = text + i + 1;
		}
	oa_result_init(&r);
	/* Strings in cfg point into text: nothing else to free. */
	(void)oa_config_parse(argc, argv, &cfg, &r);
	free(text);
	return 0;
}
