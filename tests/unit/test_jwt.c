/* SPDX-License-Identifier: MIT */
/* Local JWT validation end to end inside one process, with keys from a
 * jwks_file, so each attack in the corpus is a token made for it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "context.h"
#include "jose_builder.h"
#include "jwt.h"
#include "token.h"

#define ISSUER "https://idp.example.com/realms/db"

static char dir[] = "/tmp/oa_test_jwt.XXXXXX";
static EVP_PKEY *rsa, *rsa_other, *ec, *ed;
static char *jwks_path, *jwks_dup_path, *secret_path;
static const unsigned char secret[] = "0123456789abcdef0123456789abcdef";

static int
setup(void **state)
{
	json_t *set = json_object(), *keys = json_array(), *dup;
	char *text;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	rsa = tb_keygen("RSA");
	rsa_other = tb_keygen("RSA");
	ec = tb_keygen("EC");
	ed = tb_keygen("ED25519");
	json_array_append_new(keys, tb_public_jwk(rsa, "rsa1", "RS256"));
	json_array_append_new(keys, tb_public_jwk(ec, "ec1", NULL));
	json_array_append_new(keys, tb_public_jwk(ed, "ed1", NULL));
	json_object_set_new(set, "keys", keys);
	text = json_dumps(set, 0);
	jwks_path = tb_write_file(dir, "jwks.json", text, 0644);
	free(text);
	dup = json_deep_copy(set);
	json_array_append_new(json_object_get(dup, "keys"), tb_public_jwk(rsa_other, "rsa1", NULL));
	text = json_dumps(dup, 0);
	jwks_dup_path = tb_write_file(dir, "jwks-dup.json", text, 0644);
	free(text);
	json_decref(dup);
	json_decref(set);
	secret_path = tb_write_file(dir, "secret", (const char *)secret, 0600);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(rsa_other);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ed);
	free(jwks_path);
	free(jwks_dup_path);
	free(secret_path);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* Validates `token` under a configuration made of `extra` arguments (NULL
 * terminated) after issuer=, jwks_file= and audience=db. */
static enum oa_status
validate_with(const char *token, struct oa_result *r, const char *const *extra)
{
	const char *argv[16];
	char issuer_arg[128], jwks_arg[256];
	int argc = 0;
	struct oa_config cfg;
	struct oa_ctx ctx;
	struct oa_token t;
	json_t *claims = NULL;
	long long exp;
	enum oa_status s;

	snprintf(issuer_arg, sizeof(issuer_arg), "issuer=%s", ISSUER);
	snprintf(jwks_arg, sizeof(jwks_arg), "jwks_file=%s", jwks_path);
	argv[argc++] = issuer_arg;
	argv[argc++] = jwks_arg;
	for (; extra != NULL && *extra != NULL; extra++)
		argv[argc++] = *extra;
	oa_result_init(r);
	if (oa_config_parse(argc, argv, &cfg, r) != OA_OK)
		fail_msg("config: %s", r->reason);
	oa_ctx_init(&ctx, &cfg, NULL);
	if (oa_token_intake(token, cfg.max_token_bytes, &t, r) != OA_OK) {
		oa_token_clear(&t);
		return r->status;
	}
	s = oa_jwt_validate(&ctx, &t, &claims, &exp, r);
	if (s == OA_OK)
		assert_non_null(claims);
	else
		assert_null(claims);
	json_decref(claims);
	oa_token_clear(&t);
	return s;
}

#define EXTRA(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define DEFAULT_EXTRA EXTRA("audience=db")

static enum oa_status
validate(const char *token, struct oa_result *r)
{
	return validate_with(token, r, DEFAULT_EXTRA);
}

/* A payload with the given extra members after iss/aud/exp. */
static char *
payload(const char *extra)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
		 "{\"iss\":\"%s\",\"aud\":\"db\",\"sub\":\"alice\",\"exp\":%lld%s%s}",
		 ISSUER, (long long)time(NULL) + 600, extra[0] != '\0' ? "," : "", extra);
	return buf;
}

static void
expect(const char *token, enum oa_status want, const char *fragment)
{
	struct oa_result r;
	enum oa_status got = validate(token, &r);

	if (got != want || (fragment != NULL && strstr(r.reason, fragment) == NULL))
		fail_msg("got %d \"%s\", wanted %d with \"%s\"", got, r.reason, want,
			 fragment != NULL ? fragment : "");
}

