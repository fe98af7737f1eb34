/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_logout.h: logging a session out (the steps are in session_logout.c). */
#ifndef ISCSID_SESSION_LOGOUT_H
#define ISCSID_SESSION_LOGOUT_H

#include <stdbool.h>

#include "iscsid/control.h"
#include "iscsid/session_fsm.h"

struct session;

/* Logs a session out; force skips the in-use check. Replies to req. */
void session_logout(struct session *s, struct request *req, bool force);
/* The kernel removed the SCSI target (or could not): the next step. */
void session_logout_unbound(struct session *s);

/*
 * Sends a Logout Request closing the session through the kernel and arms
 * the state timer with node.conn[0].timeo.logout_timeout; 0 or -errno.
 */
int session_send_logout_pdu(struct session *s);

/* Actions of the state table. */
sess_action_fn session_logout_act;
sess_action_fn session_send_logout_act;
sess_action_fn session_logout_pdu_act;
/* SA_LOGGED_OUT, SA_UNBIND_TIMEOUT, SA_LOGOUT_TIMEOUT, SA_TARGET_CLOSED: the end. */
sess_action_fn session_logout_end_act;

#endif
