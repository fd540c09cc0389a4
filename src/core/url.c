/* SPDX-License-Identifier: MIT */
/* Issuer URL checks: https only, plain http only to loopback. */

#include "url.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"

static bool
is_port(const char *s, size_t len)
{
	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool
oa_host_is_loopback(const char *host)
{
	struct in_addr v4;
	struct in6_addr v6;
	char inner[64];
	size_t len = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	if (len > 2 && len - 2 < sizeof(inner) && host[0] == '[' &&
	    host[len - 1] == ']') {
		memcpy(inner, host + 1, len - 2);
		inner[len - 2] = '\0';
		return inet_pton(AF_INET6, inner, &v6) == 1 &&
		       memcmp(&v6, &in6addr_loopback, sizeof(v6)) == 0;
	}
	return false;
}

enum oa_status
oa_url_check(const char *url, const char *what, struct oa_url *out,
	     struct oa_result *r)
{
	const char *authority, *end, *host_end;
	size_t len = strlen(url), host_len;

	memset(out, 0, sizeof(*out));
	if (len == 0 || len > OA_MAX_URL_BYTES)
		return oa_fail(r, OA_CONFIG, "%s: URL is empty or longer than %d bytes",
			       what, OA_MAX_URL_BYTES);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
			return oa_fail(r, OA_CONFIG,
				       "%s: URL contains a space or a control or non-ASCII character",
				       what);
	if (strncasecmp(url, "https://", 8) == 0) {
		out->https = true;
		authority = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		authority = url + 7;
	} else {
		return oa_fail(r, OA_CONFIG, "%s: URL must start with https://", what);
	}
	end = authority + strcspn(authority, "/?#");
	if (strchr(url, '#') != NULL)
		return oa_fail(r, OA_CONFIG, "%s: URL must not have a #fragment", what);
	if (memchr(authority, '@', (size_t)(end - authority)) != NULL)
		return oa_fail(r, OA_CONFIG,
			       "%s: URL must not carry credentials (user@host)", what);
	if (*authority == '[') {
		const char *close = memchr(authority, ']', (size_t)(end - authority));
		if (close == NULL)
			return oa_fail(r, OA_CONFIG, "%s: URL has an unclosed [IPv6] host", what);
		host_end = close + 1;
	} else {
		host_end = memchr(authority, ':', (size_t)(end - authority));
		if (host_end == NULL)
			host_end = end;
	}
	host_len = (size_t)(host_end - authority);
	if (host_len == 0 || host_len >= sizeof(out->host))
		return oa_fail(r, OA_CONFIG, "%s: URL has no host or a host too long", what);
	if (host_end != end &&
	    (*host_end != ':' || !is_port(host_end + 1, (size_t)(end - host_end - 1))))
		return oa_fail(r, OA_CONFIG, "%s: URL has a malformed port", what);
	memcpy(out->host, authority, host_len);
	out->host[host_len] = '\0';
	out->loopback = oa_host_is_loopback(out->host);
	if (!out->https && !out->loopback)
		return oa_fail(r, OA_CONFIG,
			       "%s: plain http is allowed only to loopback hosts; use https://%s",
			       what, out->host);
	return OA_OK;
}
