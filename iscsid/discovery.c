/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * discovery.c: SendTargets discovery, one object per request, all steps
 * non-blocking on the event loop (see discovery.h).
 *
 *   RESOLVE -> CONNECT -> LOGIN -> TEXT -> LOGOUT -> done
 *                 ^          |
 *                 +-redirect-+     (bounded by the login machine)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsid/daemon.h"
#include "iscsid/discovery.h"
#include "iscsid/log.h"
#include "iscsid/loginrec.h"
#include "iscsid/resolve.h"
#include "iscsid/tcpconn.h"
#include "libiscsi-core/pdu.h"
#include "libiscsi-core/sendtargets.h"
#include "libiscsi-core/util.h"

enum disc_state { DS_RESOLVE, DS_CONNECT, DS_LOGIN, DS_TEXT, DS_LOGOUT };

struct discovery {
	struct daemon *d;
	struct request *req;
	struct discovery *prev, *next;
	enum disc_state state;
	struct login_params lp;
	struct login_ctx *login;
	struct st_exchange *st;
	struct st_result result;
	bool have_result;
	struct resolve_query *rq;
	struct tcpconn *conn;
	sd_event_source *timer;
	unsigned timer_secs;      /* what the timer was armed with, for the message */
	sd_event_source *retry;   /* pending reconnect; owned, so freeing x cancels it */
	struct iscsi_addr cur;    /* where we are connecting (changes on redirect) */
	char where[300];          /* "127.0.0.1:3260" for messages */
	unsigned attempts;
	uint32_t itt;
};

static const char *const state_names[] = {
	[DS_RESOLVE] = "RESOLVE", [DS_CONNECT] = "CONNECT", [DS_LOGIN] = "LOGIN",
	[DS_TEXT] = "TEXT", [DS_LOGOUT] = "LOGOUT",
};

static void set_state(struct discovery *x, enum disc_state s)
{
	log_debug(2, "discovery %s: %s -> %s", x->where, state_names[x->state], state_names[s]);
	x->state = s;
}

static void discovery_free(struct discovery *x)
{
	struct daemon *d = x->d;

	if (x->prev)
		x->prev->next = x->next;
	else
		d->discoveries = x->next;
	if (x->next)
		x->next->prev = x->prev;
	d->ndiscoveries--;
	resolve_cancel(x->rq);
	tcpconn_free(x->conn);
	sd_event_source_disable_unref(x->timer);
	sd_event_source_disable_unref(x->retry);
	login_free(x->login);
	st_exchange_free(x->st);
	if (x->have_result)
		st_result_free(&x->result);
	loginrec_clear(&x->lp);
	free(x);
}

static void reply_targets(struct discovery *x)
{
	struct ipc_msg m;

	ipc_msg_init(&m, 0, 0);
	ipc_msg_add_u32(&m, IPC_A_STATUS, 0);
	for (size_t i = 0; i < x->result.ntargets; i++) {
		const struct st_target *t = &x->result.targets[i];

		ipc_msg_add_str(&m, IPC_A_TARGET, t->name);
		for (size_t j = 0; j < t->nportals; j++) {
			char portal[320];

			if (iqn_format_address(&t->portals[j], true, portal, sizeof(portal)) == 0)
				ipc_msg_add_str(&m, IPC_A_PORTAL, portal);
		}
	}
	for (size_t i = 0; i < x->result.nwarnings; i++) {
		log_warn("discovery %s: %s", x->where, x->result.warnings[i]);
		ipc_msg_add_str(&m, IPC_A_WARNING, x->result.warnings[i]);
	}
	log_info("discovery %s: found %zu target(s)", x->where, x->result.ntargets);
	request_reply(x->req, &m);
	ipc_msg_free(&m);
}

/* Ends the discovery: success when a result was taken (err NULL), else failure. */
static void finish(struct discovery *x, const struct ll_error *err)
{
	if (!err && x->have_result) {
		reply_targets(x);
	} else {
		log_err("discovery %s: %s", x->where, err->msg);
		request_fail(x->req, err->code ? err->code : ISCSI_ERR, "%s", err->msg);
	}
	discovery_free(x);
}

