/* SPDX-License-Identifier: MIT */
/* Reading a remembered verdict back: only a well-formed entry, unexpired,
 * with "ok" the JSON value true and the claims an object, lets a login skip
 * the check; anything else is "nothing remembered" and the check runs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "config.h"
#include "cache_verdict.h"
#include "token.h"

#define NOW 1700000000LL

static enum oa_remembered
parsed(const char *text, struct oa_remembered_verdict *v)
{
	oa_verdict_cache_parse_entry(text, strlen(text), NOW, v);
	return v->what;
}

static void
test_verdict_entry_accepted_only_when_whole_and_unexpired(void **state)
{
	struct oa_remembered_verdict v;

	(void)state;
	assert_int_equal(parsed("{\"ok\":true,\"method\":\"jwt\",\"exp\":1700000300,"
				"\"claims\":{\"sub\":\"alice\"}}", &v), OA_REMEMBERED_VALID);
	assert_int_equal(v.method, OA_METHOD_JWT);
	assert_int_equal(v.exp, 1700000300LL);
	assert_string_equal(json_string_value(json_object_get(v.claims, "sub")), "alice");
	oa_remembered_clear(&v);
	/* exp -1: the check found no expiry; cache_ttl bounds the entry */
	assert_int_equal(parsed("{\"ok\":true,\"method\":\"userinfo\",\"exp\":-1,\"claims\":{}}", &v),
			 OA_REMEMBERED_VALID);
	oa_remembered_clear(&v);
}

static void
test_verdict_entry_malformed_or_expired_is_nothing(void **state)
{
	static const char *const nothing[] = {
		/* expired, or expiring this very second */
		"{\"ok\":true,\"method\":\"jwt\",\"exp\":1699999999,\"claims\":{}}",
		"{\"ok\":true,\"method\":\"jwt\",\"exp\":1700000000,\"claims\":{}}",
		/* "ok" not the JSON value true */
		"{\"ok\":\"true\",\"method\":\"jwt\",\"exp\":-1,\"claims\":{}}",
		"{\"ok\":1,\"method\":\"jwt\",\"exp\":-1,\"claims\":{}}",
		/* claims missing or not an object */
		"{\"ok\":true,\"method\":\"jwt\",\"exp\":-1}",
		"{\"ok\":true,\"method\":\"jwt\",\"exp\":-1,\"claims\":[]}",
		/* exp or method missing or mistyped */
		"{\"ok\":true,\"method\":\"jwt\",\"claims\":{}}",
		"{\"ok\":true,\"method\":\"jwt\",\"exp\":1.7e9,\"claims\":{}}",
		"{\"ok\":true,\"exp\":-1,\"claims\":{}}",
		/* a method this release has no check for, or no method */
		"{\"ok\":true,\"method\":\"saml\",\"exp\":-1,\"claims\":{}}",
		"{\"ok\":true,\"method\":\"-\",\"exp\":-1,\"claims\":{}}",
		"{\"ok\":true,\"method\":\"JWT\",\"exp\":-1,\"claims\":{}}",
		/* a duplicate key: which "ok" would count? */
		"{\"ok\":false,\"ok\":true,\"method\":\"jwt\",\"exp\":-1,\"claims\":{}}",
		/* a refusal without its reason */
		"{\"ok\":false,\"method\":\"jwt\",\"exp\":-1}",
		/* not JSON, cut short, not an object */
		"", "{\"ok\":true,\"method\":\"jwt\",\"exp\":-1,\"claims\":{}", "[true]",
	};
	struct oa_remembered_verdict v;

	(void)state;
	for (size_t i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++) {
		assert_int_equal(parsed(nothing[i], &v), OA_REMEMBERED_NOTHING);
		assert_null(v.claims);
		oa_remembered_clear(&v);
	}
}

/* The words stored in entries and logged as method=: those an earlier
 * release wrote, so its entries still count. */
static void
test_method_names_are_the_stored_words(void **state)
{
	static const struct {
		enum oa_method method;
		const char *name;
	} words[] = {
		{ OA_METHOD_JWT, "jwt" },
		{ OA_METHOD_INTROSPECTION, "introspection" },
		{ OA_METHOD_USERINFO, "userinfo" },
	};
	enum oa_method m = OA_METHOD_NONE;

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		assert_string_equal(oa_method_name(words[i].method), words[i].name);
		assert_true(oa_method_parse(words[i].name, &m));
		assert_int_equal(m, words[i].method);
	}
	assert_string_equal(oa_method_name(OA_METHOD_NONE), "-");
	assert_false(oa_method_parse("-", &m));
	assert_false(oa_method_parse("", &m));
}

