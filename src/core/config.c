/* SPDX-License-Identifier: MIT */
/* The pam.d arguments: one option table, parsed and checked before any login work. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "file_trust.h"
#include "json.h"
#include "jwa.h"
#include "sha256.h"
#include "text.h"

enum option_kind {
	OPT_URL,     /* checked by oa_url_check into url_offset */
	OPT_NAME,    /* a claim name or similar printable word */
	OPT_FILE,    /* a readable regular file we trust (file_trust.h) */
	OPT_SECRET,  /* the same, and others may not read it */
	OPT_DIR,     /* a readable directory we trust */
	OPT_ABSPATH, /* an absolute path, checked when used */
	OPT_SECONDS, /* whole seconds from min to max */
	OPT_BYTES,   /* a size from min to max */
	OPT_COUNT,   /* a number from min to max */
	OPT_PROXY,
	OPT_PIN,  /* sha256//BASE64 public key hashes, ';'-separated */
	OPT_LIST, /* comma-separated printable words */
	OPT_WORD, /* one of `words`, stored as its index (an enum) */
	OPT_FLAG
};

struct option_spec {
	const char *name;
	enum option_kind kind;
	size_t offset; /* of the field in struct oa_config */
	size_t url_offset;
	unsigned long min, max;
	/* OPT_WORD: the values in the order of the field's enum; a NULL one
	 * is a state no argument can ask for (token_type not checked). */
	const char *const *words;
	size_t n_words;
	/* The value before the arguments are read, parsed as if given; NULL:
	 * unset (a flag: off). */
	const char *def;
};

static const char *const token_type_words[] = {
	[OA_TOKEN_TYPE_ANY] = NULL,
	[OA_TOKEN_TYPE_AT_JWT] = "at+jwt",
};
static const char *const client_auth_words[] = {
	[OA_CLIENT_AUTH_BASIC] = "basic",
	[OA_CLIENT_AUTH_POST] = "post",
};
static const char *const cache_words[] = {
	[OA_CACHE_ON] = "on",
	[OA_CACHE_OFF] = "off",
};

_Static_assert(sizeof(enum oa_token_type) == sizeof(int) &&
		       sizeof(enum oa_client_auth) == sizeof(int) &&
		       sizeof(enum oa_cache_mode) == sizeof(int),
	       "OPT_WORD fields are stored as int");

#define FIELD(f) offsetof(struct oa_config, f)
#define TEXT(x) TEXT_(x)
#define TEXT_(x) #x
/* A bounds.h constant as a default: the docs test reads it there. */
#define DEF(constant) TEXT(constant)
/* clang-format off */
#define URL(name, f, u) { name, OPT_URL, FIELD(f), FIELD(u), 0, 0, NULL, 0, NULL }
#define NUM(name, kind, f, lo, hi, def) { name, kind, FIELD(f), 0, lo, hi, NULL, 0, def }
#define WORD(name, f, w, def) \
	{ name, OPT_WORD, FIELD(f), 0, 0, 0, w, sizeof(w) / sizeof(w[0]), def }
#define OTHER(name, kind, f, def) { name, kind, FIELD(f), 0, 0, 0, NULL, 0, def }
/* clang-format on */

/* Name, kind, field, range, default: tests/docs/test_docs.sh reads the
 * names and the defaults here, one entry per line. */
