#include "curl_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
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

const struct oa_curl_api *
oa_curl_api(struct oa_result *r)
{
	if (pthread_once(&load_once, load) != 0 || !loaded) {
		oa_fail(r, OA_INTERNAL, "cannot load " LIBCURL_SONAME);
		return NULL;
	}
	return &api;
}
