#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jwa.h"
#include "secret_file.h"
#include "sha256.h"

enum option_kind {
	OPT_URL,     /* checked by oa_url_check into url_offset */
	OPT_NAME,    /* a claim name or similar printable word */
	OPT_FILE,    /* a readable regular file */
	OPT_SECRET,  /* a readable regular file no one else may read */
	OPT_DIR,     /* a readable directory */
	OPT_ABSPATH, /* an absolute path, checked when used */
	OPT_SECONDS, /* whole seconds from min to max */
	OPT_BYTES,   /* a size from min to max */
	OPT_COUNT,   /* a number from min to max */
	OPT_PROXY,
	OPT_PIN,     /* sha256//BASE64 public key hashes, ';'-separated */
	OPT_LIST,    /* comma-separated printable words */
	OPT_FLAG
};

struct option_spec {
	const char *name;
	enum option_kind kind;
	size_t offset; /* of the field in struct oa_config */
	size_t url_offset;
	unsigned long min, max;
};

#define FIELD(f) offsetof(struct oa_config, f)
#define URL(name, f, u) { name, OPT_URL, FIELD(f), FIELD(u), 0, 0 }
#define NUM(name, kind, f, lo, hi) { name, kind, FIELD(f), 0, lo, hi }
#define OTHER(name, kind, f) { name, kind, FIELD(f), 0, 0, 0 }

static const struct option_spec options[] = {
	URL("userinfo", userinfo_url, userinfo),
	OTHER("username_claim", OPT_NAME, username_claim),
	OTHER("username_map", OPT_FILE, username_map),
	OTHER("username_map_casefold", OPT_FLAG, username_map_casefold),
	NUM("issuer", OPT_NAME, issuer, 1, OA_MAX_URL_BYTES),
	URL("jwks_uri", jwks_uri, jwks),
	OTHER("jwks_file", OPT_FILE, jwks_file),
	OTHER("hmac_secret_file", OPT_SECRET, hmac_secret_file),
	OTHER("audience", OPT_LIST, audience_arg),
	OTHER("allow_any_audience", OPT_FLAG, allow_any_audience),
	OTHER("algorithms", OPT_LIST, algorithms_arg),
	NUM("leeway", OPT_SECONDS, leeway_seconds, 0, OA_MAX_LEEWAY_SECONDS),
	OTHER("token_type", OPT_NAME, token_type),
	OTHER("introspection", OPT_NAME, introspection_url),
	OTHER("client_id", OPT_NAME, client_id),
	OTHER("client_secret_file", OPT_SECRET, client_secret_file),
	OTHER("client_auth", OPT_NAME, client_auth),
	OTHER("introspect_jwt", OPT_FLAG, introspect_jwt),
	OTHER("cache", OPT_NAME, cache_arg),
	OTHER("cache_dir", OPT_ABSPATH, cache_dir),
	NUM("cache_ttl", OPT_SECONDS, cache_ttl_seconds, 0, OA_MAX_CACHE_TTL_SECONDS),
	NUM("negative_cache_ttl", OPT_SECONDS, negative_cache_ttl_seconds, 0,
	    OA_MAX_NEGATIVE_CACHE_TTL_SECONDS),
	NUM("cache_max_entries", OPT_COUNT, cache_max_entries, 1, OA_MAX_CACHE_MAX_ENTRIES),
	NUM("jwks_refresh_min", OPT_SECONDS, jwks_refresh_min_seconds, 1,
	    OA_MAX_JWKS_REFRESH_MIN_SECONDS),
	NUM("jwks_stale_max", OPT_SECONDS, jwks_stale_max_seconds, 0,
	    OA_MAX_JWKS_STALE_MAX_SECONDS),
	NUM("timeout", OPT_SECONDS, timeout_seconds, 1, OA_MAX_TIMEOUT_SECONDS),
	NUM("connect_timeout", OPT_SECONDS, connect_timeout_seconds, 1,
	    OA_MAX_TIMEOUT_SECONDS),
	OTHER("cafile", OPT_FILE, cafile),
	OTHER("capath", OPT_DIR, capath),
	OTHER("proxy", OPT_PROXY, proxy),
	OTHER("pinned_pubkey", OPT_PIN, pinned_pubkey),
	NUM("max_token_size", OPT_BYTES, max_token_bytes, 1, OA_MAX_TOKEN_BYTES_CEILING),
	OTHER("debug", OPT_FLAG, debug),
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static const struct option_spec *
find_option(const char *name, size_t len)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (strlen(options[i].name) == len &&
		    memcmp(options[i].name, name, len) == 0)
			return &options[i];
	return NULL;
}

