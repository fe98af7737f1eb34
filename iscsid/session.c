/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.c: the kernel session state machine (see session.h).
 *
 *            +--------------------- retry (initial login) ------------+
 *            v                                                         |
 *   CONNECT --connected--> LOGIN --done--> SCAN --scanned--> LOGGED_IN |
 *      ^                    |  \--redirect--> CONNECT                  |
 *      |                    +--failed------------------------------->--+
 *      |                                                 | conn error
 *   RECOVERY <-------------------------------------------+
 *   LOGGED_IN --logout--> UNBIND --unbound--> LOGOUT --answer--> (gone)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsid/daemon.h"
#include "iscsid/log.h"
#include "iscsid/resolve.h"
#include "iscsid/session.h"
#include "iscsid/session_int.h"
#include "iscsid/tcpconn.h"
#include "libiscsi-core/pdu.h"
#include "libiscsi-core/util.h"
#include "sysfs/sysfs.h"

#define RECOVERY_DELAY_MAX_S 5

static const char *const state_names[] = {
	[SS_CONNECT] = "CONNECT", [SS_LOGIN] = "LOGIN", [SS_SCAN] = "SCAN",
	[SS_LOGGED_IN] = "LOGGED_IN", [SS_RECOVERY] = "RECOVERY", [SS_UNBIND] = "UNBIND",
	[SS_LOGOUT] = "LOGOUT",
};

const char *session_state_str(enum sess_state st)
{
	return (unsigned)st < ARRAY_SIZE(state_names) ? state_names[st] : "?";
}

void session_set_state(struct session *s, enum sess_state st, const char *event)
{
	log_debug(1, "%s: %s --%s--> %s", s->where, state_names[s->state], event,
		  state_names[st]);
	s->state = st;
}

static int on_timer(sd_event_source *src, uint64_t usec, void *userdata);

void session_arm_timer(struct session *s, unsigned seconds)
{
	uint64_t usec = (uint64_t)seconds * 1000000ULL;

	s->timer_secs = seconds;
	if (s->timer) {
		sd_event_source_set_time_relative(s->timer, usec);
		sd_event_source_set_enabled(s->timer, SD_EVENT_ONESHOT);
	} else {
		sd_event_add_time_relative(s->d->event, &s->timer, CLOCK_MONOTONIC, usec, 0,
					   on_timer, s);
	}
}

void session_stop_timer(struct session *s)
{
	if (s->timer)
		sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
}

static void close_transport(struct session *s)
{
	resolve_cancel(s->rq);
	s->rq = NULL;
	tcpconn_free(s->conn);
	s->conn = NULL;
	closep(&s->fd);
}

void session_cancel_reconnect(struct session *s)
{
	close_transport(s);
	login_free(s->login);
	s->login = NULL;
	sd_event_source_disable_unref(s->retry_src);
	s->retry_src = NULL;
}

/* Frees the object only; the kernel session (if any) is left alone. */
void session_free(struct session *s)
{
	struct session **pp;

	for (pp = &s->d->sessions; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	close_transport(s);
	worker_cancel(s->scan);
	sd_event_source_disable_unref(s->timer);
	login_free(s->login);
	rec_free(s->rec);
	loginrec_clear(&s->lp);
	if (s->login_req)
		request_fail(s->login_req, ISCSI_ERR_INTERNAL, "session %s went away", s->where);
	if (s->logout_req)
		request_fail(s->logout_req, ISCSI_ERR_INTERNAL, "session %s went away", s->where);
	free(s);
}

/* Tears the kernel side down (stop, destroy) and frees the object. */
void session_destroy(struct session *s)
{
	struct kernel *k = s->d->kernel;

	if (k && s->have_sid) {
		int r = kernel_stop_conn(k, s->sid, 0, KABI_STOP_CONN_TERM);

		if (r < 0)
			log_debug(1, "%s: stop: %s", s->where, strerror(-r));
		close_transport(s);
		r = kernel_destroy_conn(k, s->sid, 0);
		if (r < 0)
			log_warn("%s: cannot destroy the connection: %s", s->where, strerror(-r));
		r = kernel_destroy_session(k, s->sid);
		if (r < 0)
			log_warn("%s: cannot destroy the session: %s", s->where, strerror(-r));
		s->have_sid = false;
	}
	session_free(s);
}

static void reply_login(struct session *s, int code, const char *msg)
{
	struct ipc_msg m;

	if (!s->login_req)
		return;
	ipc_msg_init(&m, 0, 0);
	ipc_msg_add_u32(&m, IPC_A_STATUS, (uint32_t)code);
	if (code)
		ipc_msg_add_str(&m, IPC_A_MESSAGE, msg);
	else
		ipc_msg_add_u32(&m, IPC_A_SID, s->sid);
	request_reply(s->login_req, &m);
	s->login_req = NULL;
	ipc_msg_free(&m);
}

static void release_for_reconnect(struct session *s);

static int on_retry_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct session *s = userdata;

	sd_event_source_disable_unref(src);
	s->retry_src = NULL;
	session_start_connect(s);
	return 0;
}

