/* SPDX-License-Identifier: MIT */
/* The PAM glue (src/pam/pam_oauth2.c) through libpam, on a test build of
 * the module whose pam_set_data can be made to fail (pam_glue_wraps.c):
 * a login the auth phase cannot leave its record of for acct_mgmt must
 * not succeed, since acct_mgmt would then answer PAM_IGNORE and another
 * account module in the stack would decide alone. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jose_builder.h"

#define ISSUER "https://idp.example.com/realms/db"
#define SERVICE "oa_glue"

static const unsigned char secret[] = "0123456789abcdef0123456789abcdef";
static char dir[] = "/tmp/oa_test_glue.XXXXXX";
static char log_path[64];
static char *token;

static int
answer_token(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	(void)msg;
	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++)
		r[i].resp = strdup(data);
	*resp = r;
	return PAM_SUCCESS;
}

static int
setup(void **state)
{
	const char *module = getenv("OA_GLUE_MODULE");
	char payload[256], path[96];
	FILE *f;

	(void)state;
	if (module == NULL || mkdtemp(dir) == NULL)
		return -1;
	free(tb_write_file(dir, "hmac.secret", (const char *)secret, 0600));
	snprintf(path, sizeof(path), "%s/%s", dir, SERVICE);
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "auth required %s issuer=%s audience=db hmac_secret_file=%s/hmac.secret "
		"cache=off\naccount required %s\n", module, ISSUER, dir, module);
	fclose(f);
	snprintf(log_path, sizeof(log_path), "%s/log", dir);
	setenv("OA_GLUE_LOG", log_path, 1);
	snprintf(payload, sizeof(payload),
		 "{\"iss\":\"%s\",\"aud\":\"db\",\"sub\":\"alice\",\"exp\":%lld}", ISSUER,
		 (long long)time(NULL) + 600);
	token = tb_sign("HS256", NULL, secret, sizeof(secret) - 1, "{\"alg\":\"HS256\"}", payload);
	return token != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[96];

	(void)state;
	free(token);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* pam_authenticate then, if it succeeded, pam_acct_mgmt, for alice; the
 * log lines the module wrote, in `log`. */
static void
login(int *auth_rc, int *acct_rc, char *log, size_t log_size)
{
	struct pam_conv conv = { answer_token, token };
	pam_handle_t *pamh = NULL;
	FILE *f;
	size_t n = 0;

	unlink(log_path);
	assert_int_equal(pam_start_confdir(SERVICE, "alice", &conv, dir, &pamh), PAM_SUCCESS);
	*auth_rc = pam_authenticate(pamh, 0);
	*acct_rc = *auth_rc == PAM_SUCCESS ? pam_acct_mgmt(pamh, 0) : -1;
	pam_end(pamh, *auth_rc);
	f = fopen(log_path, "r");
	if (f != NULL) {
		n = fread(log, 1, log_size - 1, f);
		fclose(f);
	}
	log[n] = '\0';
}

static void
test_glue_login_leaves_its_record_for_the_account_phase(void **state)
{
	int auth_rc, acct_rc;
	char log[4096];

	(void)state;
	unsetenv("OA_GLUE_FAIL_SET_DATA");
	login(&auth_rc, &acct_rc, log, sizeof(log));
	if (auth_rc != PAM_SUCCESS)
		fail_msg("auth: %d, log:\n%s", auth_rc, log);
	assert_int_equal(acct_rc, PAM_SUCCESS);
	assert_non_null(strstr(log, "auth granted: user=\"alice\""));
}

static void
test_glue_login_fails_closed_without_its_record(void **state)
{
	int auth_rc, acct_rc;
	char log[4096];

	(void)state;
	setenv("OA_GLUE_FAIL_SET_DATA", "record", 1);
	login(&auth_rc, &acct_rc, log, sizeof(log));
	unsetenv("OA_GLUE_FAIL_SET_DATA");
	if (auth_rc != PAM_BUF_ERR)
		fail_msg("auth answered %d, not PAM_BUF_ERR; log:\n%s", auth_rc, log);
	assert_non_null(strstr(log, "auth refused: cannot leave the account phase its record "
				    "of the login"));
	/* one outcome per login: never "granted" as well */
	assert_null(strstr(log, "auth granted"));
}

static void
test_glue_login_fails_closed_when_an_old_record_cannot_be_cleared(void **state)
{
	int auth_rc, acct_rc;
	char log[4096];

	(void)state;
	setenv("OA_GLUE_FAIL_SET_DATA", "clear", 1);
	login(&auth_rc, &acct_rc, log, sizeof(log));
	unsetenv("OA_GLUE_FAIL_SET_DATA");
	assert_int_equal(auth_rc, PAM_BUF_ERR);
	assert_non_null(strstr(log, "auth refused: cannot clear an earlier login's record"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glue_login_leaves_its_record_for_the_account_phase),
		cmocka_unit_test(test_glue_login_fails_closed_without_its_record),
		cmocka_unit_test(test_glue_login_fails_closed_when_an_old_record_cannot_be_cleared),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
