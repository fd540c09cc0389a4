#include "verdict.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "claims.h"
#include "token.h"
#include "userinfo.h"

/* Each check records why it failed in v->result; true only on the last
 * line, after every check has passed. */
static bool
decide(const struct oa_config *cfg, const char *user, const char *password,
       struct oa_token *token, struct oa_verdict *v)
{
	struct oa_result *r = &v->result;
	json_t *claims = NULL;
	bool ok;

	if (user == NULL || *user == '\0') {
		oa_fail(r, OA_REJECTED, "no user name to log in as");
		return false;
	}
	ok = oa_token_intake(password, cfg->max_token_bytes, token, r) == OA_OK;
	memcpy(v->fingerprint, token->fingerprint, sizeof(v->fingerprint));
	if (!ok)
		return false;
	v->exp = oa_token_unverified_exp(token);
	ok = oa_userinfo_fetch(cfg, token, &claims, &v->http_status, r) == OA_OK &&
	     oa_claims_check_username(claims, cfg->username_claim, user, r) == OA_OK &&
	     oa_claims_check_required(claims, cfg->required, cfg->n_required, r) == OA_OK;
	json_decref(claims);
	if (!ok)
		return false;
	return true;
}

enum oa_status
oa_verdict_decide(const struct oa_config *cfg, const char *user,
		  const char *password, struct oa_verdict *v)
{
	struct oa_token token;

	memset(&token, 0, sizeof(token));
	memset(v, 0, sizeof(*v));
	oa_result_init(&v->result);
	strcpy(v->fingerprint, "-");
	v->exp = -1;
	if (!decide(cfg, user, password, &token, v))
		oa_fail(&v->result, OA_REJECTED, "token not accepted");
	oa_token_clear(&token);
	return v->result.status;
}
