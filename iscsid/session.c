/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.c: the life of a session object (see session.h): creating,
 * finding, freeing, the state timer, and feeding events to the state
 * table (session_fsm.c) with the functions that carry out its actions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "iscsid/daemon.h"
#include "iscsid/isidfile.h"
#include "iscsid/log.h"
#include "iscsid/metrics.h"
#include "iscsid/resolve.h"
#include "iscsid/session.h"
#include "iscsid/session_async.h"
#include "iscsid/session_int.h"
#include "iscsid/session_kernel.h"
#include "iscsid/session_login.h"
#include "iscsid/session_logout.h"
#include "iscsid/session_recovery.h"
#include "iscsid/session_scan.h"
#include "iscsid/session_window.h"
#include "iscsid/tcpconn.h"
#include "libiscsi-core/util.h"


/* What each row of the state table does (SA_NONE: nothing). */
static sess_action_fn *const actions[SA_COUNT_] = {
	[SA_CONNECT] = session_connect_act,
	[SA_OPEN_SOCKET] = session_open_socket_act,
	[SA_HANDOFF] = session_kernel_handoff_act,
	[SA_CONNECT_FAILED] = session_attempt_failed_act,
	[SA_CONNECT_TIMEOUT] = session_attempt_failed_act,
	[SA_LOGIN_PDU] = session_login_pdu_act,
	[SA_LOGIN_TIMEOUT] = session_attempt_failed_act,
	[SA_LOGIN_CONN_ERROR] = session_attempt_failed_act,
	[SA_SCAN] = session_scan_act,
	[SA_ONLINE] = session_online_act,
	[SA_RECOVER] = session_recover_act,
	[SA_FFP_PDU] = session_ffp_pdu_act,
	[SA_TARGET_LOGOUT] = session_target_logout_act,
	[SA_TARGET_LOGOUT_PDU] = session_target_logout_pdu_act,
	[SA_SCHEDULE_CONNECT] = session_schedule_connect_act,
	[SA_STOP_TIMER] = session_gave_up_act,
	[SA_LOGIN_FAILED] = session_login_failed_act,
	[SA_LOGOUT] = session_logout_act,
	[SA_SEND_LOGOUT] = session_send_logout_act,
	[SA_LOGOUT_PDU] = session_logout_pdu_act,
	[SA_UNBIND_TIMEOUT] = session_logout_end_act,
	[SA_LOGOUT_TIMEOUT] = session_logout_end_act,
	[SA_TARGET_CLOSED] = session_logout_end_act,
	[SA_LOGGED_OUT] = session_logout_end_act,
};

uint64_t session_clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The session's history learns of every transition here, and only here. */
static void note_health(struct session *s, enum sess_state from, const struct sess_row *row,
			const struct sess_input *in)
{
	struct health_step st = {
		.from = from, .row = row, .kerr = in->kerr, .target_logout = in->target_logout,
		.login_status = in->login_status, .msg = in->err ? in->err->msg : in->why,
		.mono_ms = session_clock_ms(CLOCK_MONOTONIC),
		.real_ms = session_clock_ms(CLOCK_REALTIME),
	};

	if (health_step(&s->health, &st))
		metrics_changed(s->d);
}

bool session_event(struct session *s, enum sess_event ev, const struct sess_input *in)
{
	static const struct sess_input none;
	enum sess_state from = s->state;
	const struct sess_row *row;
	char line[128];

	if (!in)
		in = &none;
	row = sess_fsm_step(&s->state, ev, line, sizeof(line));
	if (!row) {
		log_debug(1, "%s: %s%s%s%s", s->where, line, in->why ? " (" : "",
			  in->why ? in->why : "", in->why ? ")" : "");
		return false;
	}
	log_debug(1, "%s: %s", s->where, line);
	note_health(s, from, row, in);
	if (actions[row->action])
		actions[row->action](s, row, in);
	return true;
}

static int on_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
	session_event(userdata, SE_TIMEOUT, NULL);
	return 0;
}

void session_arm_timer(struct session *s, unsigned seconds)
{
	s->timer_secs = seconds;
	daemon_arm_timer(s->d, &s->timer, seconds, on_timer, s);
}

