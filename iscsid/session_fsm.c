/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_fsm.c: the session state table and its dispatcher (see
 * session_fsm.h).
 *
 *            +--------------------- retry (first login) ------------+
 *            v                                                       |
 *   CONNECT --connected--> LOGIN --logged-in--> SCAN --scanned--> LOGGED_IN
 *      ^                    |  \--connect/reconnect (redirect)--> CONNECT
 *      |                    +--attempt-failed/gave-up--+      | conn-error
 *      +------- reconnect ------- RECOVERY <-----------+------+
 *   any of the above --logout--> UNBIND --unbound--> LOGOUT --logged-out--> GONE
 *   UNBIND and LOGOUT end in GONE at the latest when their timer runs out.
 *
 * An Async Message in SCAN or LOGGED_IN (RFC 7143 11.9, libiscsi-core/async.h):
 *   --target-drop--> RECOVERY (reconnect after the target's Time2Wait)
 *   --target-logout--> TARGET_LOGOUT --logged-out/conn-error/timeout--> RECOVERY
 * A target's logout request ends in a reconnect, never in GONE: only the
 * user ends a session.
 */
#include <stdio.h>

#include "iscsid/session_fsm.h"

#define ROW(s, e, n, a) { SS_##s, SE_##e, SS_##n, SA_##a }

static const struct sess_row rows[] = {
	ROW(CONNECT, CONNECT, CONNECT, CONNECT),
	ROW(CONNECT, RESOLVED, CONNECT, OPEN_SOCKET),
	ROW(CONNECT, CONNECTED, LOGIN, HANDOFF),
	ROW(CONNECT, CONNECT_FAILED, CONNECT, CONNECT_FAILED),
	ROW(CONNECT, TIMEOUT, CONNECT, CONNECT_TIMEOUT),
	ROW(CONNECT, RETRY, CONNECT, SCHEDULE_CONNECT),
	ROW(CONNECT, ATTEMPT_FAILED, RECOVERY, SCHEDULE_CONNECT),
	ROW(CONNECT, GAVE_UP, RECOVERY, STOP_TIMER),
	ROW(CONNECT, LOGIN_FAILED, GONE, LOGIN_FAILED),
	ROW(CONNECT, LOGOUT, UNBIND, LOGOUT),

	ROW(LOGIN, PDU, LOGIN, LOGIN_PDU),
	ROW(LOGIN, TIMEOUT, LOGIN, LOGIN_TIMEOUT),
	ROW(LOGIN, CONN_ERROR, LOGIN, LOGIN_CONN_ERROR),
	ROW(LOGIN, LOGGED_IN, SCAN, SCAN),
	ROW(LOGIN, RELOGGED_IN, LOGGED_IN, ONLINE),
	/* A redirect connects again, to the new portal. */
	ROW(LOGIN, CONNECT, CONNECT, CONNECT),
	ROW(LOGIN, RECONNECT, CONNECT, CONNECT),
	ROW(LOGIN, RETRY, CONNECT, SCHEDULE_CONNECT),
	ROW(LOGIN, ATTEMPT_FAILED, RECOVERY, SCHEDULE_CONNECT),
	ROW(LOGIN, GAVE_UP, RECOVERY, STOP_TIMER),
	ROW(LOGIN, LOGIN_FAILED, GONE, LOGIN_FAILED),
	ROW(LOGIN, LOGOUT, UNBIND, LOGOUT),

	ROW(SCAN, SCANNED, LOGGED_IN, NONE),
	ROW(SCAN, CONN_ERROR, RECOVERY, RECOVER),
	ROW(SCAN, PDU, SCAN, FFP_PDU),
	ROW(SCAN, TARGET_LOGOUT, TARGET_LOGOUT, TARGET_LOGOUT),
	ROW(SCAN, TARGET_DROP, RECOVERY, RECOVER),
	ROW(SCAN, LOGOUT, UNBIND, LOGOUT),

	ROW(LOGGED_IN, CONN_ERROR, RECOVERY, RECOVER),
	ROW(LOGGED_IN, PDU, LOGGED_IN, FFP_PDU),
	ROW(LOGGED_IN, TARGET_LOGOUT, TARGET_LOGOUT, TARGET_LOGOUT),
	ROW(LOGGED_IN, TARGET_DROP, RECOVERY, RECOVER),
	ROW(LOGGED_IN, LOGOUT, UNBIND, LOGOUT),

	ROW(TARGET_LOGOUT, PDU, TARGET_LOGOUT, TARGET_LOGOUT_PDU),
	ROW(TARGET_LOGOUT, LOGGED_OUT, RECOVERY, RECOVER),
	ROW(TARGET_LOGOUT, CONN_ERROR, RECOVERY, RECOVER),
	ROW(TARGET_LOGOUT, TIMEOUT, RECOVERY, RECOVER),
	ROW(TARGET_LOGOUT, LOGOUT, UNBIND, LOGOUT),

	ROW(RECOVERY, RECONNECT, CONNECT, CONNECT),
	ROW(RECOVERY, LOGOUT, UNBIND, LOGOUT),

	ROW(UNBIND, UNBOUND, LOGOUT, SEND_LOGOUT),
	ROW(UNBIND, PDU, UNBIND, LOGOUT_PDU),
	ROW(UNBIND, TIMEOUT, GONE, UNBIND_TIMEOUT),
	ROW(UNBIND, LOGGED_OUT, GONE, LOGGED_OUT),

	ROW(LOGOUT, PDU, LOGOUT, LOGOUT_PDU),
	ROW(LOGOUT, CONN_ERROR, GONE, TARGET_CLOSED),
	ROW(LOGOUT, TIMEOUT, GONE, LOGOUT_TIMEOUT),
	ROW(LOGOUT, LOGGED_OUT, GONE, LOGGED_OUT),
};

static const char *const state_names[SS_COUNT_] = {
	[SS_CONNECT] = "CONNECT", [SS_LOGIN] = "LOGIN", [SS_SCAN] = "SCAN",
	[SS_LOGGED_IN] = "LOGGED_IN", [SS_RECOVERY] = "RECOVERY",
	[SS_TARGET_LOGOUT] = "TARGET_LOGOUT", [SS_UNBIND] = "UNBIND",
	[SS_LOGOUT] = "LOGOUT", [SS_GONE] = "GONE",
};

/* The words iscsid's log has always used for these events. */
static const char *const event_names[SE_COUNT_] = {
	[SE_CONNECT] = "connect", [SE_RECONNECT] = "reconnect", [SE_RESOLVED] = "resolved",
	[SE_CONNECTED] = "connected", [SE_CONNECT_FAILED] = "connect-failed",
	[SE_PDU] = "pdu", [SE_TIMEOUT] = "timeout", [SE_LOGGED_IN] = "logged-in",
	[SE_RELOGGED_IN] = "relogged-in", [SE_SCANNED] = "scanned",
	[SE_CONN_ERROR] = "conn-error", [SE_TARGET_LOGOUT] = "target-logout",
	[SE_TARGET_DROP] = "target-drop", [SE_RETRY] = "retry",
	[SE_ATTEMPT_FAILED] = "attempt-failed", [SE_GAVE_UP] = "gave-up",
	[SE_LOGIN_FAILED] = "login-failed", [SE_LOGOUT] = "logout", [SE_UNBOUND] = "unbound",
	[SE_LOGGED_OUT] = "logged-out",
};

const char *session_state_str(enum sess_state s)
{
	return (unsigned)s < SS_COUNT_ && state_names[s] ? state_names[s] : "?";
}

const char *session_event_str(enum sess_event e)
{
	return (unsigned)e < SE_COUNT_ && event_names[e] ? event_names[e] : "?";
}

const struct sess_row *sess_fsm_find(enum sess_state state, enum sess_event event)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].state == state && rows[i].event == event)
			return &rows[i];
	return NULL;
}

const struct sess_row *sess_fsm_step(enum sess_state *state, enum sess_event event,
				     char *line, size_t len)
{
	const struct sess_row *row = sess_fsm_find(*state, event);

	if (!row) {
		snprintf(line, len, "%s ignored in state %s", session_event_str(event),
			 session_state_str(*state));
		return NULL;
	}
	snprintf(line, len, "%s --%s--> %s", session_state_str(*state), session_event_str(event),
		 session_state_str(row->next));
	*state = row->next;
	return row;
}

const struct sess_row *sess_fsm_rows(size_t *n)
{
	*n = sizeof(rows) / sizeof(rows[0]);
	return rows;
}
