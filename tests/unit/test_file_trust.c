/* SPDX-License-Identifier: MIT */
/* The file trust rule (file_trust.h) as every file option meets it through
 * oa_config_parse, the parser the module and pam_oauth2_check share: an
 * attacker's file, a file others may write, a relative path, a file in a
 * directory others may write, links; and again on the opened descriptor
 * for the files the module reads itself. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "jwa.h"
#include "jwks.h"
#include "secret_file.h"

#define NOBODY 65534

/* One file option and arguments that make a configuration it belongs in. */
struct file_option {
	const char *name;
	const char *other_args[3];
	bool is_dir;
	mode_t mode; /* a mode the rule accepts */
};

static const struct file_option file_options[] = {
	{ "jwks_file", { "issuer=https://i.example", "audience=db", NULL }, false, 0644 },
	{ "hmac_secret_file", { "issuer=https://i.example", "audience=db", NULL }, false, 0640 },
	{ "client_secret_file", { "introspection=https://i.example/x", "client_id=c", NULL },
	  false, 0600 },
	{ "username_map", { "userinfo=https://i.example/u", NULL, NULL }, false, 0644 },
	{ "cafile", { "userinfo=https://i.example/u", NULL, NULL }, false, 0644 },
	{ "capath", { "userinfo=https://i.example/u", NULL, NULL }, true, 0755 },
};
#define N_FILE_OPTIONS (sizeof(file_options) / sizeof(file_options[0]))

struct fixture {
	char dir[64];  /* a fresh directory of ours, mode 0755 */
	char path[128];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/oa_test_trust.XXXXXX");
	if (mkdtemp(f->dir) == NULL || chmod(f->dir, 0755) != 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	int rc;

	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	rc = system(cmd);
	free(f);
	return rc;
}

/* Makes `rel` under the fixture's directory as the option's kind of file
 * (a directory for capath=), with `mode`; returns its path. */
static const char *
make(struct fixture *f, const struct file_option *o, const char *rel, mode_t mode)
{
	FILE *fp;

	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, rel);
	if (o->is_dir) {
		assert_int_equal(mkdir(f->path, 0700), 0);
	} else {
		fp = fopen(f->path, "w");
		assert_non_null(fp);
		/* a valid file of its kind: an empty key set, else a line
		 * that is a secret or a map line */
		fputs(strcmp(o->name, "jwks_file") == 0 ? "{\"keys\":[]}\n" :
		      "0123456789abcdef0123456789abcdef\n", fp);
		fclose(fp);
	}
	assert_int_equal(chmod(f->path, mode), 0);
	return f->path;
}

static enum oa_status
parse_with(const struct file_option *o, const char *path, struct oa_result *r)
{
	static char arg[256];
	static struct oa_config cfg;
	const char *argv[4];
	int argc = 0;

	for (int i = 0; i < 3 && o->other_args[i] != NULL; i++)
		argv[argc++] = o->other_args[i];
	snprintf(arg, sizeof(arg), "%s=%s", o->name, path);
	argv[argc++] = arg;
	oa_result_init(r);
	return oa_config_parse(argc, argv, &cfg, r);
}

/* The option's refusal: a configuration error whose reason names the
 * option and says `why`. */
static void
expect_refused(const struct file_option *o, const char *path, const char *why)
{
	struct oa_result r;
	char prefix[64];

	assert_int_equal(parse_with(o, path, &r), OA_CONFIG);
	snprintf(prefix, sizeof(prefix), "%s: ", o->name);
	if (strncmp(r.reason, prefix, strlen(prefix)) != 0 || strstr(r.reason, why) == NULL)
		fail_msg("%s=%s: reason \"%s\" does not say \"%s\"", o->name, path, r.reason, why);
}

static void
expect_accepted(const struct file_option *o, const char *path)
{
	struct oa_result r;

	if (parse_with(o, path, &r) != OA_OK)
		fail_msg("%s=%s refused: %s", o->name, path, r.reason);
}

static bool
root_or_skip(void)
{
	if (geteuid() == 0)
		return true;
	print_message("# skipped: only root can hand a file to another user\n");
	skip();
	return false;
}

static void
test_trust_accepts_own_and_root_files(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < N_FILE_OPTIONS; i++) {
		const struct file_option *o = &file_options[i];
		char rel[64];

		snprintf(rel, sizeof(rel), "ok_%s", o->name);
		expect_accepted(o, make(f, o, rel, o->mode));
	}
}

