/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_kernel.h: handing a session to the kernel and taking it back:
 * the kernel session and connection objects, the socket, the parameters,
 * START_CONN, and the kernel's events turned into state-table events.
 */
#ifndef ISCSID_SESSION_KERNEL_H
#define ISCSID_SESSION_KERNEL_H

#include <stdbool.h>

#include "iscsid/control.h"
#include "iscsid/kernel.h"
#include "iscsid/session_fsm.h"

struct rec;
struct session;

/* How many node record values the kernel gets on every connect. */
#define SESSION_KERNEL_REC_PARAMS 7

/* Keeps the record values the session's kernel side needs (s->kept). */
void session_kernel_keep_record(struct session *s, const struct rec *rec);
/* Callbacks for kernel_open(): userdata is the struct daemon. */
extern const struct kernel_ops session_kernel_ops;

/* SA_HANDOFF: the connected socket goes to the kernel, then the login starts. */
sess_action_fn session_kernel_handoff_act;
/* After login: negotiated values, then START_CONN.  <0 on failure (already reported). */
int session_kernel_start(struct session *s);
/*
 * Frees the connection for a new socket: a session that never reached full
 * feature phase loses its kernel objects, a running one is stopped for
 * recovery and keeps them (and its disks).
 */
void session_kernel_release(struct session *s);
/* Stops the connection for recovery (the kernel fails I/O after replacement_timeout). */
void session_kernel_stop_for_recovery(struct session *s);
/* Stop, destroy connection and session: the kernel side is gone. */
void session_kernel_teardown(struct session *s);
/*
 * The same at the end of a logout, with the session destroyed in the
 * background (session_reap.h): true when req (may be NULL) is answered once
 * the kernel reports the session gone; false when the kernel refused, the
 * session was destroyed the blocking way and req is the caller's to answer.
 */
bool session_kernel_teardown_bg(struct session *s, struct request *req);

#endif
