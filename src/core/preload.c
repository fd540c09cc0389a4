/* SPDX-License-Identifier: MIT */
/* What a forking parent loads ahead of its children's first login. */

#include "preload.h"

#include <dlfcn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "curl_api.h"
#include "text.h"

/* Fetching an algorithm once puts it in the default library context's
 * method store, which forked children share: these are what signature.c,
 * jwk.c and the digests of the JOSE algorithms ask for. */
static bool
fetch_algorithms(void)
{
	static const char *const digests[] = { "SHA256", "SHA384", "SHA512" };
	static const char *const key_types[] = { "RSA", "EC", "ED25519" };
	static const char *const signatures[] = { "RSA", "ECDSA", "ED25519" };
	bool ok = true;

	for (size_t i = 0; i < sizeof(digests) / sizeof(digests[0]); i++) {
		EVP_MD *md = EVP_MD_fetch(NULL, digests[i], NULL);

		ok = ok && md != NULL;
		EVP_MD_free(md);
	}
	for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++) {
		EVP_KEYMGMT *km = EVP_KEYMGMT_fetch(NULL, key_types[i], NULL);

		ok = ok && km != NULL;
		EVP_KEYMGMT_free(km);
	}
	for (size_t i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++) {
		EVP_SIGNATURE *sig = EVP_SIGNATURE_fetch(NULL, signatures[i], NULL);

		ok = ok && sig != NULL;
		EVP_SIGNATURE_free(sig);
	}
	return ok;
}

enum oa_status
oa_preload(const char *module_path, struct oa_result *r)
{
	if (oa_curl_api(r) == NULL)
		return r->status;
	/* Every login logs, and glibc's syslog() reads and parses
	 * /etc/localtime on its first call in a process: a third of what the
	 * log line costs a backend.  Read here, the children inherit the zone. */
	tzset();
	/* The same initialisation the first EVP call would do, configuration
	 * file included, so the host sees OpenSSL as it would anyway. */
	if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL) != 1 || !fetch_algorithms())
		return oa_fail(r, OA_INTERNAL, "OpenSSL initialisation failed");
	/* The handle is dropped on purpose: the mapping is what the children
	 * inherit, and libpam's own dlopen of the same file then finds it. */
	if (module_path != NULL &&
	    dlopen(module_path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) == NULL) {
		const char *why = dlerror();
		char shown[160];

		if (why == NULL)
			why = "unknown error";
		oa_text_escape(why, strlen(why), shown, sizeof(shown));
		return oa_fail(r, OA_INTERNAL, "cannot load %s", shown);
	}
	return OA_OK;
}