static bool
parse_decimal(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

static bool
is_printable_word(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s == 0x7f)
			return false;
	return true;
}

/* Only hashes (not a key file path, which curl would also take): the pin
 * must not depend on a file an attacker might swap. */
static bool
is_pin_list(const char *s)
{
	for (;;) {
		size_t len;

		if (strncmp(s, "sha256//", 8) != 0)
			return false;
		s += 8;
		len = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");
		if (len != 44 || s[43] != '=')
			return false;
		s += len;
		if (*s == '\0')
			return true;
		if (*s++ != ';')
			return false;
	}
}

static enum oa_status
check_path(const struct option_spec *opt, const char *path, struct oa_result *r)
{
	struct stat st;
	bool want_dir = opt->kind == OPT_DIR;

	if (*path == '\0' || strlen(path) > OA_MAX_PATH_BYTES)
		return oa_fail(r, OA_CONFIG, "%s: empty or overlong path", opt->name);
	if (stat(path, &st) != 0 || access(path, R_OK) != 0)
		return oa_fail(r, OA_CONFIG, "%s: cannot read %s: %s", opt->name, path,
			       strerror(errno));
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		return oa_fail(r, OA_CONFIG, "%s: %s is not a %s", opt->name, path,
			       want_dir ? "directory" : "regular file");
	if (opt->kind == OPT_SECRET && !oa_secret_mode_ok(st.st_mode, true))
		return oa_fail(r, OA_CONFIG, "%s: %s has mode %04o: %s", opt->name, path,
			       (unsigned)(st.st_mode & 07777), oa_secret_mode_rule(true));
	return OA_OK;
}

static enum oa_status
check_value(const struct oa_config *cfg, const struct option_spec *opt,
	    const char *value, struct oa_result *r)
{
	unsigned long n;

	switch (opt->kind) {
	case OPT_URL:
		return oa_url_check(value, opt->name,
				    (struct oa_url *)(void *)((char *)cfg + opt->url_offset), r);
	case OPT_NAME: {
		size_t max = opt->max != 0 ? opt->max : OA_MAX_CLAIM_NAME_BYTES;

		if (*value == '\0' || strlen(value) > max || !is_printable_word(value))
			return oa_fail(r, OA_CONFIG, "%s: must be 1 to %zu printable characters",
				       opt->name, max);
		return OA_OK;
	}
	case OPT_LIST:
		if (*value == '\0' || !is_printable_word(value) ||
		    strlen(value) > OA_MAX_URL_BYTES)
			return oa_fail(r, OA_CONFIG, "%s: expected a comma-separated list",
				       opt->name);
		return OA_OK;
	case OPT_FILE:
	case OPT_SECRET:
	case OPT_DIR:
		return check_path(opt, value, r);
	case OPT_ABSPATH:
		if (value[0] != '/' || strlen(value) > OA_MAX_PATH_BYTES ||
		    !is_printable_word(value))
			return oa_fail(r, OA_CONFIG, "%s: expected an absolute path", opt->name);
		return OA_OK;
	case OPT_PROXY:
		if (strstr(value, "://") == NULL || !is_printable_word(value) ||
		    strlen(value) > OA_MAX_URL_BYTES)
			return oa_fail(r, OA_CONFIG, "%s: expected a URL such as http://proxy:3128",
				       opt->name);
		return OA_OK;
	case OPT_PIN:
		if (!is_pin_list(value))
			return oa_fail(r, OA_CONFIG,
				       "%s: expected sha256//BASE64 (the SHA-256 of the issuer's public key), "
				       "several separated by ;", opt->name);
		return OA_OK;
	case OPT_SECONDS:
		if (!parse_decimal(value, opt->max, &n) || n < opt->min)
			return oa_fail(r, OA_CONFIG,
				       "%s: expected whole seconds from %lu to %lu, got \"%s\"",
				       opt->name, opt->min, opt->max, value);
		return OA_OK;
	case OPT_BYTES:
	case OPT_COUNT:
		if (!parse_decimal(value, opt->max, &n) || n < opt->min)
			return oa_fail(r, OA_CONFIG, "%s: expected %s from %lu to %lu, got \"%s\"",
				       opt->name, opt->kind == OPT_BYTES ? "bytes" : "a number",
				       opt->min, opt->max, value);
		return OA_OK;
	case OPT_FLAG:
		return OA_OK;
	}
	return oa_fail(r, OA_CONFIG, "%s: unhandled option kind", opt->name);
}

