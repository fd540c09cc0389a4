#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum option_kind { OPT_URL, OPT_NAME, OPT_FILE, OPT_DIR, OPT_SECONDS,
		   OPT_BYTES, OPT_PROXY, OPT_FLAG };

struct option_spec {
	const char *name;
	enum option_kind kind;
	size_t offset; /* of the field in struct oa_config */
};

#define FIELD(f) offsetof(struct oa_config, f)

static const struct option_spec options[] = {
	{ "userinfo", OPT_URL, FIELD(userinfo_url) },
	{ "username_claim", OPT_NAME, FIELD(username_claim) },
	{ "timeout", OPT_SECONDS, FIELD(timeout_seconds) },
	{ "connect_timeout", OPT_SECONDS, FIELD(connect_timeout_seconds) },
	{ "cafile", OPT_FILE, FIELD(cafile) },
	{ "capath", OPT_DIR, FIELD(capath) },
	{ "proxy", OPT_PROXY, FIELD(proxy) },
	{ "max_token_size", OPT_BYTES, FIELD(max_token_bytes) },
	{ "debug", OPT_FLAG, FIELD(debug) },
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

static enum oa_status
check_path(const char *name, const char *path, bool want_dir,
	   struct oa_result *r)
{
	struct stat st;

	if (*path == '\0' || strlen(path) > OA_MAX_PATH_BYTES)
		return oa_fail(r, OA_CONFIG, "%s: empty or overlong path", name);
	if (stat(path, &st) != 0 || access(path, R_OK) != 0)
		return oa_fail(r, OA_CONFIG, "%s: cannot read %s: %s", name, path,
			       strerror(errno));
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		return oa_fail(r, OA_CONFIG, "%s: %s is not a %s", name, path,
			       want_dir ? "directory" : "regular file");
	return OA_OK;
}

static enum oa_status
set_option(struct oa_config *cfg, const struct option_spec *opt,
	   const char *value, bool *seen, struct oa_result *r)
{
	char *field = (char *)cfg + opt->offset;
	unsigned long n;

	if (*seen)
		return oa_fail(r, OA_CONFIG, "option %s given twice", opt->name);
	*seen = true;
	if ((opt->kind == OPT_FLAG) != (value == NULL))
		return oa_fail(r, OA_CONFIG, opt->kind == OPT_FLAG ?
			       "option %s is a flag and takes no value" :
			       "option %s needs a value (%s=...)", opt->name, opt->name);

	switch (opt->kind) {
	case OPT_URL:
		if (oa_url_check(value, opt->name, &cfg->userinfo, r) != OA_OK)
			return r->status;
		break;
	case OPT_NAME:
		if (*value == '\0' || strlen(value) > OA_MAX_CLAIM_NAME_BYTES ||
		    !is_printable_word(value))
			return oa_fail(r, OA_CONFIG, "%s: must be 1 to %d printable characters",
				       opt->name, OA_MAX_CLAIM_NAME_BYTES);
		break;
	case OPT_FILE:
	case OPT_DIR:
		if (check_path(opt->name, value, opt->kind == OPT_DIR, r) != OA_OK)
			return r->status;
		break;
	case OPT_PROXY:
		if (strstr(value, "://") == NULL || !is_printable_word(value) ||
		    strlen(value) > OA_MAX_URL_BYTES)
			return oa_fail(r, OA_CONFIG, "%s: expected a URL such as http://proxy:3128",
				       opt->name);
		break;
	case OPT_SECONDS:
		if (!parse_decimal(value, OA_MAX_TIMEOUT_SECONDS, &n) || n == 0)
			return oa_fail(r, OA_CONFIG, "%s: expected whole seconds from 1 to %d, got \"%s\"",
				       opt->name, OA_MAX_TIMEOUT_SECONDS, value);
		*(long *)(void *)field = (long)n;
		return OA_OK;
	case OPT_BYTES:
		if (!parse_decimal(value, OA_MAX_TOKEN_BYTES_CEILING, &n) || n == 0)
			return oa_fail(r, OA_CONFIG, "%s: expected bytes from 1 to %d, got \"%s\"",
				       opt->name, OA_MAX_TOKEN_BYTES_CEILING, value);
		*(size_t *)(void *)field = n;
		return OA_OK;
	case OPT_FLAG:
		*(bool *)(void *)field = true;
		return OA_OK;
	}
	*(const char **)(void *)field = value;
	return OA_OK;
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

static enum oa_status
set_named(struct oa_config *cfg, const char *name, const char *value,
	  bool *seen, struct oa_result *r)
{
	const struct option_spec *opt = find_option(name, strlen(name));

	return set_option(cfg, opt, value, &seen[opt - options], r);
}

static bool
is_http_url(const char *s)
{
	return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

enum oa_status
oa_config_parse(int argc, const char *const *argv, struct oa_config *cfg,
		struct oa_result *r)
{
	bool seen[N_OPTIONS] = { false };
	bool positional = argc > 0 && is_http_url(argv[0]);
	int i = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->username_claim = "sub";
	cfg->timeout_seconds = OA_DEFAULT_TIMEOUT_SECONDS;
	cfg->connect_timeout_seconds = OA_DEFAULT_CONNECT_TIMEOUT_SECONDS;
	cfg->max_token_bytes = OA_DEFAULT_MAX_TOKEN_BYTES;

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
		} else if (positional && eq != NULL) {
			if (add_required_claim(cfg, arg, name_len, r) != OA_OK)
				return r->status;
		} else {
			return oa_fail(r, OA_CONFIG, "unknown option \"%.*s\"",
				       (int)(name_len > 64 ? 64 : name_len), arg);
		}
	}

	if (cfg->userinfo_url == NULL)
		return oa_fail(r, OA_CONFIG,
			       "no token check configured: give userinfo=URL (or the URL first)");
	if (cfg->connect_timeout_seconds > cfg->timeout_seconds)
		return oa_fail(r, OA_CONFIG, "connect_timeout (%ld) is longer than timeout (%ld)",
			       cfg->connect_timeout_seconds, cfg->timeout_seconds);
	return OA_OK;
}
