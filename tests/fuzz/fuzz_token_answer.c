/* SPDX-License-Identifier: MIT */
/* pg_oauth2_token's two parsers of the issuer's answers: the token
 * endpoint's (a token, an OAuth error, or nothing usable) and the device
 * authorization endpoint's.  The first byte picks one; the rest is the HTTP
 * answer.  Whatever the answer, the strings kept must be visible ASCII (they
 * go to a terminal or an environment variable) and all is freed. */
#include <stdlib.h>
#include <string.h>

#include "device_grant.h"
#include "fuzz.h"
#include "token_client.h"

static void
assert_visible(const char *s)
{
	if (s != NULL && !pt_is_visible_ascii(s, strlen(s)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oa_http_response resp;
	struct oa_result r;

	if (size < 1 || !fuzz_http_response(data + 1, size - 1, &resp))
		return 0;
	oa_result_init(&r);
	if (data[0] & 1) {
		struct pt_device_code dc;

		if (pt_device_code_from_response(&resp, &dc, &r) == OA_OK) {
			if (dc.device_code == NULL || dc.user_code == NULL ||
			    dc.verification_uri == NULL || dc.expires_in <= 0 ||
			    dc.expires_in > 86400 || dc.interval <= 0 || dc.interval > 300)
				abort();
			assert_visible(dc.user_code);
			assert_visible(dc.verification_uri);
			assert_visible(dc.verification_uri_complete);
		}
		pt_device_code_free(&dc);
	} else {
		struct pt_token_reply reply;

		pt_token_reply_sort(&resp, FUZZ_NOW, &reply, &r);
		if (reply.answer == PT_GOT_TOKEN) {
			if (reply.token.access_token == NULL)
				abort();
			assert_visible(reply.token.access_token);
			assert_visible(reply.token.refresh_token);
		} else if (reply.token.access_token != NULL || reply.token.refresh_token != NULL) {
			abort();
		}
		pt_token_free(&reply.token);
	}
	oa_http_response_free(&resp);
	return 0;
}