static enum oa_status
set_option(struct oa_config *cfg, const struct option_spec *opt,
	   const char *value, bool *seen, struct oa_result *r)
{
	void *field = (char *)cfg + opt->offset;
	unsigned long n = 0;

	if (*seen)
		return oa_fail(r, OA_CONFIG, "option %s given twice", opt->name);
	*seen = true;
	if ((opt->kind == OPT_FLAG) != (value == NULL))
		return oa_fail(r, OA_CONFIG, opt->kind == OPT_FLAG ?
			       "option %s is a flag and takes no value" :
			       "option %s needs a value (%s=...)", opt->name, opt->name);
	if (check_value(cfg, opt, value, r) != OA_OK)
		return r->status;

	switch (opt->kind) {
	case OPT_SECONDS:
		parse_decimal(value, opt->max, &n);
		*(long *)field = (long)n;
		break;
	case OPT_BYTES:
	case OPT_COUNT:
		parse_decimal(value, opt->max, &n);
		*(size_t *)field = n;
		break;
	case OPT_FLAG:
		*(bool *)field = true;
		break;
	default:
		*(const char **)field = value;
		break;
	}
	return OA_OK;
}

static enum oa_status
set_named(struct oa_config *cfg, const char *name, const char *value,
	  bool *seen, struct oa_result *r)
{
	const struct option_spec *opt = find_option(name, strlen(name));

	return set_option(cfg, opt, value, &seen[opt - options], r);
}

static enum oa_status
add_required_claim(struct oa_config *cfg, const char *arg, size_t name_len,
		   struct oa_result *r)
{
	struct oa_required_claim *c;

	if (name_len == 0)
		return oa_fail(r, OA_CONFIG, "argument \"%s\" has an empty claim name", arg);
	if (cfg->n_required == OA_MAX_REQUIRED_CLAIMS)
		return oa_fail(r, OA_CONFIG, "more than %d required claims",
			       OA_MAX_REQUIRED_CLAIMS);
	c = &cfg->required[cfg->n_required++];
	c->name = arg;
	c->name_len = name_len;
	c->value = arg + name_len + 1;
	return OA_OK;
}

