/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_login.h: connecting to the portal and logging in through the
 * kernel, and what happens when an attempt fails: first logins retry what
 * may get better a bounded number of times (node.session.
 * initial_login_retry_max), relogins go to recovery (session_recovery.h).
 */
#ifndef ISCSID_SESSION_LOGIN_H
#define ISCSID_SESSION_LOGIN_H

#include <stdbool.h>

#include "iscsid/session_fsm.h"
#include "libiscsi-core/errors.h"

struct session;

/* Fires connect (first login) or reconnect (relogin) at the session. */
void session_start_connect(struct session *s);
/* After the kernel took the socket: the first Login Request. */
void session_login_begin(struct session *s);

/* One attempt failed (any state of connect and login). */
void session_attempt_failed(struct session *s, const struct ll_error *err, bool retryable);
void session_fail(struct session *s, int code, bool retryable, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Actions of the state table. */
sess_action_fn session_connect_act;
sess_action_fn session_open_socket_act;
sess_action_fn session_login_pdu_act;
/* SA_CONNECT_FAILED, SA_CONNECT_TIMEOUT, SA_LOGIN_TIMEOUT, SA_LOGIN_CONN_ERROR */
sess_action_fn session_attempt_failed_act;
sess_action_fn session_login_failed_act;

#endif
