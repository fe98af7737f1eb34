/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iscsi_id: udev helper printing the iSCSI identity of a disk or partition.
 *
 * Run by 69-lunlink-iscsi.rules as IMPORT{program}; udev passes the device
 * in $DEVPATH (an argument, "/devices/..." or "/sys/devices/...", wins, for
 * trying it by hand).  Prints ID_ISCSI_SESSION, ID_ISCSI_LUN and, when the
 * kernel's values pass the checks, ID_ISCSI_TARGET and ID_ISCSI_PORTAL.
 * Exit status 0 on success, 1 when the device is no iSCSI disk, 2 on usage
 * errors; messages go to stderr (udev logs them), never to stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs/sysfs.h"
#include "udev/iscsi_id.h"

int main(int argc, char **argv)
{
	const char *devpath = argc > 1 ? argv[1] : getenv("DEVPATH");
	struct iscsi_id id;
	int r;

	if (argc > 2 || !devpath || !*devpath ||
	    (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))) {
		fprintf(stderr, "Usage: iscsi_id [DEVPATH]   (default: $DEVPATH)\n");
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
