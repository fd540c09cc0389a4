/* SPDX-License-Identifier: MIT */
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

#include "bounds.h"
#include "policy.h"
#include "result.h"
#include "sha256.h"
#include "url.h"

struct oa_required_claim {
	const char *name; /* not NUL-terminated at name_len */
	size_t name_len;
	const char *value;
};

/* One audience from audience=A,B: points into argv, not NUL-terminated. */
struct oa_audience {
	const char *name;
	size_t len;
};

/* The enumerated options: each value is the index of its word in the
 * option table (config.c), which also names them for --show-config. */
enum oa_token_type {
	OA_TOKEN_TYPE_ANY,   /* typ not checked: token_type= not given */
	OA_TOKEN_TYPE_AT_JWT /* RFC 9068 access tokens only */
};

enum oa_client_auth {
	OA_CLIENT_AUTH_BASIC, /* RFC 6749 2.3.1 HTTP Basic */
	OA_CLIENT_AUTH_POST   /* the same in the form body */
};

enum oa_cache_mode {
	OA_CACHE_ON,
	OA_CACHE_OFF /* none of it: discovery, keys, verdicts */
};

struct oa_config {
	/* userinfo check */
	const char *userinfo_url;
	struct oa_url userinfo;
	const char *username_claim;
	struct oa_required_claim required[OA_MAX_REQUIRED_CLAIMS];
	size_t n_required;

	/* authorization, the same whichever check vouched for the token */
	struct oa_policy policy;
	const char *username_map; /* file of identity -> PAM user lines */
	bool username_map_casefold;

	/* local JWT validation: on when jwt is true */
	bool jwt;
	const char *issuer;
	struct oa_url issuer_url; /* checked only when discovery is used */
	bool discovery;           /* keys from the issuer's discovery document */
	const char *jwks_uri;
	struct oa_url jwks;
	const char *jwks_file;
	const char *hmac_secret_file;
	const char *audience_arg;
	struct oa_audience audiences[OA_MAX_AUDIENCES];
	size_t n_audiences;
	bool allow_any_audience;
	const char *algorithms_arg;
	unsigned algorithms; /* bit (1u << enum oa_alg) per allowed algorithm */
	long leeway_seconds;
	enum oa_token_type token_type;

	/* RFC 7662 introspection: on when introspection_url is set */
	const char *introspection_url; /* "discovery": from issuer metadata */
	struct oa_url introspection;
	const char *client_id;
	const char *client_secret_file;
	enum oa_client_auth client_auth;
	bool introspect_jwt; /* a locally valid JWT is also introspected */

	/* on-disk cache for discovery, keys and verdicts */
	enum oa_cache_mode cache;
	const char *cache_dir;           /* NULL: the default, see oa_cache_default_dir */
	long cache_ttl_seconds;          /* accepted tokens; 0: not remembered */
	long negative_cache_ttl_seconds; /* refused tokens; 0: not remembered */
	size_t cache_max_entries;
	/* SHA-256 of every argument: a remembered verdict is only valid for the
	 * exact configuration that reached it. */
	unsigned char options_digest[OA_SHA256_BYTES];
	long jwks_refresh_min_seconds;
	long jwks_stale_max_seconds;

	/* network */
	long timeout_seconds;
	long connect_timeout_seconds;
	const char *cafile;
	const char *capath;
	const char *proxy;
	const char *pinned_pubkey; /* sha256//BASE64[;sha256//...] */

	size_t max_token_bytes;
	bool debug;

	/* Not an option: set by the caller after oa_config_parse.  Asked
	 * while a request waits on the issuer; true ends it at once as
	 * "interrupted" (the PostgreSQL validator: a pending shutdown or
	 * pg_terminate_backend).  NULL (the PAM module): never. */
	bool (*abort_requested)(void *arg);
	void *abort_arg;
	/* Read by libpam's pam_get_authtok from the same pam.d line, not by
	 * the module: the token an earlier module of the stack prompted for,
	 * and only it (use_first_pass), or first (try_first_pass). */
	bool use_first_pass;
	bool try_first_pass;
};

/* Returns OA_OK or OA_CONFIG with the reason in `r`. */
enum oa_status oa_config_parse(int argc, const char *const *argv,
			       struct oa_config *cfg, struct oa_result *r);

/* The longest value oa_config_show gives, with its NUL. */
#define OA_CONFIG_SHOW_BYTES (OA_MAX_URL_BYTES + 64)

/* Line `i` of the effective configuration, as sshd -T shows its own: every
 * option of the table with its value, defaults filled in ("none" when
 * unset, "on" or "off" for a flag), then each rule and required claim as
 * given.  Files are named, never read: a secret's file name shows, never
 * what it holds.  False past the last line. */
bool oa_config_show(const struct oa_config *cfg, size_t i, const char **name,
		    char value[OA_CONFIG_SHOW_BYTES]);

#endif
