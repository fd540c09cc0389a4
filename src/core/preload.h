/* SPDX-License-Identifier: MIT */
/* What a login pays for once per process, done ahead of time in a parent
 * that forks one child per login (the PostgreSQL postmaster, through the
 * pam_oauth2_preload server library): the children inherit it all.  In a
 * fresh backend, mapping libcurl with its dependency tree costs some 4 ms
 * of CPU, OpenSSL 3's initialisation about 1 ms, mapping the module itself a
 * little more; a login that needs the network or checks a JWT signature
 * otherwise pays them every time. */
#ifndef OA_PRELOAD_H
#define OA_PRELOAD_H

#include "result.h"

/* Loads and initialises libcurl, loads the time zone that syslog() stamps
 * messages with, initialises OpenSSL and fetches the algorithms the checks
 * use, and maps `module_path` (NULL: not).  Nothing is ever unloaded.
 * OA_INTERNAL with the reason when one step fails; the steps before it stay
 * done. */
enum oa_status oa_preload(const char *module_path, struct oa_result *r);

#endif
