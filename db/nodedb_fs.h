/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nodedb_fs.h (internal to db/): file system steps that cannot be tricked.
 *
 * Everything works relative to an open directory fd with one path
 * component at a time (callers check components first: no '/', no "..").
 * Nothing follows a symlink (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW), files are
 * read only when they are regular files of bounded size, and writes are
 * atomic (temp file, fsync, rename, fsync of the directory).
 * Functions return 0 or a negative errno; they do not fill ll_error.
 */
#ifndef LUNLINK_DB_NODEDB_FS_H
#define LUNLINK_DB_NODEDB_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define FS_FILE_MAX (1024 * 1024)  /* a record is a few KiB; refuse more */
#define FS_DIR_MODE 0700

enum fs_type { FS_NONE = 0, FS_FILE, FS_DIR, FS_LINK, FS_OTHER };

/* What the entry is, without following it (FS_NONE when absent). */
enum fs_type fs_type_at(int dirfd, const char *name);

/* Open a subdirectory (never through a symlink: -ELOOP/-ENOTDIR); with
 * create, make it (mode 0700) when missing. */
int fs_open_dir(int dirfd, const char *name, bool create, int *out);

/* Whole regular file into a malloc'd NUL-terminated buffer. -EFBIG past
 * FS_FILE_MAX; -EINVAL for a non-regular file; with nofollow, -ELOOP for a
 * symlink (DB files; admin config files like iscsid.conf may be links). */
int fs_read_file(int dirfd, const char *name, bool nofollow, char **buf,
		 size_t *len);

/* Replace name with data atomically; the file gets exactly `mode`. */
int fs_write_atomic(int dirfd, const char *name, const char *data, size_t len,
		    mode_t mode);

/* Sorted names in a directory, skipping "." entries (temp files, .lock).
 * Free with fs_names_free(). */
int fs_list(int dirfd, char ***names, size_t *n);
void fs_names_free(char **names, size_t n);

/* Remove a directory if it is empty (not an error when it is not). */
void fs_rmdir_if_empty(int dirfd, const char *name);

/* Replace a symlink entry `name` pointing to `target` (never replaces a
 * non-link). */
int fs_symlink_replace(int dirfd, const char *name, const char *target);
/* Remove name only if it is a symlink. */
int fs_unlink_link(int dirfd, const char *name);

#endif
