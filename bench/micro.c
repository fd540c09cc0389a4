/* In-process micro-benchmark of local JWT validation (oa_jwt_validate) with
 * keys from a jwks_file, as each login does it: the JWK Set file is read and
 * parsed, the token parsed, the signature and the claims checked.  Tokens
 * are signed here with the unit tests' JOSE builder.  Prints tables of
 * validations per second; asserts nothing.
 *
 *   bench_micro [SECONDS_PER_CELL]      (default 1.5)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "context.h"
#include "jose_builder.h"
#include "jwt.h"
#include "token.h"

#define ISSUER "https://idp.example.com/realms/bench"

static char dir[] = "/tmp/oa_bench_micro.XXXXXX";
static double seconds_per_cell = 1.5;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A JWK Set file of `fillers` copies of `filler` (kids filler-N) followed by
 * `key` with kid "signer"; returns its path. */
static char *
write_jwks(EVP_PKEY *key, EVP_PKEY *filler, int fillers, const char *name)
{
	json_t *set = json_object(), *keys = json_array();
	char kid[32], *text, *path;

	for (int i = 0; i < fillers; i++) {
		snprintf(kid, sizeof(kid), "filler-%d", i);
		json_array_append_new(keys, tb_public_jwk(filler, kid, NULL));
	}
	json_array_append_new(keys, tb_public_jwk(key, "signer", NULL));
	json_object_set_new(set, "keys", keys);
	text = json_dumps(set, 0);
	path = tb_write_file(dir, name, text, 0644);
	free(text);
	json_decref(set);
	return path;
}

/* A token signed by `key` for `alg`, padded with a claim so that it is about
 * `size` bytes long (0: no padding). */
static char *
make_token(const char *alg, EVP_PKEY *key, size_t size)
{
	char header[128], *payload, *token, *pad;
	size_t padlen = 0;

	snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"signer\"}", alg);
	for (int pass = 0; pass < 2; pass++) {
		pad = malloc(padlen + 1);
		memset(pad, 'x', padlen);
		pad[padlen] = '\0';
		payload = malloc(padlen + 512);
		snprintf(payload, padlen + 512,
			 "{\"iss\":\"%s\",\"aud\":\"postgres\",\"sub\":\"id-alice\","
			 "\"preferred_username\":\"alice\",\"iat\":%lld,\"exp\":%lld,\"pad\":\"%s\"}",
			 ISSUER, (long long)time(NULL), (long long)time(NULL) + 3600, pad);
		token = tb_sign(alg, key, NULL, 0, header, payload);
		free(pad);
		free(payload);
		if (pass == 1 || size == 0 || strlen(token) >= size)
			break;
		/* base64url: 4 characters per 3 bytes of payload */
		padlen = (size - strlen(token)) * 3 / 4;
		free(token);
	}
	return token;
}

/* Validates `token` against the JWK Set at `jwks` for about
 * seconds_per_cell; prints a row: label, token bytes, keys, rate, us each. */
static void
measure(const char *label, const char *jwks, int nkeys, const char *token)
{
	char issuer_arg[128], jwks_arg[512];
	const char *argv[] = { issuer_arg, jwks_arg, "audience=postgres",
			       "username_claim=preferred_username", "max_token_size=65536" };
	struct oa_config cfg;
	struct oa_result r;
	struct oa_token t;
	long n = 0;
	double start, elapsed;

	snprintf(issuer_arg, sizeof(issuer_arg), "issuer=%s", ISSUER);
	snprintf(jwks_arg, sizeof(jwks_arg), "jwks_file=%s", jwks);
	oa_result_init(&r);
	if (oa_config_parse(5, argv, &cfg, &r) != OA_OK) {
		fprintf(stderr, "config: %s\n", r.reason);
		exit(1);
	}
	if (oa_token_intake(token, cfg.max_token_bytes, &t, &r) != OA_OK) {
		fprintf(stderr, "token: %s\n", r.reason);
		exit(1);
	}
	start = now_s();
	do {
		/* a batch between clock readings */
		for (int i = 0; i < 16; i++, n++) {
			struct oa_ctx ctx;
			json_t *claims = NULL;
			long long exp;

			oa_result_init(&r);
			oa_ctx_init(&ctx, &cfg, NULL);
			if (oa_jwt_validate(&ctx, &t, &claims, &exp, &r) != OA_OK) {
				fprintf(stderr, "%s: refused: %s\n", label, r.reason);
				exit(1);
			}
			json_decref(claims);
		}
		elapsed = now_s() - start;
	} while (elapsed < seconds_per_cell);
	printf("| %s | %zu | %d | %.0f | %.1f |\n", label, t.len, nkeys, (double)n / elapsed,
	       1e6 * elapsed / (double)n);
	fflush(stdout);
	oa_token_clear(&t);
}

static void
table_header(const char *title)
{
	printf("\n## %s\n\n| case | token bytes | keys in JWKS | validations/s | us each |\n"
	       "|---|---|---|---|---|\n", title);
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *alg, *kty;
	} algs[] = { { "RS256", "RSA" }, { "PS256", "RSA" }, { "ES256", "EC" }, { "EdDSA", "ED25519" } };
	EVP_PKEY *rsa, *filler;
	char cmd[64], name[32], *jwks, *token;

	if (argc > 1)
		seconds_per_cell = atof(argv[1]);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	rsa = tb_keygen("RSA");
	filler = tb_keygen("RSA");

	table_header("oa_jwt_validate per algorithm (jwks_file with the one key, token ~0.5 KB)");
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		EVP_PKEY *key = strcmp(algs[i].kty, "RSA") == 0 ? rsa : tb_keygen(algs[i].kty);

		snprintf(name, sizeof(name), "alg-%zu.json", i);
		jwks = write_jwks(key, filler, 0, name);
		token = make_token(algs[i].alg, key, 0);
		measure(algs[i].alg, jwks, 1, token);
		free(token);
		free(jwks);
		if (key != rsa)
			EVP_PKEY_free(key);
	}

	table_header("Token size (RS256, padding claim, one key)");
	jwks = write_jwks(rsa, filler, 0, "one.json");
	for (size_t kb = 1; kb <= 16; kb *= 4) {
		snprintf(name, sizeof(name), "RS256 %zu KB", kb);
		token = make_token("RS256", rsa, kb * 1024);
		measure(name, jwks, 1, token);
		free(token);
	}
	free(jwks);

	table_header("JWKS size (RS256 RSA-2048 keys, the signing key last, token with kid)");
	token = make_token("RS256", rsa, 0);
	for (int keys = 1; keys <= 100; keys *= 10) {
		snprintf(name, sizeof(name), "jwks-%d.json", keys);
		jwks = write_jwks(rsa, filler, keys - 1, name);
		snprintf(name, sizeof(name), "RS256, %d keys", keys);
		measure(name, jwks, keys, token);
		free(jwks);
	}
	free(token);

	EVP_PKEY_free(rsa);
	EVP_PKEY_free(filler);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
