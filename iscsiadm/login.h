/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * login.h: log in to node records through iscsid.
 *
 * All logins go out on one connection before the first reply is awaited,
 * so iscsid runs them concurrently; results are printed in record order
 * with open-iscsi's lines:
 *
 *   Logging in to [iface: default, target: IQN, portal: ADDR,PORT]   (stdout)
 *   Login to [iface: default, target: IQN, portal: ADDR,PORT] successful.
 *   iscsiadm: Could not login to [iface: ..., target: ..., portal: ...].
 *   iscsiadm: initiator reported error (24 - iSCSI login failed due to authorization failure)
 *   iscsiadm: <iscsid's sentence saying what exactly failed>
 *
 * A record gets node.session.nr_sessions sessions: one request (and one
 * "Logging in to" line, with " (multiple)" when nr_sessions is above 1)
 * for each one missing in sysfs.  A record that has them all is not sent:
 * open-iscsi's "iscsiadm: default: 1 session requested, but 1 already
 * present." (stderr) stands in for its "Logging in to" line, and its
 * result is exit code 15.
 *
 * Memory: the records stay the caller's; they are modified in place (the
 * initiator name and the current iface settings are filled in).
 */
#ifndef ISCSIADM_LOGIN_H
#define ISCSIADM_LOGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "db/record.h"
#include "iscsiadm/ctx.h"
#include "libiscsi-core/ipc.h"

/* Returns 0 when every login succeeded, else the first failure's exit code
 * in record order.  With wait false (-W) it returns once all requests are
 * written.  Prints nothing when n is 0. */
int login_records(struct ctx *c, struct rec *const *recs, size_t n, bool wait);
/* `-m session -r SID -o new`: one more session to each record, however
 * many it has (open-iscsi's "multiple" login). */
int login_records_one_more(struct ctx *c, struct rec *const *recs, size_t n, bool wait);

/* Adds every stored key of r as an IPC_A_KV "key=value" attribute. */
int login_msg_add_record(struct ipc_msg *m, const struct rec *r);

#endif
