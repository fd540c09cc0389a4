/* SPDX-License-Identifier: MIT */
/* A PAM service file read as libpam reads it, to find the module's arguments. */

#include "pamd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read_full.h"
#include "words.h"

#define MODULE_NAME "pam_oauth2.so"

void
oa_pamd_entry_free(struct oa_pamd_entry *e)
{
	free(e->text);
	free(e->argv);
	free(e->file);
	memset(e, 0, sizeof(*e));
}

static bool
is_our_module(const char *path)
{
	const char *base = strrchr(path, '/');

	return strcmp(base != NULL ? base + 1 : path, MODULE_NAME) == 0;
}

/* What one logical line of a service file is, for finding our entry. */
enum line_kind {
	LINE_OTHER,
	LINE_OURS,    /* auth ... pam_oauth2.so: the entry, in `out` */
	LINE_INCLUDE, /* @include FILE, or auth include|substack FILE: in *name */
};

/* One logical line, split in place (`line` is consumed). */
static enum oa_status
consider(char *line, unsigned line_no, const char *where, struct oa_pamd_entry *out,
	 enum line_kind *kind, const char **name, struct oa_result *r)
{
	char *fields[OA_PAMD_MAX_ARGS + 3];
	size_t n = oa_words_split(line, fields, OA_PAMD_MAX_ARGS + 3);
	const char *type;

	*kind = LINE_OTHER;
	if (n == 2 && strcmp(fields[0], "@include") == 0) {
		*kind = LINE_INCLUDE;
		*name = fields[1];
		return OA_OK;
	}
	if (n < 3)
		return OA_OK;
	type = fields[0][0] == '-' ? fields[0] + 1 : fields[0];
	if (strcasecmp(type, "auth") != 0)
		return OA_OK;
	/* libpam: the control "include" or "substack" takes the next field
	 * as a service whose lines of this type stand here. */
	if (strcasecmp(fields[1], "include") == 0 || strcasecmp(fields[1], "substack") == 0) {
		*kind = LINE_INCLUDE;
		*name = fields[2];
		return OA_OK;
	}
	if (!is_our_module(fields[2]))
		return OA_OK;
	if (n > OA_PAMD_MAX_ARGS + 3)
		return oa_fail(r, OA_CONFIG, "%s:%u: more than %d arguments", where, line_no,
			       OA_PAMD_MAX_ARGS);
	out->argv = calloc(n - 3 + 1, sizeof(*out->argv));
	if (out->argv == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	for (size_t i = 3; i < n; i++)
		out->argv[i - 3] = fields[i];
	out->argc = (int)(n - 3);
	out->module = fields[2];
	out->line = line_no;
	*kind = LINE_OURS;
	return OA_OK;
}

static enum oa_status read_file(const char *dir, const char *path, int depth,
				struct oa_pamd_entry *out, bool *found, struct oa_result *r);

/* The first auth entry for our module in `text`, following includes into
 * files under `dir` (not at all when dir is NULL).  The entry found in
 * this very text keeps out->text as its storage. */
static enum oa_status
find_auth(const char *text, size_t len, const char *where, const char *dir, int depth,
	  struct oa_pamd_entry *out, bool *found, struct oa_result *r)
{
	size_t pos = 0;
	unsigned line_no = 0, first_line = 0;
	char *buf;

	*found = false;
	memset(out, 0, sizeof(*out));
	if (memchr(text, '\0', len) != NULL)
		return oa_fail(r, OA_CONFIG, "%s: contains a NUL byte", where);
	buf = malloc(len + 1);
	if (buf == NULL)
		return oa_fail(r, OA_INTERNAL, "out of memory");
	/* Each logical line is assembled at the start of buf; the one that
	 * matches stays there, the fields pointing into it. */
	while (oa_words_next_line(text, len, &pos, &line_no, buf, &first_line)) {
		enum line_kind kind;
		const char *name = NULL;

		if (consider(buf, first_line, where, out, &kind, &name, r) != OA_OK)
			break;
		if (kind == LINE_OURS) {
			out->text = buf;
			*found = true;
			return OA_OK;
		}
		if (kind == LINE_INCLUDE && dir != NULL) {
			char path[4096];

			if (depth >= OA_PAMD_MAX_INCLUDE_DEPTH) {
				oa_fail(r, OA_CONFIG, "%s:%u: includes nested more than %d deep",
					where, first_line, OA_PAMD_MAX_INCLUDE_DEPTH);
				break;
			}
			/* libpam: a name starting with '/' is a path, any other
			 * a file in the same directory. */
			if ((size_t)snprintf(path, sizeof(path), "%s%s%s",
					     name[0] == '/' ? "" : dir, name[0] == '/' ? "" : "/",
					     name) >= sizeof(path)) {
				oa_fail(r, OA_CONFIG, "%s:%u: include path too long", where, first_line);
				break;
			}
			if (read_file(dir, path, depth + 1, out, found, r) != OA_OK || *found)
				break;
		}
	}
	free(buf);
	return r->status;
}

enum oa_status
oa_pamd_find_auth(const char *text, size_t len, const char *where,
		  struct oa_pamd_entry *out, struct oa_result *r)
{
	bool found;

	if (find_auth(text, len, where, NULL, 0, out, &found, r) == OA_OK && !found)
		oa_fail(r, OA_CONFIG, "%s: no auth line for " MODULE_NAME, where);
	return r->status;
}

static enum oa_status
read_file(const char *dir, const char *path, int depth, struct oa_pamd_entry *out,
	  bool *found, struct oa_result *r)
{
	char *text = NULL;
	size_t len = 0;

	*found = false;
	if (oa_words_read_file(path, &text, &len, r) == OA_OK &&
	    find_auth(text, len, path, dir, depth, out, found, r) == OA_OK && *found &&
	    out->file == NULL && (out->file = strdup(path)) == NULL)
		oa_fail(r, OA_INTERNAL, "out of memory");
	free(text);
	return r->status;
}

enum oa_status
oa_pamd_read_service(const char *dir, const char *service, struct oa_pamd_entry *out,
		     struct oa_result *r)
{
	char path[4096];
	bool found;

	memset(out, 0, sizeof(*out));
	if (*service == '\0' || strchr(service, '/') != NULL || strcmp(service, ".") == 0 ||
	    strcmp(service, "..") == 0)
		return oa_fail(r, OA_CONFIG, "--service takes a service name, not a path");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, service) >= sizeof(path))
		return oa_fail(r, OA_CONFIG, "service file path too long");
	/* clang-format off */
	if (read_file(dir, path, 0, out, &found, r) == OA_OK && !found)
		oa_fail(r, OA_CONFIG, "%s: no auth line for " MODULE_NAME
			" (include and substack lines followed)", path);
	/* clang-format on */
	return r->status;
}
