/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.h: kernel iSCSI sessions owned by iscsid.
 *
 * One struct session per kernel session (iscsi_tcp, one connection).  Its
 * state machine (session.c) drives: connect -> create/bind in the kernel
 * -> login PDUs through the kernel -> negotiated parameters -> start ->
 * scan, then watches for connection errors (recovery: stop, reconnect,
 * rebind, relogin, start) and performs logout (unbind, Logout PDU, stop,
 * destroy).  Every step is an event-loop callback; many sessions progress
 * at once.  Requests from iscsiadm (session_req.c) create sessions, log
 * them out and report on them; sessions already in the kernel when iscsid
 * starts are adopted without a new login (session_adopt.c).
 */
#ifndef ISCSID_SESSION_H
#define ISCSID_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "db/record.h"
#include "iscsid/control.h"
#include "iscsid/kernel.h"
#include "iscsid/loginrec.h"

struct daemon;
struct session;

enum sess_state {
	SS_CONNECT,     /* resolving and connecting TCP */
	SS_LOGIN,       /* login PDUs through the kernel */
	SS_SCAN,        /* connection started, SCSI host being scanned */
	SS_LOGGED_IN,   /* full feature phase, I/O flows in the kernel */
	SS_RECOVERY,    /* connection failed; waiting before the next reconnect */
	SS_UNBIND,      /* logout: the kernel is removing the SCSI target */
	SS_LOGOUT,      /* logout: Logout Request sent, waiting for the answer */
};

const char *session_state_str(enum sess_state s);

/* Starts a new session from a node record (takes ownership of rec). */
int session_login(struct daemon *d, struct rec *rec, struct request *req);
/* Logs a session out; force skips the in-use check. Replies to req. */
void session_logout(struct session *s, struct request *req, bool force);
/* Adopts a session found in the kernel (iscsid restart). */
int session_adopt(struct daemon *d, unsigned sid, struct ll_error *err);

struct session *session_find_sid(struct daemon *d, uint32_t sid);
/* A session of this node already exists (target, persistent portal, iface). */
struct session *session_find_node(struct daemon *d, const char *target, const char *address,
				  int port, const char *iface);
uint32_t session_sid(const struct session *s);
enum sess_state session_state(const struct session *s);
/* open-iscsi's words for -m session -P 1. */
const char *session_conn_state_str(const struct session *s);
const char *session_internal_state_str(const struct session *s);
/* Rescans the SCSI host (no reply wanted: req may be NULL). */
void session_rescan(struct session *s, struct request *req);

/* Callbacks for kernel_open(). */
extern const struct kernel_ops session_kernel_ops;

/* Frees every session object without touching the kernel (iscsid exit). */
void sessions_release_all(struct daemon *d);

#endif
