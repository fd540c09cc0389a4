/* SPDX-License-Identifier: MIT */
/* pam_oauth2_check: runs the module's checks on a token, through the same
 * core (oa_verdict_explain), and says step by step why the token is
 * accepted or refused.  The token comes from a file or standard input,
 * never from argv: command lines end up in shell history and ps. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "check_report.h"
#include "config.h"
#include "pamd.h"
#include "text.h"
#include "trace.h"
#include "verdict.h"

#define EXIT_USAGE 2

/* Read at most this much: enough for the largest max_token_size= and white
 * space around it, so an oversize token is refused by the module's own
 * intake check rather than cut here. */
#define TOKEN_READ_BYTES (OA_MAX_TOKEN_BYTES_CEILING + 4096)
/* Linux's N_TTY keeps 4095 bytes of a line in canonical mode. */
#define TERMINAL_LINE_BYTES 4095

struct options {
	const char *user;
	const char *token_file;
	const char *service;
	const char *pam_dir;
	bool json;
	bool no_cache;
	bool show_config;
};

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: pam_oauth2_check --user NAME [--token-file FILE|-] [--json] [--no-cache]\n"
		"                        (--service NAME [--pam-dir DIR] | MODULE-ARGUMENTS...)\n"
		"       pam_oauth2_check --show-config\n"
		"                        (--service NAME [--pam-dir DIR] | MODULE-ARGUMENTS...)\n"
		"       pam_oauth2_check --help\n"
		"Runs pam_oauth2's checks on a token read from FILE or standard input and\n"
		"explains the verdict.  Exit status: 0 accepted, 1 refused, 2 usage or\n"
		"configuration error.  --show-config prints the configuration the module\n"
		"would use, one \"name value\" line per option with the defaults filled\n"
		"in, and reads no token.  See pam_oauth2_check(1).\n");
}

static int
usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pam_oauth2_check: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	return EXIT_USAGE;
}

/* A JWT, or a long run of bearer-token characters with no '=': something
 * that was meant for --token-file, caught before it is used as an option. */
