/* SPDX-License-Identifier: MIT */
/* Unit tests of config.c: every option kind, its bounds and its errors. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "jwa.h"

#define ARGV(...) ((const char *const[]){ __VA_ARGS__ })
#define NARGS(...) ((int)(sizeof(ARGV(__VA_ARGS__)) / sizeof(const char *)))
#define PARSE(cfg, r, ...) oa_config_parse(NARGS(__VA_ARGS__), ARGV(__VA_ARGS__), cfg, r)

/* A private file in /tmp (mkstemp's mode, 0600) holding `text`, named on
 * the pam.d line as "OPTION=PATH" in `arg`; `path` (a mkstemp template of
 * SECRET_TEMPLATE's size) is the caller's to unlink. */
#define SECRET_TEMPLATE "/tmp/oa_test_secret.XXXXXX"
static void
secret_file_arg(char path[sizeof(SECRET_TEMPLATE)], const char *text, const char *option,
		char *arg, size_t arg_size)
{
	int fd;

	memcpy(path, SECRET_TEMPLATE, sizeof(SECRET_TEMPLATE));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(arg, arg_size, "%s=%s", option, path);
}

static void
test_config_positional_seed_line(void **state)
{
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r,
			       "https://idp/realms/R/protocol/openid-connect/userinfo",
			       "preferred_username"), OA_OK);
	assert_string_equal(cfg.userinfo_url,
			    "https://idp/realms/R/protocol/openid-connect/userinfo");
	assert_string_equal(cfg.userinfo.host, "idp");
	assert_string_equal(cfg.username_claim, "preferred_username");
	assert_int_equal(cfg.timeout_seconds, 5);
	assert_int_equal(cfg.connect_timeout_seconds, 2);
	assert_int_equal(cfg.max_token_bytes, 16384);
	assert_false(cfg.debug);
	assert_int_equal(cfg.n_required, 0);
}

static void
test_config_positional_required_claims_and_options(void **state)
{
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "http://127.0.0.1:8080/userinfo", "email",
			       "grp=tester", "timeout=9", "debug", "level=", "a=b=c"), OA_OK);
	assert_string_equal(cfg.username_claim, "email");
	assert_int_equal(cfg.timeout_seconds, 9);
	assert_true(cfg.debug);
	assert_int_equal(cfg.n_required, 3);
	assert_int_equal(cfg.required[0].name_len, 3);
	assert_memory_equal(cfg.required[0].name, "grp", 3);
	assert_string_equal(cfg.required[0].value, "tester");
	assert_string_equal(cfg.required[1].value, "");
	assert_int_equal(cfg.required[2].name_len, 1);
	assert_string_equal(cfg.required[2].value, "b=c");
}

static void
test_config_positional_url_only_defaults_to_sub(void **state)
{
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "https://idp.example/userinfo", "debug"), OA_OK);
	assert_string_equal(cfg.username_claim, "sub");
	assert_true(cfg.debug);
}

static void
test_config_named_form(void **state)
{
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "userinfo=https://idp.example:8443/ui",
			       "username_claim=preferred_username", "timeout=10",
			       "connect_timeout=3", "max_token_size=65536",
			       "proxy=http://proxy.example:3128", "cafile=/dev/null"),
			 OA_CONFIG); /* /dev/null is not a regular file */
	assert_non_null(strstr(r.reason, "cafile"));

	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "userinfo=https://idp.example:8443/ui",
			       "username_claim=preferred_username", "timeout=10",
			       "connect_timeout=3", "max_token_size=65536",
			       "proxy=http://proxy.example:3128", "capath=/",
			       "pinned_pubkey=sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;"
			       "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE="), OA_OK);
	assert_string_equal(cfg.userinfo.host, "idp.example");
	assert_int_equal(cfg.connect_timeout_seconds, 3);
	assert_int_equal(cfg.max_token_bytes, 65536);
	assert_string_equal(cfg.proxy, "http://proxy.example:3128");
	assert_string_equal(cfg.capath, "/");
}

/* libpam's pam_get_authtok reads these two from the module's own arguments;
 * the parser only has to let them through, in both forms, and the
 * positional form must not take one for the username claim. */
static void
test_config_first_pass_words_accepted(void **state)
{
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "https://idp.example/userinfo", "use_first_pass"), OA_OK);
	assert_string_equal(cfg.username_claim, "sub");
	assert_true(cfg.use_first_pass);
	assert_false(cfg.try_first_pass);
	assert_int_equal(PARSE(&cfg, &r, "userinfo=https://idp.example/userinfo", "try_first_pass"),
			 OA_OK);
	assert_true(cfg.try_first_pass);
	assert_false(cfg.use_first_pass);
	assert_int_equal(PARSE(&cfg, &r, "userinfo=https://idp.example/userinfo"), OA_OK);
	assert_false(cfg.try_first_pass || cfg.use_first_pass);
}

