/* SPDX-License-Identifier: MIT */
/* username_map=FILE, written to a private file and loaded as the module
 * would, then asked about identities the seeds map. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "usermap.h"

static void
ask(const struct oa_usermap *m, const char *identity, const char *user)
{
	struct oa_result r;

	oa_result_init(&r);
	(void)oa_usermap_check(m, identity, strlen(identity), user, &r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[512];
	struct oa_usermap *m;
	struct oa_result r;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/users.map", fuzz_private_dir());
	fuzz_write_file(path, data, size);
	for (int casefold = 0; casefold <= 1; casefold++) {
		m = NULL;
		oa_result_init(&r);
		if (oa_usermap_load(path, casefold, &m, &r) == OA_OK) {
			ask(m, "alice@example.com", "alice");
			ask(m, "ALICE@Example.com", "reporting");
			ask(m, "carol.admin@example.com", "carol");
			ask(m, "", "");
		}
		oa_usermap_free(m);
	}
	(void)unlink(path);
	return 0;
}
