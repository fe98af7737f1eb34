/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mode_node.h: `iscsiadm -m node`: list, show, create, delete and update
 * node records and log in.  One function per action; `-m session` reuses
 * them on the record a session belongs to.  The actions on the sessions of
 * matching records (log out, rescan, stats) are in node_sessions.h.
 */
#ifndef ISCSIADM_MODE_NODE_H
#define ISCSIADM_MODE_NODE_H

#include "iscsiadm/ctx.h"

int mode_node(struct ctx *c);

/* Prints the matching records in full (mode_node.c). */
int node_show(struct ctx *c, const char *iface);
/* One more session to each matching record (`-m session -r SID -o new`). */
int node_login_one_more(struct ctx *c, const char *iface);

/* Actions (node_ops.c): each returns an open-iscsi exit code. */
int node_new(struct ctx *c, const char *iface);
int node_delete(struct ctx *c, const char *iface);
int node_update(struct ctx *c, const char *iface);

#endif
