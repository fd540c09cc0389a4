/* SPDX-License-Identifier: MIT */
/* username_map= (see usermap.h for the format).  Each login reads the file
 * whole, checks it line by line and compiles its regexes (nothing survives
 * from one PostgreSQL backend to the next), then makes one pass over at
 * most OA_MAX_USERMAP_ENTRIES entries.  The
 * identity comes from the network: it is length-checked and refused with a
 * NUL byte before any regex sees it, because regexec stops at a NUL and a
 * pattern could otherwise match a prefix the issuer chose. */
#include "usermap.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_trust.h"
#include "read_full.h"
#include "text.h"

/* Groups nested in a username_map regex: far more than any identity needs. */
#define REGEX_MAX_DEPTH 32

struct entry {
	unsigned line;
	bool is_regex;
	const char *identity; /* a literal, NUL-terminated in map->text */
	size_t identity_len;
	regex_t re;       /* compiled when is_regex */
	const char *user; /* PAM_USER, "\1" still in it */
	size_t user_len;
};

struct oa_usermap {
	bool casefold;
	char path[OA_SHOWN_BYTES]; /* escaped, for reasons */
	locale_t c_locale;
	char *text; /* the file, fields cut out with NULs */
	struct entry *entries;
	size_t n_entries;
	size_t regex_cost; /* of the regexes so far, see bounds.h */
};

void
oa_usermap_free(struct oa_usermap *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n_entries; i++)
		if (m->entries[i].is_regex)
			regfree(&m->entries[i].re);
	free(m->entries);
	free(m->text);
	if (m->c_locale != (locale_t)0)
		freelocale(m->c_locale);
	free(m);
}

/* ---- reading the file ---- */

/* Opens the map and reads it whole, refusing anything an attacker other
 * than root or ourselves could have written: the file grants logins. */
static enum oa_status
read_map(const char *path, const char *shown, char **text, size_t *size,
	 struct oa_result *r)
{
	struct stat st;
	size_t got = 0, want;
	int fd, err;

	/* O_NONBLOCK: a FIFO in the file's place must not hang the login. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return oa_fail(r, OA_CONFIG, "username_map %s: cannot open: %s", shown,
			       strerror(errno));
	if (fstat(fd, &st) != 0) {
		close(fd);
		return oa_fail(r, OA_CONFIG, "username_map %s: cannot stat: %s", shown,
			       strerror(errno));
	}
	if (oa_file_trust_stat("username_map", shown, &st, OA_FILE_PLAIN, r) != OA_OK) {
		close(fd);
		return r->status;
	}
	if (st.st_size > OA_MAX_USERMAP_FILE_BYTES) {
		close(fd);
		return oa_fail(r, OA_CONFIG, "username_map %s: larger than %d bytes", shown,
			       OA_MAX_USERMAP_FILE_BYTES);
	}
	want = (size_t)st.st_size;
	*text = malloc(want + 2);
	if (*text == NULL) {
		close(fd);
		return oa_fail(r, OA_INTERNAL, "out of memory");
	}
	/* Up to one byte more than fstat said, to see a file still growing. */
	err = oa_read_full(fd, *text, want + 1, &got);
	close(fd);
	if (err != 0) {
		free(*text);
		*text = NULL;
		return oa_fail(r, OA_CONFIG, "username_map %s: cannot read: %s", shown,
			       strerror(err));
	}
	if (got != want) {
		free(*text);
		*text = NULL;
		return oa_fail(r, OA_CONFIG, "username_map %s: changed while being read", shown);
	}
	(*text)[got] = '\0';
	*size = got;
	return OA_OK;
}

/* ---- parsing lines ---- */

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Cuts the line into at most `max` fields, NUL-terminating them in place;
 * a field starting with '#' ends the line.  Returns the field count, or
 * max + 1 when there are more. */
static size_t
split_fields(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		while (is_blank(*p))
			*p++ = '\0';
		if (*p == '\0' || *p == '#')
			return n;
		if (n == max)
			return max + 1;
		fields[n++] = p;
		while (*p != '\0' && !is_blank(*p))
			p++;
	}
}

