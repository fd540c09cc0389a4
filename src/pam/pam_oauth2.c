/* SPDX-License-Identifier: MIT */
/* PAM glue: arguments in, one core decision, one syslog line, a PAM code
 * out.  Everything that decides lives in src/core. */
#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT

#include <security/pam_appl.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "config.h"
#include "text.h"
#include "trace.h"
#include "verdict.h"

/* What the auth phase learned, for the account phase on the same handle. */
#define LOGIN_DATA "pam_oauth2.login"

struct login_record {
	long long exp; /* -1: unknown */
	long leeway;   /* the clock skew the auth phase allowed on exp */
	char user[];
};

static void
free_login_record(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	free(data);
}

static int
pam_code(enum oa_status status)
{
	switch (status) {
	case OA_OK:
		return PAM_SUCCESS;
	case OA_REJECTED:
		return PAM_AUTH_ERR;
	case OA_UNAVAILABLE:
		return PAM_AUTHINFO_UNAVAIL;
	case OA_CONFIG:
		return PAM_SERVICE_ERR;
	case OA_INTERNAL:
		return PAM_BUF_ERR;
	}
	return PAM_SERVICE_ERR;
}

static bool
parse_config(pam_handle_t *pamh, int argc, const char **argv,
	     struct oa_config *cfg)
{
	struct oa_result r;

	oa_result_init(&r);
	if (oa_config_parse(argc, argv, cfg, &r) == OA_OK)
		return true;
	pam_syslog(pamh, LOG_ERR, "configuration error: %s", r.reason);
	return false;
}

/* Leaves the account phase its record.  Without one, acct_mgmt answers
 * PAM_IGNORE, and a stack with another account module (pam_unix, often)
 * would pass; so the login cannot succeed if this fails.  False, with the
 * reason logged, when it did. */
static bool
remember_login(pam_handle_t *pamh, const char *user, long long exp, long leeway)
{
	size_t len = strlen(user);
	struct login_record *rec = malloc(sizeof(*rec) + len + 1);
	int rc;

	if (rec == NULL) {
		pam_syslog(pamh, LOG_CRIT,
			   "auth refused: out of memory for the account phase's record of the login");
		return false;
	}
	rec->exp = exp;
	rec->leeway = leeway;
	memcpy(rec->user, user, len + 1);
	rc = pam_set_data(pamh, LOGIN_DATA, rec, free_login_record);
	if (rc != PAM_SUCCESS) {
		free(rec);
		pam_syslog(pamh, LOG_CRIT,
			   "auth refused: cannot leave the account phase its record of the login (%s)",
			   pam_strerror(pamh, rc));
		return false;
	}
	return true;
}

/* The client's address (PostgreSQL sets it for TCP logins), or "-". */
static void
client_host(pam_handle_t *pamh, char *out, size_t out_size)
{
	const void *rhost = NULL;

	if (pam_get_item(pamh, PAM_RHOST, &rhost) == PAM_SUCCESS && rhost != NULL &&
	    *(const char *)rhost != '\0')
		oa_text_escape(rhost, strlen(rhost), out, out_size);
	else
		snprintf(out, out_size, "-");
}

/* With debug: the decision made as pam_oauth2_check makes it, every step
 * of it a LOG_DEBUG line (OpenSSH logs each step of its auth code at
 * debug3).  The steps hold what the reasons hold, claim values escaped,
 * never the token; the claims themselves are not logged.  Without memory
 * for the record, the decision is made without it. */
