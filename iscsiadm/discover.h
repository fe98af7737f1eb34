/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * discover.h: one SendTargets discovery through iscsid, shared by
 * `-m discovery -t st` and `-m discoverydb -D`.
 *
 * iscsid does the network part (connect, login, Text exchange, logout);
 * iscsiadm turns the answer into node records like open-iscsi:
 *   - default op (none given): new | delete | update;
 *   - new: records for portals not yet in the DB are created;
 *   - update: existing records of returned portals are rewritten from
 *     iscsid.conf (user changes to them are lost, as in open-iscsi);
 *   - delete: records of this discovery address no longer returned go;
 *   - nonpersistent: the DB is not touched;
 * then prints every portal found ("addr:port,tpgt iqn", or the -P 1 tree)
 * and, with -l, logs in to them.
 *
 * Memory: drec stays the caller's.
 */
#ifndef ISCSIADM_DISCOVER_H
#define ISCSIADM_DISCOVER_H

#include <stdbool.h>

#include "db/record.h"
#include "iscsiadm/ctx.h"
#include "iscsiadm/nodes.h"

/* op: enum iscsiadm_op bits from -o.  Returns an exit code. */
int discover_sendtargets(struct ctx *c, const struct rec *drec, unsigned op);

/* A discovery record for address:port from iscsid.conf's templates. */
int discover_new_drec(struct ctx *c, const char *address, int port, struct rec **out);

/*
 * What every discovery type shares (SendTargets here, firmware tables in
 * mode_fw.c): the node records found, one per portal and iface, and the
 * ifaces they were made for.
 */
struct discovered {
	struct node_list recs;
	struct rec *ifaces[OPTS_MAX_IFACES];
	size_t n_ifaces;
};

/* The -I ifaces (unknown ones dropped with open-iscsi's message); none
 * left means the default iface. */
int discovered_load_ifaces(struct ctx *c, struct discovered *d);

/* Which stored records a discovery owns: those not found again are stale
 * (deleted by -o delete, the default). */
typedef bool discovered_owner_fn(const struct rec *node, const void *arg);

/* The end of every discovery: store per op (none given = new, delete,
 * update), print the portals (flat or -P 1 tree), log in with -l. */
int discovered_finish(struct ctx *c, struct discovered *d, unsigned op,
		      discovered_owner_fn *owned, const void *arg);
void discovered_free(struct discovered *d);

#endif
