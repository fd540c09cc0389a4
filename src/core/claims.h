/* SPDX-License-Identifier: MIT */
/* Checks on the claims an issuer vouched for (userinfo answer, later the
 * verified JWT or introspection answer). */
#ifndef OA_CLAIMS_H
#define OA_CLAIMS_H

#include <jansson.h>
#include <stdbool.h>

#include "config.h"
#include "result.h"

/* The claim must be a string equal byte for byte to the PAM user: no case
 * folding, no trimming, no Unicode normalisation. */
enum oa_status oa_claims_check_username(const json_t *claims,
					const char *claim_name,
					const char *user, struct oa_result *r);

/* With username_map=: the identity claim (a string) must be mapped to the
 * PAM user by a line of the map file, read afresh for each login.  The
 * outcome, with the line that granted it, is one step of `trace` (may be
 * NULL). */
struct oa_trace;
enum oa_status oa_claims_check_mapped_user(const json_t *claims,
					   const char *claim_name,
					   const char *map_path, bool casefold,
					   const char *user, struct oa_trace *trace,
					   struct oa_result *r);

/* Every required claim (name=value from the pam.d line) must be present at
 * the top level and equal: strings byte for byte, integers and booleans by
 * their JSON text (so grp=tester, level=3, admin=true all work). */
enum oa_status oa_claims_check_required(const json_t *claims,
					const struct oa_required_claim *required,
					size_t n_required, struct oa_result *r);

#endif
