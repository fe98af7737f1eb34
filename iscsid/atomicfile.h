/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atomicfile.h: replacing a small file all at once (temporary file in the
 * same directory, then rename), so a reader, or iscsid after a crash,
 * sees the old content or the new one, never a part.
 */
#ifndef ISCSID_ATOMICFILE_H
#define ISCSID_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Writes len bytes of text to path with permissions mode; 0 or -errno
 * (the temporary file is removed on failure). */
int atomic_write_file(const char *path, const char *text, size_t len, mode_t mode);

#endif