static const struct option_spec options[] = {
	URL("userinfo", userinfo_url, userinfo),
	OTHER("username_claim", OPT_NAME, username_claim, "sub"),
	OTHER("username_map", OPT_FILE, username_map, NULL),
	OTHER("username_map_casefold", OPT_FLAG, username_map_casefold, NULL),
	NUM("issuer", OPT_NAME, issuer, 1, OA_MAX_URL_BYTES, NULL),
	URL("jwks_uri", jwks_uri, jwks),
	OTHER("jwks_file", OPT_FILE, jwks_file, NULL),
	OTHER("hmac_secret_file", OPT_SECRET, hmac_secret_file, NULL),
	OTHER("audience", OPT_LIST, audience_arg, NULL),
	OTHER("allow_any_audience", OPT_FLAG, allow_any_audience, NULL),
	OTHER("algorithms", OPT_LIST, algorithms_arg, NULL),
	NUM("leeway", OPT_SECONDS, leeway_seconds, 0, OA_MAX_LEEWAY_SECONDS, DEF(OA_DEFAULT_LEEWAY_SECONDS)),
	WORD("token_type", token_type, token_type_words, NULL),
	OTHER("introspection", OPT_NAME, introspection_url, NULL),
	OTHER("client_id", OPT_NAME, client_id, NULL),
	OTHER("client_secret_file", OPT_SECRET, client_secret_file, NULL),
	WORD("client_auth", client_auth, client_auth_words, "basic"),
	OTHER("introspect_jwt", OPT_FLAG, introspect_jwt, NULL),
	WORD("cache", cache, cache_words, "on"),
	OTHER("cache_dir", OPT_ABSPATH, cache_dir, NULL),
	NUM("cache_ttl", OPT_SECONDS, cache_ttl_seconds, 0, OA_MAX_CACHE_TTL_SECONDS, DEF(OA_DEFAULT_CACHE_TTL_SECONDS)),
	NUM("negative_cache_ttl", OPT_SECONDS, negative_cache_ttl_seconds, 0, OA_MAX_NEGATIVE_CACHE_TTL_SECONDS, DEF(OA_DEFAULT_NEGATIVE_CACHE_TTL_SECONDS)),
	NUM("cache_max_entries", OPT_COUNT, cache_max_entries, 1, OA_MAX_CACHE_MAX_ENTRIES, DEF(OA_DEFAULT_CACHE_MAX_ENTRIES)),
	NUM("jwks_refresh_min", OPT_SECONDS, jwks_refresh_min_seconds, 1, OA_MAX_JWKS_REFRESH_MIN_SECONDS, DEF(OA_DEFAULT_JWKS_REFRESH_MIN_SECONDS)),
	NUM("jwks_stale_max", OPT_SECONDS, jwks_stale_max_seconds, 0, OA_MAX_JWKS_STALE_MAX_SECONDS, DEF(OA_DEFAULT_JWKS_STALE_MAX_SECONDS)),
	NUM("timeout", OPT_SECONDS, timeout_seconds, 1, OA_MAX_TIMEOUT_SECONDS, DEF(OA_DEFAULT_TIMEOUT_SECONDS)),
	NUM("connect_timeout", OPT_SECONDS, connect_timeout_seconds, 1, OA_MAX_TIMEOUT_SECONDS, DEF(OA_DEFAULT_CONNECT_TIMEOUT_SECONDS)),
	OTHER("cafile", OPT_FILE, cafile, NULL),
	OTHER("capath", OPT_DIR, capath, NULL),
	OTHER("proxy", OPT_PROXY, proxy, NULL),
	OTHER("pinned_pubkey", OPT_PIN, pinned_pubkey, NULL),
	NUM("max_token_size", OPT_BYTES, max_token_bytes, 1, OA_MAX_TOKEN_BYTES_CEILING, DEF(OA_DEFAULT_MAX_TOKEN_BYTES)),
	OTHER("debug", OPT_FLAG, debug, NULL),
	OTHER("use_first_pass", OPT_FLAG, use_first_pass, NULL),
	OTHER("try_first_pass", OPT_FLAG, try_first_pass, NULL),
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

/* The index of `value` among an OPT_WORD option's words, or -1. */
static int
word_index(const struct option_spec *opt, const char *value)
{
	for (size_t i = 0; i < opt->n_words; i++)
		if (opt->words[i] != NULL && strcmp(opt->words[i], value) == 0)
			return (int)i;
	return -1;
}

/* "expected on or off", "expected at+jwt", "expected a, b or c". */
static enum oa_status
word_error(const struct option_spec *opt, const char *value, struct oa_result *r)
{
	char list[128] = "";
	size_t n = 0, said = 0;

	for (size_t i = 0; i < opt->n_words; i++)
		n += opt->words[i] != NULL;
	for (size_t i = 0; i < opt->n_words; i++) {
		size_t used = strlen(list);

		if (opt->words[i] == NULL)
			continue;
		/* clang-format off */
		snprintf(list + used, sizeof(list) - used, "%s%s",
			 said == 0 ? "" : said + 1 == n ? " or " : ", ", opt->words[i]);
		/* clang-format on */
		said++;
	}
	return oa_fail(r, OA_CONFIG, "%s: expected %s, got \"%.64s\"", opt->name, list, value);
}

/* Every file option, one rule (file_trust.h). */
static enum oa_status
check_path(const struct option_spec *opt, const char *path, struct oa_result *r)
{
	enum oa_file_kind kind = opt->kind == OPT_DIR    ? OA_FILE_DIR :
				 opt->kind == OPT_SECRET ? OA_FILE_SECRET :
							   OA_FILE_PLAIN;

	return oa_file_trust_path(opt->name, path, kind, r);
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
				       "several separated by ;",
				       opt->name);
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
	case OPT_WORD:
		if (word_index(opt, value) < 0)
			return word_error(opt, value, r);
		return OA_OK;
	case OPT_FLAG:
		return OA_OK;
	}
	return oa_fail(r, OA_CONFIG, "%s: unhandled option kind", opt->name);
}

