/* SPDX-License-Identifier: MIT */
/* The whole decision on one login, with no PAM in it: the PAM module and
 * the command-line tools call this and only translate the outcome. */
#ifndef OA_VERDICT_H
#define OA_VERDICT_H

#include <stdbool.h>

#include "config.h"
#include "method.h"
#include "bounds.h"
#include "result.h"
#include "trace.h"

struct oa_verdict {
	struct oa_result result; /* OA_OK only when the login is accepted */
	enum oa_method method;   /* OA_METHOD_NONE before a check ran */
	char issuer[128];        /* who was asked or trusted, for the log */
	char fingerprint[OA_FINGERPRINT_HEX + 1];
	long long exp;              /* the token's expiry if known, else -1 */
	long http_status;           /* of the userinfo answer, 0 if none */
	bool from_cache;            /* a remembered verdict answered */
	char note[OA_REASON_BYTES]; /* non-fatal event for the debug log */
	/* The username claim of a token the issuer vouched for, when it is a
	 * string without NUL: who the token is, even when the login is
	 * refused later on (PostgreSQL logs it as the authenticated id). */
	char identity[OA_MAX_IDENTITY_BYTES + 1];
};

/* Decides whether `password` is a token that lets `user` in.  A JWT-shaped
 * token gets the JWT check when issuer= is configured, and nothing weaker:
 * falling back would reopen the audience hole.  Other tokens go to
 * introspection= when configured, else to userinfo=.  Fails closed:
 * anything short of every check passing leaves a failure in v->result. */
enum oa_status oa_verdict_decide(const struct oa_config *cfg, const char *user,
				 const char *password, struct oa_verdict *v);

/* The same checks without a user to log in as: the token, the required
 * claims and the policy must pass, and v->identity (the username claim)
 * must be there; who may use it is for the caller to decide (PostgreSQL's
 * pg_ident map). */
enum oa_status oa_verdict_identify(const struct oa_config *cfg, const char *password,
				   struct oa_verdict *v);

/* The same decision, every step of it recorded in `trace` (initialised by
 * the caller, claims dropped with oa_trace_clear); for pam_oauth2_check. */
/* The word a log line gives the outcome ("auth granted", "auth denied",
 * else the status's name), the same in every glue over the core. */
const char *oa_verdict_outcome_word(enum oa_status status);

enum oa_status oa_verdict_explain(const struct oa_config *cfg, const char *user,
				  const char *password, struct oa_trace *trace,
				  struct oa_verdict *v);

#endif
