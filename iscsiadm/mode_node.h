/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mode_node.h: `iscsiadm -m node`: list, show, create, delete and update
 * node records, and log in (log out, rescan and stats need the session
 * list from sysfs and are stubs for now: one function per action, so each
 * can be filled in alone).
 */
#ifndef ISCSIADM_MODE_NODE_H
#define ISCSIADM_MODE_NODE_H

#include "iscsiadm/ctx.h"

int mode_node(struct ctx *c);

/* Actions (node_ops.c): each returns an open-iscsi exit code. */
int node_new(struct ctx *c, const char *iface);
int node_delete(struct ctx *c, const char *iface);
int node_update(struct ctx *c, const char *iface);

/* Session-side actions, to be written on top of the sysfs session list. */
int node_logout(struct ctx *c, const char *iface);
int node_logout_all(struct ctx *c, const char *mode);
int node_rescan(struct ctx *c, const char *iface);
int node_stats(struct ctx *c, const char *iface);

#endif
