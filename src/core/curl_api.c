/* SPDX-License-Identifier: MIT */
/* libcurl, loaded and initialised once, on the first request that needs it. */

#include "curl_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The soname of Debian's OpenSSL flavour of libcurl (libcurl4). */
#define LIBCURL_SONAME "libcurl.so.4"

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static struct oa_curl_api api;
static bool loaded;

/* dlsym returns void *; ISO C has no conversion to a function pointer, but
 * POSIX guarantees it works: copy the bits. */
static bool
resolve(void *lib, const char *name, void *fn, size_t fn_size)
{
	void *sym = dlsym(lib, name);

	if (sym == NULL)
		return false;
	memcpy(fn, &sym, fn_size);
	return true;
}

#define RESOLVE(lib, name, field) resolve(lib, name, &api.field, sizeof(api.field))

static void
load(void)
{
	CURLcode (*global_init)(long) = NULL;
	void *lib = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);

	if (lib == NULL)
		return;
	if (!resolve(lib, "curl_global_init", &global_init, sizeof(global_init)) ||
	    !RESOLVE(lib, "curl_easy_init", easy_init) ||
	    !RESOLVE(lib, "curl_easy_setopt", easy_setopt) ||
	    !RESOLVE(lib, "curl_easy_perform", easy_perform) ||
	    !RESOLVE(lib, "curl_easy_getinfo", easy_getinfo) ||
	    !RESOLVE(lib, "curl_easy_cleanup", easy_cleanup) ||
	    !RESOLVE(lib, "curl_easy_strerror", easy_strerror))
		return;
	loaded = global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

/* libcurl opens the file SSLKEYLOGFILE names when it is initialised
 * (curl_global_init; lib/vtls/keylog.c), creating it with the process's
 * umask, then appends the secrets of every TLS connection to it: whoever
 * reads it reads the bearer token and the introspection client secret.  No
 * option turns that off, and unsetenv in the host's process (its threads,
 * its environment) is not ours to do: so no network while it is set, and
 * libcurl is not even loaded.  Asked on every use, as a host that loaded
 * libcurl itself may have opened the file already.  (libcurl's other
 * variables, the proxy ones, are read per request and overridden by the
 * options http.c sets; OpenSSL reads its own with secure_getenv.)
 *
 * Whether the process is AT_SECURE (getauxval: setuid, setgid, file
 * capabilities) does not matter here.  Under su or sudo the caller chose
 * the environment and the file is created as root: glibc's loader and
 * OpenSSL then ignore their variables, but libcurl reads with plain
 * getenv.  Yet a process that is not AT_SECURE may also run on a caller's
 * environment (sudo -E, a root daemon passing a client's variables on),
 * and where it is the admin's own, writing a login's TLS secrets to a
 * file is still never wanted: one rule, however the host was started. */
static bool
keylog_requested(void)
{
	const char *path = getenv("SSLKEYLOGFILE");

	/* libcurl takes an empty value as unset (lib/getenv.c). */
	return path != NULL && path[0] != '\0';
}

const struct oa_curl_api *
oa_curl_api(struct oa_result *r)
{
	if (keylog_requested()) {
		oa_fail(r, OA_CONFIG,
			"the host's environment sets SSLKEYLOGFILE; libcurl would write the "
			"TLS secrets of requests to the issuer there: unset it in the "
			"service's environment");
		return NULL;
	}
	if (pthread_once(&load_once, load) != 0 || !loaded) {
		oa_fail(r, OA_INTERNAL, "cannot load " LIBCURL_SONAME);
		return NULL;
	}
	return &api;
}
