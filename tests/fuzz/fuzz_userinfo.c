/* SPDX-License-Identifier: MIT */
/* The userinfo endpoint's answer: status, Content-Type and body all come
 * from the issuer (or whoever answers in its place). */
#include <jansson.h>

#include "claims.h"
#include "fuzz.h"
#include "userinfo.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct oa_required_claim required[] = {
		{ .name = "grp", .name_len = 3, .value = "tester" },
		{ .name = "level", .name_len = 5, .value = "3" },
	};
	struct oa_http_response resp;
	json_t *claims = NULL;
	struct oa_result r;

	if (!fuzz_http_response(data, size, &resp))
		return 0;
	oa_result_init(&r);
	if (oa_userinfo_judge(&resp, &claims, &r) == OA_OK) {
		/* The checks that then read the answer. */
		(void)oa_claims_check_username(claims, "preferred_username", "alice", &r);
		oa_result_init(&r);
		(void)oa_claims_check_username(claims, "user.name", "alice", &r);
		oa_result_init(&r);
		(void)oa_claims_check_required(claims, required, 2, &r);
	}
	json_decref(claims);
	oa_http_response_free(&resp);
	return 0;
}
