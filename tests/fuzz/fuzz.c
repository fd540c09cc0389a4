/* SPDX-License-Identifier: MIT */
/* What the fuzz targets share: fixed configurations, copies of the input and private files. */

#include "fuzz.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
fuzz_config(int argc, const char *const *argv, struct oa_config *cfg)
{
	struct oa_result r;

	oa_result_init(&r);
	if (oa_config_parse(argc, argv, cfg, &r) != OA_OK) {
		fprintf(stderr, "fuzz target configuration refused: %s\n", r.reason);
		abort();
	}
}

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

bool
fuzz_http_response(const uint8_t *data, size_t size,
		   struct oa_http_response *resp)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t line, i = 0;

	memset(resp, 0, sizeof(*resp));
	resp->max_age = -1;
	if (nl == NULL)
		return false;
	line = (size_t)(nl - data);
	/* At most four digits: every status an HTTP client can see, and no
	 * overflow to worry about in the target itself. */
	for (; i < line && i < 4 && data[i] >= '0' && data[i] <= '9'; i++)
		resp->status = resp->status * 10 + (data[i] - '0');
	if (i < line && data[i] == ' ' && line - i > 1)
		resp->content_type = fuzz_strndup(data + i + 1, line - i - 1);
	resp->body_len = size - line - 1;
	resp->body = fuzz_strndup(nl + 1, resp->body_len);
	return true;
}

static char private_dir[256];

static void
remove_private_dir(void)
{
	DIR *d = opendir(private_dir);
	struct dirent *de;

	while (d != NULL && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			(void)unlinkat(dirfd(d), de->d_name, 0);
	if (d != NULL)
		closedir(d);
	(void)rmdir(private_dir);
}

const char *
fuzz_private_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (private_dir[0] != '\0')
		return private_dir;
	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	snprintf(private_dir, sizeof(private_dir), "%s/oa-fuzz-XXXXXX", tmp);
	/* mkdtemp makes it 0700: the cache and the map refuse anything
	 * others could write. */
	if (mkdtemp(private_dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	atexit(remove_private_dir);
	return private_dir;
}

void
fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0) {
		perror(path);
		abort();
	}
	while (size > 0) {
		ssize_t n = write(fd, data, size);

		if (n <= 0) {
			perror(path);
			abort();
		}
		data += n;
		size -= (size_t)n;
	}
	/* O_TRUNC keeps the mode of a file that existed; ours are all 0600,
	 * but the parsers check, so make sure. */
	if (fchmod(fd, 0600) != 0 || close(fd) != 0) {
		perror(path);
		abort();
	}
}
