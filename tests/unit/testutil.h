/* SPDX-License-Identifier: GPL-2.0-or-later */
/* testutil.h: what several unit tests share.
 *
 * A scratch directory per test: tu_scratch_new() makes a fresh
 * /tmp/lunlink-unit-XXXXXX (tu_tmp); tu_config_dir_new() also makes
 * tu_tmp/root and points ISCSI_CONFIG_DIR at it, so tu_tmp holds only
 * "root" plus what the test puts there.  The file helpers work below
 * tu_root (tu_tmp itself after tu_scratch_new(), tu_tmp/root after
 * tu_config_dir_new()) and fail the test on any error: fake sysfs trees
 * and damaged node databases are built with them.
 *
 * tu_diags_collect is a rec_diag sink that remembers what it was told. */
#ifndef LUNLINK_TESTS_TESTUTIL_H
#define LUNLINK_TESTS_TESTUTIL_H

#include <limits.h>
#include <stddef.h>

#include "db/record.h"

extern char tu_tmp[PATH_MAX];
extern char tu_root[PATH_MAX + 8];

void tu_scratch_new(void);
void tu_config_dir_new(void);
void tu_scratch_remove(void);

void tu_mkdirs(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tu_put(const char *rel, const char *value);   /* value and a newline */
void tu_write(const char *rel, const char *data, size_t len);
void tu_write_str(const char *rel, const char *text);
void tu_link(const char *target, const char *rel);

struct tu_diags {
	unsigned errors, notices;
	unsigned lines[64];     /* line of each of the first 64 errors */
	char last_file[256];
	char last_msg[512];
	char all[16384];        /* every message as "file:line: msg\n" */
};

void tu_diags_collect(void *ud, enum rec_diag_level lvl, const char *file,
		      unsigned line, const char *msg);

#endif
