/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_print.h: `iscsiadm -m session` output, byte for byte open-iscsi
 * 2.1.8's (os-brick and CSI drivers parse it):
 *
 *   -P 0   tcp: [1] 127.0.0.1:3260,1 iqn... (non-flash)
 *   -P 1   tree: Target / portals / Interface / SID and states
 *   -P 2   + Timeouts, CHAP (secrets always masked), negotiated parameters
 *   -P 3   + transport class version header and attached SCSI devices
 *
 * Everything comes from sysfs except the two iscsid states ("iSCSI
 * Connection State", "Internal iscsid Session State"), asked from iscsid
 * once with IPC_SESSION_INFO; when iscsid cannot be reached they print as
 * "Unknown", like open-iscsi, and the listing still succeeds.
 */
#ifndef ISCSIADM_SESSION_PRINT_H
#define ISCSIADM_SESSION_PRINT_H

#include <stddef.h>

#include "iscsiadm/ctx.h"
#include "sysfs/sysfs.h"

/* Prints the n sessions at level (-1 and 0 flat); returns 0 or
 * ISCSI_ERR_INVAL for a level open-iscsi refuses (message printed). */
int session_print(struct ctx *c, const struct sysfs_session *const *list, size_t n,
		  int level);

/* The parts of a session tree; -m host prints other sets than -m session. */
enum session_tree_part {
	TREE_IFACE = 1u << 0,     /* Interface: block */
	TREE_STATE = 1u << 1,     /* SID and the three states */
	TREE_TIMEOUTS = 1u << 2,
	TREE_CHAP = 1u << 3,
	TREE_PARAMS = 1u << 4,    /* negotiated iSCSI parameters */
	TREE_HOST = 1u << 5,      /* "Host Number: H  State: ..." under Attached SCSI devices */
	TREE_DEVICES = 1u << 6,   /* the LUNs and their disks */
};

/* The tree of the n sessions, every line starting with prefix. */
void session_print_tree(struct ctx *c, const struct sysfs_session *const *list, size_t n,
			const char *prefix, unsigned parts);

/* The "iSCSI Transport Class version" and "version" header lines of the
 * most detailed level (nothing when the kernel's version is unreadable). */
void session_print_versions(void);

#endif
