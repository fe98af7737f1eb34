/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iscsi_id.h: which iSCSI session and LUN a block device belongs to.
 *
 * The udev helper iscsi_id (and its unit tests) use this to turn a disk's
 * or partition's DEVPATH, e.g.
 *   /devices/platform/host5/session3/target5:0:0/5:0:0:1/block/sdc/sdc1
 * into the properties ID_ISCSI_SESSION, ID_ISCSI_LUN, ID_ISCSI_TARGET and
 * ID_ISCSI_PORTAL.  The target name and portal come from the kernel, which
 * got them from the network: they are checked (libiscsi-core/iqn.h) before
 * they may end up in a /dev/disk/by-iscsi link, and left empty when they
 * fail the check.  Nothing here allocates; results go into the caller's
 * struct.
 */
#ifndef LUNLINK_ISCSI_ID_H
#define LUNLINK_ISCSI_ID_H

#include <stdbool.h>
#include <stdio.h>

#include "libiscsi-core/iqn.h"

struct iscsi_id {
	unsigned sid;                     /* the session's number (sessionS) */
	bool first;                       /* owns the by-iscsi link (see below) */
	unsigned lun;                     /* L of the SCSI device H:C:T:L */
	char target[IQN_NAME_MAX + 1];    /* "" when absent or not a valid name */
	char portal[ISCSI_HOST_MAX + 16]; /* persistent "a:p" / "[v6]:p", or "" */
};

/*
 * Fills id for the block device at DEVPATH (relative to the sysfs root
 * ROOT, "/sys" outside tests; a leading "/sys" is also accepted).
 * Returns 0; -ENODEV when the device does not sit below an iSCSI session's
 * SCSI device; -ENOENT when that session is gone from ROOT/class/
 * iscsi_session; -EINVAL for a malformed path (for example with "..").
 */
int iscsi_id_lookup(const char *root, const char *devpath, struct iscsi_id *id);

/* Prints the KEY=VALUE lines udev's IMPORT{program} reads; empty values
 * are left out. */
void iscsi_id_print(FILE *f, const struct iscsi_id *id);

/*
 * Several sessions to one target (node.session.nr_sessions, -o new,
 * several portals) give each LUN one disk per session, and all of them
 * claim the same /dev/disk/by-iscsi/TARGET-lun-N.  The rule: the link
 * belongs to the disk of the lowest-numbered session that has the LUN.
 * Session numbers only grow, so a session that logs in later never takes
 * the link over; when the owner's disk goes, the next lowest gets it.
 *
 * iscsi_id_lookup() sets id->first when no session with a lower number to
 * the same target has a disk for that LUN; the rules give that disk a
 * higher link_priority (ID_ISCSI_FIRST_SESSION=1).  When the owner's disk
 * is removed, iscsi_id_promote() sends a "change" event to the disk (and
 * its partitions) of the lowest-numbered other session with the LUN, so
 * that udev runs the rules for it again and it claims the link with the
 * higher priority.  Returns the number of events sent, or -errno.
 */
int iscsi_id_promote(const char *root, const char *target, unsigned lun, unsigned gone_sid);

#endif
