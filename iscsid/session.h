/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.h: kernel iSCSI sessions owned by iscsid: their life cycle.
 *
 * One struct session per kernel session (iscsi_tcp, one connection),
 * driven by one state table (session_fsm.h): connect and login
 * (session_login.c), hand the socket and parameters to the kernel
 * (session_kernel.c), scan (session_scan.c), recover from connection
 * errors (session_recovery.c) and log out (session_logout.c).  Every step
 * is an event-loop callback; many sessions progress at once.  Sessions
 * already in the kernel when iscsid starts are adopted (session_adopt.c);
 * iscsiadm's requests arrive through session_req.c.  This file: creating,
 * finding and freeing sessions, and the words for their state.
 */
#ifndef ISCSID_SESSION_H
#define ISCSID_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "db/record.h"
#include "iscsid/control.h"
#include "iscsid/kernel.h"
#include "iscsid/loginrec.h"
#include "iscsid/session_fsm.h"
#include "libiscsi-core/ipc_health.h"

struct daemon;
struct session;

/* Starts a new session from a node record (takes ownership of rec). */
int session_login(struct daemon *d, struct rec *rec, struct request *req);

struct session *session_find_sid(struct daemon *d, uint32_t sid);
/* How many sessions this node has (target, persistent portal, iface),
 * not counting those logging out. */
size_t session_count_node(struct daemon *d, const char *target, const char *address, int port,
			  const char *iface);
uint32_t session_sid(const struct session *s);
/* Every session object: the first (prev NULL), then the one after prev. */
struct session *session_next(struct daemon *d, struct session *prev);
/* The kernel session exists (it has a sid). */
bool session_in_kernel(const struct session *s);
const char *session_target_name(const struct session *s);
enum sess_state session_state(const struct session *s);
/* open-iscsi's words for -m session -P 1. */
const char *session_conn_state_str(const struct session *s);
const char *session_internal_state_str(const struct session *s);

/* iscsid's history of the session (IPC_SESSION_HEALTH, metrics). */
void session_health_get(const struct session *s, struct ll_health *out);

/* Frees every session object without touching the kernel (iscsid exit). */
void sessions_release_all(struct daemon *d);

/* ---- for the session files ---- */

/* A session object for rec (read, not kept), in d's list, state CONNECT. */
struct session *session_new(struct daemon *d, const struct rec *rec, const char *initiator,
			    struct ll_error *err);
/* Tears the kernel side down (stop, destroy) and frees the object. */
void session_destroy(struct session *s);
/* Answers the login request, if one waits: code 0 is success. */
void session_reply_login(struct session *s, int code, const char *msg);
/* The timer of the current state (SE_TIMEOUT when it runs out). */
void session_arm_timer(struct session *s, unsigned seconds);
void session_stop_timer(struct session *s);
/* Now, in ms of clock (CLOCK_MONOTONIC, CLOCK_REALTIME). */
uint64_t session_clock_ms(clockid_t clock);
/* Keeps our end of the connection's socket for the session's health. */
void session_note_local_address(struct session *s);
/* Drops the resolver, the connecting socket and our copy of the bound socket. */
void session_close_transport(struct session *s);

#endif
