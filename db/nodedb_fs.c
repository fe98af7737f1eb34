/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodedb_fs.c: see nodedb_fs.h. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "db/nodedb_fs.h"
#include "libiscsi-core/util.h"

enum fs_type fs_type_at(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return FS_NONE;
	if (S_ISREG(st.st_mode))
		return FS_FILE;
	if (S_ISDIR(st.st_mode))
		return FS_DIR;
	if (S_ISLNK(st.st_mode))
		return FS_LINK;
	return FS_OTHER;
}

int fs_open_dir(int dirfd, const char *name, bool create, int *out)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(dirfd, name, flags);

	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(dirfd, name, FS_DIR_MODE) < 0 && errno != EEXIST)
			return -errno;
		fd = openat(dirfd, name, flags);
	}
	if (fd < 0)
		return -errno;
	*out = fd;
	return 0;
}

static int read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (int)got;
}

int fs_read_file(int dirfd, const char *name, bool nofollow, char **buf,
		 size_t *len)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	char *b;
	int n;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
		    (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size > FS_FILE_MAX)
		return -EFBIG;
	b = malloc((size_t)st.st_size + 1);
	if (!b)
		return -ENOMEM;
	/* The file may shrink while we read; never grow past what we sized. */
	n = read_all(fd, b, (size_t)st.st_size);
	if (n < 0) {
		free(b);
		return n;
	}
	b[n] = '\0';
	*buf = b;
	*len = (size_t)n;
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A fresh hidden name next to the target: ".<name>.XXXXXXXX". */
static int temp_open(int dirfd, const char *name, mode_t mode, char *tmp,
		     size_t cap)
{
	for (int tries = 0; tries < 16; tries++) {
		unsigned int rnd;
		int fd;

		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			rnd = (unsigned int)getpid() * 2654435761u + (unsigned)tries;
		if (snprintf(tmp, cap, ".%.200s.%08x", name, rnd) >= (int)cap)
			return -ENAMETOOLONG;
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC, mode);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int fs_write_atomic(int dirfd, const char *name, const char *data, size_t len,
		    mode_t mode)
{
	char tmp[256];
	int fd, ret;

	if (fs_type_at(dirfd, name) == FS_DIR || fs_type_at(dirfd, name) == FS_LINK)
		return -EISDIR;  /* never replace a directory or a symlink */
	fd = temp_open(dirfd, name, mode, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	/* fchmod: the umask must not decide who reads CHAP secrets. */
	ret = fchmod(fd, mode) < 0 ? -errno : 0;
	if (!ret)
		ret = write_all(fd, data, len);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && renameat(dirfd, tmp, dirfd, name) < 0)
		ret = -errno;
	if (ret) {
		unlinkat(dirfd, tmp, 0);
		return ret;
	}
	if (fsync(dirfd) < 0)
		return -errno;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void fs_names_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

static int push_name(char ***names, size_t *n, size_t *cap, const char *s)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		char **v = realloc(*names, nc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		*names = v;
		*cap = nc;
	}
	(*names)[*n] = strdup(s);
	if (!(*names)[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

int fs_list(int dirfd, char ***names, size_t *n)
{
	size_t cap = 0;
	struct dirent *de;
	DIR *d;
	int fd, ret = 0;

	*names = NULL;
	*n = 0;
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while (!ret && (de = readdir(d)))
		if (de->d_name[0] != '.')
			ret = push_name(names, n, &cap, de->d_name);
	closedir(d);
	if (ret) {
		fs_names_free(*names, *n);
		*names = NULL;
		*n = 0;
		return ret;
	}
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

void fs_rmdir_if_empty(int dirfd, const char *name)
{
	/* rmdir itself refuses a non-empty directory (ENOTEMPTY). */
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

int fs_symlink_replace(int dirfd, const char *name, const char *target)
{
	enum fs_type t = fs_type_at(dirfd, name);

	if (t != FS_NONE && t != FS_LINK)
		return -EEXIST;
	if (t == FS_LINK && unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	if (symlinkat(target, dirfd, name) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int fs_unlink_link(int dirfd, const char *name)
{
	if (fs_type_at(dirfd, name) != FS_LINK)
		return -ENOENT;
	return unlinkat(dirfd, name, 0) < 0 ? -errno : 0;
}
