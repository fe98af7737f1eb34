/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats_req.h: iscsiadm's statistics requests (IPC_SESSION_STATS,
 * IPC_HOST_STATS), answered by asking the kernel each time: iscsid keeps
 * no counters of its own.
 */
#ifndef ISCSID_STATS_REQ_H
#define ISCSID_STATS_REQ_H

#include "iscsid/control.h"

struct daemon;

void stats_handle_session(struct daemon *d, struct request *req);
void stats_handle_host(struct daemon *d, struct request *req);

#endif