static bool
looks_like_token(const char *arg)
{
	size_t len = strlen(arg), dots = 0;

	if (strncmp(arg, "eyJ", 3) == 0)
		return true;
	if (len < 40 || strchr(arg, '=') != NULL)
		return false;
	for (const char *p = arg; *p != '\0'; p++) {
		if (*p == '.')
			dots++;
		else if (strchr("-_~+/", *p) == NULL &&
			 !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9')))
			return false;
	}
	return dots == 0 || dots == 2;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "token-file", required_argument, NULL, 'f' },
		{ "service", required_argument, NULL, 's' },
		{ "pam-dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-cache", no_argument, NULL, 'n' },
		{ "show-config", no_argument, NULL, 'C' },
		{ "token", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->token_file = "-";
	o->pam_dir = "/etc/pam.d";
	opterr = 0;
	/* ':' first: a missing value is told apart from an unknown option. */
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'u': o->user = optarg; break;
		case 'f': o->token_file = optarg; break;
		case 's': o->service = optarg; break;
		case 'd': o->pam_dir = optarg; break;
		case 'j': o->json = true; break;
		case 'n': o->no_cache = true; break;
		case 'C': o->show_config = true; break;
		case 'T':
			return usage_error("%s: a token on the command line ends up in shell history "
					   "and ps; use --token-file FILE or standard input",
					   "--token");
		case 'h': usage(stdout); exit(0);
		case ':':
			return usage_error("%s needs a value", argv[optind - 1]);
		default:
			/* An unknown letter in "-xy" leaves argv[optind - 1] on the
			 * argument before, which may be a token: name the letter. */
			if (optopt != 0)
				return usage_error("unknown option -%c", optopt);
			/* Only the name: "--tokn=eyJ..." must not echo the token. */
			return usage_error("unknown option %.*s",
					   (int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
		}
	}
	if (o->show_config && (o->json || o->no_cache || o->user != NULL))
		return usage_error("%s", "--show-config reads no token: it takes no --user, --json "
					 "or --no-cache");
	if (!o->show_config && (o->user == NULL || *o->user == '\0'))
		return usage_error("%s is required", "--user NAME");
	/* "--token-file $TOKEN": the value would be echoed as a file name. */
	/* clang-format off */
	if (looks_like_token(o->token_file))
		return usage_error("%s", "--token-file names a file, and this looks like a token "
				   "(not shown): put the token in a file or on standard input");
	/* clang-format on */
	if (o->service != NULL && optind < argc)
		return usage_error("%s: give either --service or the module's arguments, not both",
				   argv[optind]);
	if (o->service == NULL && optind == argc)
		return usage_error("%s", "no module arguments and no --service");
	/* clang-format off */
	for (int i = optind; i < argc; i++)
		if (looks_like_token(argv[i]))
			return usage_error("%s", "an argument looks like a token (not shown): pass "
					   "the token with --token-file FILE or on standard input");
	/* clang-format on */
	return 0;
}

/* The terminal as it was before echo went off, for a signal that ends the
 * tool while the token is being typed. */
static struct termios terminal_saved;

static void
restore_terminal_and_die(int sig)
{
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &terminal_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
on_fatal_signals(void (*handler)(int))
{
	signal(SIGINT, handler);
	signal(SIGTERM, handler);
	signal(SIGHUP, handler);
	signal(SIGQUIT, handler);
}

/* A terminal in canonical mode keeps at most 4095 bytes of a line and
 * drops the rest: a line that long was most likely cut. */
static bool
has_a_full_terminal_line(const char *buf, size_t len)
{
	size_t run = 0;

	for (size_t i = 0; i < len; i++) {
		run = buf[i] == '\n' ? 0 : run + 1;
		if (run >= TERMINAL_LINE_BYTES)
			return true;
	}
	return false;
}

/* Reads the whole token input.  From a terminal, echo is off so the token
 * is not left on the screen. */
static char *
read_token(const char *file, size_t *len)
{
	FILE *in = strcmp(file, "-") == 0 ? stdin : fopen(file, "re");
	bool at_terminal = in == stdin && isatty(STDIN_FILENO);
	struct termios quiet;
	bool echo_off = false;
	char *buf;

	*len = 0;
	if (in == NULL) {
		fprintf(stderr, "pam_oauth2_check: cannot read %s: %s\n", file, strerror(errno));
		return NULL;
	}
	if (at_terminal && tcgetattr(STDIN_FILENO, &terminal_saved) == 0) {
		quiet = terminal_saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		on_fatal_signals(restore_terminal_and_die);
		echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
		fprintf(stderr, "token (end with Ctrl-D): ");
	}
	buf = malloc(TOKEN_READ_BYTES + 1);
	if (buf != NULL) {
		*len = fread(buf, 1, TOKEN_READ_BYTES, in);
		buf[*len] = '\0';
		if (ferror(in)) {
			fprintf(stderr, "pam_oauth2_check: cannot read %s\n", file);
			explicit_bzero(buf, TOKEN_READ_BYTES + 1);
			free(buf);
			buf = NULL;
		}
	}
	if (echo_off) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &terminal_saved);
		on_fatal_signals(SIG_DFL);
		fprintf(stderr, "\n");
	}
	if (buf != NULL && at_terminal && has_a_full_terminal_line(buf, *len)) {
		/* clang-format off */
		fprintf(stderr, "pam_oauth2_check: a terminal passes at most %d bytes of a line, "
				"so a longer token arrives cut: give it with --token-file FILE "
				"or through a pipe\n", TERMINAL_LINE_BYTES);
		/* clang-format on */
		explicit_bzero(buf, TOKEN_READ_BYTES + 1);
		free(buf);
		buf = NULL;
	}
	if (in != stdin)
		fclose(in);
	return buf;
}

static int
report(const struct options *o, const char *options_from,
       const struct oa_verdict *v, const struct oa_trace *t)
{
	char shown_user[256];
	struct check_report rep;

	oa_text_escape(o->user, strlen(o->user), shown_user, sizeof(shown_user));
	rep.user = shown_user;
	rep.options_from = options_from;
	rep.verdict = v;
	rep.trace = t;
	rep.now = (long long)time(NULL);
	if (o->json) {
		if (!check_report_json(stdout, &rep))
			fprintf(stderr, "pam_oauth2_check: cannot write the JSON report\n");
	} else {
		check_report_text(stdout, &rep);
	}
	return check_report_exit_code(v->result.status);
}

