/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_int.h: struct session and the helpers shared by session.c (login
 * and recovery), session_logout.c, session_scan.c and session_adopt.c.
 * Not for other modules: they use session.h.
 */
#ifndef ISCSID_SESSION_INT_H
#define ISCSID_SESSION_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "iscsid/session.h"
#include "iscsid/worker.h"

struct tcpconn;
struct resolve_query;

struct session {
	struct daemon *d;
	struct session *next;
	enum sess_state state;
	char where[600];            /* "[sid 3] iqn... 127.0.0.1:3260" for logs */

	struct rec *rec;            /* the node record it was logged in with */
	struct login_params lp;     /* names, portal, CHAP, negotiation prefs */
	struct login_ctx *login;    /* current login attempt */
	struct neg_params params;   /* what was negotiated */
	struct iscsi_addr cur;      /* where we connect now (redirects change it) */

	uint32_t sid, host_no;
	bool have_sid;              /* kernel session + connection 0 exist */
	bool bound;                 /* connection 0 holds a socket */
	bool ever_started;          /* reached full feature phase once */
	bool adopted;               /* found in the kernel when iscsid started */
	bool params_valid_for_logout; /* connection was up when logout began */

	int fd;                     /* our copy of the bound socket (-1 if none) */
	struct tcpconn *conn;       /* only while connecting */
	struct resolve_query *rq;
	struct worker *scan;
	sd_event_source *timer;     /* timeout of the current state */
	unsigned timer_secs;        /* what it was armed with, for messages */
	sd_event_source *retry_src; /* delayed reconnect */

	struct request *login_req;  /* iscsiadm waiting for the login */
	struct request *logout_req; /* iscsiadm waiting for the logout */
	unsigned attempts, retry_max;
	unsigned reopen_count;
};

void session_set_state(struct session *s, enum sess_state st, const char *event);
void session_arm_timer(struct session *s, unsigned seconds);
void session_stop_timer(struct session *s);
void session_free(struct session *s);
void session_destroy(struct session *s);
void session_attempt_failed(struct session *s, const struct ll_error *err, bool retryable);
void session_fail(struct session *s, int code, bool retryable, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void session_start_recovery(struct session *s, const char *why);
/* Stops a reconnect or relogin in progress (resolver, socket, login). */
void session_cancel_reconnect(struct session *s);

void session_start_connect(struct session *s);

/* session_params.c */
int session_set_session_params(struct session *s);
int session_set_negotiated_params(struct session *s);

/* session_scan.c */
void session_start_scan(struct session *s);

/* session_logout.c */
void session_logout_unbound(struct session *s);
void session_logout_pdu(struct session *s, const uint8_t *pdu, size_t len);
void session_logout_conn_error(struct session *s);
void session_logout_timeout(struct session *s);

#endif