/* Stores a checked value in the option's field. */
static void
store_value(struct oa_config *cfg, const struct option_spec *opt, const char *value)
{
	void *field = (char *)cfg + opt->offset;
	unsigned long n = 0;

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
	case OPT_WORD:
		/* Every enum of config.h is int-sized. */
		*(int *)field = word_index(opt, value);
		break;
	default:
		*(const char **)field = value;
		break;
	}
}

static enum oa_status
set_option(struct oa_config *cfg, const struct option_spec *opt,
	   const char *value, bool *seen, struct oa_result *r)
{
	if (*seen)
		return oa_fail(r, OA_CONFIG, "option %s given twice", opt->name);
	*seen = true;
	/* clang-format off */
	if ((opt->kind == OPT_FLAG) != (value == NULL))
		return oa_fail(r, OA_CONFIG, opt->kind == OPT_FLAG ?
			       "option %s is a flag and takes no value" :
			       "option %s needs a value (%s=...)", opt->name, opt->name);
	/* clang-format on */
	if (check_value(cfg, opt, value, r) != OA_OK)
		return r->status;
	store_value(cfg, opt, value);
	return OA_OK;
}

/* The defaults column: words and numbers only, never a file or a URL, so
 * nothing to check at run time; test_config checks each against its kind. */
static void
set_defaults(struct oa_config *cfg)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (options[i].def != NULL)
			store_value(cfg, &options[i], options[i].def);
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
	struct oa_result why;
	json_t *value;

	if (name_len == 0)
		return oa_fail(r, OA_CONFIG, "argument \"%s\" has an empty claim name", arg);
	if (cfg->n_required == OA_MAX_REQUIRED_CLAIMS)
		return oa_fail(r, OA_CONFIG, "more than %d required claims",
			       OA_MAX_REQUIRED_CLAIMS);
	/* Compared by JSON type, as claim_equals= is (json_equals.h). */
	oa_result_init(&why);
	if (oa_json_config_value(arg + name_len + 1, strlen(arg + name_len + 1), &value,
				 &why) != OA_OK)
		return oa_fail(r, why.status, "argument \"%s\": %s", arg, why.reason);
	json_decref(value);
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

/* Whether the arguments named option `name` (one of options[]). */
static bool
was_given(const bool *seen, const char *name)
{
	return seen[find_option(name, strlen(name)) - options];
}