static void
expect_signed(const char *alg, EVP_PKEY *key, const char *header, const char *body,
	      enum oa_status want, const char *fragment)
{
	char *token = tb_sign(alg, key, NULL, 0, header, body);

	expect(token, want, fragment);
	free(token);
}

static void
test_jwt_accepts_valid_tokens_of_each_algorithm(void **state)
{
	(void)state;
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", payload(""), OA_OK, NULL);
	expect_signed("ES256", ec, "{\"alg\":\"ES256\",\"kid\":\"ec1\"}", payload(""), OA_OK, NULL);
	expect_signed("EdDSA", ed, "{\"alg\":\"EdDSA\",\"kid\":\"ed1\"}", payload(""), OA_OK, NULL);
	expect_signed("EdDSA", ed, "{\"alg\":\"Ed25519\",\"kid\":\"ed1\"}", payload(""), OA_OK, NULL);
	/* Without a kid, every key that fits the alg is tried. */
	expect_signed("ES256", ec, "{\"alg\":\"ES256\"}", payload(""), OA_OK, NULL);
}

/* A token without kid that the keys of jwks_file= do not verify: there is
 * nothing to fetch again, so the refusal is final (remembered for
 * negative_cache_ttl=), not one that may pass once the keys change. */
static void
test_jwt_kidless_refusal_with_a_key_file_is_final(void **state)
{
	char *token = tb_sign("RS256", rsa_other, NULL, 0, "{\"alg\":\"RS256\"}", payload(""));
	struct oa_result r;

	(void)state;
	assert_int_equal(validate(token, &r), OA_REJECTED);
	assert_false(r.transient);
	free(token);
}

static void
test_jwt_rejects_alg_none_in_any_spelling(void **state)
{
	static const char *const headers[] = { "{\"alg\":\"none\"}", "{\"alg\":\"None\"}",
					       "{\"alg\":\"NONE\"}", "{\"alg\":\"nOnE\"}" };

	(void)state;
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		char *h = tb_b64url((const unsigned char *)headers[i], strlen(headers[i]));
		char *p = tb_b64url((const unsigned char *)payload(""), strlen(payload("")));
		char token[2048];

		snprintf(token, sizeof(token), "%s.%s.", h, p);
		expect(token, OA_REJECTED, "is not accepted");
		snprintf(token, sizeof(token), "%s.%s.c2ln", h, p);
		expect(token, OA_REJECTED, "is not accepted");
		free(h);
		free(p);
	}
}

static void
test_jwt_rejects_hs256_signed_with_the_rsa_public_key(void **state)
{
	unsigned char *pem = NULL;
	BIO *bio = BIO_new(BIO_s_mem());
	long len;
	char *token;
	struct oa_result r;

	(void)state;
	PEM_write_bio_PUBKEY(bio, rsa);
	len = BIO_get_mem_data(bio, &pem);
	token = tb_sign("HS256", NULL, pem, (size_t)len, "{\"alg\":\"HS256\",\"kid\":\"rsa1\"}",
			payload(""));
	expect(token, OA_REJECTED, "not in algorithms=");
	/* Even where HMAC is allowed, the key is the configured secret only. */
	{
		char secret_arg[256];

		snprintf(secret_arg, sizeof(secret_arg), "hmac_secret_file=%s", secret_path);
		assert_int_equal(validate_with(token, &r, EXTRA("audience=db", secret_arg)),
				 OA_REJECTED);
	}
	free(token);
	BIO_free(bio);
}

static void
test_jwt_rejects_alg_differing_from_the_keys(void **state)
{
	(void)state;
	/* rsa1 says alg RS256: a PS256 signature by the same key is refused. */
	expect_signed("PS256", rsa, "{\"alg\":\"PS256\",\"kid\":\"rsa1\"}", payload(""),
		      OA_REJECTED, NULL);
	/* An RS256 token naming the EC key. */
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"ec1\"}", payload(""),
		      OA_REJECTED, NULL);
	/* ES256 naming the Ed25519 key. */
	expect_signed("ES256", ec, "{\"alg\":\"ES256\",\"kid\":\"ed1\"}", payload(""),
		      OA_REJECTED, NULL);
}

