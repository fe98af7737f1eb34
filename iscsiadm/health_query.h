/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * health_query.h: iscsid's health of sessions (IPC_SESSION_HEALTH, see
 * libiscsi-core/ipc_health.h), for the "health" object of
 * `iscsiadm -m session -J`.  One pipelined batch: a request per session on
 * one connection.  Never fails: a session iscsid says nothing (valid)
 * about has no health (have[i] false), and the JSON shows null.
 */
#ifndef ISCSIADM_HEALTH_QUERY_H
#define ISCSIADM_HEALTH_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "iscsiadm/ctx.h"
#include "libiscsi-core/ipc_health.h"
#include "sysfs/sysfs.h"

/* Fills out[i] and have[i] for each of the n sessions of list. */
void health_query(struct ctx *c, const struct sysfs_session *const *list, size_t n,
		  struct ll_health *out, bool *have);

#endif