/* cache=, client_auth= and token_type= are words from the option table,
 * kept as enums, their defaults from the same table. */
static void
test_config_word_options(void **state)
{
	char path[sizeof(SECRET_TEMPLATE)];
	char arg[64];
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	secret_file_arg(path, "s3cret", "client_secret_file", arg, sizeof(arg));
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "userinfo=https://i.example/u"), OA_OK);
	assert_int_equal(cfg.cache, OA_CACHE_ON);
	assert_int_equal(cfg.client_auth, OA_CLIENT_AUTH_BASIC);
	assert_int_equal(cfg.token_type, OA_TOKEN_TYPE_ANY);
	assert_int_equal(PARSE(&cfg, &r, "userinfo=https://i.example/u", "cache=off"), OA_OK);
	assert_int_equal(cfg.cache, OA_CACHE_OFF);
	assert_int_equal(PARSE(&cfg, &r, "userinfo=https://i.example/u", "cache=on"), OA_OK);
	assert_int_equal(cfg.cache, OA_CACHE_ON);
	assert_int_equal(PARSE(&cfg, &r, "introspection=https://i.example/in", "client_id=db", arg),
			 OA_OK);
	assert_int_equal(cfg.client_auth, OA_CLIENT_AUTH_BASIC);
	assert_int_equal(PARSE(&cfg, &r, "introspection=https://i.example/in", "client_id=db", arg,
			       "client_auth=post"), OA_OK);
	assert_int_equal(cfg.client_auth, OA_CLIENT_AUTH_POST);
	assert_int_equal(PARSE(&cfg, &r, "issuer=https://i.example", "audience=db",
			       "token_type=at+jwt"), OA_OK);
	assert_int_equal(cfg.token_type, OA_TOKEN_TYPE_AT_JWT);
	unlink(path);
}

/* What --show-config prints can be given back as arguments, and then
 * shows the same: so every default of the table passes its option's own
 * check, and nothing is shown that the parser would not take. */
static void
test_config_show_round_trip(void **state)
{
	static char shown[64][2][OA_CONFIG_SHOW_BYTES];
	static char again[OA_CONFIG_SHOW_BYTES];
	static char args[64][OA_CONFIG_SHOW_BYTES + 64];
	const char *argv[64];
	struct oa_config cfg, cfg2;
	struct oa_result r;
	const char *name;
	size_t n = 0;
	int argc = 0;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "issuer=https://i.example", "audience=db,reporting",
			       "timeout=1", "debug", "scope=db:login"), OA_OK);
	for (char value[OA_CONFIG_SHOW_BYTES]; oa_config_show(&cfg, n, &name, value); n++) {
		assert_true(n < 64);
		snprintf(shown[n][0], sizeof(shown[n][0]), "%s", name);
		snprintf(shown[n][1], sizeof(shown[n][1]), "%s", value);
		/* client_auth's default shows, but the word applies only to
		 * introspection=, which this configuration lacks. */
		if (strcmp(value, "none") == 0 || strcmp(value, "off") == 0 ||
		    strcmp(name, "client_auth") == 0)
			continue;
		if (strcmp(value, "on") == 0 && strcmp(name, "cache") != 0)
			snprintf(args[argc], sizeof(args[argc]), "%s", name);
		else
			snprintf(args[argc], sizeof(args[argc]), "%s=%s", name, value);
		argv[argc] = args[argc];
		argc++;
	}
	if (oa_config_parse(argc, argv, &cfg2, &r) != OA_OK)
		fail_msg("%s", r.reason);
	for (size_t i = 0; i < n; i++) {
		assert_true(oa_config_show(&cfg2, i, &name, again));
		assert_string_equal(name, shown[i][0]);
		assert_string_equal(again, shown[i][1]);
	}
	assert_false(oa_config_show(&cfg2, n, &name, again));
}

