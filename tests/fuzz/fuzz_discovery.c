/* SPDX-License-Identifier: MIT */
/* The issuer's metadata document: parsed as fetch.c parses it, then the
 * issuer equality and the URL policy on every endpoint the module uses. */
#include <jansson.h>
#include <stdlib.h>

#include "discovery.h"
#include "fetch.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const endpoints[] = {
		"jwks_uri", "introspection_endpoint", "userinfo_endpoint",
	};
	struct oa_http_response resp = {
		.status = 200, .content_type = (char *)"application/json",
		.body = fuzz_strndup(data, size), .body_len = size, .max_age = -1,
	};
	json_t *doc = NULL;
	struct oa_result r;

	oa_result_init(&r);
	if (oa_fetch_json_body(&resp, "issuer metadata", &doc, &r) == OA_OK &&
	    oa_discovery_check_issuer(doc, "https://idp.example/realms/R",
				      "https://idp.example/realms/R/.well-known/openid-configuration",
				      &r) == OA_OK)
		for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
			const char *url;

			oa_result_init(&r);
			(void)oa_discovery_endpoint(doc, endpoints[i], &url, &r);
		}
	json_decref(doc);
	free(resp.body);
	return 0;
}