static bool
is_http_url(const char *s)
{
	return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

/* Walks a comma-separated list; calls `take` on each item, which must be
 * non-empty. */
static enum oa_status
split_list(const char *option, const char *list,
	   enum oa_status (*take)(struct oa_config *, const char *, size_t,
				  struct oa_result *),
	   struct oa_config *cfg, struct oa_result *r)
{
	for (const char *p = list;;) {
		size_t len = strcspn(p, ",");

		if (len == 0)
			return oa_fail(r, OA_CONFIG, "%s: empty item in \"%s\"", option, list);
		if (take(cfg, p, len, r) != OA_OK)
			return r->status;
		if (p[len] == '\0')
			return OA_OK;
		p += len + 1;
	}
}

static enum oa_status
take_audience(struct oa_config *cfg, const char *item, size_t len,
	      struct oa_result *r)
{
	if (cfg->n_audiences == OA_MAX_AUDIENCES)
		return oa_fail(r, OA_CONFIG, "audience: more than %d audiences",
			       OA_MAX_AUDIENCES);
	cfg->audiences[cfg->n_audiences].name = item;
	cfg->audiences[cfg->n_audiences].len = len;
	cfg->n_audiences++;
	return OA_OK;
}

static enum oa_status
take_algorithm(struct oa_config *cfg, const char *item, size_t len,
	       struct oa_result *r)
{
	enum oa_alg alg;

	if (!oa_alg_parse(item, len, &alg))
		return oa_fail(r, OA_CONFIG,
			       "algorithms: \"%.*s\" is not a supported signature algorithm",
			       (int)(len > 32 ? 32 : len), item);
	cfg->algorithms |= 1u << alg;
	return OA_OK;
}

static unsigned
algorithm_set(bool hmac)
{
	unsigned set = 0;

	for (int a = 0; a < OA_ALG_COUNT; a++)
		if (oa_alg_is_hmac((enum oa_alg)a) == hmac)
			set |= 1u << a;
	return set;
}

/* The rules between options, once every argument is read. */
static enum oa_status
check_jwt_options(struct oa_config *cfg, struct oa_result *r)
{
	unsigned hmac_algs = algorithm_set(true);

	cfg->jwt = cfg->issuer != NULL || cfg->jwks_uri != NULL ||
		   cfg->jwks_file != NULL || cfg->hmac_secret_file != NULL;
	if (!cfg->jwt) {
		if (cfg->audience_arg != NULL || cfg->allow_any_audience ||
		    cfg->algorithms_arg != NULL || cfg->token_type != NULL)
			return oa_fail(r, OA_CONFIG,
				       "audience, allow_any_audience, algorithms and token_type "
				       "apply to JWT validation: add issuer=");
		return OA_OK;
	}
	if (cfg->issuer == NULL)
		return oa_fail(r, OA_CONFIG, "JWT validation needs issuer= (the exact iss of the tokens)");
	if (cfg->jwks_uri != NULL && cfg->jwks_file != NULL)
		return oa_fail(r, OA_CONFIG, "give jwks_uri= or jwks_file=, not both");
	if (cfg->audience_arg == NULL && !cfg->allow_any_audience)
		return oa_fail(r, OA_CONFIG,
			       "JWT validation needs audience= (or the explicit allow_any_audience)");
	if (cfg->audience_arg != NULL && cfg->allow_any_audience)
		return oa_fail(r, OA_CONFIG, "give audience= or allow_any_audience, not both");
	if (cfg->audience_arg != NULL &&
	    split_list("audience", cfg->audience_arg, take_audience, cfg, r) != OA_OK)
		return r->status;

	if (cfg->algorithms_arg != NULL) {
		if (split_list("algorithms", cfg->algorithms_arg, take_algorithm, cfg, r) != OA_OK)
			return r->status;
	} else if (cfg->hmac_secret_file == NULL) {
		cfg->algorithms = algorithm_set(false);
	} else {
		/* A shared secret alone (Supabase and the like) means HMAC only;
		 * with a key set as well, both kinds. */
		cfg->algorithms = hmac_algs;
		if (cfg->jwks_uri != NULL || cfg->jwks_file != NULL)
			cfg->algorithms |= algorithm_set(false);
	}
	if ((cfg->algorithms & hmac_algs) != 0 && cfg->hmac_secret_file == NULL)
		return oa_fail(r, OA_CONFIG,
			       "algorithms: HS256/HS384/HS512 need hmac_secret_file= (never keys from a JWKS)");
	if (cfg->hmac_secret_file != NULL && (cfg->algorithms & hmac_algs) == 0)
		return oa_fail(r, OA_CONFIG,
			       "hmac_secret_file is set but algorithms= allows no HS256/HS384/HS512");

	if (cfg->token_type != NULL && strcmp(cfg->token_type, "at+jwt") != 0)
		return oa_fail(r, OA_CONFIG,
			       "token_type: only at+jwt (RFC 9068) is supported, got \"%s\"",
			       cfg->token_type);

	/* Keys come from discovery unless given directly, or unless only a
	 * shared secret is configured. */
	cfg->discovery = cfg->jwks_uri == NULL && cfg->jwks_file == NULL &&
			 (cfg->algorithms & ~hmac_algs) != 0;
	if (cfg->discovery &&
	    oa_url_check(cfg->issuer, "issuer", &cfg->issuer_url, r) != OA_OK)
		return r->status;
	if (!cfg->discovery && cfg->jwks_uri == NULL && cfg->jwks_file == NULL &&
	    cfg->hmac_secret_file == NULL)
		return oa_fail(r, OA_CONFIG, "no keys: give jwks_uri=, jwks_file= or hmac_secret_file=");
	return OA_OK;
}

static enum oa_status
check_introspection_options(struct oa_config *cfg, struct oa_result *r)
{
	if (cfg->introspect_jwt && (!cfg->jwt || cfg->introspection_url == NULL))
		return oa_fail(r, OA_CONFIG,
			       "introspect_jwt needs issuer= (the local JWT check) and introspection= "
			       "(asked whether the token is still active)");
	if (cfg->introspection_url == NULL) {
		if (cfg->client_id != NULL || cfg->client_secret_file != NULL ||
		    cfg->client_auth != NULL)
			return oa_fail(r, OA_CONFIG,
				       "client_id, client_secret_file and client_auth apply to "
				       "introspection=");
		return OA_OK;
	}
	if (strcmp(cfg->introspection_url, "discovery") == 0) {
		if (!cfg->discovery)
			return oa_fail(r, OA_CONFIG,
				       "introspection=discovery needs issuer= with discovery");
	} else if (oa_url_check(cfg->introspection_url, "introspection", &cfg->introspection,
				r) != OA_OK) {
		return r->status;
	}
	if (cfg->client_id == NULL || cfg->client_secret_file == NULL)
		return oa_fail(r, OA_CONFIG,
			       "introspection needs client_id= and client_secret_file= "
			       "(the secret never goes on the pam.d line)");
	if (cfg->client_auth == NULL)
		cfg->client_auth = "basic";
	if (strcmp(cfg->client_auth, "basic") != 0 && strcmp(cfg->client_auth, "post") != 0)
		return oa_fail(r, OA_CONFIG, "client_auth: expected basic or post, got \"%s\"",
			       cfg->client_auth);
	return OA_OK;
}

static void
digest_arguments(int argc, const char *const *argv, unsigned char out[OA_SHA256_BYTES])
{
	struct oa_sha256 md;

	/* Each argument with its NUL, so "a b" and "ab" differ. */
	oa_sha256_init(&md);
	for (int i = 0; i < argc; i++)
		oa_sha256_update(&md, argv[i], strlen(argv[i]) + 1);
	oa_sha256_final(&md, out);
}

/* Whether the arguments named option `name` (one of options[]). */
static bool
was_given(const bool *seen, const char *name)
{
	return seen[find_option(name, strlen(name)) - options];
}

enum oa_status
oa_config_parse(int argc, const char *const *argv, struct oa_config *cfg,
		struct oa_result *r)
{
	bool seen[N_OPTIONS] = { false };
	bool positional = argc > 0 && is_http_url(argv[0]);
	int i = 0;

	memset(cfg, 0, sizeof(*cfg));
	oa_policy_init(&cfg->policy);
	cfg->username_claim = "sub";
	cfg->timeout_seconds = OA_DEFAULT_TIMEOUT_SECONDS;
	cfg->connect_timeout_seconds = OA_DEFAULT_CONNECT_TIMEOUT_SECONDS;
	cfg->max_token_bytes = OA_DEFAULT_MAX_TOKEN_BYTES;
	cfg->leeway_seconds = OA_DEFAULT_LEEWAY_SECONDS;
	cfg->jwks_refresh_min_seconds = OA_DEFAULT_JWKS_REFRESH_MIN_SECONDS;
	cfg->jwks_stale_max_seconds = OA_DEFAULT_JWKS_STALE_MAX_SECONDS;
	cfg->cache_ttl_seconds = OA_DEFAULT_CACHE_TTL_SECONDS;
	cfg->negative_cache_ttl_seconds = OA_DEFAULT_NEGATIVE_CACHE_TTL_SECONDS;
	cfg->cache_max_entries = OA_DEFAULT_CACHE_MAX_ENTRIES;
	digest_arguments(argc, argv, cfg->options_digest);

	if (positional) {
		if (set_named(cfg, "userinfo", argv[0], seen, r) != OA_OK)
			return r->status;
		i = 1;
		if (argc > 1 && strchr(argv[1], '=') == NULL &&
		    find_option(argv[1], strlen(argv[1])) == NULL) {
			if (set_named(cfg, "username_claim", argv[1], seen, r) != OA_OK)
				return r->status;
			i = 2;
		}
	}

	for (; i < argc; i++) {
		const char *arg = argv[i];
		const char *eq = strchr(arg, '=');
		size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		const struct option_spec *opt = find_option(arg, name_len);

		if (opt != NULL) {
			if (set_option(cfg, opt, eq != NULL ? eq + 1 : NULL,
				       &seen[opt - options], r) != OA_OK)
				return r->status;
		} else if (eq != NULL && oa_policy_is_option(arg, name_len)) {
			if (oa_policy_add(&cfg->policy, arg, name_len, eq + 1, r) != OA_OK)
				return r->status;
		} else if (positional && eq != NULL) {
			if (add_required_claim(cfg, arg, name_len, r) != OA_OK)
				return r->status;
		} else {
			return oa_fail(r, OA_CONFIG, "unknown option \"%.*s\"",
				       (int)(name_len > 64 ? 64 : name_len), arg);
		}
	}

	if (oa_claim_path_check("username_claim", cfg->username_claim,
				strlen(cfg->username_claim), r) != OA_OK)
		return r->status;
	if (cfg->cache_arg != NULL) {
		if (strcmp(cfg->cache_arg, "off") != 0 && strcmp(cfg->cache_arg, "on") != 0)
			return oa_fail(r, OA_CONFIG, "cache: expected on or off, got \"%s\"",
				       cfg->cache_arg);
		cfg->cache_off = strcmp(cfg->cache_arg, "off") == 0;
	}
	if (cfg->username_map_casefold && cfg->username_map == NULL)
		return oa_fail(r, OA_CONFIG, "username_map_casefold applies to username_map=");
	if (check_jwt_options(cfg, r) != OA_OK ||
	    check_introspection_options(cfg, r) != OA_OK)
		return r->status;
	if (cfg->userinfo_url == NULL && cfg->introspection_url == NULL && !cfg->jwt)
		return oa_fail(r, OA_CONFIG,
			       "no token check configured: give issuer=, introspection= or userinfo=");
	/* The default connect_timeout gives way to a shorter timeout=; only
	 * the two given together can contradict each other. */
	if (!was_given(seen, "connect_timeout") &&
	    cfg->connect_timeout_seconds > cfg->timeout_seconds)
		cfg->connect_timeout_seconds = cfg->timeout_seconds;
	if (cfg->connect_timeout_seconds > cfg->timeout_seconds)
		return oa_fail(r, OA_CONFIG, "connect_timeout (%ld) is longer than timeout (%ld)",
			       cfg->connect_timeout_seconds, cfg->timeout_seconds);
	return OA_OK;
}
