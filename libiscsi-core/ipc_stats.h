/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipc_stats.h: a connection's statistics as iscsid reports them to
 * iscsiadm (IPC_SESSION_STATS replies, see ipc.h).
 *
 * The standard counters are the kernel's iSCSI MIB counters, named as the
 * kernel and open-iscsi name them and kept in the order open-iscsi prints
 * them.  The transport may add up to LL_STATS_CUSTOM_MAX counters of its
 * own (iscsi_tcp: tx_sendpage_failures, rx_discontiguous_hdr,
 * eh_abort_cnt), kept in the order the kernel gave them.
 *
 * On the wire every counter is one attribute whose value is an 8-byte
 * big-endian count followed by the counter's name (1..LL_STATS_NAME_MAX-1
 * bytes, no NUL): IPC_A_COUNTER for a standard counter, IPC_A_CUSTOM for
 * a transport one.  A decoder ignores standard names it does not know (a
 * newer iscsid may report more) but refuses a reply that lacks one it
 * knows, repeats one, or carries more than LL_STATS_CUSTOM_MAX customs.
 */
#ifndef LUNLINK_IPC_STATS_H
#define LUNLINK_IPC_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "libiscsi-core/errors.h"
#include "libiscsi-core/ipc.h"

#define LL_STATS_CUSTOM_MAX 32
#define LL_STATS_NAME_MAX 64   /* with the NUL; the kernel's limit too */

enum ll_stat {
	LL_STAT_TXDATA_OCTETS,
	LL_STAT_RXDATA_OCTETS,
	LL_STAT_NOPTX_PDUS,
	LL_STAT_SCSICMD_PDUS,
	LL_STAT_TMFCMD_PDUS,
	LL_STAT_LOGIN_PDUS,
	LL_STAT_TEXT_PDUS,
	LL_STAT_DATAOUT_PDUS,
	LL_STAT_LOGOUT_PDUS,
	LL_STAT_SNACK_PDUS,
	LL_STAT_NOPRX_PDUS,
	LL_STAT_SCSIRSP_PDUS,
	LL_STAT_TMFRSP_PDUS,
	LL_STAT_TEXTRSP_PDUS,
	LL_STAT_DATAIN_PDUS,
	LL_STAT_LOGOUTRSP_PDUS,
	LL_STAT_R2T_PDUS,
	LL_STAT_ASYNC_PDUS,
	LL_STAT_RJT_PDUS,
	LL_STAT_DIGEST_ERR,
	LL_STAT_TIMEOUT_ERR,
	LL_STAT_N_
};

struct ll_stat_custom {
	char name[LL_STATS_NAME_MAX];
	uint64_t value;
};

struct ll_conn_stats {
	uint64_t std[LL_STAT_N_];
	size_t n_custom;
	struct ll_stat_custom custom[LL_STATS_CUSTOM_MAX];
};

/* "txdata_octets", ...; NULL outside the enum. */
const char *ll_stat_name(enum ll_stat s);

/* Adds every counter of s to m (a reply being built). */
int ipc_stats_encode(struct ipc_msg *m, const struct ll_conn_stats *s);

/* Reads the counters of a decoded reply; err says what is wrong. */
int ipc_stats_decode(const struct ipc_msg *m, struct ll_conn_stats *s, struct ll_error *err);

#endif
