/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats_print.h: a session's statistics in open-iscsi 2.1.8's words:
 *
 *   Stats for session [sid: 1, target: IQN, portal: ADDR,PORT]
 *   iSCSI SNMP:
 *   <TAB>txdata_octets: 16783340
 *   ...                          (the 21 iSCSI MIB counters, fixed order)
 *   <TAB>timeout_err: 0
 *   iSCSI Extended:
 *   <TAB>tx_sendpage_failures: 0 (the transport's own, kernel order)
 *
 * or, with -J, the same counters as one object of the "stats" array (see
 * iscsiadm-json(7)).  Both render the decoded IPC_SESSION_STATS reply.
 */
#ifndef ISCSIADM_STATS_PRINT_H
#define ISCSIADM_STATS_PRINT_H

#include <json-c/json.h>

#include "libiscsi-core/ipc_stats.h"
#include "sysfs/sysfs.h"

void stats_print_session(const struct sysfs_session *s, const struct ll_conn_stats *st);

/* Appends { "sid", "target", "portal", "iscsi_snmp", "iscsi_extended" }. */
void stats_json_session(struct json_object *arr, const struct sysfs_session *s,
			const struct ll_conn_stats *st);

#endif
