/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mpathcheck.h: safe logout of a dm-multipath path.
 *
 * A disk that is a path of a multipath map (sysfs: the disk's holder dm-N
 * has a dm/uuid starting with "mpath-") is not "in use" through the map
 * as long as the map keeps another active path: logging one path out is a
 * normal maintenance step.  A path of the map is active when
 *   - it is not a disk of the sessions being logged out,
 *   - its SCSI device state is "running", and
 *   - when it is an iSCSI disk, its session is LOGGED_IN and not leaving
 *     (not named in the same logout command, not already logging out).
 * multipathd's own view (a path it failed but the kernel still runs) is
 * not consulted: sysfs has no per-path dm state, and a path that the
 * kernel calls running comes back into service by itself.
 *
 * When a map would lose its last active path, the map is in use when a
 * filesystem on it (or on its partitions or what is stacked on it) is
 * mounted or used as swap (mountcheck.h), when something is stacked on it
 * (sysfs holders), or when anybody holds it open (device-mapper's open
 * count).  Then the logout is refused unless forced.
 */
#ifndef ISCSID_MPATHCHECK_H
#define ISCSID_MPATHCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iscsid/mountcheck.h"

struct mpath_env {
	struct mountcheck_env mc;  /* sysroot and mount tables (stop unused) */
	/* is session sid leaving (in the same logout command, or logging out)? */
	bool (*leaving)(void *ud, uint32_t sid);
	/* device-mapper's open count of map `name`, or negative errno */
	int (*open_count)(void *ud, const char *name);
	void *ud;
};

/* A map one of the disks is a path of. */
struct mpath_map {
	char dev[32];         /* kernel name, "dm-0" */
	char name[128];       /* dm/name, "mpatha" */
	char wwid[128];       /* dm/uuid without "mpath-" */
	unsigned others;      /* active paths that are not leaving */
};

/* Is block device `name` ("dm-0") a multipath map? */
bool mpath_is_map(const char *sysroot, const char *name);

/*
 * The multipath maps the disks ("sdb") are paths of, each once, with the
 * number of its other active paths.  Returns how many were stored in out.
 */
size_t mpath_maps_of(const struct mpath_env *env, const char *const *disks, size_t n,
		     struct mpath_map *out, size_t cap);

/*
 * Is the map in use?  Returns >0 and describes the first use in `what`
 * ("/dev/mapper/mpatha is mounted on /srv", "dm-3 (vg-data) is stacked on
 * it", "it is open 2 times"), 0 when free, negative errno when the mount
 * table cannot be read.
 */
int mpath_map_in_use(const struct mpath_env *env, const struct mpath_map *m, char *what,
		     size_t len);

/* open_count for mpath_env: asks device-mapper (DM_DEV_STATUS). */
int mpath_dm_open_count(void *ud, const char *name);

#endif