static void
test_jwt_ignores_keys_and_urls_in_the_header(void **state)
{
	EVP_PKEY *attacker = tb_keygen("RSA");
	json_t *jwk = tb_public_jwk(attacker, NULL, NULL);
	char *jwk_text = json_dumps(jwk, JSON_COMPACT);
	char header[4096];
	struct sockaddr_in addr;
	socklen_t addr_len = sizeof(addr);
	int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	(void)state;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(listener, 8), 0);
	getsockname(listener, (struct sockaddr *)&addr, &addr_len);

	snprintf(header, sizeof(header), "{\"alg\":\"RS256\",\"jwk\":%s}", jwk_text);
	expect_signed("RS256", attacker, header, payload(""), OA_REJECTED, NULL);
	snprintf(header, sizeof(header),
		 "{\"alg\":\"RS256\",\"jku\":\"http://127.0.0.1:%d/jwks\",\"x5u\":\"http://127.0.0.1:%d/x\"}",
		 ntohs(addr.sin_port), ntohs(addr.sin_port));
	expect_signed("RS256", attacker, header, payload(""), OA_REJECTED, NULL);
	/* The listener saw no connection: the header's URLs were never used. */
	assert_int_equal(accept(listener, NULL, NULL), -1);
	assert_int_equal(errno, EAGAIN);
	close(listener);
	json_decref(jwk);
	free(jwk_text);
	EVP_PKEY_free(attacker);
}

static void
test_jwt_rejects_crit_and_unsupported_header_members(void **state)
{
	(void)state;
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"crit\":[\"exp\"],\"exp\":1}",
		      payload(""), OA_REJECTED, "crit");
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"b64\":false}",
		      payload(""), OA_REJECTED, "b64");
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":7}", payload(""),
		      OA_REJECTED, "kid");
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"alg\":\"none\"}", payload(""),
		      OA_REJECTED, "header is not valid JSON");
	expect_signed("RS256", rsa, "[\"RS256\"]", payload(""), OA_REJECTED, "not a JSON object");
}

static void
test_jwt_rejects_non_canonical_encodings_and_segment_counts(void **state)
{
	char *token = tb_sign("RS256", rsa, NULL, 0, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", payload(""));
	char *dot1 = strchr(token, '.'), *dot2 = strchr(dot1 + 1, '.');
	char buf[4096];

	(void)state;
	expect(token, OA_OK, NULL);
	/* padding on each part */
	snprintf(buf, sizeof(buf), "%.*s=.%s", (int)(dot1 - token), token, dot1 + 1);
	expect(buf, OA_REJECTED, NULL);
	snprintf(buf, sizeof(buf), "%s=", token);
	expect(buf, OA_REJECTED, NULL);
	/* standard-alphabet characters in place of - and _ */
	snprintf(buf, sizeof(buf), "%s", token);
	for (char *c = buf; *c != '\0'; c++)
		if (*c == '-')
			*c = '+';
		else if (*c == '_')
			*c = '/';
	if (strcmp(buf, token) != 0)
		expect(buf, OA_REJECTED, NULL);
	snprintf(buf, sizeof(buf), "%.*s+%s", (int)(dot2 - token + 1), token, dot2 + 1);
	expect(buf, OA_REJECTED, NULL);
	/* two, four and five parts */
	snprintf(buf, sizeof(buf), "%.*s", (int)(dot2 - token), token);
	expect(buf, OA_REJECTED, "three parts");
	snprintf(buf, sizeof(buf), "%s.e30", token);
	expect(buf, OA_REJECTED, "three parts");
	snprintf(buf, sizeof(buf), "%s.e30.e30", token);
	expect(buf, OA_REJECTED, "three parts");
	/* empty signature, altered signature */
	snprintf(buf, sizeof(buf), "%.*s", (int)(dot2 - token + 1), token);
	expect(buf, OA_REJECTED, NULL);
	snprintf(buf, sizeof(buf), "%s", token);
	buf[strlen(buf) - 3] = buf[strlen(buf) - 3] == 'A' ? 'B' : 'A';
	expect(buf, OA_REJECTED, NULL);
	free(token);
}

static void
test_jwt_rejects_duplicate_claims(void **state)
{
	char body[1024];

	(void)state;
	snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":\"db\",\"sub\":\"bob\",\"sub\":\"alice\",\"exp\":%lld}",
		 ISSUER, (long long)time(NULL) + 600);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_REJECTED,
		      "payload is not valid JSON");
}

