/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit test of iscsid's kept mount table (mounttab.c): in a mount namespace
 * of its own (private, so nothing reaches the host's), the table is parsed
 * once while nothing changes, and again after a mount and after a umount,
 * showing each.  Needs to make a mount namespace: without the privilege
 * the test is reported as skipped (77), never as passed.
 */
#include <check.h>
#include <errno.h>
#include <libmount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iscsid/mounttab.h"
#include "testutil.h"

/* A private mount namespace for this process; -errno when not allowed. */
static int own_namespace(void)
{
	if (unshare(CLONE_NEWNS) < 0 && unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	return 0;
}

/* Is dir a mount point in t's current table?  Also counts the parse. */
static bool mounted(struct mounttab *t, const char *dir)
{
	int err = 0;
	struct libmnt_table *tb = mounttab_get(t, &err);
	bool found;

	ck_assert_msg(tb, "mount table read: %s", strerror(-err));
	found = mnt_table_find_target(tb, dir, MNT_ITER_BACKWARD) != NULL;
	mnt_unref_table(tb);
	return found;
}

START_TEST(test_table_kept_until_a_mount_or_umount)
{
	struct mounttab *t;

	ck_assert_int_eq(own_namespace(), 0);
	tu_scratch_new();
	t = mounttab_new();
	ck_assert(t);
	ck_assert(mounttab_watching(t));
	ck_assert(!mounted(t, tu_tmp));
	ck_assert(!mounted(t, tu_tmp));
	ck_assert_uint_eq(mounttab_parses(t), 1);
	ck_assert_int_eq(mount("lunlink-test", tu_tmp, "tmpfs", 0, "size=64k"), 0);
	ck_assert(mounted(t, tu_tmp));
	ck_assert_uint_eq(mounttab_parses(t), 2);
	ck_assert(mounted(t, tu_tmp));
	ck_assert_uint_eq(mounttab_parses(t), 2);
	ck_assert_int_eq(umount(tu_tmp), 0);
	ck_assert(!mounted(t, tu_tmp));
	ck_assert_uint_eq(mounttab_parses(t), 3);
	mounttab_free(t);
	tu_scratch_remove();
}
END_TEST

/* Whether this machine lets a process make a mount namespace. */
static bool namespaces_allowed(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(own_namespace() == 0 ? 0 : 1);
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(void)
{
	const TTest *const tests[] = {
		test_table_kept_until_a_mount_or_umount,
		NULL,
	};

	if (!namespaces_allowed()) {
		fprintf(stderr, "mounttab: cannot make a mount namespace here: skipped\n");
		return 77;
	}
	return tu_run(&(const struct tu_suite){
		.name = "mounttab",
		.tests = tests,
	});
}
