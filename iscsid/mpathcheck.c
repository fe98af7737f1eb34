/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mpathcheck.c: multipath maps over a session's disks (see mpathcheck.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "iscsid/mountcheck.h"
#include "iscsid/mpathcheck.h"
#include "libiscsi-core/util.h"
#include "sysfs/sysfs.h"

#define MPATH_UUID_PREFIX "mpath-"

static int read_attr(const char *sysroot, char *buf, size_t len, const char *name,
		     const char *attr)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "class/block/%s/%s", name, attr);
	return sysfs_read(sysroot, rel, buf, len);
}

bool mpath_is_map(const char *sysroot, const char *name)
{
	char uuid[160];

	return read_attr(sysroot, uuid, sizeof(uuid), name, "dm/uuid") == 0 &&
	       strncmp(uuid, MPATH_UUID_PREFIX, strlen(MPATH_UUID_PREFIX)) == 0;
}

static bool in_list(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (streq(names[i], name))
			return true;
	return false;
}

/*
 * The iSCSI session a disk belongs to: its sysfs link goes through
 * ".../hostH/sessionS/targetH:C:T/...".  false for other disks.
 */
static bool session_of_disk(const char *sysroot, const char *disk, unsigned *sid)
{
	char path[512], target[1024];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/class/block/%s", sysroot, disk);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return sysfs_parse_session_id(target, sid) == 0;
}

/* The rules of mpathcheck.h for one path of a map. */
static bool path_active(const struct mpath_env *env, const char *disk,
			const char *const *leaving_disks, size_t n)
{
	char val[64], rel[128];
	unsigned sid;

	if (in_list(leaving_disks, n, disk))
		return false;
	if (read_attr(env->mc.sysroot, val, sizeof(val), disk, "device/state") < 0 ||
	    !streq(val, "running"))
		return false;
	if (!session_of_disk(env->mc.sysroot, disk, &sid))
		return true;
	snprintf(rel, sizeof(rel), "class/iscsi_session/session%u/state", sid);
	if (sysfs_read(env->mc.sysroot, rel, val, sizeof(val)) < 0 || !streq(val, "LOGGED_IN"))
		return false;
	return !env->leaving || !env->leaving(env->ud, sid);
}

static unsigned count_others(const struct mpath_env *env, const char *map,
			     const char *const *disks, size_t n)
{
	char path[512];
	struct dirent *de;
	unsigned active = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/class/block/%s/slaves", env->mc.sysroot, map);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && path_active(env, de->d_name, disks, n))
			active++;
	closedir(d);
	return active;
}

static bool have_map(const struct mpath_map *out, size_t k, const char *dev)
{
	for (size_t i = 0; i < k; i++)
		if (streq(out[i].dev, dev))
			return true;
	return false;
}

/* Adds the maps among disk's holders to out[*k...]. */
static void add_maps_of(const struct mpath_env *env, const char *disk,
			const char *const *disks, size_t n, struct mpath_map *out, size_t cap,
			size_t *k)
{
	char path[512], uuid[160];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/class/block/%s/holders", env->mc.sysroot, disk);
	d = opendir(path);
	if (!d)
		return;
	while (*k < cap && (de = readdir(d))) {
		struct mpath_map *m = &out[*k];

		if (de->d_name[0] == '.' || !mpath_is_map(env->mc.sysroot, de->d_name) ||
		    have_map(out, *k, de->d_name))
			continue;
		memset(m, 0, sizeof(*m));
		str_copy(m->dev, sizeof(m->dev), de->d_name);
		if (read_attr(env->mc.sysroot, m->name, sizeof(m->name), m->dev, "dm/name") < 0)
			str_copy(m->name, sizeof(m->name), m->dev);
		read_attr(env->mc.sysroot, uuid, sizeof(uuid), m->dev, "dm/uuid");
		str_copy(m->wwid, sizeof(m->wwid), uuid + strlen(MPATH_UUID_PREFIX));
		m->others = count_others(env, m->dev, disks, n);
		(*k)++;
	}
	closedir(d);
}

size_t mpath_maps_of(const struct mpath_env *env, const char *const *disks, size_t n,
		     struct mpath_map *out, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		add_maps_of(env, disks[i], disks, n, out, cap, &k);
	return k;
}

/* The first holder of the map ("dm-3 (vg-data)"), false when none. */
static bool first_holder(const char *sysroot, const char *map, char *what, size_t len)
{
	char path[512], name[128];
	struct dirent *de;
	bool found = false;
	DIR *d;

	snprintf(path, sizeof(path), "%s/class/block/%s/holders", sysroot, map);
	d = opendir(path);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		found = true;
		if (read_attr(sysroot, name, sizeof(name), de->d_name, "dm/name") == 0)
			snprintf(what, len, "%s (%s) is stacked on it", de->d_name, name);
		else
			snprintf(what, len, "%s is stacked on it", de->d_name);
	}
	closedir(d);
	return found;
}

int mpath_map_in_use(const struct mpath_env *env, const struct mpath_map *m, char *what,
		     size_t len)
{
	struct mountcheck_env mc = env->mc;
	const char *dev = m->dev;
	int r, opens;

	mc.stop = NULL;
	r = mountcheck_disks(&mc, &dev, 1, what, len);
	if (r != 0)
		return r;
	if (first_holder(env->mc.sysroot, m->dev, what, len))
		return 1;
	opens = env->open_count ? env->open_count(env->ud, m->name) : 0;
	if (opens > 0) {
		snprintf(what, len, "it is open %d time%s", opens, opens == 1 ? "" : "s");
		return 1;
	}
	return 0;
}

int mpath_dm_open_count(void *ud, const char *name)
{
	struct dm_ioctl io = {
		.version = { DM_VERSION_MAJOR, 0, 0 },
		.data_size = sizeof(io),
		.data_start = sizeof(io),
	};
	int fd, r;

	(void)ud;
	str_copy(io.name, sizeof(io.name), name);
	fd = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = ioctl(fd, DM_DEV_STATUS, &io);
	if (r < 0)
		r = -errno;
	else
		r = io.open_count;
	close(fd);
	return r;
}