static void
test_jwt_rejects_nul_and_non_utf8_in_claims(void **state)
{
	char body[1024];

	(void)state;
	snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":\"db\",\"sub\":\"alice\\u0000admin\",\"exp\":%lld}",
		 ISSUER, (long long)time(NULL) + 600);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_REJECTED,
		      "payload is not valid JSON");
	snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":\"db\",\"sub\":\"al\xffice\",\"exp\":%lld}",
		 ISSUER, (long long)time(NULL) + 600);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_REJECTED,
		      "payload is not valid JSON");
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa\xc3\"}", payload(""),
		      OA_REJECTED, "header is not valid JSON");
}

static void
test_jwt_rejects_a_64_kib_token_before_any_crypto(void **state)
{
	static char big[65 * 1024];
	char *token = tb_sign("RS256", rsa, NULL, 0, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", payload(""));
	char *dot = strchr(token, '.');
	size_t head = (size_t)(dot - token) + 1;
	struct oa_result r;

	(void)state;
	/* header, then a payload padded to 64 KiB, then the signature */
	memcpy(big, token, head);
	memset(big + head, 'A', 64 * 1024 - head);
	snprintf(big + 64 * 1024, sizeof(big) - 64 * 1024, ".%s", strrchr(token, '.') + 1);
	expect(big, OA_REJECTED, "over max_token_size=16384");
	assert_int_equal(validate_with(big, &r, EXTRA("audience=db", "max_token_size=65536")),
			 OA_REJECTED);
	assert_non_null(strstr(r.reason, "over max_token_size=65536"));
	free(token);
}

static void
test_jwt_lifetime_claims_at_the_leeway_edges(void **state)
{
	long long now = (long long)time(NULL);
	char body[1024], extra[128];

	(void)state;
	snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":\"db\",\"sub\":\"a\"}", ISSUER);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_REJECTED, "no exp");
	snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":\"db\",\"exp\":\"%lld\"}", ISSUER, now + 600);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_REJECTED, "exp is not a NumericDate");
	/* default leeway 60 s: expired 61 s ago is out, 59 s ago is in */
	snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":\"db\",\"exp\":%lld}", ISSUER, now - 61);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_REJECTED, "expired");
	snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":\"db\",\"exp\":%lld}", ISSUER, now - 58);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_OK, NULL);
	snprintf(extra, sizeof(extra), "\"nbf\":%lld", now + 62);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", payload(extra), OA_REJECTED, "nbf");
	snprintf(extra, sizeof(extra), "\"nbf\":%lld", now + 58);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", payload(extra), OA_OK, NULL);
	snprintf(extra, sizeof(extra), "\"iat\":%lld", now + 62);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", payload(extra), OA_REJECTED, "iat");
	snprintf(extra, sizeof(extra), "\"iat\":%lld", now + 58);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", payload(extra), OA_OK, NULL);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", payload("\"nbf\":\"soon\""),
		      OA_REJECTED, "nbf is not a NumericDate");
}

/* Dates far outside any clock are refused, not added to the leeway: the
 * sum would overflow a long long (UBSan stops the run if it does). */
static void
test_jwt_lifetime_claims_beyond_any_clock(void **state)
{
	static const char *const refused[] = {
		"\"exp\":9223372036854775807", "\"exp\":-9223372036854775807",
		"\"exp\":9000000000000001", "\"exp\":1e300",
	};
	char body[256];

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":\"db\",%s}", ISSUER,
			 refused[i]);
		expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body,
			      OA_REJECTED, "exp is not a NumericDate");
	}
	snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":\"db\",\"exp\":9000000000000000}",
		 ISSUER);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_OK, NULL);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}",
		      payload("\"nbf\":-9223372036854775807"), OA_REJECTED, "nbf is not a NumericDate");
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}",
		      payload("\"iat\":9223372036854775807"), OA_REJECTED, "iat is not a NumericDate");
}

/* A Keycloak ID token is signed by the same key as its access tokens: its
 * own typ claim says it is none. */
