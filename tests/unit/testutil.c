/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "testutil.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libiscsi-core/ipc.h"

char tu_tmp[PATH_MAX];
char tu_root[PATH_MAX + 8];

void tu_scratch_new(void)
{
	snprintf(tu_tmp, sizeof(tu_tmp), "%s", "/tmp/lunlink-unit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tu_tmp));
	snprintf(tu_root, sizeof(tu_root), "%s", tu_tmp);
}

void tu_config_dir_new(void)
{
	tu_scratch_new();
	snprintf(tu_root, sizeof(tu_root), "%s/root", tu_tmp);
	ck_assert_int_eq(mkdir(tu_root, 0755), 0);
	ck_assert_int_eq(setenv("ISCSI_CONFIG_DIR", tu_root, 1), 0);
}

void tu_scratch_remove(void)
{
	char cmd[PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tu_tmp);
	ck_assert_int_eq(system(cmd), 0);
}

static void full_path(char *out, size_t cap, const char *rel)
{
	ck_assert_int_lt(snprintf(out, cap, "%s/%s", tu_root, rel), (int)cap);
}

void tu_mkdirs(const char *fmt, ...)
{
	char rel[PATH_MAX], p[PATH_MAX * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	full_path(p, sizeof(p), rel);
	/* each missing parent in turn, like mkdir -p */
	for (char *s = strchr(p + strlen(tu_root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		ck_assert_msg(mkdir(p, 0755) == 0 || access(p, F_OK) == 0, "mkdir %s", p);
		*s = '/';
	}
	ck_assert_msg(mkdir(p, 0755) == 0 || access(p, F_OK) == 0, "mkdir %s", p);
}

void tu_write(const char *rel, const char *data, size_t len)
{
	char p[PATH_MAX * 2];
	FILE *f;

	full_path(p, sizeof(p), rel);
	f = fopen(p, "w");
	ck_assert_msg(f != NULL, "cannot create %s", p);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

void tu_write_str(const char *rel, const char *text)
{
	tu_write(rel, text, strlen(text));
}

void tu_put(const char *rel, const char *value)
{
	char text[4096];
	int n = snprintf(text, sizeof(text), "%s\n", value);

	ck_assert_int_lt(n, (int)sizeof(text));
	tu_write(rel, text, (size_t)n);
}

void tu_link(const char *target, const char *rel)
{
	char p[PATH_MAX * 2];

	full_path(p, sizeof(p), rel);
	ck_assert_msg(symlink(target, p) == 0, "symlink %s", p);
}

void tu_diags_collect(void *ud, enum rec_diag_level lvl, const char *file,
		      unsigned line, const char *msg)
{
	struct tu_diags *d = ud;
	size_t off = strlen(d->all);

	if (lvl == REC_DIAG_ERROR) {
		if (d->errors < sizeof(d->lines) / sizeof(d->lines[0]))
			d->lines[d->errors] = line;
		d->errors++;
	} else {
		d->notices++;
	}
	snprintf(d->last_file, sizeof(d->last_file), "%s", file);
	snprintf(d->last_msg, sizeof(d->last_msg), "%s", msg);
	snprintf(d->all + off, sizeof(d->all) - off, "%s:%u: %s\n", file, line, msg);
}

int tu_run(const struct tu_suite *suite)
{
	Suite *s = suite_create(suite->name);
	TCase *tc = tcase_create(suite->tcase ? suite->tcase : "core");
	SRunner *sr;
	int run, failed;

	if (suite->setup || suite->teardown)
		tcase_add_checked_fixture(tc, suite->setup, suite->teardown);
	if (suite->timeout > 0)
		tcase_set_timeout(tc, suite->timeout);
	for (const TTest *const *t = suite->tests; *t; t++)
		tcase_add_test(tc, *t);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (run == 0)
		fprintf(stderr, "%s: no test ran\n", suite->name);
	return failed || run == 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int tu_ipc_over_the_wire(const struct ipc_msg *m, struct ipc_msg *out, struct ll_error *err)
{
	uint8_t *buf;
	size_t len;
	int r = ipc_msg_encode(m, &buf, &len);

	if (r < 0)
		return r;
	r = ipc_msg_decode(out, m->type, m->id, buf + IPC_HDR_LEN, len - IPC_HDR_LEN, err);
	free(buf);
	return r;
}
