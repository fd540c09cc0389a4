/* SPDX-License-Identifier: MIT */
/* pg_oauth2_token's command line, parsed and checked. */

#include "options.h"

#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "token_client.h"

static const char usage_text[] =
	"usage: pg_oauth2_token --issuer URL --client-id ID [options] [-- COMMAND [ARG...]]\n"
	"\n"
	"Gets an OAuth 2.0 access token and prints it, or runs COMMAND with it in\n"
	"PGPASSWORD.\n"
	"\n"
	"  --issuer URL              the issuer (OIDC discovery); https, or http to loopback\n"
	"  --client-id ID            this client at the issuer\n"
	"  --scope \"S1 S2\"           scopes to ask for\n"
	"  --resource URI            the resource the token is for (RFC 8707), e.g. the\n"
	"                            audience the database's pam_oauth2 checks\n"
	"  --client-secret-file PATH the client's secret (mode 0600)\n"
	"  --client-credentials      client credentials grant (needs the secret file);\n"
	"                            the default is the device authorization grant\n"
	"  --no-cache                neither read nor write the token cache\n"
	"  --min-validity SECONDS    reuse a cached token only with this much left (60)\n"
	"  --timeout SECONDS         for each request to the issuer (30)\n"
	"  --cafile PATH             CA certificates for the issuer instead of the system's\n"
	"  --help, --version\n"
	"\n"
	"Exit status: 0 token printed, 1 no token, 2 usage or configuration error;\n"
	"with a COMMAND, the command's own (127 if it cannot be run).\n";

enum {
	OPT_ISSUER = 256,
	OPT_CLIENT_ID,
	OPT_SCOPE,
	OPT_RESOURCE,
	OPT_SECRET_FILE,
	OPT_CC,
	OPT_NO_CACHE,
	OPT_MIN_VALIDITY,
	OPT_TIMEOUT,
	OPT_CAFILE,
	OPT_HELP,
	OPT_VERSION
};

static const struct option long_options[] = {
	{ "issuer", required_argument, NULL, OPT_ISSUER },
	{ "client-id", required_argument, NULL, OPT_CLIENT_ID },
	{ "scope", required_argument, NULL, OPT_SCOPE },
	{ "resource", required_argument, NULL, OPT_RESOURCE },
	{ "client-secret-file", required_argument, NULL, OPT_SECRET_FILE },
	{ "client-credentials", no_argument, NULL, OPT_CC },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "min-validity", required_argument, NULL, OPT_MIN_VALIDITY },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "cafile", required_argument, NULL, OPT_CAFILE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static enum pt_parse usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static enum pt_parse
usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "pg_oauth2_token: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry 'pg_oauth2_token --help'.\n");
	va_end(ap);
	return PT_PARSE_USAGE;
}

static bool
parse_seconds(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s[0] < '0' || s[0] > '9')
		return false;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Each option once: a second --issuer is more likely a mistake than an
 * override. */
static bool
set_once(const char **slot, const char *value)
{
	if (*slot != NULL)
		return false;
	*slot = value;
	return true;
}

/* RFC 6749 3.3: scope-tokens of NQCHAR (visible ASCII but '"' and '\\')
 * apart by single spaces.  Anything else would be refused by the issuer
 * at best, and a newline would make two scopes one cache entry. */
static bool
valid_scope(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > PT_MAX_SCOPE_BYTES || s[0] == ' ' || s[len - 1] == ' ')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' ? s[i + 1] == ' ' : c < 0x21 || c > 0x7e || c == '"' || c == '\\')
			return false;
	}
	return true;
}

/* RFC 8707 2: an absolute URI (RFC 3986 4.3: scheme ":" and more, no
 * fragment).  Only visible ASCII: a URI has nothing else unencoded. */