static void
decide_logging_steps(pam_handle_t *pamh, const struct oa_config *cfg, const char *user,
		     const char *password, struct oa_verdict *verdict)
{
	struct oa_trace *trace = malloc(sizeof(*trace)); /* some 40 KiB */

	if (trace == NULL) {
		pam_syslog(pamh, LOG_DEBUG, "debug: no memory to record the steps");
		oa_verdict_decide(cfg, user, password, verdict);
		return;
	}
	oa_trace_init(trace);
	oa_verdict_explain(cfg, user, password, trace, verdict);
	for (size_t i = 0; i < trace->n; i++)
		pam_syslog(pamh, LOG_DEBUG, "debug: %s: %s: %s", trace->steps[i].name,
			   oa_step_outcome_name(trace->steps[i].outcome), trace->steps[i].detail);
	if (trace->dropped > 0)
		pam_syslog(pamh, LOG_DEBUG, "debug: %zu more steps not recorded", trace->dropped);
	oa_trace_clear(trace);
	free(trace);
}

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct oa_config cfg;
	struct oa_verdict verdict;
	const char *user = NULL, *password = NULL;
	char shown_user[OA_SHOWN_BYTES], shown_rhost[OA_SHOWN_BYTES];
	int rc;

	(void)flags;
	/* A failed attempt must not leave an earlier success for acct_mgmt. */
	rc = pam_set_data(pamh, LOGIN_DATA, NULL, NULL);
	if (rc != PAM_SUCCESS) {
		pam_syslog(pamh, LOG_CRIT, "auth refused: cannot clear an earlier login's record (%s)",
			   pam_strerror(pamh, rc));
		return PAM_BUF_ERR;
	}
	if (!parse_config(pamh, argc, argv, &cfg))
		return PAM_SERVICE_ERR;
	rc = pam_get_user(pamh, &user, NULL);
	if (rc != PAM_SUCCESS || user == NULL || *user == '\0') {
		pam_syslog(pamh, LOG_NOTICE, "auth denied: no user name (%s)",
			   pam_strerror(pamh, rc));
		return rc != PAM_SUCCESS ? rc : PAM_USER_UNKNOWN;
	}
	oa_text_escape(user, strlen(user), shown_user, sizeof(shown_user));
	client_host(pamh, shown_rhost, sizeof(shown_rhost));
	rc = pam_get_authtok(pamh, PAM_AUTHTOK, &password, NULL);
	if (rc != PAM_SUCCESS) {
		pam_syslog(pamh, LOG_NOTICE, "auth denied: user=\"%s\": no token from the client (%s)",
			   shown_user, pam_strerror(pamh, rc));
		return rc;
	}

	if (cfg.debug)
		decide_logging_steps(pamh, &cfg, user, password, &verdict);
	else
		oa_verdict_decide(&cfg, user, password, &verdict);
	if (cfg.debug && verdict.http_status != 0)
		pam_syslog(pamh, LOG_DEBUG, "userinfo %s answered HTTP %ld",
			   verdict.issuer, verdict.http_status);
	if (verdict.note[0] != '\0')
		pam_syslog(pamh, cfg.debug ? LOG_DEBUG : LOG_INFO, "note: %s", verdict.note);
	if (verdict.result.status == OA_OK) {
		/* Before "granted" is logged: a login refused here is not one. */
		if (!remember_login(pamh, user, verdict.exp, cfg.leeway_seconds))
			return PAM_BUF_ERR;
		if (cfg.allow_any_audience && (verdict.method == OA_METHOD_JWT ||
					       verdict.method == OA_METHOD_JWT_INTROSPECTION))
			pam_syslog(pamh, LOG_WARNING,
				   "allow_any_audience: the token's aud was not checked");
		pam_syslog(pamh, LOG_INFO,
			   "auth granted: user=\"%s\" rhost=%s method=%s%s issuer=%s token=sha256:%s",
			   shown_user, shown_rhost, oa_method_name(verdict.method),
			   verdict.from_cache ? "+cache" : "",
			   verdict.issuer, verdict.fingerprint);
		return PAM_SUCCESS;
	}
	pam_syslog(pamh, verdict.result.status == OA_REJECTED ? LOG_NOTICE : LOG_ERR,
		   "auth %s: user=\"%s\" rhost=%s method=%s%s issuer=%s token=sha256:%s reason: %s",
		   oa_verdict_outcome_word(verdict.result.status), shown_user, shown_rhost,
		   oa_method_name(verdict.method),
		   verdict.from_cache ? "+cache" : "", verdict.issuer, verdict.fingerprint,
		   verdict.result.reason);
	return pam_code(verdict.result.status);
}

PAM_EXTERN int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const void *data = NULL;

	(void)flags;
	(void)argc;
	(void)argv;
	/* No credentials to establish; say so only for handles we vouched for. */
	if (pam_get_data(pamh, LOGIN_DATA, &data) == PAM_SUCCESS && data != NULL)
		return PAM_SUCCESS;
	return PAM_IGNORE;
}

PAM_EXTERN int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const struct login_record *rec = NULL;
	const void *data = NULL;
	const char *user = NULL;
	char shown_user[OA_SHOWN_BYTES];
	long long now = (long long)time(NULL);
	bool debug = false;

	(void)flags;
	/* The account line may carry no arguments at all: it only reads what
	 * the auth phase left, so it needs none but debug. */
	for (int i = 0; i < argc; i++)
		debug = debug || strcmp(argv[i], "debug") == 0;
	if (pam_get_data(pamh, LOGIN_DATA, &data) != PAM_SUCCESS || data == NULL) {
		if (debug)
			pam_syslog(pamh, LOG_DEBUG, "account: this module did not authenticate the handle");
		return PAM_IGNORE;
	}
	rec = data;
	if (pam_get_item(pamh, PAM_USER, (const void **)&user) != PAM_SUCCESS || user == NULL)
		user = "";
	oa_text_escape(user, strlen(user), shown_user, sizeof(shown_user));
	if (strcmp(user, rec->user) != 0) {
		pam_syslog(pamh, LOG_NOTICE,
			   "account denied: user=\"%s\" is not the user the token was checked for",
			   shown_user);
		return PAM_PERM_DENIED;
	}
	/* The auth phase's test, so a token it let through within the leeway
	 * is not refused a moment later.  No sum: exp may be any long long. */
	if (rec->exp >= 0 && now - rec->leeway >= rec->exp) {
		pam_syslog(pamh, LOG_NOTICE,
			   "account denied: user=\"%s\": token expired %lld s ago (leeway %ld s)",
			   shown_user, now - rec->exp, rec->leeway);
		return PAM_PERM_DENIED;
	}
	if (debug)
		pam_syslog(pamh, LOG_DEBUG, "account granted: user=\"%s\"", shown_user);
	return PAM_SUCCESS;
}
