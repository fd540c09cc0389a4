/* SPDX-License-Identifier: MIT */
/* A token cut by a pooler or a prompt fails as a bad signature or a token
 * the module cannot read; the refusal must then say that the length is one
 * where a known client cuts passwords.  Whole decisions, offline: JWT mode
 * with keys from a jwks_file, no cache. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cut_length.h"
#include "jose_builder.h"
#include "verdict.h"

#define ISSUER "https://idp.example.com/realms/db"
#define PGBOUNCER_NOTE "where PgBouncer cuts passwords: it was probably truncated"

static char dir[] = "/tmp/oa_test_cut.XXXXXX";
static EVP_PKEY *rsa;
static char *jwks_path;
static struct oa_config cfg;
/* An RS256 token for alice, padded past 4,095 bytes: whole, it logs in. */
static char *long_token;

/* An RS256 token for `sub`, good for 10 minutes, with a claim of `pad`
 * zeros (one at least) to make it as long as a test needs; caller frees. */
static char *
padded_token(const char *sub, size_t pad)
{
	char payload[8192];

	assert_true(pad < sizeof(payload) - 256);
	snprintf(payload, sizeof(payload),
		 "{\"iss\":\"%s\",\"aud\":\"db\",\"sub\":\"%s\",\"exp\":%lld,\"pad\":\"%0*d\"}",
		 ISSUER, sub, (long long)time(NULL) + 600, (int)pad, 0);
	return tb_sign("RS256", rsa, NULL, 0, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", payload);
}

static int
setup(void **state)
{
	json_t *set = json_object(), *keys = json_array();
	/* static: the configuration points into its arguments */
	static char jwks_arg[256];
	static const char *argv[] = { "issuer=" ISSUER, jwks_arg, "audience=db",
				      "username_claim=sub", "cache=off" };
	char *text;
	struct oa_result r;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	rsa = tb_keygen("RSA");
	json_array_append_new(keys, tb_public_jwk(rsa, "rsa1", "RS256"));
	json_object_set_new(set, "keys", keys);
	text = json_dumps(set, 0);
	jwks_path = tb_write_file(dir, "jwks.json", text, 0644);
	free(text);
	json_decref(set);
	snprintf(jwks_arg, sizeof(jwks_arg), "jwks_file=%s", jwks_path);
	oa_result_init(&r);
	if (oa_config_parse(5, argv, &cfg, &r) != OA_OK)
		return -1;
	long_token = padded_token("alice", 3400);
	return long_token != NULL && strlen(long_token) > 4095 ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	EVP_PKEY_free(rsa);
	free(jwks_path);
	free(long_token);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* The decision on the first `len` bytes of `token`, after `prefix`. */
static enum oa_status
decide_cut(const char *prefix, const char *token, size_t len, struct oa_verdict *v)
{
	char password[8192];

	assert_true(strlen(prefix) + len < sizeof(password));
	snprintf(password, sizeof(password), "%s%.*s", prefix, (int)len, token);
	return oa_verdict_decide(&cfg, "alice", password, v);
}

static void
test_whole_token_logs_in(void **state)
{
	struct oa_verdict v;

	(void)state;
	assert_int_equal(decide_cut("", long_token, strlen(long_token), &v), OA_OK);
}

static void
test_jwt_cut_by_pgbouncer_says_so(void **state)
{
	struct oa_verdict v;

	(void)state;
	assert_int_equal(decide_cut("", long_token, 2047, &v), OA_REJECTED);
	assert_non_null(strstr(v.result.reason, "; the token is exactly 2047 bytes, " PGBOUNCER_NOTE));
	/* what the check itself found is still there, first */
	assert_true(strncmp(v.result.reason, "; the token", 11) != 0);
}

static void
test_every_known_cut_length_is_named(void **state)
{
	static const struct {
		size_t len;
		const char *note;
	} cuts[] = {
		{ 4095, "exactly 4095 bytes, where an interactive psql prompt cuts passwords" },
		{ 1023, "exactly 1023 bytes, where some clients cut passwords" },
		{ 995, "exactly 995 bytes, where PgBouncer 1.16 cuts passwords" },
		{ 511, "exactly 511 bytes, where some clients cut passwords" },
	};
	struct oa_verdict v;

	(void)state;
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		assert_int_equal(decide_cut("", long_token, cuts[i].len, &v), OA_REJECTED);
		if (strstr(v.result.reason, cuts[i].note) == NULL)
			fail_msg("%zu bytes: \"%s\" lacks \"%s\"", cuts[i].len, v.result.reason,
				 cuts[i].note);
	}
}

/* An opaque token is cut just the same; in JWT-only mode it is refused as
 * "not a JWT", which a cut JWT with its dots gone would be too. */
static void
test_opaque_token_cut_says_so(void **state)
{
	char opaque[2048];
	struct oa_verdict v;

	(void)state;
	memset(opaque, 'A', sizeof(opaque) - 1);
	opaque[sizeof(opaque) - 1] = '\0';
	assert_int_equal(decide_cut("", opaque, 2047, &v), OA_REJECTED);
	assert_non_null(strstr(v.result.reason, "token is not a JWT"));
	assert_non_null(strstr(v.result.reason, "exactly 2047 bytes, " PGBOUNCER_NOTE));
}

/* A pooler cuts what the client sent, "Bearer " and all. */
static void
test_cut_counts_the_password_as_sent(void **state)
{
	struct oa_verdict v;

	(void)state;
	assert_int_equal(decide_cut("Bearer ", long_token, 2047 - 7, &v), OA_REJECTED);
	assert_non_null(strstr(v.result.reason, "; the password is exactly 2047 bytes, " PGBOUNCER_NOTE));
}

/* One byte either side is no known cut: the reason stays as it was. */
static void
test_other_lengths_get_no_note(void **state)
{
	static const size_t lens[] = { 2046, 2048, 4094, 4096, 1022, 512, 996 };
	struct oa_verdict v;

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		assert_int_equal(decide_cut("", long_token, lens[i], &v), OA_REJECTED);
		if (strstr(v.result.reason, "truncated") != NULL)
			fail_msg("%zu bytes: \"%s\"", lens[i], v.result.reason);
	}
}

