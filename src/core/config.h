/* The module's arguments from the pam.d line, parsed and checked once per
 * call.  Two forms are accepted:
 *   positional (the original design):  URL [CLAIM] [option=value | flag |
 *       claim=value]...  where URL is the userinfo endpoint, CLAIM the claim
 *       compared with the PAM user, and any key=value whose key is not an
 *       option is a required claim equality;
 *   named:  option=value and flags only; anything unknown is an error.
 * Strings point into argv, which outlives the config: nothing to free. */
#ifndef OA_CONFIG_H
#define OA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "limits.h"
#include "result.h"
#include "url.h"

struct oa_required_claim {
	const char *name; /* not NUL-terminated at name_len */
	size_t name_len;
	const char *value;
};

struct oa_config {
	const char *userinfo_url;
	struct oa_url userinfo;
	const char *username_claim;
	long timeout_seconds;
	long connect_timeout_seconds;
	const char *cafile;
	const char *capath;
	const char *proxy;
	size_t max_token_bytes;
	bool debug;
	struct oa_required_claim required[OA_MAX_REQUIRED_CLAIMS];
	size_t n_required;
};

/* Returns OA_OK or OA_CONFIG with the reason in `r`. */
enum oa_status oa_config_parse(int argc, const char *const *argv,
			       struct oa_config *cfg, struct oa_result *r);

#endif
