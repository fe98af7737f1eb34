/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mode_session.h: `iscsiadm -m session` (listing from sysfs, -r, and the
 * -u/-R/-s/-o actions on sessions), and `-k 0` (ask iscsid to stop).
 */
#ifndef ISCSIADM_MODE_SESSION_H
#define ISCSIADM_MODE_SESSION_H

#include "iscsiadm/ctx.h"

int mode_session(struct ctx *c);
int kill_iscsid(struct ctx *c, int priority);

#endif
