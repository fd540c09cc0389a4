/* SPDX-License-Identifier: MIT */
/* pg_oauth2_token: an access token for PostgreSQL clients whose libpq has
 * no OAuth flow of its own (PostgreSQL 14-17), to be used as the password
 * pam_oauth2 checks.  The token goes to stdout or into a command's
 * PGPASSWORD, never to stderr, argv or a log. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "context.h"
#include "device_grant.h"
#include "discovery.h"
#include "options.h"
#include "secret_file.h"
#include "token_client.h"
#include "token_store.h"
#include "url.h"

#define CONNECT_TIMEOUT_SECONDS 10
#define KEY_BYTES (OA_MAX_URL_BYTES + PT_MAX_SCOPE_BYTES + PT_MAX_RESOURCE_BYTES + \
		   OA_MAX_CLAIM_NAME_BYTES + 64)

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "pg_oauth2_token: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int
exit_for(enum oa_status status)
{
	return status == OA_CONFIG ? PT_EXIT_USAGE : PT_EXIT_NO_TOKEN;
}

/* The client secret: a file only its owner can read, as ssh insists for
 * private keys, since anyone who reads it can get tokens as this client. */
static enum oa_status
read_client_secret(const char *path, struct pt_client *client, struct oa_result *r)
{
	if (oa_secret_read(path, "--client-secret-file", false, &client->secret, r) != OA_OK)
		return r->status;
	client->has_secret = true;
	return OA_OK;
}

/* Everything that makes a different token: a token for one scope, resource
 * or grant must never come back for another.  Neither the scope nor the
 * resource can hold a newline (options.c); the resource line is added only
 * when one is named, so entries made before --resource existed still
 * match. */
static void
cache_key(const struct pt_options *o, char *key, size_t size)
{
	snprintf(key, size, "pg_oauth2_token v1\n%s\n%s\n%s\n%s%s%s",
		 o->client_credentials ? "client_credentials" : "device_code",
		 o->issuer, o->client_id, o->scope != NULL ? o->scope : "",
		 o->resource != NULL ? "\nresource " : "", o->resource != NULL ? o->resource : "");
}

struct endpoints {
	json_t *doc;
	const char *token;
	const char *device; /* NULL unless the device grant is used */
};

static enum oa_status
discover(struct oa_ctx *ctx, bool device, struct endpoints *ep, struct oa_result *r)
{
	oa_ctx_init(ctx, ctx->cfg, ctx->cache);
	if (oa_discovery_get(ctx, &ep->doc, r) != OA_OK ||
	    oa_discovery_endpoint(ep->doc, "token_endpoint", &ep->token, r) != OA_OK)
		return r->status;
	if (device)
		oa_discovery_endpoint(ep->doc, "device_authorization_endpoint", &ep->device, r);
	return r->status;
}

/* RFC 6749 section 6.  A refresh answer without a refresh_token means the
 * old one stays valid (section 5.1 makes a new one optional). */
static enum oa_status
refresh(struct oa_ctx *ctx, const char *token_url, const struct pt_client *client,
	const struct pt_target *target, const char *refresh_token, struct pt_token *out,
	struct oa_result *r)
{
	struct oa_form form = { 0 };

	oa_form_add(&form, "grant_type", "refresh_token", 13);
	oa_form_add(&form, "refresh_token", refresh_token, strlen(refresh_token));
	pt_target_add(target, false, &form);
	pt_token_grant(ctx, token_url, client, &form, "refresh token", out, r);
	oa_form_wipe(&form);
	if (r->status == OA_OK && out->refresh_token == NULL) {
		out->refresh_token = strdup(refresh_token);
		if (out->refresh_token == NULL) {
			pt_token_free(out);
			return oa_fail(r, OA_INTERNAL, "out of memory");
		}
	}
	return r->status;
}

/* RFC 6749 section 4.4. */
static enum oa_status
client_credentials(struct oa_ctx *ctx, const char *token_url, const struct pt_client *client,
		   const struct pt_target *target, struct pt_token *out, struct oa_result *r)
{
	struct oa_form form = { 0 };

	oa_form_add(&form, "grant_type", "client_credentials", 18);
	pt_target_add(target, true, &form);
	pt_token_grant(ctx, token_url, client, &form, "client credentials grant", out, r);
	oa_form_wipe(&form);
	return r->status;
}

static void
say_waiting(void)
{
	say("another run is getting a token for the same sign-in; waiting for it");
}

/* A cached token valid for at least --min-validity from now. */
static bool
usable_as_is(const struct pt_token *cached, const struct pt_options *o, long long now)
{
	return cached->expires_at - o->min_validity_seconds > now;
}

