/* SPDX-License-Identifier: MIT */
/* The device authorization grant (RFC 8628) for pg_oauth2_token. */

#include "device_grant.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fetch.h"
#include "text.h"

/* RFC 8628 section 3.2: without "interval" the client waits 5 s between
 * polls; section 3.5: slow_down adds 5 s for this and every later poll. */
#define DEFAULT_INTERVAL_SECONDS 5
#define SLOW_DOWN_SECONDS 5
/* An issuer asking for longer waits than this is broken, not careful. */
#define MAX_INTERVAL_SECONDS 300
#define MAX_EXPIRES_IN_SECONDS 86400

#define DEVICE_CODE_GRANT "urn:ietf:params:oauth:grant-type:device_code"

static long long
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long long ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static const char *
visible_member(const json_t *doc, const char *name)
{
	const json_t *v = json_object_get(doc, name);

	if (!json_is_string(v) || !pt_is_visible_ascii(json_string_value(v), json_string_length(v)))
		return NULL;
	return json_string_value(v);
}

/* RFC 8628 section 3.2; the strings we show the user must be plain text,
 * or the issuer could write terminal escape sequences to the user's screen. */
static enum oa_status
parse_device_code(const json_t *doc, struct pt_device_code *dc, struct oa_result *r)
{
	const json_t *exp = json_object_get(doc, "expires_in");
	const json_t *interval = json_object_get(doc, "interval");

	dc->device_code = visible_member(doc, "device_code");
	dc->user_code = visible_member(doc, "user_code");
	dc->verification_uri = visible_member(doc, "verification_uri");
	dc->verification_uri_complete = visible_member(doc, "verification_uri_complete");
	if (dc->device_code == NULL || dc->user_code == NULL || dc->verification_uri == NULL)
		return oa_fail(r, OA_UNAVAILABLE,
			       "the device authorization answer lacks device_code, user_code or verification_uri, or one is not plain text");
	if (!json_is_integer(exp) || json_integer_value(exp) <= 0)
		return oa_fail(r, OA_UNAVAILABLE,
			       "the device authorization answer has no positive expires_in");
	dc->expires_in = json_integer_value(exp);
	if (dc->expires_in > MAX_EXPIRES_IN_SECONDS)
		dc->expires_in = MAX_EXPIRES_IN_SECONDS;
	dc->interval = DEFAULT_INTERVAL_SECONDS;
	if (json_is_integer(interval) && json_integer_value(interval) > 0)
		dc->interval = json_integer_value(interval);
	if (dc->interval > MAX_INTERVAL_SECONDS)
		dc->interval = MAX_INTERVAL_SECONDS;
	return OA_OK;
}

enum oa_status
pt_device_code_from_response(const struct oa_http_response *resp, struct pt_device_code *dc,
			     struct oa_result *r)
{
	json_t *doc = NULL;

	memset(dc, 0, sizeof(*dc));
	if (resp->status != 200) {
		struct oa_result ignored;
		const json_t *code = NULL;
		char shown[128] = "";

		oa_result_init(&ignored);
		if (oa_fetch_json_body(resp, "device authorization error", &doc, &ignored) == OA_OK &&
		    json_is_string(code = json_object_get(doc, "error")))
			oa_text_escape(json_string_value(code), json_string_length(code),
				       shown, sizeof(shown));
		json_decref(doc);
		return oa_fail(r, resp->status == 400 || resp->status == 401 ? OA_REJECTED : OA_UNAVAILABLE,
			       "the device authorization endpoint answered HTTP %ld%s%s", resp->status,
			       shown[0] != '\0' ? ": " : "", shown);
	}
	if (oa_fetch_json_body(resp, "device authorization answer", &doc, r) != OA_OK)
		return r->status;
	if (parse_device_code(doc, dc, r) != OA_OK) {
		json_decref(doc);
		memset(dc, 0, sizeof(*dc));
		return r->status;
	}
	dc->doc = doc;
	return OA_OK;
}

void
pt_device_code_free(struct pt_device_code *dc)
{
	/* The device_code is what polls for the token: as secret as one. */
	if (dc->doc != NULL)
		pt_json_wipe_strings(dc->doc);
	json_decref(dc->doc);
	memset(dc, 0, sizeof(*dc));
}

static enum oa_status
request_code(struct oa_ctx *ctx, const char *url, const struct pt_client *client,
	     const struct pt_target *target, struct pt_device_code *dc, struct oa_result *r)
{
	struct oa_form form = { 0 };
	struct oa_http_response resp;

	memset(dc, 0, sizeof(*dc));
	pt_target_add(target, true, &form);
	if (pt_client_post(ctx, url, client, &form, &resp, r) == OA_OK)
		pt_device_code_from_response(&resp, dc, r);
	oa_http_response_free(&resp);
	oa_form_wipe(&form);
	return r->status;
}

