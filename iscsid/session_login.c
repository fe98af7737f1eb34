/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_login.c: connect and login (see session_login.h).  The socket
 * is connected here, handed to the kernel (session_kernel.c), and the
 * login PDUs then travel through the kernel.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsid/daemon.h"
#include "iscsid/log.h"
#include "iscsid/resolve.h"
#include "iscsid/session_int.h"
#include "iscsid/session_kernel.h"
#include "iscsid/session_login.h"
#include "iscsid/session_recovery.h"
#include "iscsid/tcpconn.h"
#include "libiscsi-core/pdu.h"
#include "libiscsi-core/status.h"
#include "libiscsi-core/util.h"

void session_attempt_failed(struct session *s, const struct ll_error *err, bool retryable)
{
	if (s->logout_req) {
		/* A logout owns the session now; it must not be revived. */
		log_debug(1, "%s: ignoring a failed attempt during logout: %s", s->where, err->msg);
		return;
	}
	struct sess_input in = { .err = err };
	uint8_t status_class, detail;

	if (login_rejected_status(s->login, &status_class, &detail))
		in.login_status = (uint16_t)(status_class << 8 | detail);
	session_kernel_release(s);
	login_free(s->login);
	s->login = NULL;
	s->cur = s->lp.cfg.portal;  /* a redirect holds only for one attempt */
	if (s->ever_started) {
		session_reconnect_failed(s, &in);
		return;
	}
	if (retryable && ++s->attempts <= s->retry_max) {
		log_warn("%s: login attempt %u failed: %s; retrying", s->where, s->attempts,
			 err->msg);
		in.delay_ms = 1000;
		session_event(s, SE_RETRY, &in);
		return;
	}
	session_event(s, SE_LOGIN_FAILED, &in);
}

void session_fail(struct session *s, int code, bool retryable, const char *fmt, ...)
{
	struct ll_error err = { 0 };

	LL_ERROR_SET_FROM_ARGS(&err, code, fmt);
	session_attempt_failed(s, &err, retryable);
}

/* A connect or login step failed: the words for it, then the same path. */
void session_attempt_failed_act(struct session *s, const struct sess_row *row,
				const struct sess_input *in)
{
	switch (row->action) {
	case SA_CONNECT_TIMEOUT:
		session_fail(s, ISCSI_ERR_TRANS_TIMEOUT, true, "connecting to %s timed out",
			     s->cur.host);
		break;
	case SA_LOGIN_TIMEOUT:
		session_fail(s, ISCSI_ERR_PDU_TIMEOUT, true,
			     "the target did not answer the login within %u s", s->timer_secs);
		break;
	case SA_LOGIN_CONN_ERROR:
		session_fail(s, ISCSI_ERR_TRANS, true, "connection failed during login: %s",
			     in->why);
		break;
	default:
		session_attempt_failed(s, in->err, in->retryable);
		break;
	}
}

/* First login failed for good: tell iscsiadm and remove everything. */
void session_login_failed_act(struct session *s, const struct sess_row *row,
			      const struct sess_input *in)
{
	log_err("%s: login failed: %s", s->where, in->err->msg);
	session_reply_login(s, in->err->code ? in->err->code : ISCSI_ERR_LOGIN, in->err->msg);
	session_destroy(s);
}

/* ---- connecting ---- */

static bool connect_retryable(int err)
{
	return err != -EHOSTUNREACH && err != -ENETUNREACH;
}

static void on_connected(void *userdata)
{
	struct session *s = userdata;

	/* Only a connect started in CONNECT may go on (logout may have begun). */
	if (!session_event(s, SE_CONNECTED, NULL))
		session_close_transport(s);
}

static void on_conn_error(void *userdata, int err, const char *what)
{
	struct session *s = userdata;
	struct ll_error e = { .code = ISCSI_ERR_TRANS };

	snprintf(e.msg, sizeof(e.msg), "cannot make connection to %s:%u: %s", s->cur.host,
		 s->cur.port, strerror(-err));
	if (!session_event(s, SE_CONNECT_FAILED,
			   &(struct sess_input){ .err = &e, .retryable = connect_retryable(err) }))
		session_close_transport(s);
}

static void on_conn_pdu(void *userdata, const uint8_t *pdu, size_t len)
{
	/* Never called: the socket goes to the kernel as soon as it connects. */
}

static const struct tcpconn_ops conn_ops = {
	.connected = on_connected,
	.pdu = on_conn_pdu,
	.error = on_conn_error,
};

static void on_resolved(void *userdata, int err, const char *msg,
			const struct sockaddr_storage *addr, socklen_t addrlen)
{
	struct session *s = userdata;
	struct ll_error e = { .code = ISCSI_ERR_TRANS };

	s->rq = NULL;
	if (!err) {
		session_event(s, SE_RESOLVED, &(struct sess_input){ .addr = addr, .addrlen = addrlen });
		return;
	}
	str_copy(e.msg, sizeof(e.msg), msg);
	session_event(s, SE_CONNECT_FAILED, &(struct sess_input){ .err = &e, .retryable = true });
}

