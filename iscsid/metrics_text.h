/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * metrics_text.h: sessions' health and kernel statistics in the Prometheus
 * text exposition format (version 0.0.4), for node_exporter's textfile
 * collector.
 *
 * Every sample carries the labels target, portal, sid and iface.  Each
 * family is written once, with its HELP and TYPE lines, followed by the
 * samples of every session, so the file is valid for any number of
 * sessions (also none: then only the HELP/TYPE lines).  The names are
 * stable: doc/iscsid.8 lists them.  No sample has a timestamp (the textfile
 * collector refuses them).
 *
 * Pure: a snapshot in, text out; metrics.c gathers the snapshot and writes
 * the file.
 */
#ifndef ISCSID_METRICS_TEXT_H
#define ISCSID_METRICS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libiscsi-core/ipc_health.h"
#include "libiscsi-core/ipc_stats.h"

struct metrics_session {
	uint32_t sid;
	const char *target;
	struct ll_health health;      /* portal, iface and state included */
	bool has_stats;               /* the kernel gave statistics */
	struct ll_conn_stats stats;
};

/* The states of iscsid's table as the lunlink_session_state label says them. */
extern const char *const metrics_state_names[];

/* The text for n sessions, malloc'd into *out (*len bytes, NUL-terminated). */
int metrics_render(const struct metrics_session *v, size_t n, char **out, size_t *len);

#endif
