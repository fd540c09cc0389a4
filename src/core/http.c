/* SPDX-License-Identifier: MIT */
/* The one HTTP request path: bounded in time and size, no redirects, no environment. */

#include "http.h"

#include "curl_api.h"
#include "url.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define USER_AGENT "pam_oauth2/" PAM_OAUTH2_VERSION

struct body_sink {
	struct oa_http_response *resp;
	size_t cap;
	size_t alloc;
	bool over_cap;
};

static size_t
write_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct body_sink *sink = userdata;
	struct oa_http_response *resp = sink->resp;
	size_t n = size * nmemb;

	if (n > sink->cap - resp->body_len) {
		sink->over_cap = true;
		return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
	}
	if (resp->body_len + n + 1 > sink->alloc) {
		size_t want = sink->alloc == 0 ? 4096 : sink->alloc;
		char *p;

		while (want < resp->body_len + n + 1)
			want *= 2;
		if (want > sink->cap + 1)
			want = sink->cap + 1;
		/* Not realloc: the old block may hold a token (a token
		 * endpoint's answer) and is wiped before it is freed. */
		p = malloc(want);
		if (p == NULL)
			return 0;
		if (resp->body != NULL) {
			memcpy(p, resp->body, resp->body_len);
			explicit_bzero(resp->body, sink->alloc);
			free(resp->body);
		}
		resp->body = p;
		sink->alloc = want;
	}
	memcpy(resp->body + resp->body_len, data, n);
	resp->body_len += n;
	resp->body[resp->body_len] = '\0';
	return n;
}

/* Cache-Control (RFC 9111 section 5.2.2): max-age=N, or no-cache/no-store
 * meaning "do not reuse without asking".  The smallest directive wins when a
 * server sends several headers. */
static void
read_cache_control(struct oa_http_response *resp, char *value)
{
	long age = -1;

	for (char *p = value; *p != '\0';) {
		size_t len;

		p += strspn(p, " \t,\r\n");
		len = strcspn(p, " \t,\r\n");
		if (len == 0)
			break;
		if ((len == 8 && strncasecmp(p, "no-cache", 8) == 0) ||
		    (len == 8 && strncasecmp(p, "no-store", 8) == 0))
			age = 0;
		else if (len > 8 && strncasecmp(p, "max-age=", 8) == 0 && age != 0) {
			char *end;
			long v = strtol(p + 8, &end, 10);

			if (end == p + len && v >= 0)
				age = v;
		}
		p += len;
	}
	if (age >= 0 && (resp->max_age < 0 || age < resp->max_age))
		resp->max_age = age;
}

/* WWW-Authenticate: Bearer ... error="CODE" (RFC 6750 section 3.1): only
 * the registered codes are kept, never error_description, which is the
 * issuer's free text and might echo anything. */
static void
read_bearer_error(struct oa_http_response *resp, const char *value)
{
	static const char *const codes[] = { "invalid_request", "invalid_token",
					     "insufficient_scope" };
	const char *p = strstr(value, "error=\"");

	/* error_description=" and error_uri=" also contain error=": skip
	 * matches preceded by a letter or '_'. */
	while (p != NULL && p > value && (p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z')))
		p = strstr(p + 1, "error=\"");
	if (p == NULL)
		return;
	p += 7;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		size_t len = strlen(codes[i]);

		if (strncmp(p, codes[i], len) == 0 && p[len] == '"') {
			snprintf(resp->bearer_error, sizeof(resp->bearer_error), "%s", codes[i]);
			return;
		}
	}
}

static size_t
read_header(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct oa_http_response *resp = userdata;
	size_t n = size * nmemb;
	static const char cache_control[] = "cache-control:";
	static const char www_authenticate[] = "www-authenticate:";
	char line[512];

	/* A status line starts another response's headers (a 1xx, or a
	 * proxy's CONNECT reply should libcurl pass one on): only the final
	 * answer's count. */
	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		resp->max_age = -1;
		resp->bearer_error[0] = '\0';
		return n;
	}
	if (n >= sizeof(line))
		return n;
	memcpy(line, data, n);
	line[n] = '\0';
	if (strncasecmp(line, cache_control, sizeof(cache_control) - 1) == 0)
		read_cache_control(resp, line + sizeof(cache_control) - 1);
	else if (strncasecmp(line, www_authenticate, sizeof(www_authenticate) - 1) == 0)
		read_bearer_error(resp, line + sizeof(www_authenticate) - 1);
	return n;
}

/* libcurl asks this at least once a second while it waits, and at once
 * when a signal interrupts its poll: the host's own interrupt flags are
 * read here, never acted on (no longjmp out of libcurl). */