static void fail(struct discovery *x, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct discovery *x, int code, const char *fmt, ...)
{
	struct ll_error err = { 0 };

	LL_ERROR_SET_FROM_ARGS(&err, code, fmt);
	if (x->state == DS_LOGOUT && x->have_result) {
		log_debug(1, "discovery %s: during logout: %s", x->where, err.msg);
		finish(x, NULL);
		return;
	}
	finish(x, &err);
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct discovery *x = userdata;

	if (x->state == DS_LOGOUT) {
		/* We have the targets; a target that does not answer Logout is its problem. */
		finish(x, NULL);
		return 0;
	}
	fail(x, x->state <= DS_CONNECT ? ISCSI_ERR_TRANS_TIMEOUT : ISCSI_ERR_PDU_TIMEOUT,
	     "SendTargets discovery at %s timed out: no complete answer within %u s during %s",
	     x->where, x->timer_secs, x->state <= DS_CONNECT ? "connect" : state_names[x->state]);
	return 0;
}

static void arm_timer(struct discovery *x, unsigned seconds)
{
	x->timer_secs = seconds ? seconds : 15;
	daemon_arm_timer(x->d, &x->timer, x->timer_secs, on_timeout, x);
}

static void send_pdu(struct discovery *x, uint8_t *pdu, size_t len)
{
	int r = tcpconn_send(x->conn, pdu, len);

	secure_zero(pdu, len);
	free(pdu);
	if (r < 0)
		fail(x, ISCSI_ERR_TRANS, "cannot send to %s: %s", x->where, strerror(-r));
}

static void start_connect(struct discovery *x);

static void send_logout(struct discovery *x)
{
	struct pdu_logout_req lo = {
		.immediate = true,
		.reason = PDU_LOGOUT_CLOSE_SESSION,
		.itt = ++x->itt,
		.cmdsn = st_cmdsn(x->st),
		.expstatsn = st_expstatsn(x->st),
	};
	uint8_t bhs[PDU_BHS_LEN], *pdu;
	size_t len;

	pdu_logout_req_encode(bhs, &lo);
	if (pdu_assemble(bhs, NULL, 0, &pdu, &len) < 0) {
		finish(x, NULL);
		return;
	}
	set_state(x, DS_LOGOUT);
	arm_timer(x, x->lp.logout_timeout);
	send_pdu(x, pdu, len);
}

static void start_text(struct discovery *x)
{
	struct st_config sc = {
		.itt = ++x->itt,
		.cmdsn = login_cmdsn(x->login),
		.expstatsn = login_expstatsn(x->login),
		.max_recv_data = x->lp.neg.max_recv_dsl,
		.discovery = x->cur,
	};
	struct ll_error err = { 0 };
	uint8_t *pdu;
	size_t len;

	/* After login our declared MaxRecvDataSegmentLength is in force. */
	tcpconn_set_max_data(x->conn, x->lp.neg.max_recv_dsl);
	sc.discovery = x->lp.cfg.portal;
	x->st = st_exchange_new(&sc, &err);
	if (!x->st || st_next_request(x->st, &pdu, &len, &err) < 0) {
		finish(x, &err);
		return;
	}
	set_state(x, DS_TEXT);
	/* discovery.sendtargets.timeo.active_timeout: per SendTargets answer. */
	arm_timer(x, x->lp.active_timeout);
	send_pdu(x, pdu, len);
}

static void on_login_pdu(struct discovery *x, const uint8_t *buf, size_t len)
{
	struct ll_error err = { 0 };
	uint8_t *pdu;
	size_t plen;

	switch (login_handle_response(x->login, buf, len, &err)) {
	case LOGIN_CONTINUE:
		/* Each answer restarts the wait; CHAP exchanges get auth_timeout. */
		arm_timer(x, loginrec_step_timeout(&x->lp, login_get_state(x->login)));
		if (login_next_request(x->login, &pdu, &plen) < 0) {
			fail(x, ISCSI_ERR_INTERNAL, "login to %s stalled", x->where);
			return;
		}
		send_pdu(x, pdu, plen);
		return;
	case LOGIN_DONE:
		log_debug(1, "discovery %s: logged in", x->where);
		start_text(x);
		return;
	case LOGIN_REDIRECT:
		x->cur = *login_redirect_portal(x->login);
		log_info("discovery %s: redirected to %s:%u", x->where, x->cur.host, x->cur.port);
		tcpconn_free(x->conn);
		x->conn = NULL;
		start_connect(x);
		return;
	case LOGIN_FAILED:
	default:
		finish(x, &err);
		return;
	}
}

