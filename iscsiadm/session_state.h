/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_state.h: iscsid's view of its sessions (IPC_SESSION_INFO), for
 * the "iSCSI Connection State" and "Internal iscsid Session State" lines of
 * `iscsiadm -m session -P 1..3`.
 *
 * One request answers for every session.  When iscsid cannot be reached
 * (after the usual iscsid.startup attempt, whose messages go to stderr)
 * the table stays empty and every state reads as "Unknown".
 *
 * Memory: the table owns its entries (session_states_free()).
 */
#ifndef ISCSIADM_SESSION_STATE_H
#define ISCSIADM_SESSION_STATE_H

#include <stddef.h>

#include "iscsiadm/ctx.h"

#define SESSION_STATE_MAX 32

struct session_state {
	unsigned sid;
	char conn[SESSION_STATE_MAX];   /* "LOGGED IN", ... */
	char sess[SESSION_STATE_MAX];   /* "NO CHANGE", ... */
};

struct session_states {
	struct session_state *v;
	size_t n;
};

/* Never fails: problems leave the table empty (or partial). */
void session_states_query(struct ctx *c, struct session_states *out);
void session_states_free(struct session_states *st);

/* The two strings for sid, "Unknown" when iscsid did not say. */
const char *session_state_conn(const struct session_states *st, unsigned sid);
const char *session_state_sess(const struct session_states *st, unsigned sid);

#endif
