/* SPDX-License-Identifier: MIT */
/* PostgreSQL server library for shared_preload_libraries: the postmaster
 * does once what each backend would otherwise do on its first login through
 * pam_oauth2 (src/core/preload.h), and every backend forked from it
 * inherits the result.  It changes no behaviour of the module: a failure
 * here is a warning, and the backends load what they need themselves. */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "preload.h"

PG_MODULE_MAGIC;

void _PG_init(void);

static char *module_path;

void
_PG_init(void)
{
	struct oa_result r;
	const char *module;

	DefineCustomStringVariable("pam_oauth2_preload.module",
				   "The PAM module to map into the postmaster, as pam.d names it.",
				   "Empty: only libcurl and OpenSSL are preloaded.",
				   &module_path, PAM_OAUTH2_MODULE_PATH, PGC_POSTMASTER, 0,
				   NULL, NULL, NULL);
	EmitWarningsOnPlaceholders("pam_oauth2_preload");
	if (!process_shared_preload_libraries_in_progress) {
		ereport(WARNING,
			(errmsg("pam_oauth2_preload does nothing unless listed in shared_preload_libraries")));
		return;
	}
	module = module_path != NULL && module_path[0] != '\0' ? module_path : NULL;
	oa_result_init(&r);
	if (oa_preload(module, &r) != OA_OK) {
		/* Not "logins still work": the same reason (SSLKEYLOGFILE set in
		 * the environment, say) may refuse every login that needs the
		 * network; the module logs it again on each such login. */
		ereport(WARNING, (errmsg("pam_oauth2_preload: %s", r.reason),
				  errdetail("Nothing was preloaded; each login through pam_oauth2 loads what it needs, or says in syslog why it cannot.")));
		return;
	}
	ereport(LOG, (errmsg("pam_oauth2_preload: libcurl and OpenSSL loaded%s%s",
			     module != NULL ? ", and " : "", module != NULL ? module : "")));
}
