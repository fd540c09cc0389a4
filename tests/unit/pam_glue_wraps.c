/* SPDX-License-Identifier: MIT */
/* Linked into a test build of the PAM module (tests/unit/meson.build,
 * -Wl,--wrap): pam_set_data fails on demand, as libpam's does when it runs
 * out of memory, and pam_syslog writes where the test can read it instead
 * of to the host's syslog.  Driven by the environment, because the module
 * is loaded by libpam and keeps its symbols to itself:
 *   OA_GLUE_FAIL_SET_DATA=record  fails each call that stores a record,
 *                         =clear   each call that clears one;
 *   OA_GLUE_LOG=PATH               appends each log line to PATH. */
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int __real_pam_set_data(pam_handle_t *pamh, const char *name, void *data,
			void (*cleanup)(pam_handle_t *, void *, int));
int __wrap_pam_set_data(pam_handle_t *pamh, const char *name, void *data,
			void (*cleanup)(pam_handle_t *, void *, int));
void __wrap_pam_syslog(const pam_handle_t *pamh, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int
__wrap_pam_set_data(pam_handle_t *pamh, const char *name, void *data,
		    void (*cleanup)(pam_handle_t *, void *, int))
{
	const char *fail = getenv("OA_GLUE_FAIL_SET_DATA");

	if (fail != NULL && strcmp(fail, data != NULL ? "record" : "clear") == 0)
		return PAM_BUF_ERR;
	return __real_pam_set_data(pamh, name, data, cleanup);
}

void
__wrap_pam_syslog(const pam_handle_t *pamh, int priority, const char *fmt, ...)
{
	const char *path = getenv("OA_GLUE_LOG");
	FILE *f = path != NULL ? fopen(path, "a") : NULL;
	va_list ap;

	(void)pamh;
	if (f == NULL)
		return;
	va_start(ap, fmt);
	fprintf(f, "<%d> ", priority);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	va_end(ap);
	fclose(f);
}