static void
expect_config_error(const char *const *argv, int argc, const char *fragment)
{
	struct oa_config cfg;
	struct oa_result r;

	oa_result_init(&r);
	assert_int_equal(oa_config_parse(argc, argv, &cfg, &r), OA_CONFIG);
	if (strstr(r.reason, fragment) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", r.reason, fragment);
}

#define EXPECT_ERROR(fragment, ...) \
	expect_config_error(ARGV(__VA_ARGS__), NARGS(__VA_ARGS__), fragment)

/* timeout=1 alone must work: the default connect_timeout (2) shrinks to
 * it rather than contradicting it. */
static void
test_config_default_connect_timeout_gives_way_to_timeout(void **state)
{
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "userinfo=https://i/u", "timeout=1"), OA_OK);
	assert_int_equal(cfg.timeout_seconds, 1);
	assert_int_equal(cfg.connect_timeout_seconds, 1);
	assert_int_equal(PARSE(&cfg, &r, "userinfo=https://i/u", "timeout=3"), OA_OK);
	assert_int_equal(cfg.connect_timeout_seconds, 2);
	assert_int_equal(PARSE(&cfg, &r, "userinfo=https://i/u", "timeout=1",
			       "connect_timeout=1"), OA_OK);
	assert_int_equal(cfg.connect_timeout_seconds, 1);
}

static void
test_config_rejects_bad_input(void **state)
{
	(void)state;
	EXPECT_ERROR("unknown option \"grp\"", "userinfo=https://i/u", "grp=tester");
	EXPECT_ERROR("unknown option \"verbose\"", "https://i/u", "sub", "verbose");
	/* a positional required claim is typed like claim_equals= */
	EXPECT_ERROR("argument \"grp=\"x\": a value in double quotes must be one JSON string",
		     "https://i/u", "sub", "grp=\"x");
	EXPECT_ERROR("no token check configured", "username_claim=sub");
	EXPECT_ERROR("no token check configured", "debug");
	EXPECT_ERROR("given twice", "userinfo=https://i/u", "timeout=3", "timeout=4");
	EXPECT_ERROR("given twice", "https://i/u", "sub", "userinfo=https://j/u");
	EXPECT_ERROR("timeout: expected whole seconds", "userinfo=https://i/u", "timeout=0");
	EXPECT_ERROR("timeout: expected whole seconds", "userinfo=https://i/u", "timeout=-1");
	EXPECT_ERROR("timeout: expected whole seconds", "userinfo=https://i/u", "timeout=121");
	EXPECT_ERROR("timeout: expected whole seconds", "userinfo=https://i/u", "timeout=5s");
	EXPECT_ERROR("timeout: expected whole seconds", "userinfo=https://i/u",
		     "timeout=99999999999999999999999");
	EXPECT_ERROR("longer than timeout", "userinfo=https://i/u", "timeout=2",
		     "connect_timeout=3");
	EXPECT_ERROR("max_token_size: expected bytes", "userinfo=https://i/u",
		     "max_token_size=65537");
	EXPECT_ERROR("max_token_size: expected bytes", "userinfo=https://i/u",
		     "max_token_size=0");
	EXPECT_ERROR("needs a value", "userinfo=https://i/u", "timeout");
	EXPECT_ERROR("takes no value", "userinfo=https://i/u", "debug=1");
	EXPECT_ERROR("takes no value", "userinfo=https://i/u", "use_first_pass=1");
	EXPECT_ERROR("cache: expected on or off, got \"OFF\"", "userinfo=https://i/u", "cache=OFF");
	EXPECT_ERROR("cache: expected on or off, got \"\"", "userinfo=https://i/u", "cache=");
	EXPECT_ERROR("client_auth: expected basic or post, got \"jwt\"", "userinfo=https://i/u",
		     "client_auth=jwt");
	EXPECT_ERROR("client_auth apply to", "userinfo=https://i/u", "client_auth=basic");
	EXPECT_ERROR("given twice", "userinfo=https://i/u", "try_first_pass", "try_first_pass");
	EXPECT_ERROR("use_first_pass or try_first_pass, not both", "userinfo=https://i/u",
		     "use_first_pass", "try_first_pass");
	EXPECT_ERROR("plain http is allowed only to loopback", "http://idp.example/u", "sub");
	EXPECT_ERROR("must start with https://", "userinfo=ftp://i/u");
	EXPECT_ERROR("cannot read /nonexistent", "userinfo=https://i/u",
		     "cafile=/nonexistent/ca.pem");
	EXPECT_ERROR("is not a directory", "userinfo=https://i/u", "capath=/dev/null");
	EXPECT_ERROR("username_claim: must be", "userinfo=https://i/u", "username_claim=");
	EXPECT_ERROR("empty claim name", "https://i/u", "sub", "=x");
	EXPECT_ERROR("expected a URL", "userinfo=https://i/u", "proxy=proxy.example");
	EXPECT_ERROR("pinned_pubkey: expected sha256//", "userinfo=https://i/u",
		     "pinned_pubkey=/etc/ssl/key.pem");
	EXPECT_ERROR("pinned_pubkey: expected sha256//", "userinfo=https://i/u",
		     "pinned_pubkey=sha256//tooshort=");
	EXPECT_ERROR("pinned_pubkey: expected sha256//", "userinfo=https://i/u",
		     "pinned_pubkey=sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;");
}