static void on_text_pdu(struct discovery *x, const uint8_t *buf, size_t len)
{
	struct ll_error err = { 0 };
	uint8_t *pdu;
	size_t plen;

	switch (st_handle_response(x->st, buf, len, &err)) {
	case ST_MORE:
		arm_timer(x, x->lp.active_timeout);
		if (st_next_request(x->st, &pdu, &plen, &err) < 0) {
			finish(x, &err);
			return;
		}
		send_pdu(x, pdu, plen);
		return;
	case ST_DONE:
		if (st_take_result(x->st, &x->result) < 0) {
			fail(x, ISCSI_ERR_INTERNAL, "SendTargets result lost");
			return;
		}
		x->have_result = true;
		send_logout(x);
		return;
	case ST_ERROR:
	default:
		finish(x, &err);
		return;
	}
}

static void on_pdu(void *userdata, const uint8_t *pdu, size_t len)
{
	struct discovery *x = userdata;

	switch (x->state) {
	case DS_LOGIN:
		on_login_pdu(x, pdu, len);
		break;
	case DS_TEXT:
		on_text_pdu(x, pdu, len);
		break;
	case DS_LOGOUT:
		/* Any answer ends it; we already hold the result. */
		finish(x, NULL);
		break;
	default:
		fail(x, ISCSI_ERR_LOGIN, "%s sent a PDU before the login started", x->where);
		break;
	}
}

static void on_connected(void *userdata)
{
	struct discovery *x = userdata;
	uint8_t *pdu;
	size_t len;

	set_state(x, DS_LOGIN);
	if (login_next_request(x->login, &pdu, &len) < 0) {
		fail(x, ISCSI_ERR_INTERNAL, "cannot build the login request for %s", x->where);
		return;
	}
	send_pdu(x, pdu, len);
}

static bool retryable(int err)
{
	return err != -ECONNREFUSED && err != -EHOSTUNREACH && err != -ENETUNREACH;
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct discovery *x = userdata;

	x->retry = sd_event_source_disable_unref(x->retry);
	start_connect(x);
	return 0;
}

static void on_conn_error(void *userdata, int err, const char *what)
{
	struct discovery *x = userdata;

	if (x->state == DS_LOGOUT) {
		finish(x, NULL);
		return;
	}
	if (!strcmp(what, "pdu")) {
		/* Same codes as the library's own checks: login 5, SendTargets 4. */
		fail(x, x->state == DS_LOGIN ? ISCSI_ERR_LOGIN : ISCSI_ERR_TRANS,
		     "%s sent a bad PDU during %s: %s", x->where, state_names[x->state],
		     tcpconn_error_msg(x->conn));
		return;
	}
	if (!strcmp(what, "closed")) {
		const char *mid = tcpconn_error_msg(x->conn);

		/* A hang-up inside a PDU means the target cut its own answer short. */
		fail(x, ISCSI_ERR_TRANS, "%s closed the connection during %s%s%s", x->where,
		     state_names[x->state], *mid ? " " : "", mid);
		return;
	}
	if (x->state == DS_CONNECT && retryable(err) && ++x->attempts < x->lp.reopen_max) {
		log_warn("discovery %s: cannot connect: %s; retrying", x->where, strerror(-err));
		tcpconn_free(x->conn);
		x->conn = NULL;
		x->retry = sd_event_source_disable_unref(x->retry);
		sd_event_add_time_relative(x->d->event, &x->retry, CLOCK_MONOTONIC, 1000000, 0,
					   on_retry, x);
		return;
	}
	if (x->state == DS_CONNECT)
		fail(x, ISCSI_ERR_TRANS, "cannot make connection to %s: %s", x->where,
		     strerror(-err));
	else
		fail(x, ISCSI_ERR_TRANS, "connection to %s lost during %s: %s", x->where,
		     state_names[x->state], strerror(-err));
}