/* Checks PAM_USER's "\1" against what IDENTITY can give. */
static enum oa_status
check_user(const char *where, const char *user, const struct entry *e,
	   struct oa_result *r)
{
	for (const char *p = user; *p != '\0'; p++) {
		if (p[0] != '\\' || p[1] < '0' || p[1] > '9')
			continue;
		if (p[1] != '1')
			return oa_fail(r, OA_CONFIG, "%s: only \\1 may be used in the user name",
				       where);
		if (!e->is_regex)
			return oa_fail(r, OA_CONFIG,
				       "%s: \\1 in the user name needs a regex identity (one starting with /)",
				       where);
		if (e->re.re_nsub == 0)
			return oa_fail(r, OA_CONFIG,
				       "%s: \\1 in the user name but the regex has no group", where);
	}
	return OA_OK;
}

/* Skips a bracket expression starting at p[0] == '['; its end, or the
 * string's end when it is not closed (regcomp refuses that itself). */
static const char *
skip_bracket(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (; *p != '\0' && *p != ']'; p++)
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char *close = p + 2;

			while (*close != '\0' && !(close[0] == p[1] && close[1] == ']'))
				close++;
			if (*close == '\0')
				return close;
			p = close + 1;
		}
	return *p == ']' ? p + 1 : p;
}

/* Digits at *q, moved past; values over the cap stay over it without
 * overflowing. */
static size_t
capped_number(const char **q)
{
	size_t v = 0;

	for (; **q >= '0' && **q <= '9'; (*q)++)
		if (v <= OA_MAX_USERMAP_REGEX_COST)
			v = v * 10 + (size_t)(**q - '0');
	return v;
}

/* A repetition as glibc expands it: `copies` of what it applies to, the
 * last `optional` of them optional or looping, at least `min` required. */
struct repetition {
	size_t copies, optional, min;
};

/* The repetition at *p, moved past; false when *p is not one ("{"
 * without a valid interval is left to regcomp). */
static bool
repetition(const char **p, struct repetition *rep)
{
	const char *q = *p + 1;
	size_t m, n;
	bool has_m;

	if (**p == '*' || **p == '?' || **p == '+') {
		rep->copies = **p == '+' ? 2 : 1;
		rep->optional = 1;
		rep->min = **p == '+' ? 1 : 0;
		*p = q;
		return true;
	}
	if (**p != '{')
		return false;
	has_m = *q >= '0' && *q <= '9';
	m = capped_number(&q);
	n = m;
	rep->optional = 0;
	if (*q == ',') {
		/* {m,} is m copies and a star; {m,n} and glibc's {,n}, n
		 * copies, the last n - m optional. */
		q++;
		n = *q >= '0' && *q <= '9' ? capped_number(&q) : m + 1;
		rep->optional = n > m ? n - m : 1;
	} else if (!has_m) {
		return false;
	}
	if (*q != '}')
		return false;
	*p = q + 1;
	/* clang-format off */
	rep->copies = m > n ? m : n > 0 ? n : 1;
	/* clang-format on */
	rep->min = m;
	return true;
}

/* Atoms that match an empty string: anchors and glibc's word boundaries. */
static bool
zero_width(const char *p)
{
	return *p == '^' || *p == '$' ||
	       (p[0] == '\\' && p[1] != '\0' && strchr("bB<>`'", p[1]) != NULL);
}

enum regex_verdict {
	REGEX_OK,
	REGEX_TOO_COSTLY,
	/* "a**", "a+*", "a{2}?": POSIX leaves two repetitions in a row
	 * undefined (XBD 9.4.6), and glibc's regcomp takes time exponential in
	 * how many are stacked. */
	REGEX_STACKED,
	/* "(a*)+", "(|a){2}": copies of something that can match nothing make
	 * glibc's regcomp exponential in the nesting (and overflow its stack
	 * at 14 levels of "{2}"); "*" means the same and is cheap. */
	REGEX_EMPTY_REPEATED
};

/* What regex_check keeps of each open group. */
struct regex_group {
	size_t cost;       /* of its atoms so far, copies counted */
	bool before_empty; /* the pieces of this alternative before the last
			      can all match nothing */
	bool alt_empty;    /* an earlier alternative can match nothing */
};

/* Checks a pattern before regcomp sees it; *cost is what bounds.h
 * estimates, capped just over OA_MAX_USERMAP_REGEX_COST. */
