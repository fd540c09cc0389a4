/* SPDX-License-Identifier: MIT */
/* Talking to the issuer's token endpoint (RFC 6749 sections 4-6): one
 * place that sends a grant's form with the client's authentication and
 * turns the answer into a token or the issuer's error code, for every grant
 * pg_oauth2_token uses. */
#ifndef PT_TOKEN_CLIENT_H
#define PT_TOKEN_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "form.h"
#include "http.h"
#include "result.h"
#include "secret_file.h"

/* How the client proves who it is: a public client (device grant on a
 * laptop) sends only its client_id; a confidential one uses HTTP Basic. */
struct pt_client {
	const char *id;
	bool has_secret;
	struct oa_secret secret;
};

/* A token the issuer handed out.  Both strings are owned and wiped by
 * pt_token_free. */
struct pt_token {
	char *access_token;
	char *refresh_token;  /* NULL when none was issued */
	long long expires_at; /* unix seconds; 0 when the issuer gave no expires_in */
};

/* The issuer's answer to one token request. */
enum pt_answer {
	PT_GOT_TOKEN,
	PT_OAUTH_ERROR, /* an RFC 6749 section 5.2 error: see error/description */
	PT_NO_ANSWER    /* no usable answer: network, HTTP status, bad JSON */
};

struct pt_token_reply {
	enum pt_answer answer;
	long http_status; /* 0 when no HTTP answer came at all */
	struct pt_token token;
	char error[64];        /* the "error" code, escaped */
	char description[256]; /* "error_description", escaped; may be empty */
};

/* What a token is asked for; either may be NULL (none named). */
struct pt_target {
	const char *scope;
	const char *resource; /* RFC 8707 resource indicator */
};

/* Adds the target's resource to `form`, and its scope when `with_scope`:
 * RFC 8707 2 names the resource on every request for a token (code,
 * token and refresh requests alike), while the scope is asked for once,
 * where the grant starts. */
void pt_target_add(const struct pt_target *target, bool with_scope, struct oa_form *form);

/* Appends the client's identity to `form` and, for a confidential client,
 * writes the Basic credentials into `basic`.  Both are wiped by the caller. */
void pt_client_authenticate(const struct pt_client *client, struct oa_form *form,
			    struct oa_form *basic);

/* POSTs `form` with the client's authentication added to `url`, with the
 * context's clock and time budget started afresh; OA_OK for any HTTP
 * answer, which the caller judges and frees. */
enum oa_status pt_client_post(struct oa_ctx *ctx, const char *url,
			      const struct pt_client *client, struct oa_form *form,
			      struct oa_http_response *resp, struct oa_result *r);

/* POSTs `form` (grant_type and the grant's parameters, without client
 * authentication, which this adds) to `url` and sorts the answer.  Reasons
 * for PT_NO_ANSWER go to `r`. */
void pt_token_request(struct oa_ctx *ctx, const char *url,
		      const struct pt_client *client, struct oa_form *form,
		      struct pt_token_reply *reply, struct oa_result *r);

/* Sorts one HTTP answer of the token endpoint (pt_token_request less the
 * request): 200 with a token, an OAuth error, or no usable answer.  `now`
 * anchors the token's expiry.  The caller wipes and frees `resp`. */
void pt_token_reply_sort(const struct oa_http_response *resp, long long now,
			 struct pt_token_reply *reply, struct oa_result *r);

/* pt_token_request for a grant whose every OAuth error is final: OA_OK with
 * *out, or OA_REJECTED naming `what` and the issuer's error. */
enum oa_status pt_token_grant(struct oa_ctx *ctx, const char *url,
			      const struct pt_client *client, struct oa_form *form,
			      const char *what, struct pt_token *out,
			      struct oa_result *r);

/* A token from a 200 answer's JSON (RFC 6749 section 5.1): a Bearer
 * access_token of visible ASCII, no longer than a PostgreSQL password can
 * be; expires_in and refresh_token optional.  `now` anchors expires_at.
 * Blanks every string of `root` so no copy of a token stays there. */
enum oa_status pt_token_from_json(json_t *root, long long now,
				  struct pt_token *out, struct oa_result *r);

void pt_token_free(struct pt_token *t);

/* Wipes and empties the top-level strings of `root`: jansson keeps its own
 * copies, and no token may outlive its use there. */
void pt_json_wipe_strings(json_t *root);

/* A string of visible ASCII (RFC 6749 appendix A VSCHAR, less space), so a
 * token or code is safe in an environment variable and on a terminal. */
bool pt_is_visible_ascii(const char *s, size_t len);

#endif
