/* SPDX-License-Identifier: GPL-2.0-or-later */
/* atomicfile.c: see atomicfile.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iscsid/atomicfile.h"

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int atomic_write_file(const char *path, const char *text, size_t len, mode_t mode)
{
	char tmp[PATH_MAX];
	int fd, r = 0;

	/* same directory, so rename() replaces the file at once; the suffix
	 * keeps collectors that read *.prom or the like off the half-written one */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	/* mkstemp makes it 0600 whatever the umask */
	if (fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0)
		r = write_all(fd, text, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}