/* The module would refuse to run: the verdict is the configuration error. */
static int
report_config_error(const struct options *o, const char *options_from,
		    const struct oa_result *why, struct oa_trace *t)
{
	struct oa_verdict v;

	memset(&v, 0, sizeof(v));
	v.result = *why;
	v.method = OA_METHOD_NONE;
	strcpy(v.issuer, "-");
	strcpy(v.fingerprint, "-");
	v.exp = -1;
	oa_trace_outcome(t, "options", why->status, why, "-");
	return report(o, options_from, &v, t);
}

/* --show-config: the module's view of the arguments, as sshd -T. */
static int
show_config(int argc, const char *const *argv, const char *options_from)
{
	struct oa_config cfg;
	struct oa_result r;
	char value[OA_CONFIG_SHOW_BYTES];
	const char *name;

	oa_result_init(&r);
	if (oa_config_parse(argc, argv, &cfg, &r) != OA_OK) {
		fprintf(stderr, "pam_oauth2_check: %s: configuration error: %s\n", options_from,
			r.reason);
		return EXIT_USAGE;
	}
	for (size_t i = 0; oa_config_show(&cfg, i, &name, value); i++)
		printf("%s %s\n", name, value);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : EXIT_USAGE;
}

static int
run(const struct options *o, int argc, const char *const *argv, const char *options_from)
{
	static struct oa_trace trace; /* some 40 KiB: not on the stack */
	struct oa_config cfg;
	struct oa_verdict v;
	struct oa_result r;
	char *token;
	size_t len;
	bool blank;
	int rc;

	oa_trace_init(&trace);
	oa_result_init(&r);
	/* The arguments as the module parses them, so the tool refuses what
	 * the module would; --no-cache only then turns the cache off. */
	if (oa_config_parse(argc, argv, &cfg, &r) != OA_OK)
		return report_config_error(o, options_from, &r, &trace);
	if (o->no_cache)
		cfg.cache = OA_CACHE_OFF;
	token = read_token(o->token_file, &len);
	if (token == NULL)
		return EXIT_USAGE;
	/* Blank is no token too: `echo "$UNSET" | pam_oauth2_check` is a
	 * mistake in the invocation, not a token the issuer refused. */
	blank = strspn(token, " \t\r\n") == len;
	if (blank || memchr(token, '\0', len) != NULL) {
		/* clang-format off */
		fprintf(stderr, "pam_oauth2_check: %s\n", blank ?
			"no token: give it on standard input or with --token-file FILE" :
			"the token input holds a NUL byte; PAM would see only what comes before it");
		/* clang-format on */
		explicit_bzero(token, len);
		free(token);
		return EXIT_USAGE;
	}
	oa_verdict_explain(&cfg, o->user, token, &trace, &v);
	explicit_bzero(token, len);
	free(token);
	rc = report(o, options_from, &v, &trace);
	oa_trace_clear(&trace);
	return rc;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct oa_pamd_entry entry;
	struct oa_result r;
	char from[4200];
	int rc;

	/* The token passes through this process: no core file of it. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	rc = parse_options(argc, argv, &o);
	if (rc != 0)
		return rc;
	if (o.service == NULL && o.show_config)
		return show_config(argc - optind, (const char *const *)argv + optind,
				   "the command line");
	if (o.service == NULL)
		return run(&o, argc - optind, (const char *const *)argv + optind, "the command line");
	oa_result_init(&r);
	if (oa_pamd_read_service(o.pam_dir, o.service, &entry, &r) != OA_OK) {
		fprintf(stderr, "pam_oauth2_check: %s\n", r.reason);
		oa_pamd_entry_free(&entry);
		return EXIT_USAGE;
	}
	snprintf(from, sizeof(from), "%s line %u", entry.file, entry.line);
	rc = o.show_config ? show_config(entry.argc, entry.argv, from) :
			     run(&o, entry.argc, entry.argv, from);
	oa_pamd_entry_free(&entry);
	return rc;
}