void session_stop_timer(struct session *s)
{
	if (s->timer)
		sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
}

void session_close_transport(struct session *s)
{
	resolve_cancel(s->rq);
	s->rq = NULL;
	tcpconn_free(s->conn);
	s->conn = NULL;
	closep(&s->fd);
}

bool session_isid_taken(const struct session *s, const uint8_t isid[6])
{
	for (const struct session *o = s->d->sessions; o; o = o->next)
		if (o != s && !strcmp(o->lp.target_name, s->lp.target_name) &&
		    !memcmp(o->lp.cfg.isid, isid, sizeof(o->lp.cfg.isid)))
			return true;
	return false;
}

/*
 * Every session to a target needs its own ISID: the target takes a login
 * with an ISID it already has a session for as a reinstatement and drops
 * that session.  A node's sessions (node.session.nr_sessions, -o new) get
 * the lowest free number 0, 1, ... and the ISID derived from it, so the
 * first session of a node keeps the ISID it always had.
 */
static void pick_session_index(struct session *s)
{
	for (s->index = 0; s->index < SESSION_INDEX_LIMIT; s->index++) {
		loginrec_set_session_index(&s->lp, s->index);
		if (!session_isid_taken(s, s->lp.cfg.isid))
			return;
	}
	log_warn("%s: every ISID of %u sessions is in use", s->where, SESSION_INDEX_LIMIT);
}

struct session *session_new(struct daemon *d, const struct rec *rec, const char *initiator,
			    struct ll_error *err)
{
	struct session *s = calloc(1, sizeof(*s));

