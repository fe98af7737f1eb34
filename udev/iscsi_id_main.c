/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iscsi_id: udev helper printing the iSCSI identity of a disk or partition.
 *
 * Run by 69-lunlink-iscsi.rules as IMPORT{program}; udev passes the device
 * in $DEVPATH (an argument, "/devices/..." or "/sys/devices/...", wins, for
 * trying it by hand).  Prints ID_ISCSI_SESSION, ID_ISCSI_LUN and, when the
 * kernel's values pass the checks, ID_ISCSI_TARGET, ID_ISCSI_PORTAL and
 * ID_ISCSI_FIRST_SESSION (1: this disk owns the by-iscsi link).
 *
 * `iscsi_id --promote` runs (RUN) when the link owner's disk is removed:
 * from the removed device's ID_ISCSI_TARGET, ID_ISCSI_LUN and
 * ID_ISCSI_SESSION in the environment it sends a change event to the disk
 * that owns the link now (iscsi_id.h, iscsi_id_promote()).
 *
 * Exit status 0 on success, 1 when the device is no iSCSI disk, 2 on usage
 * errors; messages go to stderr (udev logs them), never to stdout.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs/sysfs.h"
#include "udev/iscsi_id.h"

static bool env_uint(const char *name, unsigned *out)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || *v < '0' || *v > '9')
		return false;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || n > UINT_MAX)
		return false;
	*out = (unsigned)n;
	return true;
}

static int promote(void)
{
	const char *target = getenv("ID_ISCSI_TARGET");
	unsigned lun, sid;
	int r;

	if (!target || iqn_validate(target, NULL) < 0 || !env_uint("ID_ISCSI_LUN", &lun) ||
	    !env_uint("ID_ISCSI_SESSION", &sid)) {
		fprintf(stderr, "iscsi_id --promote: needs ID_ISCSI_TARGET, ID_ISCSI_LUN and "
				"ID_ISCSI_SESSION in the environment\n");
		return 2;
	}
	r = iscsi_id_promote(SYSFS_ROOT, target, lun, sid);
	if (r < 0) {
		fprintf(stderr, "iscsi_id --promote: %s lun %u: %s\n", target, lun, strerror(-r));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *devpath = argc > 1 ? argv[1] : getenv("DEVPATH");
	struct iscsi_id id;
	int r;

	if (argc == 2 && !strcmp(argv[1], "--promote"))
		return promote();
	if (argc > 2 || !devpath || !*devpath ||
	    (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))) {
		fprintf(stderr, "Usage: iscsi_id [DEVPATH]   (default: $DEVPATH)\n"
				"       iscsi_id --promote   (after the link owner's removal)\n");
		return 2;
	}
	r = iscsi_id_lookup(SYSFS_ROOT, devpath, &id);
	if (r < 0) {
		fprintf(stderr, "iscsi_id: %s: %s\n", devpath,
			r == -ENODEV ? "not a disk of an iSCSI session" :
			r == -ENOENT ? "its iSCSI session is gone" : strerror(-r));
		return 1;
	}
	iscsi_id_print(stdout, &id);
	return fflush(stdout) == 0 ? 0 : 1;
}