static void schedule_connect(struct session *s, unsigned delay_s)
{
	session_stop_timer(s);
	sd_event_source_disable_unref(s->retry_src);
	s->retry_src = NULL;
	sd_event_add_time_relative(s->d->event, &s->retry_src, CLOCK_MONOTONIC,
				   (uint64_t)delay_s * 1000000ULL, 0, on_retry_timer, s);
}

/* Initial login failed for good: tell iscsiadm and remove everything. */
static void initial_login_failed(struct session *s, const struct ll_error *err)
{
	log_err("%s: login failed: %s", s->where, err->msg);
	reply_login(s, err->code ? err->code : ISCSI_ERR_LOGIN, err->msg);
	session_destroy(s);
}

/*
 * One login attempt failed.  Initial logins retry what may get better
 * (connection problems, target busy) a bounded number of times; recovery
 * keeps trying with a bounded backoff until the user logs out.
 */
void session_attempt_failed(struct session *s, const struct ll_error *err, bool retryable)
{
	if (s->logout_req) {
		/* A logout owns the session now; it must not be revived. */
		log_debug(1, "%s: ignoring a failed attempt during logout: %s", s->where, err->msg);
		return;
	}
	release_for_reconnect(s);
	login_free(s->login);
	s->login = NULL;
	s->cur = s->lp.cfg.portal;  /* a redirect holds only for one attempt */
	if (s->ever_started) {
		unsigned delay = 1u << (s->reopen_count < 3 ? s->reopen_count : 3);

		s->reopen_count++;
		if (delay > RECOVERY_DELAY_MAX_S)
			delay = RECOVERY_DELAY_MAX_S;
		if (s->lp.reopen_max && s->reopen_count > s->lp.reopen_max) {
			log_err("%s: giving up after %u reconnect attempts (reopen_max); "
				"the session stays failed until it is logged out",
				s->where, s->reopen_count - 1);
			session_set_state(s, SS_RECOVERY, "gave-up");
			session_stop_timer(s);
			return;
		}
		log_warn("%s: reconnect attempt %u failed: %s; next try in %u s", s->where,
			 s->reopen_count, err->msg, delay);
		session_set_state(s, SS_RECOVERY, "attempt-failed");
		schedule_connect(s, delay);
		return;
	}
	if (retryable && ++s->attempts <= s->retry_max) {
		log_warn("%s: login attempt %u failed: %s; retrying", s->where, s->attempts,
			 err->msg);
		session_set_state(s, SS_CONNECT, "retry");
		schedule_connect(s, 1);
		return;
	}
	initial_login_failed(s, err);
}

void session_fail(struct session *s, int code, bool retryable, const char *fmt, ...)
{
	struct ll_error err = { .code = code };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err.msg, sizeof(err.msg), fmt, ap);
	va_end(ap);
	session_attempt_failed(s, &err, retryable);
}

static int on_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct session *s = userdata;

	switch (s->state) {
	case SS_CONNECT:
		session_fail(s, ISCSI_ERR_TRANS_TIMEOUT, true,
			     "connecting to %s timed out", s->cur.host);
		break;
	case SS_LOGIN:
		session_fail(s, ISCSI_ERR_PDU_TIMEOUT, true,
			     "the target did not answer the login within %u s", s->timer_secs);
		break;
	case SS_UNBIND:
	case SS_LOGOUT:
		session_logout_timeout(s);
		break;
	default:
		break;
	}
	return 0;
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

static void login_done(struct session *s)
{
	struct kernel *k = s->d->kernel;
	int r;

	login_get_params(s->login, &s->params);
	if (session_set_negotiated_params(s) < 0) {
		session_fail(s, ISCSI_ERR_INTERNAL, true, "cannot hand the negotiated "
			     "parameters to the kernel");
		return;
	}
	r = kernel_start_conn(k, s->sid, 0);
	if (r < 0) {
		session_fail(s, ISCSI_ERR_INTERNAL, true, "the kernel could not start the "
			     "connection: %s", strerror(-r));
		return;
	}
	session_stop_timer(s);
	s->attempts = 0;
	if (s->ever_started) {
		log_info("%s: connection recovered after %u attempt(s)", s->where,
			 s->reopen_count + 1);
		s->reopen_count = 0;
		session_set_state(s, SS_LOGGED_IN, "relogged-in");
		session_rescan(s, NULL);
		return;
	}
	s->ever_started = true;
	log_info("%s: logged in (sid %u, host %u)", s->where, s->sid, s->host_no);
	session_set_state(s, SS_SCAN, "logged-in");
	session_start_scan(s);
}

