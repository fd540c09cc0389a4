/* SPDX-License-Identifier: MIT */
/* PostgreSQL 18 OAuth validator glue (oauth_validator_libraries): the hba
 * line's issuer picks a configuration written in the pam.d vocabulary, the
 * core decides as it does for pam_oauth2.so, and the outcome is one server
 * log line and a ValidatorModuleResult.  Everything that decides lives in
 * src/core.
 *
 * Settings (postgresql.conf, reloadable):
 *   pg_oauth2_validator.options      the arguments for one issuer;
 *   pg_oauth2_validator.config_file  a file of such lines, one per issuer.
 * The hba line's scope= is added as a scope= rule: the token must carry it. */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/hba.h"
#include "libpq/libpq-be.h"
#include "libpq/oauth.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "config.h"
#include "text.h"
#include "verdict.h"
#include "words.h"

PG_MODULE_MAGIC_EXT(.name = "pg_oauth2_validator", .version = PAM_OAUTH2_VERSION);

#define LOG_PREFIX "pg_oauth2_validator: "

void _PG_init(void);

static char *options_setting;
static char *config_file_setting;

static bool validate_token(const ValidatorModuleState *state, const char *token,
			   const char *role, ValidatorModuleResult *result);

static const OAuthValidatorCallbacks callbacks = {
	.magic = PG_OAUTH_VALIDATOR_MAGIC,
	.validate_cb = validate_token,
};

