/* SPDX-License-Identifier: MIT */
/* The module's arguments written as text, the way a pam.d line writes them,
 * for every reader of such text: the PAM service files (tools/pamd.c), the
 * PostgreSQL 18 validator's setting and its configuration file (one line of
 * arguments per issuer; src/pg18), and any later conf= file of the PAM
 * module.  The rules are libpam's (pam_handlers.c and pam_misc.c):
 *   - '#' ends a line, wherever it is, even inside brackets;
 *   - a backslash ending a line (before trailing blanks) joins it with the
 *     next non-blank line;
 *   - words are separated by spaces and tabs; a word that starts with '['
 *     runs to the first ']' not written "\]" (which stands for ']'), so
 *     "[claim_any_of=groups:a b]" is one argument holding a space. */
#ifndef OA_WORDS_H
#define OA_WORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"

/* Longest configuration file read; one line per issuer. */
#define OA_WORDS_MAX_FILE_BYTES (256 * 1024)
/* Arguments of one configuration, as many as a pam.d line may hold. */
#define OA_WORDS_MAX_ARGS 1024
/* Words a caller adds to a configuration (the validator: the hba scope). */
#define OA_WORDS_MAX_EXTRA 4

/* Splits one logical line into at most `max` words in place, as libpam
 * does; returns how many there are (more than `max`: only `max` kept). */
size_t oa_words_split(char *line, char **fields, size_t max);

/* libpam's _pam_assemble_line: the next logical line of text[*pos..len)
 * into `buf` (at least len + 1 bytes), or false at the end.  *line_no
 * counts physical lines read; *first_line is where the logical one began. */
bool oa_words_next_line(const char *text, size_t len, size_t *pos, unsigned *line_no,
			char *buf, unsigned *first_line);

/* One configuration's arguments: argv points into text; both owned. */
struct oa_words {
	char *text;
	const char **argv;
	int argc;
	int cap;                         /* argv's room, for oa_words_append */
	unsigned line;                   /* where it starts in its file; 0 for a setting */
	char *extra[OA_WORDS_MAX_EXTRA]; /* owned copies oa_words_append made */
	int n_extra;
};

/* The words of `s` (a setting's value). */
enum oa_status oa_words_from_string(const char *s, struct oa_words *out,
				    struct oa_result *r);

/* The value of the argument `name`=... among the words, or NULL. */
const char *oa_words_value(const struct oa_words *w, const char *name);

/* The whole of the regular file `path` (at most OA_WORDS_MAX_FILE_BYTES,
 * no NUL byte) in *text, owned by the caller even on failure. */
enum oa_status oa_words_read_file(const char *path, char **text, size_t *len,
				  struct oa_result *r);

/* Reads FILE and keeps in *out the one logical line whose issuer= argument
 * is `issuer`, byte for byte; *found false when none is.  Two such lines
 * are OA_CONFIG: which one applies must never depend on the order. */
enum oa_status oa_words_find_issuer(const char *path, const char *issuer,
				    struct oa_words *out, bool *found,
				    struct oa_result *r);

/* Adds a copy of `word` after the others. */
enum oa_status oa_words_append(struct oa_words *w, const char *word, struct oa_result *r);

void oa_words_free(struct oa_words *w);

#endif
