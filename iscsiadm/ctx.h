/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctx.h: what every mode function works with: the parsed options, the node
 * database, iscsid.conf and the initiator name, each opened on first use.
 *
 * Convention in iscsiadm: functions that talk to the user return an
 * open-iscsi exit code (0 = success) after printing their own messages.
 *
 * Memory: the ctx owns db, cfg and the cached records; ctx_free() releases
 * them.  Pointers handed out stay valid until ctx_free().
 */
#ifndef ISCSIADM_CTX_H
#define ISCSIADM_CTX_H

#include <stdbool.h>

#include "db/config.h"
#include "db/nodedb.h"
#include "iscsiadm/client.h"
#include "iscsiadm/opts.h"
#include "iscsiadm/portal.h"

struct ctx {
	const struct opts *o;
	struct ndb *db;
	struct cfg *cfg;
	struct cfg_iname iname;
	bool have_iname;
	struct portal_arg portal;    /* parsed -p, valid when have_portal */
	bool have_portal;
};

void ctx_init(struct ctx *c, const struct opts *o);
void ctx_free(struct ctx *c);

/* Each returns 0 or an exit code (the problem is already printed). */
int ctx_db(struct ctx *c, struct ndb **out);
int ctx_cfg(struct ctx *c, const struct cfg **out);
/* ROOT/initiatorname.iscsi, generated (like iscsi-init.service) if missing. */
int ctx_iname(struct ctx *c, const char **out);
/* Parses -p into c->portal when given. */
int ctx_portal(struct ctx *c);

/* The node DB filter from -T, -p (address, port when typed) and iface. */
struct ndb_filter ctx_node_filter(const struct ctx *c, const char *iface);

/*
 * The iface record called name (built-in "default"/"iser" or ifaces/NAME).
 * Returns 0, ISCSI_ERR_NO_OBJS_FOUND when there is no such iface (nothing
 * printed: callers use open-iscsi's message for their situation), or
 * another exit code after printing the problem.
 */
int ctx_iface(struct ctx *c, const char *name, struct rec **out);

/* A connection to iscsid, running iscsid.conf's iscsid.startup when it is
 * not listening (client_open(), which prints why it failed). */
int ctx_client_open(struct ctx *c, struct client **out, struct ll_error *err);

/* Prints a struct ll_error as "iscsiadm: msg" and returns its code
 * (ISCSI_ERR when it has none). */
int ctx_report(const struct ll_error *err);

#endif
