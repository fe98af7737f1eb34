/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernel_stats.h: reading the kernel's GET_STATS answer (a uevent followed
 * by struct iscsi_stats and its custom records, see kernel_abi.h) into
 * struct ll_conn_stats.  Pure: bytes in, counters out, so it is tested
 * without a kernel.
 */
#ifndef ISCSID_KERNEL_STATS_H
#define ISCSID_KERNEL_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "libiscsi-core/ipc_stats.h"

/*
 * ev/len: the netlink payload (uevent onwards).  Checks that it answers
 * GET_STATS for sid/cid and that every announced record is present.
 * Returns 0, or -EPROTO for anything malformed.
 */
int kernel_stats_parse(const uint8_t *ev, size_t len, uint32_t sid, uint32_t cid,
		       struct ll_conn_stats *out);

#endif
