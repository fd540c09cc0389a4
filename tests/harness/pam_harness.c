/* Drives the built module through the real libpam, the way PostgreSQL does:
 * pam_start with a service file, a conversation that answers the password
 * prompt with the token, pam_authenticate, then pam_acct_mgmt on the same
 * handle.  Prints each call's PAM code by name, one per line.
 *
 *   pam_harness --confdir DIR --service NAME --user USER
 *               [--token-file FILE] [--rhost ADDR] [--acct-only] [--repeat N]
 *               [--pause SECONDS] [--switch-user USER]
 *
 * --pause waits between the two calls; --switch-user changes PAM_USER
 * between them, as a misbehaving stacked module could.  --report-libcurl
 * prints whether libcurl ended up mapped into the process (a login answered
 * from the cache must not load it).
 * Without --token-file the conversation fails, as libpq does when the
 * client has no password to send. */
#include <security/pam_appl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct conv_data {
	const char *token; /* NULL: refuse to answer */
};

static int
converse(int n, const struct pam_message **msg, struct pam_response **resp,
	 void *appdata)
{
	const struct conv_data *data = appdata;
	struct pam_response *out;

	if (data->token == NULL || n <= 0)
		return PAM_CONV_ERR;
	out = calloc((size_t)n, sizeof(*out));
	if (out == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		out[i].resp = strdup(data->token);
		if (out[i].resp == NULL) {
			for (int j = 0; j < i; j++)
				free(out[j].resp);
			free(out);
			return PAM_BUF_ERR;
		}
	}
	*resp = out;
	return PAM_SUCCESS;
}

static const char *
code_name(int rc)
{
	static const struct { int rc; const char *name; } names[] = {
		{ PAM_SUCCESS, "PAM_SUCCESS" },
		{ PAM_AUTH_ERR, "PAM_AUTH_ERR" },
		{ PAM_AUTHINFO_UNAVAIL, "PAM_AUTHINFO_UNAVAIL" },
		{ PAM_SERVICE_ERR, "PAM_SERVICE_ERR" },
		{ PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN" },
		{ PAM_PERM_DENIED, "PAM_PERM_DENIED" },
		{ PAM_IGNORE, "PAM_IGNORE" },
		{ PAM_CONV_ERR, "PAM_CONV_ERR" },
		{ PAM_BUF_ERR, "PAM_BUF_ERR" },
		{ PAM_ACCT_EXPIRED, "PAM_ACCT_EXPIRED" },
		{ PAM_SYSTEM_ERR, "PAM_SYSTEM_ERR" },
		{ PAM_ABORT, "PAM_ABORT" },
		{ PAM_CRED_INSUFFICIENT, "PAM_CRED_INSUFFICIENT" },
		{ PAM_MAXTRIES, "PAM_MAXTRIES" },
		{ PAM_AUTHTOK_ERR, "PAM_AUTHTOK_ERR" },
		{ PAM_AUTHTOK_RECOVERY_ERR, "PAM_AUTHTOK_RECOVERY_ERR" },
		{ PAM_CRED_ERR, "PAM_CRED_ERR" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].rc == rc)
			return names[i].name;
	return "PAM_OTHER";
}

static bool
libcurl_mapped(void)
{
	char line[4096];
	bool found = false;
	FILE *maps = fopen("/proc/self/maps", "r");

	while (maps != NULL && fgets(line, sizeof(line), maps) != NULL)
		found = found || strstr(line, "/libcurl") != NULL;
	if (maps != NULL)
		fclose(maps);
	return found;
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)size + 1);
		if (buf != NULL && fread(buf, 1, (size_t)size, f) == (size_t)size) {
			buf[size] = '\0';
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

int
main(int argc, char **argv)
{
	const char *confdir = NULL, *service = NULL, *user = NULL;
	const char *token_file = NULL, *rhost = NULL, *switch_user = NULL;
	unsigned pause_seconds = 0;
	int acct_only = 0, report_libcurl = 0;
	long repeat = 1;
	struct conv_data data = { NULL };
	char *token = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--acct-only") == 0) {
			acct_only = 1;
			continue;
		}
		if (strcmp(a, "--report-libcurl") == 0) {
			report_libcurl = 1;
			continue;
		}
		if (v == NULL) {
			fprintf(stderr, "%s needs a value\n", a);
			return 2;
		}
		i++;
		if (strcmp(a, "--confdir") == 0)
			confdir = v;
		else if (strcmp(a, "--service") == 0)
			service = v;
		else if (strcmp(a, "--user") == 0)
			user = v;
		else if (strcmp(a, "--token-file") == 0)
			token_file = v;
		else if (strcmp(a, "--rhost") == 0)
			rhost = v;
		else if (strcmp(a, "--switch-user") == 0)
			switch_user = v;
		else if (strcmp(a, "--pause") == 0)
			pause_seconds = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(a, "--repeat") == 0)
			repeat = strtol(v, NULL, 10);
		else {
			fprintf(stderr, "unknown argument %s\n", a);
			return 2;
		}
	}
	if (service == NULL || user == NULL || repeat < 1) {
		fprintf(stderr, "usage: pam_harness --confdir DIR --service NAME --user USER "
				"[--token-file FILE] [--rhost ADDR] [--acct-only] [--repeat N] "
				"[--pause SECONDS] [--switch-user USER]\n");
		return 2;
	}
	if (token_file != NULL) {
		token = read_file(token_file);
		if (token == NULL) {
			perror(token_file);
			return 2;
		}
		data.token = token;
	}

	for (long n = 0; n < repeat; n++) {
		struct pam_conv conv = { converse, &data };
		pam_handle_t *pamh = NULL;
		int rc = pam_start_confdir(service, user, &conv, confdir, &pamh);

		if (rc != PAM_SUCCESS) {
			printf("pam_start: %s\n", code_name(rc));
			free(token);
			return 1;
		}
		if (rhost != NULL)
			pam_set_item(pamh, PAM_RHOST, rhost);
		if (!acct_only) {
			rc = pam_authenticate(pamh, 0);
			if (n == 0)
				printf("pam_authenticate: %s\n", code_name(rc));
		}
		if (acct_only || rc == PAM_SUCCESS) {
			if (pause_seconds > 0)
				sleep(pause_seconds);
			if (switch_user != NULL)
				pam_set_item(pamh, PAM_USER, switch_user);
			rc = pam_acct_mgmt(pamh, 0);
			if (n == 0)
				printf("pam_acct_mgmt: %s\n", code_name(rc));
		}
		pam_end(pamh, rc);
	}
	if (report_libcurl)
		printf("libcurl: %s\n", libcurl_mapped() ? "mapped" : "not mapped");
	free(token);
	return 0;
}
