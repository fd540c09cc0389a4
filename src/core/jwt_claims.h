/* SPDX-License-Identifier: MIT */
/* The claims of a JWT whose signature has been verified: lifetime, issuer,
 * audience and type (RFC 7519 section 4.1, RFC 9068 section 4).  The same
 * checks apply to an introspection answer (RFC 7662 section 2.2), where the
 * claims are optional but must be right when present. */
#ifndef OA_JWT_CLAIMS_H
#define OA_JWT_CLAIMS_H

#include <jansson.h>
#include <stdbool.h>

#include "config.h"
#include "jws.h"
#include "result.h"

/* exp required and numeric, and now < exp + leeway; nbf and iat, when
 * present, numeric and not after now + leeway; iss a string equal byte for
 * byte to cfg->issuer; aud a string or an array of strings containing one of
 * cfg->audiences (unless allow_any_audience); with token_type=at+jwt the
 * header typ is "at+jwt" or "application/at+jwt" (RFC 9068 section 2.1);
 * and oa_claims_check_access_token.  Sets *exp to the token's expiry. */
enum oa_status oa_jwt_check_claims(const struct oa_config *cfg,
				   const struct oa_jws *jws, long long now,
				   long long *exp, struct oa_result *r);

/* `what` names the token in reasons ("JWT", "introspected token").
 * exp (required or not), nbf and iat against now and leeway=; *exp is the
 * expiry, -1 when absent. */
enum oa_status oa_claims_check_lifetime(const struct oa_config *cfg,
					const json_t *claims, long long now,
					bool exp_required, const char *what,
					long long *exp, struct oa_result *r);

/* iss equal to issuer= byte for byte (when issuer= is set). */
enum oa_status oa_claims_check_issuer(const struct oa_config *cfg,
				      const json_t *claims, bool required,
				      const char *what, struct oa_result *r);

/* aud naming one of audience= (when set and not allow_any_audience). */
enum oa_status oa_claims_check_audience(const struct oa_config *cfg,
					const json_t *claims, bool required,
					const char *what, struct oa_result *r);

/* Refuses a token that says it is not a bearer access token, whatever
 * else it proves: a refresh, ID or sender-constrained token is no
 * password.  No cnf (RFC 7800); token_type (RFC 7662), when present,
 * Bearer or access_token; token_use (Ory Hydra, AWS Cognito) access_token
 * or access; typ (Keycloak) not Refresh, Offline, ID, Logout or DPoP.
 * Case is ignored. */
enum oa_status oa_claims_check_access_token(const json_t *claims, const char *what,
					    struct oa_result *r);

#endif
