/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_fsm.h: the session state machine as one table.
 *
 * Each row is {state, event, next state, action}.  sess_fsm_step() finds
 * the row, moves the state and returns the row; the caller runs the
 * action (session.c holds the functions).  An event a state has no row
 * for changes nothing and is reported as ignored.  The table knows no
 * sockets, netlink or event loop, so the unit test drives it alone.
 *
 * The state moves before the action runs: an action that fails fires the
 * next event (retry, attempt-failed, ...) from the state it entered.
 * SS_GONE is the end: the action of a row into it frees the session.
 */
#ifndef ISCSID_SESSION_FSM_H
#define ISCSID_SESSION_FSM_H

#include <stddef.h>

enum sess_state {
	SS_CONNECT,     /* resolving and connecting TCP */
	SS_LOGIN,       /* login PDUs through the kernel */
	SS_SCAN,        /* connection started, SCSI host being scanned */
	SS_LOGGED_IN,   /* full feature phase, I/O flows in the kernel */
	SS_RECOVERY,    /* connection failed; waiting before the next reconnect */
	SS_TARGET_LOGOUT, /* the target asked for a logout: Logout Request sent,
			     waiting for the answer, then reconnecting */
	SS_UNBIND,      /* logout: the kernel is removing the SCSI target */
	SS_LOGOUT,      /* logout: Logout Request sent, waiting for the answer */
	SS_GONE,        /* the end: kernel session torn down, object freed */
	SS_COUNT_
};

enum sess_event {
	SE_CONNECT,         /* start connecting for the first login */
	SE_RECONNECT,       /* start connecting for a relogin */
	SE_RESOLVED,        /* the portal's address is known */
	SE_CONNECTED,       /* TCP is up: hand the socket to the kernel */
	SE_CONNECT_FAILED,  /* lookup or TCP connect failed */
	SE_PDU,             /* the kernel passed up a PDU */
	SE_TIMEOUT,         /* the timer of the current state ran out */
	SE_LOGGED_IN,       /* first login done, connection started */
	SE_RELOGGED_IN,     /* relogin after recovery done */
	SE_SCANNED,         /* the SCSI host scan finished */
	SE_CONN_ERROR,      /* the kernel reports the connection failed */
	SE_TARGET_LOGOUT,   /* an Async Message asks for a logout (or renegotiation) */
	SE_TARGET_DROP,     /* an Async Message says the target drops the connection */
	SE_RETRY,           /* first login failed, will try again */
	SE_ATTEMPT_FAILED,  /* reconnect failed, will try again after a pause */
	SE_GAVE_UP,         /* reconnects used up (reopen_max) */
	SE_LOGIN_FAILED,    /* first login failed for good */
	SE_LOGOUT,          /* the user asked for logout */
	SE_UNBOUND,         /* the kernel removed the SCSI target, link still up */
	SE_LOGGED_OUT,      /* nothing more to wait for */
	SE_COUNT_
};

enum sess_action {
	SA_NONE,
	SA_CONNECT,           /* arm the state timer, look the portal up */
	SA_OPEN_SOCKET,       /* start the TCP connect */
	SA_HANDOFF,           /* socket to the kernel, first Login Request */
	SA_CONNECT_FAILED,    /* count a failed attempt */
	SA_CONNECT_TIMEOUT,
	SA_LOGIN_PDU,         /* next login step */
	SA_LOGIN_TIMEOUT,
	SA_LOGIN_CONN_ERROR,
	SA_SCAN,
	SA_ONLINE,            /* a reconnect's disks back to running */
	SA_RECOVER,           /* stop the connection, schedule a reconnect */
	SA_FFP_PDU,           /* a PDU in full feature phase: an Async Message? */
	SA_TARGET_LOGOUT,     /* send the Logout Request the target asked for */
	SA_TARGET_LOGOUT_PDU, /* is it the Logout Response? */
	SA_SCHEDULE_CONNECT,  /* reconnect after the given delay */
	SA_STOP_TIMER,
	SA_LOGIN_FAILED,      /* answer iscsiadm, tear down */
	SA_LOGOUT,            /* remove the SCSI target */
	SA_SEND_LOGOUT,       /* send the Logout Request */
	SA_LOGOUT_PDU,        /* is it the Logout Response? */
	SA_UNBIND_TIMEOUT,
	SA_LOGOUT_TIMEOUT,
	SA_TARGET_CLOSED,
	SA_LOGGED_OUT,        /* answer iscsiadm, tear down */
	SA_COUNT_
};

struct sess_row {
	enum sess_state state;
	enum sess_event event;
	enum sess_state next;
	enum sess_action action;
};

struct session;
struct sess_input;

/* What a row's action is, in the daemon (session.c maps SA_* to these). */
typedef void sess_action_fn(struct session *s, const struct sess_row *row,
			    const struct sess_input *in);

const char *session_state_str(enum sess_state s);
const char *session_event_str(enum sess_event e);

/* The row for (state, event), or NULL when the state ignores the event. */
const struct sess_row *sess_fsm_find(enum sess_state state, enum sess_event event);

/*
 * The dispatcher: applies event to *state and returns the row to act on
 * (NULL: ignored, *state unchanged).  line gets the words for the log:
 * "STATE --event--> NEXT", or "event ignored in state STATE".
 */
const struct sess_row *sess_fsm_step(enum sess_state *state, enum sess_event event,
				     char *line, size_t len);

/* Every row, for tests and documentation. */
const struct sess_row *sess_fsm_rows(size_t *n);

#endif
