/* SPDX-License-Identifier: MIT */
/* pam_oauth2_check's output: the steps, the claims and the verdict. */

#include "check_report.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

/* Claims that RFC 7519 and OIDC define as seconds since the epoch. */
static const char *const time_claims[] = { "exp", "nbf", "iat", "auth_time", "updated_at" };

int
check_report_exit_code(enum oa_status status)
{
	switch (status) {
	case OA_OK:
		return 0;
	case OA_CONFIG:
		return 2;
	case OA_REJECTED:
	case OA_UNAVAILABLE:
	case OA_INTERNAL:
		break;
	}
	return 1;
}

static const char *
verdict_word(enum oa_status status)
{
	switch (status) {
	case OA_OK:
		return "accepted";
	case OA_REJECTED:
	case OA_UNAVAILABLE:
	case OA_INTERNAL:
		break;
	case OA_CONFIG:
		return "error";
	}
	return "refused";
}

/* "2026-11-29 06:00:00 UTC, in 4 min 58 s" */
static void
describe_time(long long when, long long now, char *out, size_t size)
{
	time_t t = (time_t)when;
	struct tm tm;
	char stamp[40] = "?";
	long long d = when > now ? when - now : now - when;

	if (gmtime_r(&t, &tm) != NULL)
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S UTC", &tm);
	const char *pre = when > now ? "in " : "", *post = when > now ? "" : " ago";

	if (d < 60)
		snprintf(out, size, "%s, %s%lld s%s", stamp, pre, d, post);
	else if (d < 3600)
		snprintf(out, size, "%s, %s%lld min %lld s%s", stamp, pre, d / 60, d % 60, post);
	else if (d < 86400)
		snprintf(out, size, "%s, %s%lld h %lld min%s", stamp, pre, d / 3600,
			 d % 3600 / 60, post);
	else
		snprintf(out, size, "%s, %s%lld days%s", stamp, pre, d / 86400, post);
}

static void
print_times(FILE *out, const json_t *claims, long long now)
{
	for (size_t i = 0; i < sizeof(time_claims) / sizeof(time_claims[0]); i++) {
		const json_t *v = json_object_get(claims, time_claims[i]);
		char when[96];

		if (!json_is_integer(v))
			continue;
		describe_time(json_integer_value(v), now, when, sizeof(when));
		fprintf(out, "  %-10s %s\n", time_claims[i], when);
	}
}

void
check_report_text(FILE *out, const struct check_report *rep)
{
	const struct oa_verdict *v = rep->verdict;
	const struct oa_trace *t = rep->trace;
	size_t width = 0;

	fprintf(out, "user:    %s\noptions: %s\n\nsteps:\n", rep->user, rep->options_from);
	for (size_t i = 0; i < t->n; i++)
		if (strlen(t->steps[i].name) > width)
			width = strlen(t->steps[i].name);
	for (size_t i = 0; i < t->n; i++)
		fprintf(out, "  %-4s  %-*s  %s\n", oa_step_outcome_name(t->steps[i].outcome),
			(int)width, t->steps[i].name, t->steps[i].detail);
	if (t->dropped > 0)
		fprintf(out, "  (%zu more steps not recorded)\n", t->dropped);
	if (v->note[0] != '\0')
		fprintf(out, "  note: %s\n", v->note);
	if (t->claims != NULL) {
		char *text = json_dumps(t->claims, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);

		fprintf(out, "\nclaims the checks used (verified%s):\n%s\n",
			v->from_cache ? ", remembered in the cache" : "", text != NULL ? text : "?");
		free(text);
		print_times(out, t->claims, rep->now);
	}
	fprintf(out, "\nverdict: %s", verdict_word(v->result.status));
	if (v->result.status == OA_UNAVAILABLE)
		fprintf(out, " (the issuer could not be asked)");
	fprintf(out, "\n  method %s%s, issuer %s, token sha256:%s\n",
		oa_method_name(v->method),
		v->from_cache ? " (answered from cache)" : "", v->issuer, v->fingerprint);
	if (v->result.status != OA_OK)
		fprintf(out, "  reason: %s\n", v->result.reason);
	/* The module's cache_dir= belongs to the service's user, not to the
	 * DBA running the tool. */
	if (v->result.status == OA_CONFIG && strncmp(v->result.reason, "cache_dir:", 10) == 0)
		fprintf(out, "  hint: run as the service's user (sudo -u postgres ...), "
			     "or add --no-cache\n");
}

bool
check_report_json(FILE *out, const struct check_report *rep)
{
	const struct oa_verdict *v = rep->verdict;
	const struct oa_trace *t = rep->trace;
	json_t *doc, *steps = json_array();
	bool ok;

	/* clang-format off */
	for (size_t i = 0; steps != NULL && i < t->n; i++)
		json_array_append_new(steps, json_pack("{s:s, s:s, s:s}",
			"name", t->steps[i].name,
			"outcome", oa_step_outcome_name(t->steps[i].outcome),
			"detail", t->steps[i].detail));
	/* clang-format on */
	doc = json_pack("{s:s, s:s, s:s?, s:s, s:b, s:s, s:s, s:s, s:s, s:o, s:O?, s:s?}",
			"verdict", verdict_word(v->result.status),
			"status", oa_status_name(v->result.status),
			"reason", v->result.status == OA_OK ? NULL : v->result.reason,
			"method", oa_method_name(v->method),
			"from_cache", v->from_cache,
			"issuer", v->issuer,
			"token_sha256", v->fingerprint,
			"user", rep->user,
			"options_from", rep->options_from,
			"steps", steps,
			"claims", t->claims,
			"note", v->note[0] != '\0' ? v->note : NULL);
	ok = doc != NULL && json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0;
	if (ok)
		fputc('\n', out);
	json_decref(doc);
	return ok;
}