static void
test_config_jwt_mode_defaults(void **state)
{
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "issuer=https://idp.example.com/realms/db",
			       "audience=db,reporting"), OA_OK);
	assert_true(cfg.jwt);
	assert_true(cfg.discovery);
	assert_string_equal(cfg.issuer_url.host, "idp.example.com");
	assert_int_equal(cfg.n_audiences, 2);
	assert_int_equal(cfg.audiences[1].len, 9);
	assert_memory_equal(cfg.audiences[1].name, "reporting", 9);
	assert_int_equal(cfg.leeway_seconds, 60);
	assert_int_equal(cfg.jwks_refresh_min_seconds, 60);
	assert_int_equal(cfg.jwks_stale_max_seconds, 86400);
	assert_string_equal(cfg.username_claim, "sub");
	/* the asymmetric algorithms, no HMAC */
	assert_true(cfg.algorithms & (1u << OA_ALG_RS256));
	assert_true(cfg.algorithms & (1u << OA_ALG_PS512));
	assert_true(cfg.algorithms & (1u << OA_ALG_ES512));
	assert_true(cfg.algorithms & (1u << OA_ALG_EDDSA));
	assert_false(cfg.algorithms & (1u << OA_ALG_HS256));
	assert_null(cfg.userinfo_url);
}

static void
test_config_jwt_mode_options(void **state)
{
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "issuer=https://idp.example.com",
			       "jwks_uri=https://idp.example.com/keys", "allow_any_audience",
			       "algorithms=ES256,EdDSA", "leeway=0", "token_type=at+jwt",
			       "cache_dir=/var/cache/x", "jwks_refresh_min=30", "jwks_stale_max=0",
			       "userinfo=https://idp.example.com/userinfo",
			       "username_claim=preferred_username"), OA_OK);
	assert_false(cfg.discovery);
	assert_string_equal(cfg.jwks.host, "idp.example.com");
	assert_true(cfg.allow_any_audience);
	assert_int_equal(cfg.algorithms, (1u << OA_ALG_ES256) | (1u << OA_ALG_EDDSA));
	assert_int_equal(cfg.leeway_seconds, 0);
	assert_int_equal(cfg.token_type, OA_TOKEN_TYPE_AT_JWT);
	assert_string_equal(cfg.cache_dir, "/var/cache/x");
	assert_int_equal(cfg.jwks_refresh_min_seconds, 30);
	assert_int_equal(cfg.jwks_stale_max_seconds, 0);
	assert_non_null(cfg.userinfo_url);
}

static void
test_config_jwt_mode_rejects_bad_combinations(void **state)
{
	(void)state;
	EXPECT_ERROR("needs audience=", "issuer=https://idp.example.com");
	EXPECT_ERROR("not both", "issuer=https://i.example", "audience=db", "allow_any_audience");
	EXPECT_ERROR("needs issuer=", "jwks_uri=https://i.example/keys", "audience=db");
	EXPECT_ERROR("apply to JWT validation", "userinfo=https://i/u", "audience=db");
	EXPECT_ERROR("apply to JWT validation", "userinfo=https://i/u", "algorithms=RS256");
	EXPECT_ERROR("jwks_uri= or jwks_file=, not both", "issuer=https://i.example", "audience=db",
		     "jwks_uri=https://i.example/k", "jwks_file=/etc/hostname");
	EXPECT_ERROR("\"none\" is not a supported", "issuer=https://i.example", "audience=db",
		     "algorithms=RS256,none");
	EXPECT_ERROR("\"rs256\" is not a supported", "issuer=https://i.example", "audience=db",
		     "algorithms=rs256");
	EXPECT_ERROR("empty item", "issuer=https://i.example", "audience=db", "algorithms=RS256,");
	EXPECT_ERROR("empty item", "issuer=https://i.example", "audience=,db");
	EXPECT_ERROR("need hmac_secret_file=", "issuer=https://i.example", "audience=db",
		     "algorithms=HS256");
	EXPECT_ERROR("leeway: expected whole seconds from 0 to 300", "issuer=https://i.example",
		     "audience=db", "leeway=301");
	EXPECT_ERROR("token_type: expected at+jwt, got \"jwt\"", "issuer=https://i.example", "audience=db",
		     "token_type=jwt");
	EXPECT_ERROR("plain http is allowed only to loopback", "issuer=http://i.example",
		     "audience=db");
	EXPECT_ERROR("cache_dir: expected an absolute path", "issuer=https://i.example",
		     "audience=db", "cache_dir=relative/dir");
	EXPECT_ERROR("jwks_refresh_min: expected whole seconds from 1", "issuer=https://i.example",
		     "audience=db", "jwks_refresh_min=0");
}

