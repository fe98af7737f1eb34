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
 *
 * The sessions are collected into a view first (session_view.h); with -J
 * the same view is printed as JSON (session_json.h) instead.
 */
#ifndef ISCSIADM_SESSION_PRINT_H
#define ISCSIADM_SESSION_PRINT_H

#include <stddef.h>

#include "iscsiadm/ctx.h"
#include "iscsiadm/session_view.h"
#include "sysfs/sysfs.h"

/* Prints the n sessions at level (-1 and 0 flat), as text or with -J as
 * JSON; returns 0 or ISCSI_ERR_INVAL for a level open-iscsi refuses
 * (message printed). */
int session_print(struct ctx *c, const struct sysfs_session *const *list, size_t n,
		  int level);

/* The tree of the collected sessions, every line starting with prefix. */
void session_text_tree(const struct session_views *views, const char *prefix);

/* The "iSCSI Transport Class version" and "version" header lines of the
 * most detailed level (nothing when the kernel's version is unreadable). */
void session_print_versions(void);

#endif
