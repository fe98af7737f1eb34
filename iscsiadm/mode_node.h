/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mode_node.h: `iscsiadm -m node`: list, show, create, delete and update
 * node records, log in, and act on the sessions of matching records (log
 * out, rescan, stats).  One function per action; `-m session` reuses them
 * on the record a session belongs to.
 */
#ifndef ISCSIADM_MODE_NODE_H
#define ISCSIADM_MODE_NODE_H

#include <stdbool.h>

#include "db/record.h"
#include "iscsiadm/ctx.h"

int mode_node(struct ctx *c);

/* node.startup (or node.conn[0].startup) equal to mode; "all" is every
 * record except onboot ones, which only "onboot" picks (mode_node.c). */
bool node_startup_matches(const struct rec *r, const char *mode);

/* Prints the matching records in full (mode_node.c). */
int node_show(struct ctx *c, const char *iface);

/* Actions (node_ops.c): each returns an open-iscsi exit code. */
int node_new(struct ctx *c, const char *iface);
int node_delete(struct ctx *c, const char *iface);
int node_update(struct ctx *c, const char *iface);

/* Session-side actions (node_sessions.c): the sessions whose target,
 * persistent portal and iface match -T, -p and -I (omitted = any). */
int node_logout(struct ctx *c, const char *iface);
int node_logout_all(struct ctx *c, const char *mode);
int node_rescan(struct ctx *c, const char *iface);
int node_stats(struct ctx *c, const char *iface);

#endif