static void
test_verdict_entry_refusal_keeps_its_reason(void **state)
{
	struct oa_remembered_verdict v;

	(void)state;
	assert_int_equal(parsed("{\"ok\":false,\"method\":\"introspection\",\"exp\":-1,"
				"\"reason\":\"the token is not active\"}", &v),
			 OA_REMEMBERED_REFUSED);
	assert_int_equal(v.method, OA_METHOD_INTROSPECTION);
	assert_string_equal(v.reason, "the token is not active");
	assert_null(v.claims);
	oa_remembered_clear(&v);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The key stands for the configuration, the key files as they are and the
 * token; an entry stored under a key is found under that key only. */
static void
test_verdict_key_follows_the_key_file(void **state)
{
	char dir[] = "/tmp/oa-verdict-key-XXXXXX", jwks[64], cache_dir[64];
	char k1[OA_VERDICT_KEY_BYTES], k2[OA_VERDICT_KEY_BYTES], k3[OA_VERDICT_KEY_BYTES];
	struct oa_config cfg = { 0 };
	struct oa_cache cache = { .dirfd = -1 };
	struct oa_ctx ctx;
	struct oa_token token, other;
	struct oa_remembered_verdict v;
	struct oa_result r;
	json_t *claims = json_pack("{s:s}", "sub", "alice");

	(void)state;
	oa_result_init(&r);
	assert_int_equal(oa_token_intake("token-one", 100, &token, &r), OA_OK);
	assert_int_equal(oa_token_intake("token-two", 100, &other, &r), OA_OK);
	assert_non_null(mkdtemp(dir));
	snprintf(jwks, sizeof(jwks), "%s/jwks.json", dir);
	snprintf(cache_dir, sizeof(cache_dir), "%s/cache", dir);
	write_file(jwks, "{\"keys\":[]}");
	oa_result_init(&r);
	assert_int_equal(oa_cache_open(cache_dir, true, &cache, &r), OA_OK);
	cfg.jwks_file = jwks;
	cfg.cache_ttl_seconds = 300;
	cfg.cache_max_entries = 100;
	oa_ctx_init(&ctx, &cfg, NULL);
	assert_false(oa_verdict_cache_key(&ctx, &token, k1)); /* no cache, no key */
	oa_ctx_init(&ctx, &cfg, &cache);
	/* The real clock, not NOW: a store may sweep the cache, and the sweep
	 * judges entries by their file times against the real clock, so an
	 * entry stored "in 2023" would be swept away at random (1 store in
	 * 10 for cache_max_entries=100) before the lookup below. */
	ctx.now = (long long)time(NULL);

	assert_true(oa_verdict_cache_key(&ctx, &token, k1));
	assert_true(oa_verdict_cache_key(&ctx, &token, k2));
	assert_string_equal(k1, k2);
	assert_true(oa_verdict_cache_key(&ctx, &other, k3));
	assert_string_not_equal(k1, k3);
	oa_verdict_cache_store_valid(&ctx, k1, OA_METHOD_JWT, claims, -1);
	oa_verdict_cache_lookup(&ctx, k1, &v);
	assert_int_equal(v.what, OA_REMEMBERED_VALID);
	oa_remembered_clear(&v);

	/* A key removed from the file: another key, and nothing remembered. */
	write_file(jwks, "{\"keys\":[ ]}");
	assert_true(oa_verdict_cache_key(&ctx, &token, k2));
	assert_string_not_equal(k1, k2);
	oa_verdict_cache_lookup(&ctx, k2, &v);
	assert_int_equal(v.what, OA_REMEMBERED_NOTHING);
	/* No key: neither looked up nor stored. */
	oa_verdict_cache_lookup(&ctx, NULL, &v);
	assert_int_equal(v.what, OA_REMEMBERED_NOTHING);
	oa_verdict_cache_store_refused(&ctx, NULL, OA_METHOD_JWT, "refused");
	assert_int_equal(unlink(jwks), 0);
	assert_false(oa_verdict_cache_key(&ctx, &token, k3));

	json_decref(claims);
	oa_token_clear(&token);
	oa_token_clear(&other);
	oa_cache_close(&cache);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

/* A fresh key after `change` ran, and the same one while nothing changed. */
static void
assert_key_changes(const struct oa_ctx *ctx, const struct oa_token *token,
		   void (*change)(const char *), const char *path, const char *what)
{
	char before[OA_VERDICT_KEY_BYTES], again[OA_VERDICT_KEY_BYTES], after[OA_VERDICT_KEY_BYTES];

	assert_true(oa_verdict_cache_key(ctx, token, before));
	assert_true(oa_verdict_cache_key(ctx, token, again));
	assert_string_equal(before, again);
	change(path);
	assert_true(oa_verdict_cache_key(ctx, token, after));
	if (strcmp(before, after) == 0)
		fail_msg("the verdict key did not change when %s changed", what);
}

static void
rewrite(const char *path)
{
	write_file(path, "rewritten, another size");
}

/* What trust-store updates do: a new file renamed over the old one. */
static void
replace(const char *path)
{
	char tmp[96];

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	write_file(tmp, "rewritten, another size");
	assert_int_equal(rename(tmp, path), 0);
}

/* c_rehash: a new certificate (and its hash link) in the directory. */
static void
add_entry(const char *dir)
{
	char path[96];

	snprintf(path, sizeof(path), "%s/0123abcd.0", dir);
	write_file(path, "-----BEGIN CERTIFICATE-----\n");
}

/* The module version and every file that decides a verdict (the
 * introspection client's secret; the CA file and folder that decide whom
 * the module believes) are in the key: after an upgrade or a changed
 * file no verdict of before is found. */
static void
test_verdict_key_follows_version_secret_and_trust_files(void **state)
{
	char dir[] = "/tmp/oa-verdict-trust-XXXXXX", cache_dir[64], secret[64], cafile[64],
	     capath[64], cmd[128];
	char k1[OA_VERDICT_KEY_BYTES], k2[OA_VERDICT_KEY_BYTES];
	struct oa_config cfg = { 0 };
	struct oa_cache cache = { .dirfd = -1 };
	struct oa_ctx ctx;
	struct oa_token token;
	struct oa_result r;

	(void)state;
	oa_result_init(&r);
	assert_int_equal(oa_token_intake("token-one", 100, &token, &r), OA_OK);
	assert_non_null(mkdtemp(dir));
	snprintf(cache_dir, sizeof(cache_dir), "%s/cache", dir);
	snprintf(secret, sizeof(secret), "%s/client.secret", dir);
	snprintf(cafile, sizeof(cafile), "%s/ca.pem", dir);
	snprintf(capath, sizeof(capath), "%s/certs", dir);
	write_file(secret, "s3cret");
	write_file(cafile, "-----BEGIN CERTIFICATE-----\n");
	assert_int_equal(mkdir(capath, 0700), 0);
	oa_result_init(&r);
	assert_int_equal(oa_cache_open(cache_dir, true, &cache, &r), OA_OK);
	cfg.client_secret_file = secret;
	cfg.cafile = cafile;
	cfg.capath = capath;
	oa_ctx_init(&ctx, &cfg, &cache);

	assert_true(oa_verdict_cache_key_of_version(&ctx, PAM_OAUTH2_VERSION, &token, k1));
	assert_true(oa_verdict_cache_key(&ctx, &token, k2));
	assert_string_equal(k1, k2);
	assert_true(oa_verdict_cache_key_of_version(&ctx, "0.0.0-before", &token, k2));
	assert_string_not_equal(k1, k2);

	assert_key_changes(&ctx, &token, rewrite, secret, "client_secret_file=");
	assert_key_changes(&ctx, &token, replace, cafile, "cafile=");
	assert_key_changes(&ctx, &token, add_entry, capath, "capath=");
	/* A trust file gone: no key, so the check runs and says why. */
	assert_int_equal(unlink(cafile), 0);
	assert_false(oa_verdict_cache_key(&ctx, &token, k1));

	oa_token_clear(&token);
	oa_cache_close(&cache);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_entry_accepted_only_when_whole_and_unexpired),
		cmocka_unit_test(test_verdict_entry_malformed_or_expired_is_nothing),
		cmocka_unit_test(test_verdict_entry_refusal_keeps_its_reason),
		cmocka_unit_test(test_method_names_are_the_stored_words),
		cmocka_unit_test(test_verdict_key_follows_the_key_file),
		cmocka_unit_test(test_verdict_key_follows_version_secret_and_trust_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
