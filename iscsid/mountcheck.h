/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mountcheck.h: is a session's storage in use?  (safe logout)
 *
 * For each disk of a session we collect the block devices that depend on
 * it: the disk, its partitions, and everything stacked on those
 * (device-mapper, LVM, md: sysfs "holders", recursively).  A device is in
 * use when a mounted filesystem (libmount's view of mountinfo) lives on it
 * or it is an active swap area.  Logging out such a session would lose
 * data, so iscsid refuses unless the caller forces it.
 */
#ifndef ISCSID_MOUNTCHECK_H
#define ISCSID_MOUNTCHECK_H

#include <stdbool.h>
#include <stddef.h>

struct mounttab;

/* Where to look; NULL fields mean the running system's. */
struct mountcheck_env {
	const char *sysroot;    /* "/sys" */
	const char *mountinfo;  /* the process's mount table (libmount's default) */
	struct mounttab *tab;   /* the process's table kept between calls (mounttab.h);
				 * NULL: parse mountinfo at each call */
	const char *swaps;      /* /proc/swaps */
	/* holders the walk does not enter (NULL: it enters all) */
	bool (*stop)(const char *sysroot, const char *name);
};

/*
 * disks: kernel names ("sdb").  A holder for which env->stop() is true is
 * not followed: safe logout judges multipath maps on their own
 * (mpathcheck.h), since losing one path of a map loses nothing.  Returns the number of mounts/swaps found
 * (0 = free) and describes the first in `where` ("/dev/sdb1 mounted on
 * /mnt"); negative errno if the mount table cannot be read.
 */
int mountcheck_disks(const struct mountcheck_env *env, const char *const *disks, size_t n,
		     char *where, size_t len);

#endif
