/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mode_host.h: `iscsiadm -m host`, open-iscsi 2.1.8's output for iscsi_tcp
 * hosts, read from sysfs (sysfs/host.h) so it works with iscsid down:
 *
 *   -P 0     tcp: [H] IPADDR,[HWADDR],NETDEV INITIATORNAME   (<empty> when unset)
 *   -P 1     Host Number: H / State / Transport / Initiatorname / IPaddress / ...
 *   -P 2..4  + the host's sessions (-m session's tree, one tab further in):
 *            2 interface and states, 3 + negotiated parameters, 4 + the
 *            transport class version header and the attached disks
 *
 * -H N|MAC is checked as open-iscsi checks it (a MAC must belong to a
 * host) but, like open-iscsi 2.1.8, the listing shows every host.  The
 * submodes -C chap, flashnode and stats belong to offload HBAs: for
 * iscsi_tcp hosts they end with open-iscsi's error for this transport.
 */
#ifndef ISCSIADM_MODE_HOST_H
#define ISCSIADM_MODE_HOST_H

#include "iscsiadm/ctx.h"

int mode_host(struct ctx *c);

#endif
