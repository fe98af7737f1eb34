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

#endif
