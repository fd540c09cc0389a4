/* SPDX-License-Identifier: MIT */
/* A reference for the benchmarks, never installed: a PAM module that asks
 * for the password, as pam_oauth2 must (PostgreSQL then asks the client for
 * it, a round trip pam_permit.so never pays), and grants without looking at
 * it.  What a login costs in it is the floor for any module that reads a
 * password. */
#include <stddef.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const char *password = NULL;

	(void)flags;
	(void)argc;
	(void)argv;
	if (pam_get_authtok(pamh, PAM_AUTHTOK, &password, NULL) != PAM_SUCCESS || password == NULL)
		return PAM_AUTH_ERR;
	return PAM_SUCCESS;
}

int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}

int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
