/* SPDX-License-Identifier: MIT */
/* Shared secrets read from files whose owner and mode pass the checks. */

#include "secret_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_trust.h"
#include "read_full.h"

enum oa_status
oa_secret_read(const char *path, const char *what, bool group_may_read,
	       struct oa_secret *out, struct oa_result *r)
{
	int err;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	out->len = 0;
	if (fd < 0)
		return oa_fail(r, OA_CONFIG, "%s %s: %s", what, path, strerror(errno));
	/* The file read, not the path checked earlier: it may have been
	 * replaced since. */
	if (oa_file_trust_fd(what, path, fd, group_may_read ? OA_FILE_SECRET : OA_FILE_PRIVATE,
			     r) != OA_OK) {
		close(fd);
		return r->status;
	}
	err = oa_read_full(fd, out->bytes, sizeof(out->bytes), &out->len);
	close(fd);
	if (err != 0) {
		oa_secret_wipe(out);
		return oa_fail(r, OA_CONFIG, "%s %s: %s", what, path, strerror(err));
	}
	if (out->len > OA_MAX_HMAC_SECRET_BYTES) {
		oa_secret_wipe(out);
		return oa_fail(r, OA_CONFIG, "%s %s is over %d bytes", what, path,
			       OA_MAX_HMAC_SECRET_BYTES);
	}
	/* One line end, LF or CRLF; a CR of its own is a byte of a binary
	 * secret. */
	if (out->len > 0 && out->bytes[out->len - 1] == '\n') {
		out->len--;
		if (out->len > 0 && out->bytes[out->len - 1] == '\r')
			out->len--;
	}
	if (out->len == 0)
		return oa_fail(r, OA_CONFIG, "%s %s is empty", what, path);
	return OA_OK;
}

void
oa_secret_wipe(struct oa_secret *s)
{
	explicit_bzero(s->bytes, sizeof(s->bytes));
	s->len = 0;
}

bool
oa_secret_mode_ok(mode_t mode, bool group_may_read)
{
	mode_t forbidden = S_IWGRP | S_IRWXO | (group_may_read ? 0 : S_IRGRP);

	return (mode & forbidden) == 0;
}

const char *
oa_secret_mode_rule(bool group_may_read)
{
	/* clang-format off */
	return group_may_read ?
		"it must not be readable by others nor writable by its group (chmod 640 or 600)" :
		"it must not be readable by group or others (chmod 600)";
	/* clang-format on */
}