static bool
valid_resource(const char *s)
{
	size_t len = strlen(s), scheme = 0;

	if (len > PT_MAX_RESOURCE_BYTES || !isalpha((unsigned char)s[0]))
		return false;
	while (isalnum((unsigned char)s[scheme]) || s[scheme] == '+' || s[scheme] == '-' ||
	       s[scheme] == '.')
		scheme++;
	if (s[scheme] != ':' || s[scheme + 1] == '\0')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c > 0x7e || c == '#')
			return false;
	}
	return true;
}

static enum pt_parse
check(struct pt_options *o)
{
	if (o->issuer == NULL || o->client_id == NULL)
		return usage_error("%s", "--issuer and --client-id are required");
	if (o->client_id[0] == '\0' || strlen(o->client_id) > OA_MAX_CLAIM_NAME_BYTES)
		return usage_error("%s", "--client-id is empty or too long");
	if (o->scope != NULL && !valid_scope(o->scope))
		return usage_error("--scope: not scope names apart by single spaces (RFC 6749 3.3), "
				   "or over %d bytes",
				   PT_MAX_SCOPE_BYTES);
	if (o->resource != NULL && !valid_resource(o->resource))
		return usage_error("--resource: not an absolute URI without a fragment (RFC 8707 2), "
				   "or over %d bytes",
				   PT_MAX_RESOURCE_BYTES);
	if (o->client_credentials && o->client_secret_file == NULL)
		return usage_error("%s", "--client-credentials needs --client-secret-file");
	return PT_PARSE_RUN;
}

enum pt_parse
pt_options_parse(int argc, char **argv, struct pt_options *o)
{
	int c, idx = 0;

	memset(o, 0, sizeof(*o));
	o->timeout_seconds = PT_DEFAULT_TIMEOUT_SECONDS;
	o->min_validity_seconds = PT_DEFAULT_MIN_VALIDITY_SECONDS;
	opterr = 0;
	/* '+': stop at the first operand, so a command's own options after
	 * "--" are never taken for ours. */
	while ((c = getopt_long(argc, argv, "+", long_options, &idx)) != -1) {
		const char *arg = optarg;
		bool fresh = true;

		switch (c) {
		case OPT_ISSUER: fresh = set_once(&o->issuer, arg); break;
		case OPT_CLIENT_ID: fresh = set_once(&o->client_id, arg); break;
		case OPT_SCOPE: fresh = set_once(&o->scope, arg); break;
		case OPT_RESOURCE: fresh = set_once(&o->resource, arg); break;
		case OPT_SECRET_FILE: fresh = set_once(&o->client_secret_file, arg); break;
		case OPT_CAFILE: fresh = set_once(&o->cafile, arg); break;
		case OPT_CC: o->client_credentials = true; break;
		case OPT_NO_CACHE: o->no_cache = true; break;
		case OPT_MIN_VALIDITY:
			if (!parse_seconds(arg, 0, PT_MAX_MIN_VALIDITY_SECONDS, &o->min_validity_seconds))
				return usage_error("--min-validity: not a number of seconds from 0 to 86400: %s", arg);
			break;
		case OPT_TIMEOUT:
			if (!parse_seconds(arg, 1, PT_MAX_TIMEOUT_SECONDS, &o->timeout_seconds))
				return usage_error("--timeout: not a number of seconds from 1 to 300: %s", arg);
			break;
		case OPT_HELP:
			fputs(usage_text, stdout);
			return PT_PARSE_EXIT_OK;
		case OPT_VERSION:
			printf("pg_oauth2_token %s\n", PAM_OAUTH2_VERSION);
			return PT_PARSE_EXIT_OK;
		default:
			return usage_error("unknown option or missing value: %s", argv[optind - 1]);
		}
		if (!fresh)
			return usage_error("--%s is given twice", long_options[idx].name);
	}
	if (optind < argc) {
		/* getopt consumed the "--"; an operand without it is a typo. */
		if (strcmp(argv[optind - 1], "--") != 0)
			return usage_error("unexpected argument %s (put a command after --)", argv[optind]);
		o->command = argv + optind;
	} else if (optind > 0 && strcmp(argv[optind - 1], "--") == 0) {
		return usage_error("%s", "no command after --");
	}
	return check(o);
}
