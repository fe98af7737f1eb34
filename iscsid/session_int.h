/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_int.h: what the session files share: struct session and the
 * entry into the state table.  Not for other modules: they use session.h
 * and the headers of the session nouns.
 */
#ifndef ISCSID_SESSION_INT_H
#define ISCSID_SESSION_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <systemd/sd-event.h>

#include "iscsid/session.h"
#include "iscsid/session_fsm.h"
#include "iscsid/session_health.h"
#include "iscsid/session_kernel.h"
#include "iscsid/worker.h"

struct tcpconn;
struct resolve_query;

/*
 * The node record's values a session uses after it was created, taken by
 * session_new().  The record itself (a 256-byte slot for each of its ~120
 * keys, ~30 kB) is not kept: at 1,024 sessions it was most of iscsid's memory.
 */
struct sess_rec_values {
	long long kernel[SESSION_KERNEL_REC_PARAMS]; /* session_kernel.c's table */
	uint16_t cmds_max, queue_depth;
	bool scan_manual;                            /* node.session.scan = manual */
};

struct session {
	struct daemon *d;
	struct session *next;
	enum sess_state state;
	char where[600];            /* "[sid 3] iqn... 127.0.0.1:3260" for logs */

	struct sess_rec_values kept; /* from the node record it was logged in with */
	struct login_params lp;     /* names, portal, CHAP, negotiation prefs */
	struct login_ctx *login;    /* current login attempt */
	struct neg_params params;   /* what was negotiated */
	struct iscsi_addr cur;      /* where we connect now (redirects change it) */

	uint32_t sid, host_no;
	unsigned index;             /* among the node's sessions: picks the ISID */
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
	bool in_window, waiting;    /* first login running / waiting (session_window.c) */
	struct session *wait_next;
	struct request *logout_req; /* iscsiadm waiting for the logout */
	unsigned attempts, retry_max;
	unsigned reopen_count;
	uint64_t hurried_ms;        /* when a returning portal last hurried its reconnect */
	uint64_t attempt_ms;        /* when the current connect and login began */
	bool target_wait;           /* the pending pause is the target's Time2Wait */
	struct session_health health;  /* kept by session_event() */
};

/* What an event carries to its action; every field is optional. */
struct sess_input {
	const uint8_t *pdu;                    /* SE_PDU */
	size_t len;
	const struct ll_error *err;            /* SE_CONNECT_FAILED, SE_LOGIN_FAILED */
	bool retryable;                        /* SE_CONNECT_FAILED */
	const char *why;                       /* words for the log */
	uint32_t kerr;                         /* SE_CONN_ERROR: the kernel's error code */
	bool target_logout;                    /* SE_TARGET_*: the target asked for it */
	uint16_t login_status;                 /* failures: the login was refused with it */
	unsigned delay_ms;                     /* SE_RETRY, SE_ATTEMPT_FAILED, SE_TARGET_DROP */
	const struct sockaddr_storage *addr;   /* SE_RESOLVED */
	socklen_t addrlen;
};

/*
 * Feeds one event to the session's state table and runs the action of the
 * row it picks.  Returns false when the state ignores the event.  s may be
 * freed when this returns true (rows into SS_GONE): touch it no more.
 */
bool session_event(struct session *s, enum sess_event ev, const struct sess_input *in);

/* Another session to s's target has this ISID: a login with it would
 * reinstate over that session at the target. */
bool session_isid_taken(const struct session *s, const uint8_t isid[6]);

#endif
