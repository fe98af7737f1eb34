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

#include "db/record.h"
#include "iscsiadm/ctx.h"

/* op: enum iscsiadm_op bits from -o.  Returns an exit code. */
int discover_sendtargets(struct ctx *c, const struct rec *drec, unsigned op);

/* A discovery record for address:port from iscsid.conf's templates. */
int discover_new_drec(struct ctx *c, const char *address, int port, struct rec **out);

#endif
