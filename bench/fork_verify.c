/* SPDX-License-Identifier: MIT */
/* The floor under a JWT login with cached keys: what OpenSSL alone costs a
 * freshly forked process to import an RSA-2048 public key from its n and e
 * (as a JWK import does) and verify one RS256 signature, against an empty
 * child.  A parent forks one child per round, as the postmaster forks a
 * backend, and reports the median of the children's own CPU times (wait4); --preload
 * MODULE first does in the parent what pam_oauth2_preload does in the
 * postmaster.  The key and signature come from a helper process, so the
 * parent's OpenSSL is only as warm as the mode says.  Prints figures,
 * asserts nothing; bench/cpu.sh runs it.
 *
 *   fork_verify [--preload MODULE] CHILDREN */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "preload.h"

struct material {
	unsigned char n[256], e[8], sig[256], input[600];
	int n_len, e_len;
	size_t sig_len;
};

static bool
make_material(struct material *m)
{
	EVP_PKEY *key = EVP_RSA_gen(2048);
	BIGNUM *n = NULL, *e = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok;

	memset(m->input, 'j', sizeof(m->input));
	m->sig_len = sizeof(m->sig);
	ok = key != NULL && md != NULL &&
	     EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
	     EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) == 1 &&
	     BN_num_bytes(n) <= (int)sizeof(m->n) && BN_num_bytes(e) <= (int)sizeof(m->e) &&
	     EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL, NULL, key, NULL) == 1 &&
	     EVP_DigestSign(md, m->sig, &m->sig_len, m->input, sizeof(m->input)) == 1;
	if (ok) {
		m->n_len = BN_bn2bin(n, m->n);
		m->e_len = BN_bn2bin(e, m->e);
	}
	BN_free(n);
	BN_free(e);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return ok;
}

/* In a helper child, so this process's OpenSSL stays untouched. */
static bool
material_from_helper(struct material *m)
{
	int fds[2], status;
	pid_t pid;
	bool ok;

	if (pipe(fds) != 0)
		return false;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		_exit(make_material(m) && write(fds[1], m, sizeof(*m)) == (ssize_t)sizeof(*m) ? 0 : 1);
	}
	close(fds[1]);
	ok = pid > 0 && read(fds[0], m, sizeof(*m)) == (ssize_t)sizeof(*m);
	ok = pid > 0 && waitpid(pid, &status, 0) == pid && ok && WIFEXITED(status) &&
	     WEXITSTATUS(status) == 0;
	close(fds[0]);
	return ok;
}

static bool
import_and_verify(const struct material *m)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *n = BN_bin2bn(m->n, m->n_len, NULL), *e = BN_bin2bn(m->e, m->e_len, NULL);
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok;

	ok = bld != NULL && n != NULL && e != NULL && pctx != NULL && md != NULL &&
	     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
	     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) == 1 &&
	     (params = OSSL_PARAM_BLD_to_param(bld)) != NULL &&
	     EVP_PKEY_fromdata_init(pctx) == 1 &&
	     EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1 &&
	     EVP_DigestVerifyInit_ex(md, NULL, "SHA256", NULL, NULL, key, NULL) == 1 &&
	     EVP_DigestVerify(md, m->sig, m->sig_len, m->input, sizeof(m->input)) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return ok;
}

static double
rusage_ms(const struct rusage *ru)
{
	return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1e3 +
	       (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e3;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Each child's own CPU time (wait4), `children` of them, into ms[]; false
 * if a child failed. */
static bool
run_children(const struct material *m, bool verify, long children, double *ms)
{
	for (long i = 0; i < children; i++) {
		struct rusage ru;
		int status;
		pid_t pid = fork();

		if (pid == 0)
			_exit(!verify || import_and_verify(m) ? 0 : 1);
		if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			return false;
		ms[i] = rusage_ms(&ru);
	}
	return true;
}

int
main(int argc, char **argv)
{
	const char *module = NULL;
	struct material m;
	double empty, verify;
	long children;
	int i = 1;

	if (argc == 4 && strcmp(argv[1], "--preload") == 0) {
		module = argv[2];
		i = 3;
	}
	if (argc != i + 1 || (children = atol(argv[i])) < 1) {
		fprintf(stderr, "usage: fork_verify [--preload MODULE] CHILDREN\n");
		return 2;
	}
	if (!material_from_helper(&m)) {
		fprintf(stderr, "fork_verify: could not make a key and a signature\n");
		return 1;
	}
	if (module != NULL) {
		struct oa_result r;

		oa_result_init(&r);
		if (oa_preload(module, &r) != OA_OK) {
			fprintf(stderr, "preload: %s\n", r.reason);
			return 1;
		}
	}
	/* Empty and verifying children alternate in ten blocks, so drift on a
	 * shared machine hits both; the figures are medians of the children's
	 * own CPU times, which a busy neighbour moves less than a mean. */
	{
		long block = children / 10 + 1, n = 0;
		double *e = calloc((size_t)(10 * block), sizeof(double));
		double *v = calloc((size_t)(10 * block), sizeof(double));

		for (int b = 0; e != NULL && v != NULL && b < 10; b++, n += block)
			if (!run_children(&m, false, block, e + n) || !run_children(&m, true, block, v + n)) {
				fprintf(stderr, "fork_verify: a child failed\n");
				return 1;
			}
		if (e == NULL || v == NULL) {
			fprintf(stderr, "fork_verify: out of memory\n");
			return 1;
		}
		qsort(e, (size_t)n, sizeof(double), by_value);
		qsort(v, (size_t)n, sizeof(double), by_value);
		empty = e[n / 2];
		verify = v[n / 2];
		free(e);
		free(v);
	}
	printf("empty: %.3f ms per child\nrs256: %.3f ms per child\n", empty, verify);
	return 0;
}
