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
 */
#ifndef ISCSIADM_STATS_PRINT_H
#define ISCSIADM_STATS_PRINT_H

#include "libiscsi-core/errors.h"
#include "libiscsi-core/ipc.h"
#include "sysfs/sysfs.h"

/* Prints the block for s from iscsid's IPC_SESSION_STATS reply; nothing
 * is printed when the reply is malformed (err says why). */
int stats_print_session(const struct sysfs_session *s, const struct ipc_msg *reply,
			struct ll_error *err);

#endif
