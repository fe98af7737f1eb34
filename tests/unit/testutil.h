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
 * tu_diags_collect is a rec_diag sink that remembers what it was told.
 *
 * tu_run() is every unit test's main(): one suite of one test case with the
 * listed tests in order. */
#ifndef LUNLINK_TESTS_TESTUTIL_H
#define LUNLINK_TESTS_TESTUTIL_H

#include <check.h>
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

/* One Check suite: the tests run in order; setup/teardown, when given, are
 * a checked fixture (run in the forked child around each test). */
struct tu_suite {
	const char *name;
	const char *tcase;          /* the test case's name; NULL: "core" */
	void (*setup)(void);
	void (*teardown)(void);
	int timeout;                /* seconds; 0: Check's default ($CK_DEFAULT_TIMEOUT) */
	const TTest *const *tests;  /* NULL-terminated */
};

/* Runs the suite and returns main()'s exit status: EXIT_FAILURE when a test
 * failed or when the list ran no test at all (an empty run proves nothing). */
int tu_run(const struct tu_suite *suite);

/* Encodes m and decodes the bytes into out, as iscsiadm receives a reply. */
struct ipc_msg;
struct ll_error;
int tu_ipc_over_the_wire(const struct ipc_msg *m, struct ipc_msg *out, struct ll_error *err);

#endif