static enum oa_status
get_token(struct oa_ctx *ctx, const struct pt_options *o, const struct pt_client *client,
	  const char *key, struct pt_token *out, struct oa_result *r)
{
	const struct pt_target target = { o->scope, o->resource };
	struct endpoints ep = { 0 };
	struct pt_token cached = { 0 };
	bool have_cached = ctx->cache != NULL && pt_store_load(ctx->cache, key, ctx->now, &cached);
	int lock = -1;

	memset(out, 0, sizeof(*out));
	if (have_cached && usable_as_is(&cached, o, ctx->now)) {
		*out = cached;
		return OA_OK;
	}
	if (ctx->cache != NULL) {
		lock = pt_store_lock(ctx->cache, say_waiting);
		/* The run that held the lock may have left what we need. */
		pt_token_free(&cached);
		ctx->now = (long long)time(NULL);
		have_cached = pt_store_load(ctx->cache, key, ctx->now, &cached);
		if (have_cached && usable_as_is(&cached, o, ctx->now)) {
			*out = cached;
			memset(&cached, 0, sizeof(cached));
			goto done;
		}
	}
	if (discover(ctx, !o->client_credentials, &ep, r) != OA_OK)
		goto done;
	if (have_cached && cached.refresh_token != NULL) {
		struct oa_result attempt;

		oa_result_init(&attempt);
		if (refresh(ctx, ep.token, client, &target, cached.refresh_token, out, &attempt) == OA_OK)
			goto got;
		/* Only the issuer's refusal ends a refresh token.  A token
		 * endpoint that is down or failing would fail a new sign-in
		 * too, and the refresh token may work on the next run. */
		if (attempt.status != OA_REJECTED) {
			oa_fail(r, attempt.status, "cannot refresh the token, kept for the next run: %s",
				attempt.reason);
			goto done;
		}
		say("the refresh token did not work (%s); signing in again", attempt.reason);
		pt_store_forget(ctx->cache, key, ctx->now);
	}
	if (o->client_credentials)
		client_credentials(ctx, ep.token, client, &target, out, r);
	else
		pt_device_grant(ctx, ep.device, ep.token, client, &target, out, r);
	if (r->status != OA_OK)
		goto done;
got:
	if (ctx->cache != NULL)
		pt_store_save(ctx->cache, key, out, ctx->now);
done:
	pt_store_unlock(lock);
	pt_token_free(&cached);
	json_decref(ep.doc);
	return r->status;
}

static int
deliver(const struct pt_options *o, struct pt_token *t)
{
	if (o->command != NULL) {
		/* The token reaches the command through its environment only:
		 * argv is readable by every user through /proc. */
		if (setenv("PGPASSWORD", t->access_token, 1) != 0) {
			say("cannot set PGPASSWORD: %s", strerror(errno));
			return PT_EXIT_NO_TOKEN;
		}
		pt_token_free(t);
		execvp(o->command[0], o->command);
		say("cannot run %s: %s", o->command[0], strerror(errno));
		return PT_EXIT_CANNOT_EXEC;
	}
	if (printf("%s\n", t->access_token) < 0 || fflush(stdout) != 0) {
		say("cannot write the token to stdout: %s", strerror(errno));
		return PT_EXIT_NO_TOKEN;
	}
	return PT_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct pt_options o;
	struct pt_client client = { 0 };
	struct oa_config cfg = { 0 };
	struct oa_cache cache = { .dirfd = -1 };
	struct oa_ctx ctx;
	struct oa_result r;
	struct oa_url issuer_url;
	struct pt_token token = { 0 };
	char key[KEY_BYTES], dir[OA_MAX_PATH_BYTES + 1];
	int rc;

	/* Tokens, refresh tokens and the client secret pass through this
	 * process: no core file of them.  psql, run after exec, is dumpable
	 * again as usual. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	switch (pt_options_parse(argc, argv, &o)) {
	case PT_PARSE_EXIT_OK: return PT_EXIT_OK;
	case PT_PARSE_USAGE: return PT_EXIT_USAGE;
	case PT_PARSE_RUN: break;
	}
	oa_result_init(&r);
	client.id = o.client_id;
	if (oa_url_check(o.issuer, "--issuer", &issuer_url, &r) != OA_OK ||
	    (o.client_secret_file != NULL && read_client_secret(o.client_secret_file, &client, &r) != OA_OK)) {
		say("%s", r.reason);
		return PT_EXIT_USAGE;
	}
	if (!o.no_cache) {
		if (!pt_store_default_dir(dir, sizeof(dir))) {
			say("%s", "cannot name a cache directory (set HOME or XDG_CACHE_HOME, or use --no-cache)");
			oa_secret_wipe(&client.secret);
			return PT_EXIT_USAGE;
		}
		if (pt_store_open(dir, &cache, &r) != OA_OK) {
			say("%s (or use --no-cache)", r.reason);
			oa_secret_wipe(&client.secret);
			return PT_EXIT_USAGE;
		}
	}
	cfg.issuer = o.issuer;
	cfg.timeout_seconds = o.timeout_seconds;
	/* clang-format off */
	cfg.connect_timeout_seconds = o.timeout_seconds < CONNECT_TIMEOUT_SECONDS
					      ? o.timeout_seconds : CONNECT_TIMEOUT_SECONDS;
	/* clang-format on */
	cfg.cafile = o.cafile;
	/* Discovery documents are cached beside the tokens, as the module
	 * caches them: fresh per the issuer's max-age, at least 5 minutes. */
	cfg.jwks_stale_max_seconds = OA_DEFAULT_JWKS_STALE_MAX_SECONDS;
	cfg.jwks_refresh_min_seconds = OA_DEFAULT_JWKS_REFRESH_MIN_SECONDS;
	oa_ctx_init(&ctx, &cfg, o.no_cache ? NULL : &cache);
	cache_key(&o, key, sizeof(key));

	if (get_token(&ctx, &o, &client, key, &token, &r) != OA_OK) {
		say("%s", r.reason);
		rc = exit_for(r.status);
	} else {
		rc = deliver(&o, &token);
	}
	pt_token_free(&token);
	oa_secret_wipe(&client.secret);
	oa_cache_close(&cache);
	return rc;
}