static void
test_config_hmac_secret_file_must_be_private(void **state)
{
	char path[sizeof(SECRET_TEMPLATE)];
	char arg[64];
	struct oa_config cfg;
	struct oa_result r;
	const char *argv[] = { "issuer=supabase", "audience=authenticated", arg };

	(void)state;
	secret_file_arg(path, "0123456789abcdef0123456789abcdef", "hmac_secret_file", arg,
			sizeof(arg));
	oa_result_init(&r);
	if (oa_config_parse(3, argv, &cfg, &r) != OA_OK)
		fail_msg("%s", r.reason);
	assert_false(cfg.discovery);
	assert_int_equal(cfg.algorithms, (1u << OA_ALG_HS256) | (1u << OA_ALG_HS384) |
					 (1u << OA_ALG_HS512));
	chmod(path, 0640);
	oa_result_init(&r);
	assert_int_equal(oa_config_parse(3, argv, &cfg, &r), OA_OK);
	for (int mode = 0644; mode <= 0660; mode += 0660 - 0644) {
		char expected[80];

		chmod(path, (mode_t)mode);
		oa_result_init(&r);
		assert_int_equal(oa_config_parse(3, argv, &cfg, &r), OA_CONFIG);
		/* the same words as oa_secret_read's refusal of the same file */
		snprintf(expected, sizeof(expected), "has mode %04o: it must not be readable", mode);
		assert_non_null(strstr(r.reason, expected));
		assert_non_null(strstr(r.reason, "(chmod 640 or 600)"));
	}
	unlink(path);
}

/* introspect_jwt joins the two checks: without either it could never
 * apply, and a flag that silently does nothing is the gap it closes. */
static void
test_config_introspect_jwt_needs_issuer_and_introspection(void **state)
{
	char path[sizeof(SECRET_TEMPLATE)];
	char secret[64];
	struct oa_config cfg;
	struct oa_result r;

	(void)state;
	secret_file_arg(path, "s3cret\n", "client_secret_file", secret, sizeof(secret));
	oa_result_init(&r);
	if (PARSE(&cfg, &r, "issuer=https://i.example", "audience=db",
		  "introspection=https://i.example/introspect", "client_id=db", secret,
		  "introspect_jwt") != OA_OK)
		fail_msg("%s", r.reason);
	assert_true(cfg.introspect_jwt);
	assert_true(cfg.jwt);
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "issuer=https://i.example", "audience=db",
			       "introspection=https://i.example/introspect", "client_id=db", secret),
			 OA_OK);
	assert_false(cfg.introspect_jwt);
	EXPECT_ERROR("introspect_jwt needs issuer= (the local JWT check) and introspection=",
		     "issuer=https://i.example", "audience=db", "introspect_jwt");
	oa_result_init(&r);
	assert_int_equal(PARSE(&cfg, &r, "introspection=https://i.example/introspect",
			       "client_id=db", secret, "introspect_jwt"), OA_CONFIG);
	assert_non_null(strstr(r.reason, "introspect_jwt needs issuer="));
	EXPECT_ERROR("is a flag and takes no value", "issuer=https://i.example", "audience=db",
		     "introspect_jwt=yes");
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_positional_seed_line),
		cmocka_unit_test(test_config_positional_required_claims_and_options),
		cmocka_unit_test(test_config_positional_url_only_defaults_to_sub),
		cmocka_unit_test(test_config_named_form),
		cmocka_unit_test(test_config_default_connect_timeout_gives_way_to_timeout),
		cmocka_unit_test(test_config_rejects_bad_input),
		cmocka_unit_test(test_config_jwt_mode_defaults),
		cmocka_unit_test(test_config_jwt_mode_options),
		cmocka_unit_test(test_config_jwt_mode_rejects_bad_combinations),
		cmocka_unit_test(test_config_hmac_secret_file_must_be_private),
		cmocka_unit_test(test_config_first_pass_words_accepted),
		cmocka_unit_test(test_config_word_options),
		cmocka_unit_test(test_config_show_round_trip),
		cmocka_unit_test(test_config_introspect_jwt_needs_issuer_and_introspection),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
