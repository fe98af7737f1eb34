/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mode_iface.h: `iscsiadm -m iface`: list ifaces, show one, and
 * -o new|delete|update of records in ROOT/ifaces.  The built-in "default"
 * (tcp) and "iser" are listed but never stored.  Offload-only operations
 * (-o apply/applyall, -C ping, -H) are refused: lunlink drives software
 * iSCSI.
 */
#ifndef ISCSIADM_MODE_IFACE_H
#define ISCSIADM_MODE_IFACE_H

#include "iscsiadm/ctx.h"

int mode_iface(struct ctx *c);

#endif
