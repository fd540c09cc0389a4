/* SPDX-License-Identifier: MIT */
/* Arguments as text, split the way libpam splits a pam.d line (words.h). */
#include "words.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read_full.h"

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

size_t
oa_words_split(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		char *start;

		while (is_blank(*p))
			p++;
		if (*p == '\0')
			return n;
		if (*p == '[') {
			/* libpam keeps any '[' inside and turns "\]" into ']'. */
			char *to = ++p, *end = p;

			start = p;
			while (*end != '\0' && *end != ']') {
				if (end[0] == '\\' && end[1] == ']')
					end++;
				*to++ = *end++;
			}
			p = *end != '\0' ? end + 1 : end;
			*to = '\0';
		} else {
			start = p;
			while (*p != '\0' && !is_blank(*p))
				p++;
			if (*p != '\0')
				*p++ = '\0';
		}
		if (n < max)
			fields[n] = start;
		n++;
	}
}

bool
oa_words_next_line(const char *text, size_t len, size_t *pos, unsigned *line_no,
		   char *buf, unsigned *first_line)
{
	size_t used = 0;

	while (*pos < len) {
		const char *s = text + *pos, *eol = memchr(s, '\n', len - *pos);
		size_t plen = eol != NULL ? (size_t)(eol - s) : len - *pos;
		const char *hash, *end;

		*pos += plen + (eol != NULL ? 1 : 0);
		++*line_no;
		while (plen > 0 && is_blank(*s)) {
			s++;
			plen--;
		}
		if (plen == 0 || *s == '#')
			continue; /* a blank line, even inside a continued one */
		if (used == 0)
			*first_line = *line_no;
		hash = memchr(s, '#', plen);
		if (hash != NULL) {
			memcpy(buf + used, s, (size_t)(hash - s));
			buf[used + (size_t)(hash - s)] = '\0';
			return true; /* a comment ends the line, backslash or not */
		}
		end = s + plen;
		while (end > s && is_blank(end[-1]))
			end--;
		memcpy(buf + used, s, plen);
		if (end[-1] == '\\') {
			used += (size_t)(end - s);
			buf[used - 1] = ' ';
			continue;
		}
		buf[used + plen] = '\0';
		return true;
	}
	buf[used] = '\0';
	return used > 0;
}

/* Splits `text` (owned by *out from here on) into out->argv. */
static enum oa_status
take_words(char *text, unsigned line, struct oa_words *out, struct oa_result *r)
{
	char *fields[OA_WORDS_MAX_ARGS + 1];
	size_t n;

	memset(out, 0, sizeof(*out));
	out->text = text;
	out->line = line;
	n = oa_words_split(text, fields, OA_WORDS_MAX_ARGS + 1);
	if (n > OA_WORDS_MAX_ARGS)
		return oa_fail(r, OA_CONFIG, "more than %d arguments", OA_WORDS_MAX_ARGS);
	out->cap = (int)n + OA_WORDS_MAX_EXTRA;
	out->argv = calloc((size_t)out->cap + 1, sizeof(*out->argv));
	if (out->argv == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	for (size_t i = 0; i < n; i++)
		out->argv[i] = fields[i];
	out->argc = (int)n;
	return OA_OK;
}

enum oa_status
oa_words_from_string(const char *s, struct oa_words *out, struct oa_result *r)
{
	char *text = strdup(s);

	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	return take_words(text, 0, out, r);
}

const char *
oa_words_value(const struct oa_words *w, const char *name)
{
	size_t len = strlen(name);

	for (int i = 0; i < w->argc; i++)
		if (strncmp(w->argv[i], name, len) == 0 && w->argv[i][len] == '=')
			return w->argv[i] + len + 1;
	return NULL;
}

enum oa_status
oa_words_read_file(const char *path, char **text, size_t *len, struct oa_result *r)
{
	struct stat st;
	int fd, err = 0;

	*text = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return oa_fail(r, OA_CONFIG, "cannot read %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return oa_fail(r, OA_CONFIG, "%s is not a regular file", path);
	}
	*text = malloc(OA_WORDS_MAX_FILE_BYTES + 1);
	if (*text != NULL)
		err = oa_read_full(fd, *text, OA_WORDS_MAX_FILE_BYTES + 1, len);
	close(fd);
	if (*text == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	if (err != 0)
		return oa_fail(r, OA_CONFIG, "cannot read %s: %s", path, strerror(err));
	if (*len > OA_WORDS_MAX_FILE_BYTES)
		return oa_fail(r, OA_CONFIG, "%s is larger than %d bytes", path,
			       OA_WORDS_MAX_FILE_BYTES);
	if (memchr(*text, '\0', *len) != NULL)
		return oa_fail(r, OA_CONFIG, "%s contains a NUL byte", path);
	return OA_OK;
}

enum oa_status
oa_words_find_issuer(const char *path, const char *issuer, struct oa_words *out,
		     bool *found, struct oa_result *r)
{
	size_t len = 0, pos = 0;
	unsigned line_no = 0, first_line = 0;
	char *text = NULL, *buf = NULL;

	*found = false;
	memset(out, 0, sizeof(*out));
	if (oa_words_read_file(path, &text, &len, r) == OA_OK && (buf = malloc(len + 1)) == NULL)
		oa_fail(r, OA_INTERNAL, "out of memory");
	while (r->status == OA_OK &&
	       oa_words_next_line(text, len, &pos, &line_no, buf, &first_line)) {
		struct oa_words w;
		const char *value;
		char *copy;

		if ((copy = strdup(buf)) == NULL) {
			oa_fail(r, OA_INTERNAL, "out of memory");
			break;
		}
		if (take_words(copy, first_line, &w, r) != OA_OK) {
			oa_words_free(&w);
			break;
		}
		value = oa_words_value(&w, "issuer");
		if (value == NULL || strcmp(value, issuer) != 0) {
			oa_words_free(&w);
		} else if (*found) {
			oa_fail(r, OA_CONFIG, "%s: lines %u and %u both have issuer=%s", path,
				out->line, first_line, issuer);
			oa_words_free(&w);
		} else {
			*out = w;
			*found = true;
		}
	}
	free(buf);
	free(text);
	if (r->status != OA_OK) {
		oa_words_free(out);
		*found = false;
	}
	return r->status;
}

enum oa_status
oa_words_append(struct oa_words *w, const char *word, struct oa_result *r)
{
	char *copy;

	if (w->argc >= w->cap || w->n_extra == OA_WORDS_MAX_EXTRA)
		return oa_fail(r, OA_INTERNAL, "no room for another argument");
	if ((copy = strdup(word)) == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	w->extra[w->n_extra++] = copy;
	w->argv[w->argc++] = copy;
	return OA_OK;
}

void
oa_words_free(struct oa_words *w)
{
	for (int i = 0; i < w->n_extra; i++)
		free(w->extra[i]);
	free(w->argv);
	free(w->text);
	memset(w, 0, sizeof(*w));
}