static void
test_jwt_other_kinds_of_token_are_refused(void **state)
{
	(void)state;
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}",
		      payload("\"typ\":\"ID\""), OA_REJECTED,
		      "JWT is not an access token: typ is \"ID\"");
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}",
		      payload("\"token_use\":\"id\""), OA_REJECTED, "token_use is \"id\"");
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}",
		      payload("\"cnf\":{\"jkt\":\"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I\"}"),
		      OA_REJECTED, "JWT is bound to a key or certificate (cnf)");
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}",
		      payload("\"typ\":\"Bearer\""), OA_OK, NULL);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}",
		      payload("\"token_use\":\"access\""), OA_OK, NULL);
}

static void
test_jwt_issuer_must_match_exactly(void **state)
{
	static const char *const wrong[] = {
		ISSUER "/", "https://IDP.example.com/realms/db", "https://idp.example.com/realms/DB",
		"http://idp.example.com/realms/db", "https://idp.example.com/realms/db ",
	};
	char body[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":\"db\",\"exp\":%lld}", wrong[i],
			 (long long)time(NULL) + 600);
		expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_REJECTED,
			      "is not issuer=");
	}
	snprintf(body, sizeof(body), "{\"aud\":\"db\",\"exp\":%lld}", (long long)time(NULL) + 600);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_REJECTED, "no iss");
}

static void
test_jwt_audience(void **state)
{
	long long exp = (long long)time(NULL) + 600;
	char body[1024], *token;
	struct oa_result r;

	(void)state;
	snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"exp\":%lld}", ISSUER, exp);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_REJECTED, "no aud");
	snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":\"other\",\"exp\":%lld}", ISSUER, exp);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_REJECTED,
		      "does not name this service");
	snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":\"DB\",\"exp\":%lld}", ISSUER, exp);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_REJECTED, NULL);
	snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":[\"x\",\"db\"],\"exp\":%lld}", ISSUER, exp);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_OK, NULL);
	snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":[\"db\",7],\"exp\":%lld}", ISSUER, exp);
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body, OA_REJECTED, "non-string");
	snprintf(body, sizeof(body), "{\"iss\":\"%s\",\"aud\":\"reporting\",\"exp\":%lld}", ISSUER, exp);
	token = tb_sign("RS256", rsa, NULL, 0, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", body);
	assert_int_equal(validate_with(token, &r, EXTRA("audience=db,reporting")), OA_OK);
	assert_int_equal(validate_with(token, &r, EXTRA("allow_any_audience")), OA_OK);
	free(token);
}

static void
test_jwt_token_type_at_jwt(void **state)
{
	static const char *const ok_headers[] = {
		"{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":\"at+jwt\"}",
		"{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":\"application/at+jwt\"}",
		"{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":\"AT+JWT\"}",
	};
	static const char *const bad_headers[] = {
		"{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":\"JWT\"}",
		"{\"alg\":\"RS256\",\"kid\":\"rsa1\"}",
		"{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":\"at+jwtx\"}",
	};
	struct oa_result r;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		char *ok = tb_sign("RS256", rsa, NULL, 0, ok_headers[i], payload(""));
		char *bad = tb_sign("RS256", rsa, NULL, 0, bad_headers[i], payload(""));

		assert_int_equal(validate_with(ok, &r, EXTRA("audience=db", "token_type=at+jwt")), OA_OK);
		assert_int_equal(validate_with(bad, &r, EXTRA("audience=db", "token_type=at+jwt")),
				 OA_REJECTED);
		assert_non_null(strstr(r.reason, "typ"));
		/* without token_type= the typ is not checked */
		assert_int_equal(validate(bad, &r), OA_OK);
		free(ok);
		free(bad);
	}
}

