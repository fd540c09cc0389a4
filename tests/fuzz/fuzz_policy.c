/* SPDX-License-Identifier: MIT */
/* Claim rules against the claims of a token.  Input: one rule a line,
 * "scope=..." or "claim_*=PATH:VALUE", then an empty line, then the claims
 * as JSON. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "policy.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Rules point into the text, which must outlive the policy. */
	char *text = fuzz_strndup(data, size);
	char *line = text, *end = text + size;
	struct oa_policy policy;
	json_t *claims;
	struct oa_result r;
	bool ok = true;

	oa_policy_init(&policy);
	oa_result_init(&r);
	while (line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		char *eq;

		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if (nl == line) {
			line++;
			break;
		}
		eq = strchr(line, '=');
		if (ok && eq != NULL && oa_policy_is_option(line, (size_t)(eq - line)))
			ok = oa_policy_add(&policy, line, (size_t)(eq - line), eq + 1, &r) == OA_OK;
		line = nl + 1;
	}
	claims = line < end ? json_loadb(line, (size_t)(end - line), JSON_REJECT_DUPLICATES, NULL)
			    : NULL;
	if (ok && json_is_object(claims)) {
		(void)oa_policy_check(&policy, claims, &r);
		for (size_t i = 0; i < policy.n_rules; i++)
			if (policy.rules[i].path != NULL)
				(void)oa_claim_at_path(claims, policy.rules[i].path,
						       policy.rules[i].path_len);
	}
	json_decref(claims);
	free(text);
	return 0;
}
