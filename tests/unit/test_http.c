/* SPDX-License-Identifier: MIT */
/* oa_http_request against a fake libcurl (this file's oa_curl_api replaces
 * src/core/curl_api.c at link time): every option and query libcurl may
 * refuse, as an older libcurl or one built without a feature does, fails
 * the request closed, names what was refused, and sends nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "curl_api.h"
#include "http.h"

#define MAX_SEEN 64
#define FAKE_ERROR_TEXT "fake libcurl: not built in"

/* What the fake refuses, and what it was asked. */
static struct {
	CURLoption refuse_option; /* 0: none */
	CURLINFO refuse_info;     /* 0: none */
	CURLoption seen[MAX_SEEN];
	size_t n_seen;
	int performed, cleaned_up;
} fake;

static char fake_handle;

static CURL *
fake_easy_init(void)
{
	return &fake_handle;
}

static CURLcode
fake_easy_setopt(CURL *curl, CURLoption option, ...)
{
	assert_ptr_equal(curl, &fake_handle);
	if (fake.n_seen < MAX_SEEN)
		fake.seen[fake.n_seen++] = option;
	return option == fake.refuse_option ? CURLE_NOT_BUILT_IN : CURLE_OK;
}

static CURLcode
fake_easy_perform(CURL *curl)
{
	assert_ptr_equal(curl, &fake_handle);
	fake.performed++;
	return CURLE_OK;
}

static CURLcode
fake_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
	va_list ap;

	assert_ptr_equal(curl, &fake_handle);
	if (info == fake.refuse_info)
		return CURLE_UNKNOWN_OPTION;
	va_start(ap, info);
	if (info == CURLINFO_RESPONSE_CODE)
		*va_arg(ap, long *) = 200;
	else if (info == CURLINFO_CONTENT_TYPE)
		*va_arg(ap, const char **) = "application/json";
	va_end(ap);
	return CURLE_OK;
}

static void
fake_easy_cleanup(CURL *curl)
{
	if (curl != NULL)
		fake.cleaned_up++;
}

static const char *
fake_easy_strerror(CURLcode code)
{
	return code == CURLE_OK ? "no error" : FAKE_ERROR_TEXT;
}

const struct oa_curl_api *
oa_curl_api(struct oa_result *r)
{
	static const struct oa_curl_api api = {
		fake_easy_init, fake_easy_setopt, fake_easy_perform,
		fake_easy_getinfo, fake_easy_cleanup, fake_easy_strerror,
	};

	(void)r;
	return &api;
}

/* A POST with credentials through a proxy, with every TLS option: the
 * request that sets the most options. */
static enum oa_status
full_request(struct oa_http_response *resp, struct oa_result *r)
{
	static const char form[] = "token=x";
	const struct oa_http_request req = {
		.url = "https://idp.example/introspect",
		.auth_scheme = "Basic",
		.auth_value = "cGFtOnM=",
		.auth_value_len = 8,
		.form = form,
		.form_len = sizeof(form) - 1,
		.timeout_ms = 5000,
		.connect_timeout_ms = 2000,
		.timeout_seconds = 5,
		.cafile = "/etc/ssl/ca.pem",
		.capath = "/etc/ssl/certs",
		.proxy = "http://proxy.example:3128",
		.pinned_pubkey = "sha256//AAAA",
		.max_body_bytes = 1024,
	};

	oa_result_init(r);
	return oa_http_request(&req, resp, r);
}

static int
reset_fake(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	return 0;
}

#define OPTION(name) { name, #name }
/* The options a request must not go without: what is asked, of whom, whom
 * to trust, how long and how much, where answers may lead. */
static const struct {
	CURLoption option;
	const char *name;
} security_options[] = {
	OPTION(CURLOPT_URL),
	OPTION(CURLOPT_PROTOCOLS_STR),
	OPTION(CURLOPT_FOLLOWLOCATION),
	OPTION(CURLOPT_NOSIGNAL),
	OPTION(CURLOPT_TIMEOUT_MS),
	OPTION(CURLOPT_CONNECTTIMEOUT_MS),
	OPTION(CURLOPT_PROXY),
	OPTION(CURLOPT_NOPROXY),
	OPTION(CURLOPT_SUPPRESS_CONNECT_HEADERS),
	OPTION(CURLOPT_SSL_VERIFYPEER),
	OPTION(CURLOPT_SSL_VERIFYHOST),
	OPTION(CURLOPT_CAINFO),
	OPTION(CURLOPT_CAPATH),
	OPTION(CURLOPT_PINNEDPUBLICKEY),
	OPTION(CURLOPT_HTTPHEADER),
	OPTION(CURLOPT_MAXFILESIZE_LARGE),
	OPTION(CURLOPT_WRITEFUNCTION),
	OPTION(CURLOPT_POSTFIELDS),
	OPTION(CURLOPT_POSTFIELDSIZE_LARGE),
};

