/* SPDX-License-Identifier: MIT */
/* Reading a shared secret from a file named on the pam.d line
 * (hmac_secret_file=, client_secret_file=), so secrets never sit in pam.d. */
#ifndef OA_SECRET_FILE_H
#define OA_SECRET_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "bounds.h"
#include "result.h"

struct oa_secret {
	unsigned char bytes[OA_MAX_HMAC_SECRET_BYTES + 1];
	size_t len;
};

/* The file's bytes less one trailing newline (CR LF or LF), as editors and
 * echo leave one.  The opened file must be a regular file whose mode passes
 * oa_secret_mode_ok.  `what` names the option in reasons (OA_CONFIG). */
enum oa_status oa_secret_read(const char *path, const char *what, bool group_may_read,
			      struct oa_secret *out, struct oa_result *r);

void oa_secret_wipe(struct oa_secret *s);

/* The rule for a secret file's mode: others may neither read nor write it,
 * nor its group write it; its group may read it only when `group_may_read`
 * (root:postgres 0640 is how a service user gets a secret, while a user's
 * own secret has no reason to be readable by anyone else). */
bool oa_secret_mode_ok(mode_t mode, bool group_may_read);

/* That rule and the chmod that meets it, as the one wording every refusal
 * uses: "it must not be ... (chmod ...)".  A static string. */
const char *oa_secret_mode_rule(bool group_may_read);

#endif
