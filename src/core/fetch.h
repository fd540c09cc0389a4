/* SPDX-License-Identifier: MIT */
/* Getting JSON documents from the issuer: the request settings every call
 * shares, and the checks every JSON answer must pass. */
#ifndef OA_FETCH_H
#define OA_FETCH_H

#include <jansson.h>

#include "context.h"
#include "form.h"
#include "http.h"
#include "result.h"

/* The login's remaining time, the CA settings, proxy and size cap for
 * `url`. */
struct oa_http_request oa_fetch_request(const struct oa_ctx *ctx, const char *url);

/* The same, a POST of `form` that authenticates with HTTP Basic when
 * `basic` holds credentials (oa_form_basic_credentials; RFC 6749 section
 * 2.3.1).  The request borrows both forms' bytes. */
struct oa_http_request oa_fetch_form_request(const struct oa_ctx *ctx, const char *url,
					     const struct oa_form *form,
					     const struct oa_form *basic);

/* A JSON Content-Type, then a body that parses as one JSON object without
 * duplicate names.  `what` names the document in reasons.  OA_UNAVAILABLE
 * otherwise: the issuer gave no usable answer. */
enum oa_status oa_fetch_json_body(const struct oa_http_response *resp,
				  const char *what, json_t **out,
				  struct oa_result *r);

/* GET `url` without credentials; OA_OK only for HTTP 200 with a JSON object
 * (new reference in *out).  *max_age from Cache-Control, -1 if none;
 * *http_status 0 when no HTTP answer came at all. */
enum oa_status oa_fetch_json(const struct oa_ctx *ctx, const char *url,
			     const char *what, json_t **out, long *max_age,
			     long *http_status, struct oa_result *r);

#endif