static void
tell_user(const struct pt_device_code *dc)
{
	fprintf(stderr, "To sign in, open %s in a browser and enter the code %s\n",
		dc->verification_uri, dc->user_code);
	if (dc->verification_uri_complete != NULL)
		fprintf(stderr, "(or open %s, which has the code in it)\n",
			dc->verification_uri_complete);
	fprintf(stderr, "Waiting for approval; the code expires in %lld s.\n", dc->expires_in);
	fflush(stderr);
}

/* One poll.  OA_OK with *done false: ask again after *interval. */
static enum oa_status
poll_once(struct oa_ctx *ctx, const char *token_url, const struct pt_client *client,
	  const struct pt_target *target, const struct pt_device_code *dc,
	  long long *interval, bool *done, struct pt_token *out, struct oa_result *r)
{
	struct oa_form form = { 0 };
	struct pt_token_reply reply;
	struct oa_result attempt;

	*done = false;
	oa_result_init(&attempt);
	oa_form_add(&form, "grant_type", DEVICE_CODE_GRANT, strlen(DEVICE_CODE_GRANT));
	oa_form_add(&form, "device_code", dc->device_code, strlen(dc->device_code));
	pt_target_add(target, false, &form);
	pt_token_request(ctx, token_url, client, &form, &reply, &attempt);
	oa_form_wipe(&form);
	switch (reply.answer) {
	case PT_GOT_TOKEN:
		*out = reply.token;
		*done = true;
		return OA_OK;
	case PT_NO_ANSWER:
		/* Section 3.5: a connection that fails or times out is retried
		 * with an exponential backoff, the user may still approve.  An
		 * HTTP answer that is not OAuth is a broken endpoint, not a
		 * network hiccup: waiting would not mend it. */
		if (reply.http_status == 0 && attempt.status == OA_UNAVAILABLE) {
			fprintf(stderr, "pg_oauth2_token: polling: %s; trying again\n", attempt.reason);
			/* clang-format off */
			*interval = *interval * 2 > MAX_INTERVAL_SECONDS ? MAX_INTERVAL_SECONDS
									 : *interval * 2;
			/* clang-format on */
			return OA_OK;
		}
		return oa_fail(r, attempt.status, "%s", attempt.reason);
	case PT_OAUTH_ERROR:
		break;
	}
	if (strcmp(reply.error, "authorization_pending") == 0)
		return OA_OK;
	if (strcmp(reply.error, "slow_down") == 0) {
		*interval += SLOW_DOWN_SECONDS;
		if (*interval > MAX_INTERVAL_SECONDS)
			*interval = MAX_INTERVAL_SECONDS;
		return OA_OK;
	}
	if (strcmp(reply.error, "access_denied") == 0)
		return oa_fail(r, OA_REJECTED, "the sign-in was refused (access_denied)");
	if (strcmp(reply.error, "expired_token") == 0)
		return oa_fail(r, OA_REJECTED,
			       "the code expired before it was approved (expired_token): run again for a new one");
	return oa_fail(r, OA_REJECTED, "the token endpoint refused the device code: %s%s%s",
		       reply.error, reply.description[0] != '\0' ? ": " : "",
		       reply.description);
}

enum oa_status
pt_device_grant(struct oa_ctx *ctx, const char *device_url, const char *token_url,
		const struct pt_client *client, const struct pt_target *target,
		struct pt_token *out, struct oa_result *r)
{
	struct pt_device_code dc = { 0 };
	long long deadline, interval;
	bool done = false;

	memset(out, 0, sizeof(*out));
	if (request_code(ctx, device_url, client, target, &dc, r) != OA_OK)
		return r->status;
	tell_user(&dc);
	deadline = monotonic_ms() + dc.expires_in * 1000;
	interval = dc.interval;
	while (!done) {
		long long left = deadline - monotonic_ms();

		if (left <= 0) {
			oa_fail(r, OA_REJECTED,
				"the code expired after %lld s without approval: run again for a new one",
				dc.expires_in);
			break;
		}
		sleep_ms(interval * 1000 < left ? interval * 1000 : left);
		if (poll_once(ctx, token_url, client, target, &dc, &interval, &done, out, r) != OA_OK)
			break;
	}
	pt_device_code_free(&dc);
	return r->status;
}