/* Only a refusal of the token gets the note: a token that passed its check
 * and failed on the user was not cut, and an issuer that did not answer or
 * a configuration error says nothing about the token. */
static void
test_note_only_on_a_refused_token(void **state)
{
	static const enum oa_status others[] = { OA_OK, OA_UNAVAILABLE, OA_CONFIG, OA_INTERNAL };
	struct oa_result r;
	char *short_token;
	struct oa_verdict v;

	(void)state;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		oa_result_init(&r);
		r.status = others[i];
		assert_false(oa_cut_length_note(&r, 2047, 2047));
		assert_string_equal(r.reason, "");
	}
	oa_result_init(&r);
	oa_fail(&r, OA_REJECTED, "bad signature");
	assert_true(oa_cut_length_note(&r, 2047, 2047));
	assert_string_equal(r.reason, "bad signature; the token is exactly 2047 bytes, " PGBOUNCER_NOTE);

	/* a whole 2,047-byte token for bob, refused for alice on the user */
	short_token = padded_token("bob", 0);
	assert_non_null(short_token);
	assert_true(strlen(short_token) < 2047);
	assert_int_equal(decide_cut("", short_token, strlen(short_token), &v), OA_REJECTED);
	assert_null(strstr(v.result.reason, "truncated"));
	free(short_token);
}

/* A remembered refusal is stored without the note and gets it afresh:
 * once, whether the check ran or the cache answered. */
static void
test_remembered_refusal_gets_the_note_once(void **state)
{
	static char jwks_arg[256], cache_arg[128];
	static const char *argv[] = { "issuer=" ISSUER, jwks_arg, "audience=db",
				      "username_claim=sub", cache_arg };
	struct oa_config cached;
	struct oa_result r;
	struct oa_verdict v;
	char password[2048];
	char *token;
	const char *note;

	(void)state;
	snprintf(jwks_arg, sizeof(jwks_arg), "jwks_file=%s", jwks_path);
	snprintf(cache_arg, sizeof(cache_arg), "cache_dir=%s", dir);
	oa_result_init(&r);
	if (oa_config_parse(5, argv, &cached, &r) != OA_OK)
		fail_msg("config: %s", r.reason);
	/* ~2,100 bytes: the cut falls in the signature, a refusal that is
	 * remembered ("not a JWT" is decided before the cache is asked) */
	token = padded_token("alice", 1200);
	assert_non_null(token);
	assert_true(strlen(token) > 2047 && strrchr(token, '.') - token < 2047);
	snprintf(password, sizeof(password), "%.2047s", token);
	free(token);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(oa_verdict_decide(&cached, "alice", password, &v), OA_REJECTED);
		assert_int_equal(v.from_cache, i == 1);
		note = strstr(v.result.reason, PGBOUNCER_NOTE);
		assert_non_null(note);
		assert_null(strstr(note + 1, PGBOUNCER_NOTE));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_token_logs_in),
		cmocka_unit_test(test_jwt_cut_by_pgbouncer_says_so),
		cmocka_unit_test(test_every_known_cut_length_is_named),
		cmocka_unit_test(test_opaque_token_cut_says_so),
		cmocka_unit_test(test_cut_counts_the_password_as_sent),
		cmocka_unit_test(test_other_lengths_get_no_note),
		cmocka_unit_test(test_note_only_on_a_refused_token),
		cmocka_unit_test(test_remembered_refusal_gets_the_note_once),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