static int
ask_abort(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
	  curl_off_t ulnow)
{
	const struct oa_http_request *req = userdata;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return req->abort_requested(req->abort_arg) ? 1 : 0;
}

static enum oa_status
transfer_failure(const struct oa_curl_api *api, CURLcode rc, const char *detail,
		 const struct body_sink *sink, const struct oa_http_request *req,
		 struct oa_result *r)
{
	const char *why = detail[0] != '\0' ? detail : api->easy_strerror(rc);

	if (sink->over_cap || rc == CURLE_FILESIZE_EXCEEDED)
		return oa_fail(r, OA_UNAVAILABLE, "issuer's answer is over %zu bytes",
			       req->max_body_bytes);
	if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
		return oa_fail(r, OA_UNAVAILABLE,
			       "issuer's TLS public key does not match pinned_pubkey=");
	switch (rc) {
	case CURLE_ABORTED_BY_CALLBACK:
		return oa_fail(r, OA_UNAVAILABLE, "request to the issuer interrupted by the host");
	case CURLE_OPERATION_TIMEDOUT:
		return oa_fail(r, OA_UNAVAILABLE, "issuer did not answer within %lds: %s",
			       req->timeout_seconds, why);
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return oa_fail(r, OA_UNAVAILABLE, "cannot reach issuer: %s", why);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
		return oa_fail(r, OA_UNAVAILABLE, "TLS with the issuer failed: %s", why);
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		return oa_fail(r, OA_UNAVAILABLE, "issuer's answer was cut short: %s", why);
	default:
		return oa_fail(r, OA_UNAVAILABLE, "no usable answer from issuer: %s", why);
	}
}

/* Every libcurl call's result is checked: libcurl is loaded at run time and
 * may be older than the headers it was built against, or built without a
 * feature, and an option it refuses (a pin, cafile=, the protocol list, a
 * timeout) would otherwise silently not apply.  The first refusal is kept;
 * the request is then not made. */
struct easy_calls {
	const struct oa_curl_api *api;
	CURL *curl;
	const char *refused; /* e.g. "CURLOPT_PINNEDPUBLICKEY", NULL: none yet */
	CURLcode rc;
};

static void
checked(struct easy_calls *easy, CURLcode rc, const char *name)
{
	if (rc != CURLE_OK && easy->refused == NULL) {
		easy->refused = name;
		easy->rc = rc;
	}
}