static void
test_http_request_made_when_libcurl_accepts_everything(void **state)
{
	struct oa_http_response resp;
	struct oa_result r;

	(void)state;
	assert_int_equal(full_request(&resp, &r), OA_OK);
	assert_int_equal(fake.performed, 1);
	assert_int_equal(fake.cleaned_up, 1);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.content_type, "application/json");
	assert_non_null(resp.body);
	oa_http_response_free(&resp);
}

static void
test_http_security_options_are_all_set(void **state)
{
	struct oa_http_response resp;
	struct oa_result r;

	(void)state;
	assert_int_equal(full_request(&resp, &r), OA_OK);
	oa_http_response_free(&resp);
	for (size_t i = 0; i < sizeof(security_options) / sizeof(security_options[0]); i++) {
		bool set = false;

		for (size_t j = 0; j < fake.n_seen; j++)
			set = set || fake.seen[j] == security_options[i].option;
		if (!set)
			fail_msg("%s is not set", security_options[i].name);
	}
}

/* Each of them refused in turn: the request fails closed, names it and
 * libcurl's reason, and is never performed. */
static void
test_http_refused_security_option_fails_closed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(security_options) / sizeof(security_options[0]); i++) {
		struct oa_http_response resp;
		struct oa_result r;
		char want[OA_REASON_BYTES];

		memset(&fake, 0, sizeof(fake));
		fake.refuse_option = security_options[i].option;
		snprintf(want, sizeof(want), "libcurl refused %s: " FAKE_ERROR_TEXT,
			 security_options[i].name);
		assert_int_equal(full_request(&resp, &r), OA_INTERNAL);
		assert_string_equal(r.reason, want);
		assert_int_equal(fake.performed, 0);
		assert_int_equal(fake.cleaned_up, 1);
		assert_null(resp.body);
		assert_null(resp.content_type);
	}
}

/* Not only those: whatever option the request sets, a refusal stops it. */
static void
test_http_any_refused_option_fails_closed(void **state)
{
	struct oa_http_response resp;
	struct oa_result r;
	CURLoption set[MAX_SEEN];
	size_t n_set;

	(void)state;
	assert_int_equal(full_request(&resp, &r), OA_OK);
	oa_http_response_free(&resp);
	n_set = fake.n_seen;
	memcpy(set, fake.seen, sizeof(set));
	assert_true(n_set > 0);
	for (size_t i = 0; i < n_set; i++) {
		memset(&fake, 0, sizeof(fake));
		fake.refuse_option = set[i];
		assert_int_equal(full_request(&resp, &r), OA_INTERNAL);
		assert_non_null(strstr(r.reason, "libcurl refused CURLOPT_"));
		assert_int_equal(fake.performed, 0);
	}
}

static void
test_http_refused_query_fails_closed(void **state)
{
	static const struct {
		CURLINFO info;
		const char *reason;
	} queries[] = {
		{ CURLINFO_RESPONSE_CODE, "libcurl refused CURLINFO_RESPONSE_CODE: " FAKE_ERROR_TEXT },
		{ CURLINFO_CONTENT_TYPE, "libcurl refused CURLINFO_CONTENT_TYPE: " FAKE_ERROR_TEXT },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		struct oa_http_response resp;
		struct oa_result r;

		memset(&fake, 0, sizeof(fake));
		fake.refuse_info = queries[i].info;
		assert_int_equal(full_request(&resp, &r), OA_INTERNAL);
		assert_string_equal(r.reason, queries[i].reason);
		assert_null(resp.body);
		assert_int_equal(fake.cleaned_up, 1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_http_request_made_when_libcurl_accepts_everything,
				       reset_fake),
		cmocka_unit_test_setup(test_http_security_options_are_all_set, reset_fake),
		cmocka_unit_test_setup(test_http_refused_security_option_fails_closed, reset_fake),
		cmocka_unit_test_setup(test_http_any_refused_option_fails_closed, reset_fake),
		cmocka_unit_test_setup(test_http_refused_query_fails_closed, reset_fake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