/* The rules between options, once every argument is read. */
static enum oa_status
check_jwt_options(struct oa_config *cfg, const bool *seen, struct oa_result *r)
{
	unsigned hmac_algs = algorithm_set(true);

	cfg->jwt = cfg->issuer != NULL || cfg->jwks_uri != NULL ||
		   cfg->jwks_file != NULL || cfg->hmac_secret_file != NULL;
	if (!cfg->jwt) {
		if (cfg->audience_arg != NULL || cfg->allow_any_audience ||
		    cfg->algorithms_arg != NULL || was_given(seen, "token_type"))
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
check_introspection_options(struct oa_config *cfg, const bool *seen, struct oa_result *r)
{
	if (cfg->introspect_jwt && (!cfg->jwt || cfg->introspection_url == NULL))
		return oa_fail(r, OA_CONFIG,
			       "introspect_jwt needs issuer= (the local JWT check) and introspection= "
			       "(asked whether the token is still active)");
	if (cfg->introspection_url == NULL) {
		if (cfg->client_id != NULL || cfg->client_secret_file != NULL ||
		    was_given(seen, "client_auth"))
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

enum oa_status
oa_config_parse(int argc, const char *const *argv, struct oa_config *cfg,
		struct oa_result *r)
{
	bool seen[N_OPTIONS] = { false };
	bool positional = argc > 0 && is_http_url(argv[0]);
	int i = 0;

	memset(cfg, 0, sizeof(*cfg));
	oa_policy_init(&cfg->policy);
	set_defaults(cfg);
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
	if (cfg->use_first_pass && cfg->try_first_pass)
		return oa_fail(r, OA_CONFIG, "give use_first_pass or try_first_pass, not both");
	if (cfg->username_map_casefold && cfg->username_map == NULL)
		return oa_fail(r, OA_CONFIG, "username_map_casefold applies to username_map=");
	if (check_jwt_options(cfg, seen, r) != OA_OK ||
	    check_introspection_options(cfg, seen, r) != OA_OK)
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

/* The algorithms the verifier allows, whether given or the default set. */
static void
show_algorithms(unsigned set, char *out, size_t size)
{
	size_t used = 0;

	snprintf(out, size, "none");
	for (int a = 0; a < OA_ALG_COUNT; a++)
		if ((set & (1u << a)) != 0 && used < size) {
			int n = snprintf(out + used, size - used, "%s%s", used == 0 ? "" : ",",
					 oa_alg_name((enum oa_alg)a));

			used += n > 0 ? (size_t)n : 0;
		}
}

static void
show_option(const struct oa_config *cfg, const struct option_spec *opt,
	    char value[OA_CONFIG_SHOW_BYTES])
{
	const void *field = (const char *)cfg + opt->offset;

	switch (opt->kind) {
	case OPT_SECONDS:
		snprintf(value, OA_CONFIG_SHOW_BYTES, "%ld", *(const long *)field);
		return;
	case OPT_BYTES:
	case OPT_COUNT:
		snprintf(value, OA_CONFIG_SHOW_BYTES, "%zu", *(const size_t *)field);
		return;
	case OPT_FLAG:
		snprintf(value, OA_CONFIG_SHOW_BYTES, "%s", *(const bool *)field ? "on" : "off");
		return;
	case OPT_WORD: {
		int w = *(const int *)field;

		/* "?" only if a default is not one of the words (test_config). */
		snprintf(value, OA_CONFIG_SHOW_BYTES, "%s",
			 w < 0 || (size_t)w >= opt->n_words ? "?" :
			 opt->words[w] != NULL              ? opt->words[w] :
							      "none");
		return;
	}
	default:
		if (opt->offset == FIELD(algorithms_arg)) {
			show_algorithms(cfg->algorithms, value, OA_CONFIG_SHOW_BYTES);
			return;
		}
		/* Checked printable words when parsed: shown as given. */
		snprintf(value, OA_CONFIG_SHOW_BYTES, "%s",
			 *(const char *const *)field != NULL ? *(const char *const *)field : "none");
		return;
	}
}

bool
oa_config_show(const struct oa_config *cfg, size_t i, const char **name,
	       char value[OA_CONFIG_SHOW_BYTES])
{
	if (i < N_OPTIONS) {
		*name = options[i].name;
		show_option(cfg, &options[i], value);
		return true;
	}
	i -= N_OPTIONS;
	if (i < cfg->policy.n_rules) {
		const struct oa_rule *rule = &cfg->policy.rules[i];

		*name = oa_policy_rule_name(rule->kind);
		oa_text_escape(rule->value, strlen(rule->value), value, OA_CONFIG_SHOW_BYTES);
		return true;
	}
	i -= cfg->policy.n_rules;
	if (i < cfg->n_required) {
		const struct oa_required_claim *c = &cfg->required[i];
		char shown_name[OA_SHOWN_BYTES], shown_value[OA_SHOWN_BYTES * 4];

		/* Unchecked text from the positional form's claim=value. */
		*name = "required_claim";
		oa_text_escape(c->name, c->name_len, shown_name, sizeof(shown_name));
		oa_text_escape(c->value, strlen(c->value), shown_value, sizeof(shown_value));
		snprintf(value, OA_CONFIG_SHOW_BYTES, "%s=%s", shown_name, shown_value);
		return true;
	}
	return false;
}