static enum regex_verdict
regex_check(const char *pattern, size_t *cost)
{
	const size_t over = OA_MAX_USERMAP_REGEX_COST + 1;
	struct regex_group g[REGEX_MAX_DEPTH + 1];
	/* `last`: the atom or group a repetition would apply to, its cost
	 * and whether it can match nothing (nothing there is "empty"). */
	size_t depth = 0, last = 0, quadratic = 0;
	bool last_empty = true, repeated = false;
	const char *p = pattern;

	g[0] = (struct regex_group){ .before_empty = true };
	*cost = over;
	while (*p != '\0') {
		bool was_repeated = repeated;
		struct repetition rep;

		repeated = repetition(&p, &rep);
		if (repeated) {
			size_t looped = last * rep.optional;

			if (was_repeated)
				return REGEX_STACKED;
			if (last_empty && rep.copies > 1)
				return REGEX_EMPTY_REPEATED;
			/* Past this the square alone is over the cap. */
			if (looped > 1600)
				return REGEX_TOO_COSTLY;
			quadratic += looped * looped / 25;
			/* The last atom or group, counted once, now counts
			 * `copies` times. */
			g[depth].cost += last * (rep.copies - 1);
			last *= rep.copies;
			last_empty = last_empty || rep.min == 0;
		} else if (*p == '(') {
			if (depth == REGEX_MAX_DEPTH)
				return REGEX_TOO_COSTLY;
			g[depth].before_empty = g[depth].before_empty && last_empty;
			g[++depth] = (struct regex_group){ .before_empty = true };
			last = 0;
			last_empty = true;
			p++;
		} else if (*p == ')' && depth > 0) {
			bool empty = g[depth].alt_empty || (g[depth].before_empty && last_empty);

			last = g[depth].cost > 0 ? g[depth].cost : 1;
			g[--depth].cost += last;
			last_empty = empty;
			p++;
		} else if (*p == '|') {
			g[depth].alt_empty = g[depth].alt_empty ||
					     (g[depth].before_empty && last_empty);
			g[depth].before_empty = true;
			last = 0;
			last_empty = true;
			p++;
		} else {
			g[depth].before_empty = g[depth].before_empty && last_empty;
			last_empty = zero_width(p);
			p = *p == '[' ? skip_bracket(p) : p + (p[0] == '\\' && p[1] != '\0' ? 2 : 1);
			last = 1;
			g[depth].cost += 1;
		}
		/* Totals only grow, and an inner one is part of the outer. */
		if (g[depth].cost + quadratic >= over || last >= over)
			return REGEX_TOO_COSTLY;
	}
	*cost = g[0].cost + quadratic;
	return *cost > OA_MAX_USERMAP_REGEX_COST ? REGEX_TOO_COSTLY : REGEX_OK;
}

static enum oa_status
compile_identity(const char *where, struct oa_usermap *m, struct entry *e,
		 struct oa_result *r)
{
	const char *pattern = e->identity + 1;
	char error[128];
	locale_t old;
	size_t cost;
	int rc;

	if (*pattern == '\0')
		return oa_fail(r, OA_CONFIG, "%s: empty regex", where);
	/* Backreferences are a glibc extension whose matching time can grow
	 * exponentially with the identity's length. */
	for (const char *p = pattern; *p != '\0'; p++) {
		if (*p != '\\' || p[1] == '\0')
			continue;
		if (p[1] >= '0' && p[1] <= '9')
			return oa_fail(r, OA_CONFIG, "%s: backreferences are not allowed in the regex",
				       where);
		p++;
	}
	switch (regex_check(pattern, &cost)) {
	case REGEX_STACKED:
		return oa_fail(r, OA_CONFIG,
			       "%s: two repetitions in a row in the regex (such as \"a**\" or "
			       "\".*?\"): undefined in POSIX regexes",
			       where);
	case REGEX_EMPTY_REPEATED:
		return oa_fail(r, OA_CONFIG,
			       "%s: \"+\" or a count {m,n} on a part of the regex that can match "
			       "nothing (such as \"(a*)+\"): write \"*\" instead",
			       where);
	case REGEX_TOO_COSTLY:
	case REGEX_OK:
		break;
	}
	if (cost > OA_MAX_USERMAP_REGEX_COST - m->regex_cost)
		return oa_fail(r, OA_CONFIG,
			       "%s: regex too complex: its repetitions would take the map's "
			       "regexes over %d units of regcomp work",
			       where,
			       OA_MAX_USERMAP_REGEX_COST);
	old = uselocale(m->c_locale);
	rc = regcomp(&e->re, pattern, REG_EXTENDED | (m->casefold ? REG_ICASE : 0));
	if (rc != 0)
		regerror(rc, &e->re, error, sizeof(error));
	uselocale(old);
	if (rc != 0)
		return oa_fail(r, OA_CONFIG, "%s: bad regex: %s", where, error);
	m->regex_cost += cost;
	e->is_regex = true;
	return OA_OK;
}