static void
test_jwt_key_selection(void **state)
{
	char *token;
	struct oa_result r;
	char jwks_arg[256];

	(void)state;
	expect_signed("RS256", rsa, "{\"alg\":\"RS256\",\"kid\":\"nope\"}", payload(""),
		      OA_REJECTED, "no key with kid \"nope\"");
	expect_signed("RS256", rsa_other, "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", payload(""),
		      OA_REJECTED, NULL);
	expect_signed("RS256", rsa_other, "{\"alg\":\"RS256\"}", payload(""), OA_REJECTED, NULL);
	/* algorithms= narrows what the verifier accepts */
	token = tb_sign("ES256", ec, NULL, 0, "{\"alg\":\"ES256\",\"kid\":\"ec1\"}", payload(""));
	assert_int_equal(validate_with(token, &r, EXTRA("audience=db", "algorithms=RS256,EdDSA")),
			 OA_REJECTED);
	assert_non_null(strstr(r.reason, "not in algorithms="));
	free(token);
	/* a JWKS with two keys of one kid is refused whole */
	snprintf(jwks_arg, sizeof(jwks_arg), "jwks_file=%s", jwks_dup_path);
	token = tb_sign("EdDSA", ed, NULL, 0, "{\"alg\":\"EdDSA\",\"kid\":\"ed1\"}", payload(""));
	{
		const char *argv[] = { "issuer=" ISSUER, jwks_arg, "audience=db" };
		struct oa_config cfg;
		struct oa_ctx ctx;
		struct oa_token t;
		json_t *claims;
		long long exp;

		oa_result_init(&r);
		assert_int_equal(oa_config_parse(3, argv, &cfg, &r), OA_OK);
		oa_ctx_init(&ctx, &cfg, NULL);
		assert_int_equal(oa_token_intake(token, 100000, &t, &r), OA_OK);
		assert_int_not_equal(oa_jwt_validate(&ctx, &t, &claims, &exp, &r), OA_OK);
		assert_non_null(strstr(r.reason, "same kid"));
		oa_token_clear(&t);
	}
	free(token);
}

static void
test_jwt_hmac_only_with_the_configured_secret(void **state)
{
	char *good = tb_sign("HS256", NULL, secret, sizeof(secret) - 1,
			     "{\"alg\":\"HS256\"}", payload(""));
	char *wrong = tb_sign("HS256", NULL, (const unsigned char *)"another secret of 32 bytes....", 30,
			      "{\"alg\":\"HS256\"}", payload(""));
	char secret_arg[256];
	struct oa_result r;

	(void)state;
	snprintf(secret_arg, sizeof(secret_arg), "hmac_secret_file=%s", secret_path);
	assert_int_equal(validate_with(good, &r, EXTRA("audience=db", secret_arg)), OA_OK);
	assert_int_equal(validate_with(wrong, &r, EXTRA("audience=db", secret_arg)), OA_REJECTED);
	/* without hmac_secret_file= HS256 is not even considered */
	assert_int_equal(validate(good, &r), OA_REJECTED);
	assert_non_null(strstr(r.reason, "not in algorithms="));
	free(good);
	free(wrong);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jwt_accepts_valid_tokens_of_each_algorithm),
		cmocka_unit_test(test_jwt_rejects_alg_none_in_any_spelling),
		cmocka_unit_test(test_jwt_rejects_hs256_signed_with_the_rsa_public_key),
		cmocka_unit_test(test_jwt_rejects_alg_differing_from_the_keys),
		cmocka_unit_test(test_jwt_ignores_keys_and_urls_in_the_header),
		cmocka_unit_test(test_jwt_rejects_crit_and_unsupported_header_members),
		cmocka_unit_test(test_jwt_rejects_non_canonical_encodings_and_segment_counts),
		cmocka_unit_test(test_jwt_rejects_duplicate_claims),
		cmocka_unit_test(test_jwt_rejects_nul_and_non_utf8_in_claims),
		cmocka_unit_test(test_jwt_rejects_a_64_kib_token_before_any_crypto),
		cmocka_unit_test(test_jwt_lifetime_claims_at_the_leeway_edges),
		cmocka_unit_test(test_jwt_lifetime_claims_beyond_any_clock),
		cmocka_unit_test(test_jwt_kidless_refusal_with_a_key_file_is_final),
		cmocka_unit_test(test_jwt_other_kinds_of_token_are_refused),
		cmocka_unit_test(test_jwt_issuer_must_match_exactly),
		cmocka_unit_test(test_jwt_audience),
		cmocka_unit_test(test_jwt_token_type_at_jwt),
		cmocka_unit_test(test_jwt_key_selection),
		cmocka_unit_test(test_jwt_hmac_only_with_the_configured_secret),
	};
	return cmocka_run_group_tests_name("jwt", tests, setup, teardown);
}