/*
 * Frees the socket for a new connection.  A session that never reached
 * full feature phase is simply destroyed and made again (a stopped,
 * never-started kernel session is not worth reviving); a running one keeps
 * its kernel session (and its disks): its connection is stopped for
 * recovery and a new socket will be bound to it.
 */
static void release_for_reconnect(struct session *s)
{
	struct kernel *k = s->d->kernel;

	if (s->have_sid && s->ever_started && s->bound) {
		kernel_stop_conn(k, s->sid, 0, KABI_STOP_CONN_RECOVER);
	} else if (s->have_sid && !s->ever_started) {
		if (s->bound)
			kernel_stop_conn(k, s->sid, 0, KABI_STOP_CONN_TERM);
		kernel_destroy_conn(k, s->sid, 0);
		kernel_destroy_session(k, s->sid);
		s->have_sid = false;
	}
	s->bound = false;
	close_transport(s);
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
		release_for_reconnect(s);
		s->cur = *to;
		session_start_connect(s);
		break;
	}
	case LOGIN_FAILED:
	default:
		session_attempt_failed(s, &err, err.code == ISCSI_ERR_LOGIN ||
					       err.code == ISCSI_ERR_TRANS);
		break;
	}
	secure_zero(buf, padded);
}

static void on_kernel_recv_pdu(void *userdata, uint32_t sid, uint32_t cid, const uint8_t *pdu,
			       size_t len)
{
	struct session *s = session_find_sid(userdata, sid);

	if (!s || len < PDU_BHS_LEN) {
		log_debug(2, "kernel: PDU for unknown session %u dropped", sid);
		return;
	}
	if (s->state == SS_LOGIN)
		handle_login_pdu(s, pdu, len);
	else if (s->state == SS_LOGOUT || s->state == SS_UNBIND)
		session_logout_pdu(s, pdu, len);
	else
		log_debug(1, "%s: ignoring a %s PDU in state %s", s->where,
			  pdu_opcode_str(pdu[0] & 0x3f), state_names[s->state]);
}

/* Socket connected: hand it to the kernel and start the login. */
static void on_connected(void *userdata)
{
	struct session *s = userdata;
	struct kernel *k = s->d->kernel;
	struct ll_error err = { 0 };
	int r;

	if (s->state != SS_CONNECT) {
		/* Only a connect started in CONNECT may go on (logout may have begun). */
		close_transport(s);
		return;
	}
	s->fd = tcpconn_take_fd(s->conn);
	tcpconn_free(s->conn);
	s->conn = NULL;
	if (!s->have_sid) {
		r = kernel_create_session(k, s->lp.cfg.cmdsn,
					  (uint16_t)rec_get_int(s->rec, "node.session.cmds_max"),
					  (uint16_t)rec_get_int(s->rec, "node.session.queue_depth"),
					  &s->sid, &s->host_no);
		if (r < 0) {
			session_fail(s, ISCSI_ERR_INTERNAL, false,
				     "the kernel could not create a session: %s", strerror(-r));
			return;
		}
		s->have_sid = true;
		snprintf(s->where, sizeof(s->where), "[sid %u] %s %s:%u", s->sid,
			 s->lp.target_name, s->lp.cfg.portal.host, s->lp.cfg.portal.port);
		r = kernel_create_conn(k, s->sid, 0);
		if (r < 0) {
			session_fail(s, ISCSI_ERR_INTERNAL, false,
				     "the kernel could not create a connection: %s", strerror(-r));
			return;
		}
	}
	r = kernel_bind_conn(k, s->sid, 0, s->fd, true);
	if (r < 0) {
		session_fail(s, ISCSI_ERR_INTERNAL, true, "the kernel could not take the "
			     "socket: %s", strerror(-r));
		return;
	}
	s->bound = true;
	if (session_set_session_params(s) < 0) {
		session_fail(s, ISCSI_ERR_INTERNAL, true, "cannot set session parameters");
		return;
	}
	login_free(s->login);
	s->login = login_new(&s->lp.cfg, &err);
	if (!s->login) {
		session_attempt_failed(s, &err, false);
		return;
	}
	session_set_state(s, SS_LOGIN, "connected");
	send_login_pdu(s);
}

