/* SPDX-License-Identifier: MIT */
/* An RFC 7662 introspection answer: the issuer's word on an opaque token. */
#include <jansson.h>

#include "context.h"
#include "fuzz.h"
#include "introspect.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Only what the judgement reads: issuer=, audience= and leeway=; the
	 * endpoint and client options matter for the request alone. */
	static const char *const args[] = {
		"issuer=https://idp.example", "audience=db",
		"jwks_uri=https://idp.example/keys",
	};
	static struct oa_config cfg;
	static bool ready;
	struct oa_http_response resp;
	struct oa_ctx ctx;
	json_t *claims = NULL;
	long long exp;
	struct oa_result r;

	if (!ready) {
		fuzz_config(3, args, &cfg);
		ready = true;
	}
	if (!fuzz_http_response(data, size, &resp))
		return 0;
	oa_ctx_init(&ctx, &cfg, NULL);
	ctx.now = FUZZ_NOW;
	oa_result_init(&r);
	(void)oa_introspect_judge(&ctx, &resp, &claims, &exp, &r);
	json_decref(claims);
	oa_http_response_free(&resp);
	return 0;
}
