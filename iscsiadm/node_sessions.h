/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * node_sessions.h: `iscsiadm -m node` actions on running sessions (log
 * out, rescan, stats): the sessions whose target, persistent portal and
 * iface match -T, -p and -I (omitted = any).  `-m session` uses them for
 * its actions on every session.  Each returns an open-iscsi exit code.
 */
#ifndef ISCSIADM_NODE_SESSIONS_H
#define ISCSIADM_NODE_SESSIONS_H

#include "iscsiadm/ctx.h"

int node_logout(struct ctx *c, const char *iface);
/* --logoutall=MODE: sessions whose record's startup mode matches
 * (node_startup_matches()), never those of onboot records. */
int node_logout_all(struct ctx *c, const char *mode);
int node_rescan(struct ctx *c, const char *iface);
int node_stats(struct ctx *c, const char *iface);

#endif