#define SETOPT(easy, option, value) \
	checked((easy), (easy)->api->easy_setopt((easy)->curl, option, value), #option)
#define GETINFO(easy, info, out) \
	checked((easy), (easy)->api->easy_getinfo((easy)->curl, info, out), #info)

/* The answer outlives the handle: its Content-Type is copied, and an empty
 * body is still a string. */
static enum oa_status
keep_answer(struct oa_http_response *resp, const char *content_type, struct oa_result *r)
{
	if (content_type != NULL && (resp->content_type = strdup(content_type)) == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	if (resp->body == NULL && (resp->body = calloc(1, 1)) == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	return OA_OK;
}

/* "Authorization: <scheme> <value>" in memory we own, so it can be wiped; a
 * list from curl_slist_append would be freed with the secret still in it. */
static char *
authorization_header(const struct oa_http_request *req, size_t *len)
{
	static const char name[] = "Authorization: ";
	size_t scheme_len = strlen(req->auth_scheme);
	char *h;

	*len = sizeof(name) - 1 + scheme_len + 1 + req->auth_value_len;
	h = malloc(*len + 1);
	if (h == NULL)
		return NULL;
	memcpy(h, name, sizeof(name) - 1);
	memcpy(h + sizeof(name) - 1, req->auth_scheme, scheme_len);
	h[sizeof(name) - 1 + scheme_len] = ' ';
	memcpy(h + sizeof(name) + scheme_len, req->auth_value, req->auth_value_len);
	h[*len] = '\0';
	return h;
}

/* A proxy would reach "loopback" on its own host, not ours, and plain
 * http is allowed to loopback only because nobody else sees it on the
 * wire: such a request never goes through proxy=. */
static bool
goes_to_loopback(const char *url)
{
	struct oa_url u;
	struct oa_result ignored;

	oa_result_init(&ignored);
	return oa_url_check(url, "url", &u, &ignored) == OA_OK && u.loopback;
}

enum oa_status
oa_http_request(const struct oa_http_request *req, struct oa_http_response *resp,
		struct oa_result *r)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct body_sink sink = { resp, req->max_body_bytes, 0, false };
	struct curl_slist accept_header = { (char *)"Accept: application/json", NULL };
	struct curl_slist auth_header = { NULL, &accept_header };
	size_t auth_len = 0;
	struct curl_slist *headers = &accept_header;
	char *content_type = NULL;
	const struct oa_curl_api *api;
	struct easy_calls easy = { NULL, NULL, NULL, CURLE_OK };
	enum oa_status status;
	CURLcode rc = CURLE_OK;
	CURL *curl;

	memset(resp, 0, sizeof(*resp));
	resp->max_age = -1;
	if (req->timeout_ms <= 0)
		return oa_fail(r, OA_UNAVAILABLE, "no time left of timeout=%lds for a request",
			       req->timeout_seconds);
	api = oa_curl_api(r);
	if (api == NULL)
		return r->status;
	curl = api->easy_init();
	if (req->auth_scheme != NULL) {
		auth_header.data = authorization_header(req, &auth_len);
		headers = &auth_header;
	}
	if (curl == NULL || (req->auth_scheme != NULL && auth_header.data == NULL)) {
		api->easy_cleanup(curl);
		free(auth_header.data);
		return oa_fail(r, OA_INTERNAL, "out of memory");
	}
	easy.api = api;
	easy.curl = curl;

	SETOPT(&easy, CURLOPT_URL, req->url);
	SETOPT(&easy, CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(&easy, CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(&easy, CURLOPT_NOSIGNAL, 1L);
	SETOPT(&easy, CURLOPT_TIMEOUT_MS, req->timeout_ms);
	SETOPT(&easy, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
	/* An empty proxy string turns off http_proxy, https_proxy and
	 * all_proxy from the host process's environment; an empty no-proxy
	 * list, no_proxy and NO_PROXY, which libcurl reads whatever the proxy
	 * and which would send a request meant for proxy= around it. */
	SETOPT(&easy, CURLOPT_PROXY,
	       req->proxy != NULL && !goes_to_loopback(req->url) ? req->proxy : "");
	SETOPT(&easy, CURLOPT_NOPROXY, "");
	/* The headers of a proxy's CONNECT reply are the proxy's, not the
	 * issuer's: read_header must not take their Cache-Control. */
	SETOPT(&easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	SETOPT(&easy, CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(&easy, CURLOPT_SSL_VERIFYHOST, 2L);
	if (req->cafile != NULL)
		SETOPT(&easy, CURLOPT_CAINFO, req->cafile);
	if (req->capath != NULL)
		SETOPT(&easy, CURLOPT_CAPATH, req->capath);
	if (req->pinned_pubkey != NULL)
		SETOPT(&easy, CURLOPT_PINNEDPUBLICKEY, req->pinned_pubkey);
	SETOPT(&easy, CURLOPT_HTTPHEADER, headers);
	SETOPT(&easy, CURLOPT_HEADERFUNCTION, read_header);
	SETOPT(&easy, CURLOPT_HEADERDATA, resp);
	SETOPT(&easy, CURLOPT_USERAGENT, USER_AGENT);
	SETOPT(&easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)req->max_body_bytes);
	SETOPT(&easy, CURLOPT_WRITEFUNCTION, write_body);
	SETOPT(&easy, CURLOPT_WRITEDATA, &sink);
	SETOPT(&easy, CURLOPT_ERRORBUFFER, errbuf);
	if (req->abort_requested != NULL) {
		SETOPT(&easy, CURLOPT_XFERINFOFUNCTION, ask_abort);
		SETOPT(&easy, CURLOPT_XFERINFODATA, (void *)req);
		SETOPT(&easy, CURLOPT_NOPROGRESS, 0L);
	}
	if (req->form != NULL) {
		/* Not copied by libcurl: the caller's buffer, wiped by the caller. */
		SETOPT(&easy, CURLOPT_POSTFIELDS, req->form);
		SETOPT(&easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->form_len);
	}

	if (easy.refused == NULL) {
		rc = api->easy_perform(curl);
		if (rc == CURLE_OK) {
			GETINFO(&easy, CURLINFO_RESPONSE_CODE, &resp->status);
			GETINFO(&easy, CURLINFO_CONTENT_TYPE, &content_type);
		}
	}
	if (auth_header.data != NULL) {
		explicit_bzero(auth_header.data, auth_len);
		free(auth_header.data);
	}

	if (easy.refused != NULL)
		status = oa_fail(r, OA_INTERNAL, "libcurl refused %s: %s", easy.refused,
				 api->easy_strerror(easy.rc));
	else if (rc != CURLE_OK)
		status = transfer_failure(api, rc, errbuf, &sink, req, r);
	else
		status = keep_answer(resp, content_type, r);
	api->easy_cleanup(curl);
	if (status != OA_OK)
		oa_http_response_free(resp);
	return status;
}

void
oa_http_response_free(struct oa_http_response *resp)
{
	free(resp->content_type);
	if (resp->body != NULL)
		explicit_bzero(resp->body, resp->body_len);
	free(resp->body);
	memset(resp, 0, sizeof(*resp));
}