static enum oa_status
add_entry(struct oa_usermap *m, const char *where, unsigned line_no, char *line,
	  struct oa_result *r)
{
	char *fields[2];
	struct entry e = { .line = line_no };
	size_t n = split_fields(line, fields, 2);
	enum oa_status s;

	if (n == 0)
		return OA_OK;
	if (n == 1)
		return oa_fail(r, OA_CONFIG, "%s: missing the PAM user after the identity", where);
	if (n > 2)
		return oa_fail(r, OA_CONFIG, "%s: extra field after the PAM user", where);
	if (m->n_entries == OA_MAX_USERMAP_ENTRIES)
		return oa_fail(r, OA_CONFIG, "%s: more than %d mappings", where,
			       OA_MAX_USERMAP_ENTRIES);
	e.identity = fields[0];
	e.identity_len = strlen(fields[0]);
	e.user = fields[1];
	e.user_len = strlen(fields[1]);
	if (e.identity[0] == '/' && compile_identity(where, m, &e, r) != OA_OK)
		return r->status;
	s = check_user(where, e.user, &e, r);
	if (s != OA_OK) {
		if (e.is_regex)
			regfree(&e.re);
		return s;
	}
	m->entries[m->n_entries++] = e;
	return OA_OK;
}

static enum oa_status
parse_map(struct oa_usermap *m, size_t size, struct oa_result *r)
{
	char *p = m->text, *end = m->text + size;
	unsigned line_no = 0;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *stop = nl != NULL ? nl : end;
		char where[OA_SHOWN_BYTES + 32];

		snprintf(where, sizeof(where), "username_map %s:%u", m->path, ++line_no);
		if (stop > p && stop[-1] == '\r')
			stop--;
		if ((size_t)(stop - p) > OA_MAX_USERMAP_LINE_BYTES)
			return oa_fail(r, OA_CONFIG, "%s: line longer than %d bytes", where,
				       OA_MAX_USERMAP_LINE_BYTES);
		for (const char *c = p; c < stop; c++) {
			if (*c == '\0')
				return oa_fail(r, OA_CONFIG, "%s: NUL byte", where);
			if ((unsigned char)*c < 0x20 && *c != '\t')
				return oa_fail(r, OA_CONFIG, "%s: control character 0x%02x", where,
					       (unsigned)(unsigned char)*c);
		}
		*stop = '\0';
		if (add_entry(m, where, line_no, p, r) != OA_OK)
			return r->status;
		p = nl != NULL ? nl + 1 : end;
	}
	return OA_OK;
}

enum oa_status
oa_usermap_load(const char *path, bool casefold, struct oa_usermap **out,
		struct oa_result *r)
{
	struct oa_usermap *m;
	size_t size = 0;

	*out = NULL;
	if (path == NULL || *path == '\0' || strlen(path) >= OA_MAX_PATH_BYTES)
		return oa_fail(r, OA_CONFIG, "username_map: empty or too long a path");
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	m->casefold = casefold;
	oa_text_escape(path, strlen(path), m->path, sizeof(m->path));
	/* Regexes are compiled and run in the C locale: bytes, ASCII-only
	 * case folding, whatever locale the host process has set. */
	m->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	m->entries = calloc(OA_MAX_USERMAP_ENTRIES, sizeof(*m->entries));
	if (m->c_locale == (locale_t)0 || m->entries == NULL) {
		oa_usermap_free(m);
		return oa_fail(r, OA_INTERNAL, "out of memory");
	}
	if (read_map(path, m->path, &m->text, &size, r) != OA_OK ||
	    parse_map(m, size, r) != OA_OK) {
		oa_usermap_free(m);
		return r->status;
	}
	*out = m;
	return OA_OK;
}

/* ---- checking ---- */