static const struct tcpconn_ops conn_ops = {
	.connected = on_connected,
	.pdu = on_pdu,
	.error = on_conn_error,
};

static void on_resolved(void *userdata, int err, const char *msg,
			const struct sockaddr_storage *addr, socklen_t addrlen)
{
	struct discovery *x = userdata;
	int r;

	x->rq = NULL;
	if (err) {
		fail(x, ISCSI_ERR_TRANS, "%s", msg);
		return;
	}
	set_state(x, DS_CONNECT);
	x->lp.tcp.refused = NULL;
	r = tcpconn_new(&x->conn, x->d->event, (const struct sockaddr *)addr, addrlen,
			&x->lp.tcp, &conn_ops, x);
	if (r < 0 && x->lp.tcp.bind.failed) {
		struct ll_error e = { 0 };

		/* Never over the default route instead; open-iscsi exits 11 here. */
		ifacebind_explain(&x->lp.tcp.bind, ISCSI_ERR_PDU_TIMEOUT, &e);
		fail(x, e.code, "%s", e.msg);
	} else if (r < 0) {
		fail(x, ISCSI_ERR_TRANS, "cannot make connection to %s: %s", x->where,
		     strerror(-r));
	}
}

static void start_connect(struct discovery *x)
{
	int r;

	iqn_format_address(&x->cur, false, x->where, sizeof(x->where));
	set_state(x, DS_RESOLVE);
	arm_timer(x, x->lp.login_timeout);
	r = resolve_start(&x->rq, x->d->event, x->cur.host, x->cur.port, on_resolved, x);
	if (r < 0)
		fail(x, ISCSI_ERR_TRANS, "cannot look up %s: %s", x->cur.host, strerror(-r));
}

/* The request's iface.initiatorname (iscsiadm fills it in), or NULL. */
static const char *request_iname(const struct ipc_msg *m)
{
	static const char key[] = "iface.initiatorname=";

	for (size_t i = 0; i < m->n; i++) {
		const char *kv = (const char *)m->attrs[i].val;

		if (m->attrs[i].tag == IPC_A_KV && !strncmp(kv, key, sizeof(key) - 1))
			return kv + sizeof(key) - 1;
	}
	return NULL;
}

void discovery_handle_request(struct daemon *d, struct request *req)
{
	struct ll_error err = { 0 };
	struct discovery *x;
	struct rec *rec = NULL, *iface = NULL;

	x = calloc(1, sizeof(*x));
	if (!x) {
		request_fail(req, ISCSI_ERR_NOMEM, "out of memory");
		return;
	}
	if (loginrec_rec_from_msg(&req->msg, REC_DISC_ST, &rec, &err) < 0 ||
	    loginrec_rec_from_msg(&req->msg, REC_IFACE, &iface, &err) < 0 ||
	    loginrec_from_discovery(&x->lp, rec, iface, request_iname(&req->msg), &err) < 0 ||
	    !(x->login = login_new(&x->lp.cfg, &err))) {
		rec_free(rec);
		rec_free(iface);
		loginrec_clear(&x->lp);
		free(x);
		request_fail(req, err.code ? err.code : ISCSI_ERR_INVAL, "%s", err.msg);
		return;
	}
	x->d = d;
	x->req = req;
	x->itt = 0x1000;
	x->cur = x->lp.cfg.portal;
	x->next = d->discoveries;
	if (d->discoveries)
		d->discoveries->prev = x;
	d->discoveries = x;
	d->ndiscoveries++;
	log_info("discovery %s:%u: starting SendTargets", x->cur.host, x->cur.port);
	snprintf(x->where, sizeof(x->where), "discovery %s:%u", x->cur.host, x->cur.port);
	loginrec_report_ineffective(rec, x->where);
	rec_free(rec);
	rec_free(iface);
	start_connect(x);
}

void discovery_cancel_all(struct daemon *d)
{
	while (d->discoveries) {
		struct ll_error err = { .code = ISCSI_ERR_AGAIN };

		snprintf(err.msg, sizeof(err.msg), "iscsid is stopping");
		finish(d->discoveries, &err);
	}
}
