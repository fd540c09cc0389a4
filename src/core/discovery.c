/* SPDX-License-Identifier: MIT */
/* The issuer's discovery document, fetched, checked against issuer= and cached. */

#include "discovery.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cache_doc.h"
#include "fetch.h"
#include "json.h"
#include "url.h"

#define DISCOVERY_NS "discovery"

/* What the module and pg_oauth2_token read of the metadata: only this is
 * kept, the first time as every time after it from the cache. */
/* clang-format off */
static const char *const used_members[] = {
	"issuer", "jwks_uri", "introspection_endpoint", "token_endpoint",
	"device_authorization_endpoint",
};
/* clang-format on */

/* Where to look, in order: issuer + /.well-known/openid-configuration (OIDC);
 * /.well-known/oauth-authorization-server inserted before the issuer's path
 * (RFC 8414 section 3.1); and appended after it, as some servers publish.
 * Returns how many distinct URLs were written. */
static int
candidate_urls(const char *issuer, char urls[3][OA_MAX_URL_BYTES + 64])
{
	size_t len = strlen(issuer), scheme_len, path_at;
	int n = 0;

	while (len > 0 && issuer[len - 1] == '/')
		len--;
	scheme_len = strstr(issuer, "://") != NULL ? (size_t)(strstr(issuer, "://") - issuer) + 3 : 0;
	path_at = scheme_len + strcspn(issuer + scheme_len, "/");
	if (path_at > len)
		path_at = len;
	snprintf(urls[n++], sizeof(urls[0]), "%.*s/.well-known/openid-configuration",
		 (int)len, issuer);
	snprintf(urls[n++], sizeof(urls[0]), "%.*s/.well-known/oauth-authorization-server%.*s",
		 (int)path_at, issuer, (int)(len - path_at), issuer + path_at);
	if (path_at < len)
		snprintf(urls[n++], sizeof(urls[0]), "%.*s/.well-known/oauth-authorization-server",
			 (int)len, issuer);
	return n;
}

enum oa_status
oa_discovery_endpoint(const json_t *doc, const char *name, const char **url,
		      struct oa_result *r)
{
	const json_t *v = json_object_get(doc, name);
	struct oa_url parsed;

	*url = NULL;
	if (!json_is_string(v))
		return oa_fail(r, OA_UNAVAILABLE, "issuer metadata has no %s", name);
	if (oa_url_check(json_string_value(v), name, &parsed, r) != OA_OK) {
		r->status = OA_UNAVAILABLE; /* the issuer's data, not our config */
		return r->status;
	}
	*url = json_string_value(v);
	return OA_OK;
}

enum oa_status
oa_discovery_check_issuer(const json_t *doc, const char *issuer, const char *url,
			  struct oa_result *r)
{
	const json_t *named = json_object_get(doc, "issuer");

	if (!oa_json_string_equals(named, issuer, strlen(issuer)))
		return oa_fail(r, OA_UNAVAILABLE,
			       "issuer metadata at %s names another issuer: discarded", url);
	return OA_OK;
}

/* One candidate: fetched, and naming exactly our issuer.  *status is the
 * HTTP status, 0 when the issuer did not answer at all. */
static enum oa_status
fetch_one(struct oa_ctx *ctx, const char *url, json_t **doc, long *max_age,
	  long *status, struct oa_result *r)
{
	json_t *whole = NULL;

	*doc = NULL;
	oa_fetch_json(ctx, url, "issuer metadata", &whole, max_age, status, r);
	if (r->status == OA_OK &&
	    oa_discovery_check_issuer(whole, ctx->cfg->issuer, url, r) == OA_OK) {
		*doc = oa_json_pick(whole, used_members,
				    sizeof(used_members) / sizeof(used_members[0]));
		if (*doc == NULL)
			oa_fail(r, OA_INTERNAL, "out of memory");
	}
	json_decref(whole);
	return r->status;
}

enum oa_status
oa_discovery_get(struct oa_ctx *ctx, json_t **doc, struct oa_result *r)
{
	char urls[3][OA_MAX_URL_BYTES + 64];
	struct oa_doc_meta meta;
	json_t *cached = NULL;
	struct oa_result failure;
	bool failure_was_404 = false;
	long max_age = -1;
	int n = candidate_urls(ctx->cfg->issuer, urls);
	bool have_cached = oa_doc_cache_load(ctx, DISCOVERY_NS, ctx->cfg->issuer, &cached, &meta);

	*doc = NULL;
	if (have_cached && ctx->now < meta.entry.fresh_until) {
		*doc = cached;
		return OA_OK;
	}
	oa_result_init(&failure);
	for (int i = 0; i < n; i++) {
		struct oa_result attempt;
		long status;

		oa_result_init(&attempt);
		if (fetch_one(ctx, urls[i], doc, &max_age, &status, &attempt) == OA_OK) {
			oa_doc_cache_store(ctx, DISCOVERY_NS, ctx->cfg->issuer, *doc, max_age);
			json_decref(cached);
			return OA_OK;
		}
		/* Report the most telling failure: a document that exists but
		 * is wrong says more than the 404s of the other places. */
		if (failure.status == OA_OK || failure_was_404) {
			failure = attempt;
			failure_was_404 = status == 404;
		}
		/* A missing or wrong document is worth the next URL; a dead or
		 * slow issuer would just spend the time budget again. */
		if (status == 0)
			break;
	}
	if (have_cached) {
		oa_ctx_note(ctx, "using issuer metadata fetched %lld s ago: %s",
			    ctx->now - meta.fetched_at, failure.reason);
		oa_doc_cache_retry_later(ctx, DISCOVERY_NS, ctx->cfg->issuer, cached, &meta);
		*doc = cached;
		return OA_OK;
	}
	return oa_fail(r, failure.status, "discovery: %s", failure.reason);
}