static unsigned char
ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static bool
same_identity(const struct oa_usermap *m, const char *a, const char *b, size_t len)
{
	if (!m->casefold)
		return memcmp(a, b, len) == 0;
	for (size_t i = 0; i < len; i++)
		if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
			return false;
	return true;
}

/* Compares PAM_USER with "\1" replaced by `cap` against the PAM user,
 * byte for byte, without building the replaced name. */
static bool
user_matches(const char *tpl, size_t tpl_len, const char *cap, size_t cap_len,
	     const char *user, size_t user_len)
{
	size_t u = 0;

	for (size_t i = 0; i < tpl_len; i++) {
		if (tpl[i] == '\\' && i + 1 < tpl_len && tpl[i + 1] == '1') {
			if (cap == NULL || user_len - u < cap_len ||
			    memcmp(user + u, cap, cap_len) != 0)
				return false;
			u += cap_len;
			i++;
		} else if (u == user_len || user[u++] != tpl[i]) {
			return false;
		}
	}
	return u == user_len;
}

/* `identity` is NUL-terminated at `len` and has no NUL before. */
static bool
entry_maps(const struct oa_usermap *m, const struct entry *e, const char *identity,
	   size_t len, const char *user, size_t user_len)
{
	regmatch_t pm[2];
	const char *cap = NULL;
	size_t cap_len = 0;
	locale_t old;
	int rc;

	if (!e->is_regex)
		return e->identity_len == len && same_identity(m, e->identity, identity, len) &&
		       user_matches(e->user, e->user_len, NULL, 0, user, user_len);
	old = uselocale(m->c_locale);
	rc = regexec(&e->re, identity, 2, pm, 0);
	uselocale(old);
	/* The whole identity, not a part: POSIX gives the leftmost-longest
	 * match, so one from 0 to len exists exactly when this is it.  Wrapping
	 * the pattern in ^(...)$ instead would not do: glibc takes an unmatched
	 * ')' as a literal, and "a)|(b" would escape the group. */
	if (rc != 0 || pm[0].rm_so != 0 || pm[0].rm_eo != (regoff_t)len)
		return false;
	if (e->re.re_nsub > 0 && pm[1].rm_so >= 0) {
		cap = identity + pm[1].rm_so;
		cap_len = (size_t)(pm[1].rm_eo - pm[1].rm_so);
	}
	return user_matches(e->user, e->user_len, cap, cap_len, user, user_len);
}

enum oa_status
oa_usermap_check(const struct oa_usermap *m, const char *identity,
		 size_t identity_len, const char *pam_user, struct oa_result *r)
{
	unsigned line;

	return oa_usermap_match(m, identity, identity_len, pam_user, &line, r);
}

enum oa_status
oa_usermap_match(const struct oa_usermap *m, const char *identity,
		 size_t identity_len, const char *pam_user, unsigned *line,
		 struct oa_result *r)
{
	char shown_id[OA_SHOWN_BYTES], shown_user[OA_SHOWN_BYTES];
	char copy[OA_MAX_IDENTITY_BYTES + 1];
	size_t user_len = strlen(pam_user);

	oa_text_escape(identity, identity_len, shown_id, sizeof(shown_id));
	oa_text_escape(pam_user, user_len, shown_user, sizeof(shown_user));
	if (memchr(identity, '\0', identity_len) != NULL)
		return oa_fail(r, OA_REJECTED, "identity \"%s\" contains a NUL byte", shown_id);
	if (identity_len > OA_MAX_IDENTITY_BYTES)
		return oa_fail(r, OA_REJECTED, "identity \"%s\" is longer than %d bytes",
			       shown_id, OA_MAX_IDENTITY_BYTES);
	/* regexec wants a C string; REG_STARTEND would spare the copy, but it
	 * is an extension that sanitizers' regexec still reads as a string. */
	memcpy(copy, identity, identity_len);
	copy[identity_len] = '\0';
	for (size_t i = 0; i < m->n_entries; i++) {
		if (entry_maps(m, &m->entries[i], copy, identity_len, pam_user, user_len)) {
			*line = m->entries[i].line;
			return OA_OK;
		}
	}
	return oa_fail(r, OA_REJECTED, "username_map %s has no line mapping identity \"%s\" to user \"%s\"",
		       m->path, shown_id, shown_user);
}