void session_open_socket_act(struct session *s, const struct sess_row *row,
			     const struct sess_input *in)
{
	char num[24];
	int r;

	s->lp.tcp.refused = NULL;
	r = tcpconn_new(&s->conn, s->d->event, (const struct sockaddr *)in->addr, in->addrlen,
			&s->lp.tcp, &conn_ops, s);
	if (r < 0 && s->lp.tcp.bind.failed) {
		struct ll_error e = { 0 };

		/* Never over the default route instead: a connection failure, not retried
		 * on a first login (recovery retries until the replacement timeout). */
		ifacebind_explain(&s->lp.tcp.bind, ISCSI_ERR_TRANS, &e);
		session_fail(s, e.code, false, "%s", e.msg);
	} else if (r < 0 && s->lp.tcp.refused)
		session_fail(s, ISCSI_ERR_INVAL, false, "the kernel refused %s = %s: %s",
			     s->lp.tcp.refused, tcpconn_refused_value(&s->lp.tcp, num, sizeof(num)),
			     strerror(-r));
	else if (r < 0)
		session_fail(s, ISCSI_ERR_TRANS, true, "cannot make connection to %s: %s",
			     s->cur.host, strerror(-r));
}

void session_start_connect(struct session *s)
{
	session_event(s, s->ever_started ? SE_RECONNECT : SE_CONNECT, NULL);
}

void session_connect_act(struct session *s, const struct sess_row *row,
			 const struct sess_input *in)
{
	int r;

	session_arm_timer(s, s->lp.login_timeout ? s->lp.login_timeout : 15);
	s->attempt_ms = daemon_now_us(s->d) / 1000;
	r = resolve_start(&s->rq, s->d->event, s->cur.host, s->cur.port, on_resolved, s);
	if (r < 0)
		session_fail(s, ISCSI_ERR_TRANS, false, "cannot look up %s: %s", s->cur.host,
			     strerror(-r));
}

/* ---- login through the kernel ---- */

static void send_login_pdu(struct session *s)
{
	struct pdu_hdr h;
	uint8_t *pdu;
	size_t len;
	int r;

	if (login_next_request(s->login, &pdu, &len) < 0) {
		session_fail(s, ISCSI_ERR_INTERNAL, false, "cannot build the next login request");
		return;
	}
	pdu_hdr_get(pdu, &h);
	r = kernel_send_pdu(s->d->kernel, s->sid, 0, pdu, PDU_BHS_LEN + h.ahs_words * 4u,
			    h.dlength);
	secure_zero(pdu, len);
	free(pdu);
	if (r < 0)
		session_fail(s, ISCSI_ERR_TRANS, true, "the kernel refused the login PDU: %s",
			     strerror(-r));
}

void session_login_begin(struct session *s)
{
	struct ll_error err = { 0 };

	login_free(s->login);
	s->login = login_new(&s->lp.cfg, &err);
	if (!s->login) {
		session_attempt_failed(s, &err, false);
		return;
	}
	send_login_pdu(s);
}

static void login_done(struct session *s)
{
	login_get_params(s->login, &s->params);
	if (session_kernel_start(s) < 0)
		return;
	/* Full feature phase: the login's state and PDU buffers are done with. */
	login_free(s->login);
	s->login = NULL;
	session_stop_timer(s);
	s->attempts = 0;
	if (s->ever_started) {
		log_info("%s: connection recovered after %u attempt(s)", s->where,
			 s->reopen_count + 1);
		s->reopen_count = 0;
		session_portal_back(s);
		session_event(s, SE_RELOGGED_IN, NULL);
		return;
	}
	s->ever_started = true;
	log_info("%s: logged in (sid %u, host %u)", s->where, s->sid, s->host_no);
	session_event(s, SE_LOGGED_IN, NULL);
}

/*
 * Whether a first login that failed may succeed when tried again.  When
 * the target refused it with a login status, the status table says (class
 * 3 and redirects yes, class 2 and unknown classes no).  Otherwise a broken
 * exchange (exit code 5) or connection (4) may heal; authentication,
 * internal and resource failures will not.
 */
static bool login_retryable(const struct login_ctx *login, const struct ll_error *err)
{
	uint8_t status_class, detail;

	if (login_rejected_status(login, &status_class, &detail))
		return login_status_retryable(status_class, detail);
	return err->code == ISCSI_ERR_LOGIN || err->code == ISCSI_ERR_TRANS;
}

static void handle_login_pdu(struct session *s, const uint8_t *pdu, size_t len)
{
	struct ll_error err = { 0 };
	size_t padded = PDU_BHS_LEN + ALIGN4(len - PDU_BHS_LEN);
	_cleanup_free_ uint8_t *buf = calloc(1, padded);

	if (!buf) {
		session_fail(s, ISCSI_ERR_NOMEM, true, "out of memory");
		return;
	}
	/* The kernel gives the data unpadded and tags login PDUs with its own ITT. */
	memcpy(buf, pdu, len);
	put_be32(buf + 16, s->lp.cfg.itt);
	switch (login_handle_response(s->login, buf, padded, &err)) {
	case LOGIN_CONTINUE:
		/* Each answer restarts the wait; CHAP exchanges get auth_timeout. */
		session_arm_timer(s, loginrec_step_timeout(&s->lp, login_get_state(s->login)));
		send_login_pdu(s);
		break;
	case LOGIN_DONE:
		login_done(s);
		break;
	case LOGIN_REDIRECT: {
		const struct iscsi_addr *to = login_redirect_portal(s->login);

		log_info("%s: redirected to %s:%u", s->where, to->host, to->port);
		session_kernel_release(s);
		s->cur = *to;
		session_start_connect(s);
		break;
	}
	case LOGIN_FAILED:
	default:
		session_attempt_failed(s, &err, login_retryable(s->login, &err));
		break;
	}
	secure_zero(buf, padded);
}

void session_login_pdu_act(struct session *s, const struct sess_row *row,
			   const struct sess_input *in)
{
	handle_login_pdu(s, in->pdu, in->len);
}