static void
test_trust_refuses_a_file_owned_by_another_user(void **state)
{
	struct fixture *f = *state;

	if (!root_or_skip())
		return;
	for (size_t i = 0; i < N_FILE_OPTIONS; i++) {
		const struct file_option *o = &file_options[i];
		char rel[64], want[320];
		const char *path;

		snprintf(rel, sizeof(rel), "theirs_%s", o->name);
		path = make(f, o, rel, o->mode);
		assert_int_equal(chown(path, NOBODY, NOBODY), 0);
		snprintf(want, sizeof(want),
			 "%s is owned by uid %d: it must be owned by root or uid 0, "
			 "the user the service runs as (chown root %s)", path, NOBODY, path);
		expect_refused(o, path, want);
	}
}

static void
test_trust_refuses_a_file_group_or_others_may_write(void **state)
{
	struct fixture *f = *state;
	static const mode_t writable[] = { 020, 002, 022 };

	for (size_t i = 0; i < N_FILE_OPTIONS; i++) {
		const struct file_option *o = &file_options[i];

		for (size_t m = 0; m < sizeof(writable) / sizeof(writable[0]); m++) {
			mode_t mode = o->mode | writable[m];
			char rel[64], want[48];
			const char *path;

			snprintf(rel, sizeof(rel), "w%04o_%s", (unsigned)mode, o->name);
			path = make(f, o, rel, mode);
			snprintf(want, sizeof(want), "has mode %04o: it must not be", (unsigned)mode);
			expect_refused(o, path, want);
		}
	}
}

/* hmac_secret_file=hmac.secret in a service started in someone else's
 * directory: their file would decide the login. */
static void
test_trust_refuses_a_relative_path(void **state)
{
	struct fixture *f = *state;
	char cwd[4096];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f->dir), 0);
	for (size_t i = 0; i < N_FILE_OPTIONS; i++) {
		const struct file_option *o = &file_options[i];
		char rel[64], want[128];

		snprintf(rel, sizeof(rel), "rel_%s", o->name);
		make(f, o, rel, o->mode);
		snprintf(want, sizeof(want), "%s is not an absolute path", rel);
		expect_refused(o, rel, want);
		snprintf(rel, sizeof(rel), "./rel_%s", o->name);
		expect_refused(o, rel, "is not an absolute path");
	}
	assert_int_equal(chdir(cwd), 0);
}

