/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mode_fw.h: the firmware's iSCSI boot tables (sysfs/boot.h), as open-iscsi
 * 2.1.8 handles them for software iSCSI:
 *
 *   iscsiadm -m fw              one "# BEGIN RECORD" block per boot target
 *                               (iface.* and node.* values; CHAP secrets
 *                               masked, unlike open-iscsi)
 *   iscsiadm -m fw -l [-W]      log in to every boot target through iscsid
 *   iscsiadm -m discovery -t fw [-I iface]... [-o op] [-l]
 *                               node records for the boot targets (linked
 *                               under fw/), listed like a SendTargets result
 *
 * With no table (or no usable target): "Could not get list of targets from
 * firmware. (err 21)", exit 21.  Targets a damaged table makes unusable are
 * named on stderr with the reason.
 */
#ifndef ISCSIADM_MODE_FW_H
#define ISCSIADM_MODE_FW_H

#include "iscsiadm/ctx.h"

int mode_fw(struct ctx *c);
int discover_fw(struct ctx *c);

#endif
