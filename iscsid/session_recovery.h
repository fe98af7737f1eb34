/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_recovery.h: a running session whose connection failed keeps its
 * kernel session (and its disks) and reconnects, with a bounded backoff,
 * until it logs in again, the user logs it out, or node.session.
 * reopen_max attempts are used up.
 */
#ifndef ISCSID_SESSION_RECOVERY_H
#define ISCSID_SESSION_RECOVERY_H

#include "iscsid/session_fsm.h"
#include "libiscsi-core/errors.h"

struct session;
struct sess_input;

/* A reconnect attempt failed (in: its error and login status): try again
 * after a pause, or give up. */
void session_reconnect_failed(struct session *s, const struct sess_input *in);
/* s reconnected: its portal's other sessions waiting to retry try now. */
void session_portal_back(struct session *s);
/* Stops a reconnect or relogin in progress (resolver, socket, login, pause). */
void session_cancel_reconnect(struct session *s);

/* Actions of the state table. */
sess_action_fn session_recover_act;
sess_action_fn session_schedule_connect_act;
sess_action_fn session_gave_up_act;

#endif