static void
test_trust_refuses_a_file_in_a_directory_others_may_write(void **state)
{
	struct fixture *f = *state;
	char sub[96];

	snprintf(sub, sizeof(sub), "%s/open", f->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(chmod(sub, 0777), 0);
	for (size_t i = 0; i < N_FILE_OPTIONS; i++) {
		const struct file_option *o = &file_options[i];
		char rel[64], want[320];

		snprintf(rel, sizeof(rel), "open/%s", o->name);
		snprintf(want, sizeof(want), "lies in %s of mode 0777, whose other writers could "
			 "replace it: chmod go-w %s (or +t)", sub, sub);
		expect_refused(o, make(f, o, rel, o->mode), want);
	}
	/* group-writable is as bad */
	assert_int_equal(chmod(sub, 0770), 0);
	expect_refused(&file_options[0], f->path, "of mode 0770");
}

/* In a sticky directory (/tmp) only the entry's owner, the directory's
 * owner or root can rename an entry away: a file of ours stays ours. */
static void
test_trust_accepts_a_sticky_directory(void **state)
{
	struct fixture *f = *state;
	char sub[96];

	snprintf(sub, sizeof(sub), "%s/sticky", f->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(chmod(sub, 01777), 0);
	for (size_t i = 0; i < N_FILE_OPTIONS; i++) {
		const struct file_option *o = &file_options[i];
		char rel[64];

		snprintf(rel, sizeof(rel), "sticky/%s", o->name);
		expect_accepted(o, make(f, o, rel, o->mode));
	}
}

static void
test_trust_refuses_a_directory_owned_by_another_user(void **state)
{
	struct fixture *f = *state;
	char sub[96], want[320];

	if (!root_or_skip())
		return;
	snprintf(sub, sizeof(sub), "%s/theirs", f->dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	make(f, &file_options[1], "theirs/key", 0600);
	assert_int_equal(chown(sub, NOBODY, NOBODY), 0);
	snprintf(want, sizeof(want), "lies under %s, owned by uid %d", sub, NOBODY);
	expect_refused(&file_options[1], f->path, want);
}

/* A link is followed, and the directories of its target are held to the
 * rule too; a link to a trusted file is fine (mounted secrets are links). */
static void
test_trust_follows_links_and_checks_where_they_lead(void **state)
{
	struct fixture *f = *state;
	const struct file_option *o = &file_options[0];
	char target[96], link[96], sub[96];

	snprintf(sub, sizeof(sub), "%s/open", f->dir);
	assert_int_equal(mkdir(sub, 0777), 0);
	assert_int_equal(chmod(sub, 0777), 0);
	make(f, o, "open/keys.json", 0644);
	strcpy(target, f->path);
	snprintf(link, sizeof(link), "%s/keys.json", f->dir);
	assert_int_equal(symlink("open/keys.json", link), 0);
	expect_refused(o, link, "lies in");
	assert_int_equal(chmod(sub, 0755), 0);
	expect_accepted(o, link);
	/* a link through a directory link, and .. on the way */
	snprintf(link, sizeof(link), "%s/dirlink", f->dir);
	assert_int_equal(symlink(f->dir, link), 0);
	snprintf(link, sizeof(link), "%s/dirlink/open/../keys.json", f->dir);
	expect_accepted(o, link);
	assert_int_equal(chmod(sub, 0757), 0);
	expect_refused(o, link, "lies in");
	(void)target;
}

static void
test_trust_refuses_a_link_owned_by_another_user(void **state)
{
	struct fixture *f = *state;
	const struct file_option *o = &file_options[0];
	char link[96], want[320];

	if (!root_or_skip())
		return;
	make(f, o, "keys.json", 0644);
	snprintf(link, sizeof(link), "%s/link.json", f->dir);
	assert_int_equal(symlink("keys.json", link), 0);
	assert_int_equal(lchown(link, NOBODY, NOBODY), 0);
	snprintf(want, sizeof(want), "lies under %s, owned by uid %d", link, NOBODY);
	expect_refused(o, link, want);
}

/* The files the module reads itself are judged again on the descriptor it
 * reads: a file made writable (or handed over) after the arguments were
 * checked is still refused. */
static void
test_trust_checks_the_opened_file_again(void **state)
{
	struct fixture *f = *state;
	struct oa_result r;
	struct oa_jwks keys;
	struct oa_secret secret;
	const char *jwks = make(f, &file_options[0], "keys.json", 0644);
	char jwks_path[128];

	strcpy(jwks_path, jwks);
	expect_accepted(&file_options[0], jwks_path);
	assert_int_equal(chmod(jwks_path, 0666), 0);
	oa_result_init(&r);
	assert_int_equal(oa_jwks_from_file(jwks_path, NULL, 0, 1u << OA_ALG_RS256, &keys, &r), OA_CONFIG);
	assert_non_null(strstr(r.reason, "jwks_file: "));
	assert_non_null(strstr(r.reason, "has mode 0666: it must not be writable"));
	oa_jwks_clear(&keys);

	make(f, &file_options[1], "hmac.secret", 0600);
	expect_accepted(&file_options[1], f->path);
	assert_int_equal(chmod(f->path, 0620), 0);
	oa_result_init(&r);
	assert_int_equal(oa_secret_read(f->path, "hmac_secret_file", true, &secret, &r),
			 OA_CONFIG);
	assert_non_null(strstr(r.reason, "has mode 0620"));
	if (geteuid() == 0) {
		assert_int_equal(chmod(f->path, 0600), 0);
		assert_int_equal(chown(f->path, NOBODY, NOBODY), 0);
		oa_result_init(&r);
		assert_int_equal(oa_secret_read(f->path, "hmac_secret_file", true, &secret, &r),
				 OA_CONFIG);
		assert_non_null(strstr(r.reason, "is owned by uid 65534"));
		assert_int_equal(chown(jwks_path, NOBODY, NOBODY), 0);
		assert_int_equal(chmod(jwks_path, 0644), 0);
		oa_result_init(&r);
		assert_int_equal(oa_jwks_from_file(jwks_path, NULL, 0, 1u << OA_ALG_RS256, &keys, &r), OA_CONFIG);
		assert_non_null(strstr(r.reason, "is owned by uid 65534"));
		oa_jwks_clear(&keys);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_trust_accepts_own_and_root_files),
		T(test_trust_refuses_a_file_owned_by_another_user),
		T(test_trust_refuses_a_file_group_or_others_may_write),
		T(test_trust_refuses_a_relative_path),
		T(test_trust_refuses_a_file_in_a_directory_others_may_write),
		T(test_trust_accepts_a_sticky_directory),
		T(test_trust_refuses_a_directory_owned_by_another_user),
		T(test_trust_follows_links_and_checks_where_they_lead),
		T(test_trust_refuses_a_link_owned_by_another_user),
		T(test_trust_checks_the_opened_file_again),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