	if (!s) {
		ll_error_set(err, ISCSI_ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (loginrec_from_node(&s->lp, rec, initiator, 0, err) < 0) {
		loginrec_clear(&s->lp);
		free(s);
		return NULL;
	}
	s->d = d;
	s->fd = -1;
	session_kernel_keep_record(s, rec);
	s->kept.scan_manual = !strcmp(rec_get(rec, "node.session.scan") ?: "auto", "manual");
	s->state = SS_CONNECT;
	s->lp.cfg.itt = 0x7000;
	s->cur = s->lp.cfg.portal;
	s->retry_max = (unsigned)rec_get_int(rec, "node.session.initial_login_retry_max");
	health_init(&s->health, session_clock_ms(CLOCK_REALTIME), false);
	snprintf(s->where, sizeof(s->where), "%s %s:%u", s->lp.target_name, s->cur.host,
		 s->cur.port);
	pick_session_index(s);
	s->next = d->sessions;
	d->sessions = s;
	return s;
}

int session_login(struct daemon *d, struct rec *rec, struct request *req)
{
	struct ll_error err = { 0 };
	struct session *s = session_new(d, rec, NULL, &err);

	if (!s) {
		rec_free(rec);
		request_fail(req, err.code ? err.code : ISCSI_ERR_INVAL, "%s", err.msg);
		return err.code == ISCSI_ERR_NOMEM ? -ENOMEM : -EINVAL;
	}
	/* Once per session: recovery and relogins reuse what session_new kept. */
	loginrec_report_ineffective(rec, s->where);
	rec_free(rec);
	s->login_req = req;
	log_info("%s: logging in (session %u of the node)", s->where, s->index);
	session_window_enter(s);
	return 0;
}

/* Frees the object only; the kernel session (if any) is left alone. */
static void session_free(struct session *s)
{
	struct session **pp;

	for (pp = &s->d->sessions; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	session_window_leave(s);
	session_close_transport(s);
	worker_cancel(s->scan);
	sd_event_source_disable_unref(s->timer);
	sd_event_source_disable_unref(s->retry_src);
	login_free(s->login);
	loginrec_clear(&s->lp);
	if (s->login_req)
		request_fail(s->login_req, ISCSI_ERR_INTERNAL, "session %s went away", s->where);
	if (s->logout_req)
		request_fail(s->logout_req, ISCSI_ERR_INTERNAL, "session %s went away", s->where);
	free(s);
}

void session_destroy(struct session *s)
{
	if (s->have_sid)
		session_kernel_teardown(s);
	session_free(s);
}

void session_reply_login(struct session *s, int code, const char *msg)
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
	session_window_leave(s);
}

struct session *session_find_sid(struct daemon *d, uint32_t sid)
{
	for (struct session *s = d->sessions; s; s = s->next)
		if (s->have_sid && s->sid == sid)
			return s;
	return NULL;
}

size_t session_count_node(struct daemon *d, const char *target, const char *address, int port,
			  const char *iface)
{
	size_t n = 0;

	for (struct session *s = d->sessions; s; s = s->next) {
		if (s->state == SS_UNBIND || s->state == SS_LOGOUT || s->state == SS_GONE)
			continue;
		if (!strcmp(s->lp.target_name, target) &&
		    !strcasecmp(s->lp.cfg.portal.host, address) && s->lp.cfg.portal.port == port &&
		    !strcmp(s->lp.iface[0] ? s->lp.iface : "default", iface[0] ? iface : "default"))
			n++;
	}
	return n;
}

void session_note_local_address(struct session *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char *out = s->health.local_address;
	const void *a = NULL;

	out[0] = '\0';
	if (s->fd < 0 || getsockname(s->fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET)
		a = &((struct sockaddr_in *)&ss)->sin_addr;
	else if (ss.ss_family == AF_INET6)
		a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
	if (!a || !inet_ntop(ss.ss_family, a, out, sizeof(s->health.local_address)))
		out[0] = '\0';
}

void session_health_get(const struct session *s, struct ll_health *out)
{
	memset(out, 0, sizeof(*out));
	health_report(&s->health, session_clock_ms(CLOCK_MONOTONIC), out);
	str_copy(out->state, sizeof(out->state), session_state_str(s->state));
	if (strchr(s->cur.host, ':'))
		snprintf(out->portal, sizeof(out->portal), "[%s]:%u", s->cur.host, s->cur.port);
	else
		snprintf(out->portal, sizeof(out->portal), "%s:%u", s->cur.host, s->cur.port);
	str_copy(out->iface, sizeof(out->iface), s->lp.iface[0] ? s->lp.iface : "default");
}

uint32_t session_sid(const struct session *s)
{
	return s->sid;
}

struct session *session_next(struct daemon *d, struct session *prev)
{
	return prev ? prev->next : d->sessions;
}

bool session_in_kernel(const struct session *s)
{
	return s->have_sid;
}

const char *session_target_name(const struct session *s)
{
	return s->lp.target_name;
}

enum sess_state session_state(const struct session *s)
{
	return s->state;
}

static const char *const conn_state_words[SS_COUNT_] = {
	[SS_CONNECT] = "TRANSPORT WAIT", [SS_RECOVERY] = "TRANSPORT WAIT",
	[SS_LOGIN] = "IN LOGIN",
	[SS_SCAN] = "LOGGED IN", [SS_LOGGED_IN] = "LOGGED IN",
	[SS_TARGET_LOGOUT] = "IN LOGOUT", [SS_UNBIND] = "IN LOGOUT", [SS_LOGOUT] = "IN LOGOUT",
	[SS_GONE] = "FREE",
};

const char *session_conn_state_str(const struct session *s)
{
	return (unsigned)s->state < SS_COUNT_ ? conn_state_words[s->state] : "FREE";
}

const char *session_internal_state_str(const struct session *s)
{
	if (s->state == SS_RECOVERY || (s->ever_started && s->state <= SS_LOGIN))
		return "REOPEN";
	if (s->state == SS_UNBIND || s->state == SS_LOGOUT)
		return "CLEANUP";
	return "NO CHANGE";
}

void sessions_release_all(struct daemon *d)
{
	d->stopping = true;   /* no waiting login starts now */
	while (d->sessions) {
		struct session *s = d->sessions;

		/* The kernel keeps the sessions; only our bookkeeping goes. */
		if (s->login_req)
			request_fail(s->login_req, ISCSI_ERR_AGAIN, "iscsid is stopping");
		s->login_req = NULL;
		session_free(s);
	}
}