static bool connect_retryable(int err)
{
	return err != -EHOSTUNREACH && err != -ENETUNREACH;
}

static void on_conn_error(void *userdata, int err, const char *what)
{
	struct session *s = userdata;

	if (s->state != SS_CONNECT) {
		close_transport(s);
		return;
	}
	session_fail(s, ISCSI_ERR_TRANS, connect_retryable(err),
		     "cannot make connection to %s:%u: %s", s->cur.host, s->cur.port,
		     strerror(-err));
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
	int r;

	s->rq = NULL;
	if (s->state != SS_CONNECT)
		return;
	if (err) {
		session_fail(s, ISCSI_ERR_TRANS, true, "%s", msg);
		return;
	}
	s->lp.tcp.refused = NULL;
	r = tcpconn_new(&s->conn, s->d->event, (const struct sockaddr *)addr, addrlen,
			&s->lp.tcp, &conn_ops, s);
	if (r < 0 && s->lp.tcp.bind.failed) {
		struct ll_error e = { 0 };

		/* Never over the default route instead: a connection failure, not retried
		 * on a first login (recovery retries until the replacement timeout). */
		ifacebind_explain(&s->lp.tcp.bind, ISCSI_ERR_TRANS, &e);
		session_fail(s, e.code, false, "%s", e.msg);
	} else if (r < 0 && s->lp.tcp.refused)
		session_fail(s, ISCSI_ERR_INVAL, false, "the kernel refused %s = %s: %s",
			     s->lp.tcp.refused, rec_get(s->rec, s->lp.tcp.refused), strerror(-r));
	else if (r < 0)
		session_fail(s, ISCSI_ERR_TRANS, true, "cannot make connection to %s: %s",
			     s->cur.host, strerror(-r));
}

void session_start_connect(struct session *s)
{
	int r;

	session_set_state(s, SS_CONNECT, s->ever_started ? "reconnect" : "connect");
	session_arm_timer(s, s->lp.login_timeout ? s->lp.login_timeout : 15);
	r = resolve_start(&s->rq, s->d->event, s->cur.host, s->cur.port, on_resolved, s);
	if (r < 0)
		session_fail(s, ISCSI_ERR_TRANS, false, "cannot look up %s: %s", s->cur.host,
			     strerror(-r));
}

/* ---- connection errors: recovery ---- */

void session_start_recovery(struct session *s, const char *why)
{
	struct kernel *k = s->d->kernel;
	unsigned wait = s->params.default_time2wait;

	log_warn("%s: connection failed (%s); recovering", s->where, why);
	worker_cancel(s->scan);
	s->scan = NULL;
	if (s->have_sid)
		kernel_stop_conn(k, s->sid, 0, KABI_STOP_CONN_RECOVER);
	s->bound = false;
	close_transport(s);
	s->reopen_count = 0;
	s->cur = s->lp.cfg.portal;
	session_set_state(s, SS_RECOVERY, "conn-error");
	schedule_connect(s, wait > RECOVERY_DELAY_MAX_S ? RECOVERY_DELAY_MAX_S : wait);
}

static void on_kernel_conn_error(void *userdata, uint32_t sid, uint32_t cid, uint32_t error)
{
	struct session *s = session_find_sid(userdata, sid);

	if (!s) {
		log_warn("kernel: connection error %u (%s) on session %u that iscsid does not "
			 "manage", error, kernel_conn_error_str(error), sid);
		return;
	}
	switch (s->state) {
	case SS_LOGGED_IN:
	case SS_SCAN:
		session_start_recovery(s, kernel_conn_error_str(error));
		break;
	case SS_LOGIN:
		session_fail(s, ISCSI_ERR_TRANS, true, "connection failed during login: %s",
			     kernel_conn_error_str(error));
		break;
	case SS_UNBIND:
	case SS_LOGOUT:
		session_logout_conn_error(s);
		break;
	default:
		log_debug(1, "%s: connection error %s in state %s ignored", s->where,
			  kernel_conn_error_str(error), state_names[s->state]);
		break;
	}
}

static void on_kernel_unbind(void *userdata, uint32_t sid, uint32_t host_no)
{
	struct session *s = session_find_sid(userdata, sid);

	if (s && s->state == SS_UNBIND)
		session_logout_unbound(s);
}

static void on_kernel_destroy(void *userdata, uint32_t sid, uint32_t host_no)
{
	log_debug(2, "kernel: session %u destroyed", sid);
}

const struct kernel_ops session_kernel_ops = {
	.recv_pdu = on_kernel_recv_pdu,
	.conn_error = on_kernel_conn_error,
	.unbind_session = on_kernel_unbind,
	.destroy_session = on_kernel_destroy,
};