void
_PG_init(void)
{
	DefineCustomStringVariable("pg_oauth2_validator.options",
				   "pam_oauth2 arguments for one issuer, as on a pam.d line.",
				   "Chosen when its issuer= is the pg_hba.conf line's issuer.",
				   &options_setting, "", PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("pg_oauth2_validator.config_file",
				   "File of pam_oauth2 argument lines, one per issuer.",
				   "The line whose issuer= is the pg_hba.conf line's issuer applies.",
				   &config_file_setting, "", PGC_SIGHUP, 0, NULL, NULL, NULL);
	MarkGUCPrefixReserved("pg_oauth2_validator");
}

const OAuthValidatorCallbacks *
_PG_oauth_validator_module_init(void)
{
	return &callbacks;
}

/* libcurl asks this while it waits on the issuer (core/http.c): the flags
 * PostgreSQL's signal handlers set for a shutdown, pg_terminate_backend
 * and authentication_timeout (which raises a cancel during login).  Only
 * read here; CHECK_FOR_INTERRUPTS runs once the core has returned. */
static bool
interrupt_pending(void *arg)
{
	(void)arg;
	return InterruptPending && (ProcDiePending || QueryCancelPending);
}

static bool
in_use(const char *setting)
{
	return setting != NULL && setting[0] != '\0';
}

/* The configuration for `issuer`: from the setting, the file, or neither;
 * in both is a configuration error, as is neither. */
static enum oa_status
find_configuration(const char *issuer, struct oa_words *out, const char **where,
		   struct oa_result *r)
{
	struct oa_words from_setting;
	const char *value;
	bool in_setting = false, in_file = false;

	memset(out, 0, sizeof(*out));
	if (issuer == NULL || *issuer == '\0')
		return oa_fail(r, OA_CONFIG, "the pg_hba.conf line has no issuer");
	if (in_use(options_setting)) {
		if (oa_words_from_string(options_setting, &from_setting, r) != OA_OK) {
			oa_words_free(&from_setting);
			return r->status;
		}
		value = oa_words_value(&from_setting, "issuer");
		in_setting = value != NULL && strcmp(value, issuer) == 0;
		if (in_setting)
			*out = from_setting;
		else
			oa_words_free(&from_setting);
	}
	if (in_use(config_file_setting)) {
		struct oa_words from_file;

		if (oa_words_find_issuer(config_file_setting, issuer, &from_file, &in_file, r) !=
		    OA_OK) {
			oa_words_free(out);
			return r->status;
		}
		if (in_file && in_setting) {
			oa_words_free(&from_file);
			oa_words_free(out);
			return oa_fail(r, OA_CONFIG,
				       "issuer=%s is in both pg_oauth2_validator.options and %s line %u",
				       issuer, config_file_setting, from_file.line);
		}
		if (in_file)
			*out = from_file;
	}
	if (!in_setting && !in_file)
		return oa_fail(r, OA_CONFIG,
			       "no configuration has issuer=%s (pg_oauth2_validator.options%s%s)",
			       issuer, in_use(config_file_setting) ? ", " : "",
			       in_use(config_file_setting) ? config_file_setting : "");
	*where = in_file ? config_file_setting : "pg_oauth2_validator.options";
	return OA_OK;
}

/* The hba line's scope (space-separated, RFC 6749 section 3.3) as the
 * core's scope= rule, so a token without it is refused. */
static enum oa_status
require_hba_scope(const char *scope, struct oa_words *w, struct oa_result *r)
{
	char rule[OA_MAX_URL_BYTES + 8];
	size_t n = 0;

	if (scope == NULL || scope[strspn(scope, " ")] == '\0')
		return OA_OK;
	if (strchr(scope, ',') != NULL || strlen(scope) > OA_MAX_URL_BYTES)
		return oa_fail(r, OA_CONFIG,
			       "pg_hba.conf scope=\"%s\" cannot be required (a comma, or too long)",
			       scope);
	n = (size_t)snprintf(rule, sizeof(rule), "scope=");
	for (const char *p = scope; *p != '\0';) {
		size_t len;

		p += strspn(p, " ");
		len = strcspn(p, " ");
		if (len == 0)
			break;
		n += (size_t)snprintf(rule + n, sizeof(rule) - n, "%s%.*s",
				      n > 6 ? "," : "", (int)len, p);
		p += len;
	}
	return oa_words_append(w, rule, r);
}

static bool
validate_token(const ValidatorModuleState *state, const char *token, const char *role,
	       ValidatorModuleResult *result)
{
	const HbaLine *hba = MyProcPort->hba;
	const char *where = "-";
	struct oa_words words;
	struct oa_config cfg;
	struct oa_verdict verdict;
	struct oa_result r;
	char shown_role[OA_SHOWN_BYTES], rhost[OA_SHOWN_BYTES];
	bool delegated = hba->oauth_skip_usermap;

	(void)state;
	result->authorized = false;
	result->authn_id = NULL;
	oa_result_init(&r);
	if (find_configuration(hba->oauth_issuer, &words, &where, &r) == OA_OK &&
	    require_hba_scope(hba->oauth_scope, &words, &r) == OA_OK &&
	    oa_config_parse(words.argc, words.argv, &cfg, &r) == OA_OK) {
		cfg.abort_requested = interrupt_pending;
		if (delegated)
			oa_verdict_decide(&cfg, role, token, &verdict);
		else
			oa_verdict_identify(&cfg, token, &verdict);
	}
	oa_words_free(&words);
	/* A shutdown, pg_terminate_backend or authentication_timeout that cut
	 * a request short ends the backend here, with nothing left to free. */
	CHECK_FOR_INTERRUPTS();

	if (r.status != OA_OK) {
		ereport(LOG, (errmsg(LOG_PREFIX "%s: %s (pg_hba.conf line %d)",
				     oa_status_name(r.status), r.reason, hba->linenumber)));
		return r.status != OA_INTERNAL;
	}
	oa_text_escape(role, strlen(role), shown_role, sizeof(shown_role));
	oa_text_escape(MyProcPort->remote_host, strlen(MyProcPort->remote_host), rhost,
		       sizeof(rhost));
	if (verdict.identity[0] != '\0')
		result->authn_id = pstrdup(verdict.identity);
	if (verdict.note[0] != '\0')
		ereport(cfg.debug ? LOG : DEBUG1, (errmsg(LOG_PREFIX "note: %s", verdict.note)));
	if (verdict.result.status == OA_OK) {
		result->authorized = true;
		ereport(cfg.debug ? LOG : DEBUG1,
			(errmsg(LOG_PREFIX "auth granted: user=\"%s\" rhost=%s method=%s%s issuer=%s "
					   "token=sha256:%s mapping=%s config=%s",
				shown_role, rhost, oa_method_name(verdict.method), verdict.from_cache ? "+cache" : "",
				verdict.issuer, verdict.fingerprint,
				delegated ? "delegated" : "pg_ident", where)));
		return true;
	}
	ereport(LOG, (errmsg(LOG_PREFIX "auth %s: user=\"%s\" rhost=%s method=%s%s issuer=%s "
					"token=sha256:%s reason: %s",
			     oa_verdict_outcome_word(verdict.result.status), shown_role, rhost,
			     oa_method_name(verdict.method), verdict.from_cache ? "+cache" : "",
			     verdict.issuer, verdict.fingerprint,
			     verdict.result.reason)));
	return verdict.result.status != OA_INTERNAL;
}
