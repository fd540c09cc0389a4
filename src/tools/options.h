/* SPDX-License-Identifier: MIT */
/* pg_oauth2_token's command line, parsed and checked in one place. */
#ifndef PT_OPTIONS_H
#define PT_OPTIONS_H

#include <stdbool.h>

/* Exit statuses, as documented in the man page. */
#define PT_EXIT_OK 0
#define PT_EXIT_NO_TOKEN 1
#define PT_EXIT_USAGE 2
#define PT_EXIT_CANNOT_EXEC 127

#define PT_DEFAULT_TIMEOUT_SECONDS 30
#define PT_MAX_TIMEOUT_SECONDS 300
#define PT_DEFAULT_MIN_VALIDITY_SECONDS 60
#define PT_MAX_MIN_VALIDITY_SECONDS 86400
#define PT_MAX_SCOPE_BYTES 4096
#define PT_MAX_RESOURCE_BYTES 2048

struct pt_options {
	const char *issuer;
	const char *client_id;
	const char *scope;    /* NULL: the issuer's default */
	const char *resource; /* RFC 8707; NULL: none named */
	const char *client_secret_file;
	const char *cafile;
	bool client_credentials;
	bool no_cache;
	long timeout_seconds;      /* each request */
	long min_validity_seconds; /* a cached token must have this left */
	char *const *command;      /* after "--"; NULL: print the token */
};

enum pt_parse {
	PT_PARSE_RUN,
	PT_PARSE_EXIT_OK,
	PT_PARSE_USAGE
};

/* Fills `o`; on PT_PARSE_USAGE a message is on stderr already, and on
 * PT_PARSE_EXIT_OK (--help, --version) the text is on stdout. */
enum pt_parse pt_options_parse(int argc, char **argv, struct pt_options *o);

#endif
