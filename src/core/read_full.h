/* SPDX-License-Identifier: MIT */
/* Reading a whole small file the module was given (a cache entry, the
 * username map, a secret, a pam.d file): every caller reads one byte more
 * than it accepts, to tell a file at the limit from one over it or one that
 * grew after fstat. */
#ifndef OA_READ_FULL_H
#define OA_READ_FULL_H

#include <stddef.h>

/* Reads from fd into buf until `size` bytes or the end of the file,
 * retrying reads cut short by a signal.  *got is how many bytes arrived;
 * returns 0, or the errno of the read that failed. */
int oa_read_full(int fd, void *buf, size_t size, size_t *got);

#endif
