/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host_stats.h: `iscsiadm -m host -H N -C stats`.
 *
 * The host must be an iscsi_tcp SCSI host (sysfs proc_name); otherwise
 * open-iscsi 2.1.8's lines and exit code 12:
 *
 *   iscsiadm: Could not read proc_name for hostN rc 5.   (no such host)
 *   iscsiadm: Could not match hostno N to transport.
 *
 * iscsid then asks the kernel (IPC_HOST_STATS).  iscsi_tcp has no host
 * statistics, so the kernel refuses and this prints, with open-iscsi's
 * exit code 1 and its "get_host_stats failed" words:
 *
 *   iscsiadm: get_host_stats failed: host statistics are not supported by
 *   this transport (iscsi_tcp)
 *
 * (open-iscsi's own line is "get_host_stats failed. errno=0", which says
 * nothing; this one says why.)
 */
#ifndef ISCSIADM_HOST_STATS_H
#define ISCSIADM_HOST_STATS_H

#include "iscsiadm/ctx.h"

/* host mode (mode_host.c) parsed -H; returns the exit code. */
int host_stats(struct ctx *c, unsigned host_no);

#endif
