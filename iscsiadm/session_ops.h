/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_ops.h: what iscsiadm asks iscsid to do to running sessions, with
 * open-iscsi 2.1.8's lines:
 *
 *   Logging out of session [sid: 1, target: IQN, portal: ADDR,PORT]
 *   Logout of [sid: 1, target: IQN, portal: ADDR,PORT] successful.
 *   iscsiadm: Could not logout of [sid: 1, target: IQN, portal: ADDR,PORT].
 *   iscsiadm: initiator reported error (28 - device or resource in use)
 *   iscsiadm: <iscsid's sentence, e.g. naming the mount point>
 *   iscsiadm: Could not logout of all requested sessions
 *
 *   Rescanning session [sid: 1, target: IQN, portal: ADDR,PORT]
 *
 *   Stats for session [sid: 1, target: IQN, portal: ADDR,PORT]
 *   iSCSI SNMP: ... iSCSI Extended: ...   (see stats_print.h)
 *
 * All requests of one command go out on one connection before the first
 * reply is awaited (iscsid works on them concurrently); results are
 * printed in the order of the list given.
 *
 * The callers select and order the sessions (sessions.h) and print the
 * "nothing matched" messages; the lists are borrowed.
 */
#ifndef ISCSIADM_SESSION_OPS_H
#define ISCSIADM_SESSION_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "iscsiadm/ctx.h"
#include "sysfs/sysfs.h"

/*
 * IPC_LOGOUT for each session (IPC_F_FORCE with force); with several, each
 * request also names them all (IPC_A_SIDS) so iscsid's safe logout sees
 * the set: logging out every path of a multipath map in use is refused.  Returns 0 or the
 * exit code of the last failure.  When iscsid cannot be reached nothing is
 * logged out and, like open-iscsi, each session's failure is printed and
 * then "No matching sessions found" with exit code 21.
 */
int sessions_logout(struct ctx *c, const struct sysfs_session *const *list, size_t n,
		    bool force);

/* IPC_RESCAN for each session; 0 or the first failure's exit code. */
int sessions_rescan(struct ctx *c, const struct sysfs_session *const *list, size_t n);

/*
 * IPC_SESSION_STATS for each session; prints open-iscsi's block per
 * session (stats_print.h); 0 or the first failure's exit code.
 */
int sessions_stats(struct ctx *c, const struct sysfs_session *const *list, size_t n);

#endif
