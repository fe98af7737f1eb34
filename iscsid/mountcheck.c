/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mountcheck.c: find mounts and swaps on a session's disks (see mountcheck.h). */
#include <dirent.h>
#include <errno.h>
#include <libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "iscsid/mountcheck.h"
#include "iscsid/mounttab.h"
#include "libiscsi-core/util.h"
#include "sysfs/sysfs.h"

#define MAX_DEVS 256

struct devset {
	bool (*stop)(const char *sysroot, const char *name);
	size_t n;
	dev_t devno[MAX_DEVS];
	char name[MAX_DEVS][64];
};

static bool devset_has(const struct devset *s, dev_t d)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->devno[i] == d)
			return true;
	return false;
}

static void add_dev(const char *sysroot, struct devset *s, const char *name, int depth);

/* Partitions are subdirectories of the disk that carry a "partition" file. */
static void add_children(const char *sysroot, struct devset *s, const char *name,
			 const char *sub, bool partitions_only, int depth)
{
	char path[512];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/class/block/%s%s", sysroot, name, sub);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char attr[768];

		if (de->d_name[0] == '.')
			continue;
		if (partitions_only) {
			/* A partition's name starts with its disk's (sdb1, nvme0n1p1):
			 * the other entries (queue, holders, size...) need no look. */
			if (strncmp(de->d_name, name, strlen(name)) != 0)
				continue;
			snprintf(attr, sizeof(attr), "%s/%s/partition", path, de->d_name);
			if (access(attr, F_OK) < 0)
				continue;
		}
		add_dev(sysroot, s, de->d_name, depth + 1);
	}
	closedir(d);
}

static void add_dev(const char *sysroot, struct devset *s, const char *name, int depth)
{
	char rel[128], val[32];
	unsigned maj, min;

	if (depth > 8 || s->n >= MAX_DEVS)
		return;
	if (depth > 0 && s->stop && s->stop(sysroot, name))
		return;
	snprintf(rel, sizeof(rel), "class/block/%s/dev", name);
	if (sysfs_read(sysroot, rel, val, sizeof(val)) < 0 || sscanf(val, "%u:%u", &maj, &min) != 2)
		return;
	if (devset_has(s, makedev(maj, min)))
		return;
	s->devno[s->n] = makedev(maj, min);
	str_copy(s->name[s->n], sizeof(s->name[0]), name);
	s->n++;
	add_children(sysroot, s, name, "", true, depth);
	add_children(sysroot, s, name, "/holders", false, depth);
}

static dev_t path_devno(const char *path)
{
	struct stat st;

	if (!path || stat(path, &st) < 0 || !S_ISBLK(st.st_mode))
		return 0;
	return st.st_rdev;
}

static int scan_table(struct libmnt_table *tb, const struct devset *s, bool swaps,
		      char *where, size_t len)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	int found = 0;

	if (!it)
		return -ENOMEM;
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		dev_t d = swaps ? path_devno(mnt_fs_get_srcpath(fs)) : mnt_fs_get_devno(fs);

		if (!d || !devset_has(s, d))
			continue;
		if (found++ == 0)
			snprintf(where, len, "%s %s %s", mnt_fs_get_source(fs) ?: "?",
				 swaps ? "is used as" : "is mounted on",
				 swaps ? "swap" : (mnt_fs_get_target(fs) ?: "?"));
	}
	mnt_free_iter(it);
	return found;
}

/* The mount table of env, with a reference; NULL and *err when unreadable. */
static struct libmnt_table *mount_table(const struct mountcheck_env *env, int *err)
{
	struct libmnt_table *tb;
	int r;

	if (env->tab)
		return mounttab_get(env->tab, err);
	tb = mnt_new_table();
	if (!tb) {
		*err = -ENOMEM;
		return NULL;
	}
	r = mnt_table_parse_mtab(tb, env->mountinfo);
	if (r < 0) {
		mnt_unref_table(tb);
		*err = r;
		return NULL;
	}
	return tb;
}

int mountcheck_disks(const struct mountcheck_env *env, const char *const *disks, size_t n,
		     char *where, size_t len)
{
	const char *sysroot = env->sysroot ? env->sysroot : SYSFS_ROOT;
	struct devset *s = calloc(1, sizeof(*s));
	struct libmnt_table *mounts = NULL, *swaps = NULL;
	int found = 0;

	if (!s)
		return -ENOMEM;
	s->stop = env->stop;
	where[0] = '\0';
	for (size_t i = 0; i < n; i++)
		add_dev(sysroot, s, disks[i], 0);
	if (s->n == 0)
		goto out;
	mounts = mount_table(env, &found);
	if (!mounts)
		goto out;
	found = scan_table(mounts, s, false, where, len);
	/* No swaps file means no swap areas.  (/proc/swaps is small; libmount
	 * has no monitor for it, so it is read each time.) */
	swaps = mnt_new_table();
	if (!swaps) {
		found = -ENOMEM;
		goto out;
	}
	if (found >= 0 && mnt_table_parse_swaps(swaps, env->swaps) == 0) {
		char swap_where[256];
		int more = scan_table(swaps, s, true, swap_where, sizeof(swap_where));

		if (more > 0 && found == 0)
			str_copy(where, len, swap_where);
		found = more < 0 ? more : found + more;
	}
out:
	mnt_unref_table(mounts);
	mnt_unref_table(swaps);
	free(s);
	return found;
}
