/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host.h: the kernel's iSCSI hosts (SCSI hosts of an iSCSI transport), as
 * `iscsiadm -m host` shows them:
 *
 *   ROOT/class/iscsi_host/hostH/   ipaddress, hwaddress, netdev, initiatorname
 *   ROOT/class/scsi_host/hostH/    proc_name (iscsi_tcp -> "tcp"), state
 *
 * iscsi_tcp makes one host per session; its ipaddress is the session's
 * local address, the other attributes are mostly unset.  An attribute the
 * kernel does not show, or shows as "(null)", reads as "".
 *
 * Memory: sysfs_host_list() returns an array the caller free()s.
 */
#ifndef LUNLINK_SYSFS_HOST_H
#define LUNLINK_SYSFS_HOST_H

#include <stddef.h>

#include "sysfs/sysfs.h"

struct sysfs_host {
	unsigned host_no;
	char transport[16];              /* "tcp"; "" when proc_name is unreadable */
	char state[32];                  /* scsi_host state: running, ... */
	char ipaddress[SYSFS_VAL_MAX];
	char hwaddress[64];
	char netdev[64];
	char initiatorname[224];
};

/* Every iSCSI host in open-iscsi's order (directory names sorted as text:
 * host1, host10, host2).  Returns 0 (also with *n == 0) or -errno. */
int sysfs_host_list(const char *root, struct sysfs_host **out, size_t *n);

/* The transport of hostH: its driver's name without "iscsi_" ("tcp"), or
 * "" when the driver is unknown. */
void sysfs_host_transport(const char *root, unsigned host_no, char *buf, size_t len);

/* One host; -ENOENT when ROOT/class/iscsi_host/hostH does not exist. */
int sysfs_host_read(const char *root, unsigned host_no, struct sysfs_host *out);

/* The host whose hwaddress is mac (compared ignoring case); -ENOENT when
 * none has it, -EINVAL when mac is empty. */
int sysfs_host_by_hwaddress(const char *root, const char *mac, unsigned *host_no);

#endif
