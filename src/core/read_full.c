/* SPDX-License-Identifier: MIT */
/* Reading a whole small file with a size limit and no surprises. */

#include "read_full.h"

#include <errno.h>
#include <unistd.h>

int
oa_read_full(int fd, void *buf, size_t size, size_t *got)
{
	unsigned char *p = buf;

	*got = 0;
	while (*got < size) {
		ssize_t n = read(fd, p + *got, size - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}
