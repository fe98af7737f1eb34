/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_kernel.c: the kernel's part of a session (see session_kernel.h).
 *
 * The parameters iscsid hands the kernel: names, portal and timeouts before
 * the first login PDU, and the values negotiated at login before
 * START_CONN.  Secrets never go to the kernel; user names do (for
 * -m session -P 2/3).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iscsid/daemon.h"
#include "iscsid/log.h"
#include "iscsid/session_int.h"
#include "iscsid/session_isids.h"
#include "iscsid/session_kernel.h"
#include "iscsid/session_login.h"
#include "iscsid/session_logout.h"
#include "iscsid/session_reap.h"
#include "iscsid/tcpconn.h"
#include "libiscsi-core/pdu.h"
#include "libiscsi-core/util.h"

static int set_param(struct session *s, enum kabi_param p, const char *value)
{
	int r = kernel_set_param(s->d->kernel, s->sid, 0, p, value);

	/* A transport that lacks a parameter says ENOSYS; that is fine. */
	if (r == -ENOSYS) {
		log_debug(2, "%s: kernel ignored %s=%s (%s)", s->where, kernel_param_str(p),
			  value, strerror(-r));
		return 0;
	}
	if (r < 0)
		log_err("%s: cannot set %s: %s", s->where, kernel_param_str(p), strerror(-r));
	return r;
}

/* long long holds every 32-bit value the kernel takes, signed or not. */
static int set_num(struct session *s, enum kabi_param p, long long value)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", value);
	return set_param(s, p, num);
}

/* Node record values the kernel takes on every connect, in this order. */
static const struct {
	enum kabi_param param;
	const char *key;
	bool is_bool;             /* Yes/No, handed over as 1/0 */
} rec_params[SESSION_KERNEL_REC_PARAMS] = {
	{ KABI_PARAM_SESS_RECOVERY_TMO, "node.session.timeo.replacement_timeout", false },
	{ KABI_PARAM_ABORT_TMO, "node.session.err_timeo.abort_timeout", false },
	{ KABI_PARAM_LU_RESET_TMO, "node.session.err_timeo.lu_reset_timeout", false },
	{ KABI_PARAM_TGT_RESET_TMO, "node.session.err_timeo.tgt_reset_timeout", false },
	{ KABI_PARAM_FAST_ABORT, "node.session.iscsi.FastAbort", true },
	{ KABI_PARAM_PING_TMO, "node.conn[0].timeo.noop_out_timeout", false },
	{ KABI_PARAM_RECV_TMO, "node.conn[0].timeo.noop_out_interval", false },
};

void session_kernel_keep_record(struct session *s, const struct rec *rec)
{
	for (size_t i = 0; i < ARRAY_SIZE(rec_params); i++)
		s->kept.kernel[i] = rec_params[i].is_bool ? rec_get_bool(rec, rec_params[i].key) :
							    rec_get_int(rec, rec_params[i].key);
	s->kept.cmds_max = (uint16_t)rec_get_int(rec, "node.session.cmds_max");
	s->kept.queue_depth = (uint16_t)rec_get_int(rec, "node.session.queue_depth");
}

/*
 * The SCSI host's netdev and hwaddress are the iface record's
 * net_ifacename and hwaddress as written, as open-iscsi 2.1.8 sets them
 * (unset ones are left alone and read "(null)" in sysfs, as open-iscsi's
 * do): an iface bound by name shows its netdev, one bound by MAC its
 * hwaddress, and `-m session -P 1` prints "default" for the other.  The kernel
 * reports ipaddress from the socket itself.  Not the initiator name:
 * open-iscsi leaves an iscsi_tcp host's initiatorname unset (the name is
 * per session), and `iscsiadm -m host` prints it, <empty> there
 * (tests/vm/t-hostfw-reference.sh).  Only informational: a kernel that
 * refuses them is logged, not fatal.
 */
static void set_host_params(struct session *s)
{
	const struct ifacebind *b = &s->lp.tcp.bind;
	const struct {
		enum kabi_host_param param;
		const char *value;
	} rows[] = {
		{ KABI_HOST_PARAM_NETDEV_NAME, b->netdev },
		{ KABI_HOST_PARAM_HWADDRESS, b->hwaddress },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		int r;

		if (!rows[i].value[0])
			continue;
		r = kernel_set_host_param(s->d->kernel, s->host_no, rows[i].param, rows[i].value);
		if (r < 0 && r != -ENOSYS)
			log_warn("%s: cannot set host%u parameter %d to %s: %s", s->where,
				 s->host_no, rows[i].param, rows[i].value, strerror(-r));
	}
}

/* Parameters the kernel needs before the first login PDU. */
static int set_session_params(struct session *s)
{
	int r = 0;

	r |= set_param(s, KABI_PARAM_TARGET_NAME, s->lp.target_name);
	r |= set_param(s, KABI_PARAM_INITIATOR_NAME, s->lp.initiator_name);
	r |= set_param(s, KABI_PARAM_PERSISTENT_ADDRESS, s->lp.cfg.portal.host);
	r |= set_num(s, KABI_PARAM_PERSISTENT_PORT, s->lp.cfg.portal.port);
	r |= set_param(s, KABI_PARAM_IFACE_NAME, s->lp.iface);
	/* User names only (for -m session -P 2/3); secrets never go to the kernel. */
	if (s->lp.username[0])
		r |= set_param(s, KABI_PARAM_USERNAME, s->lp.username);
	if (s->lp.username_in[0])
		r |= set_param(s, KABI_PARAM_USERNAME_IN, s->lp.username_in);
	for (size_t i = 0; i < ARRAY_SIZE(rec_params); i++)
		r |= set_num(s, rec_params[i].param, s->kept.kernel[i]);
	if (s->lp.cfg.portal.tpgt >= 0)
		r |= set_num(s, KABI_PARAM_TPGT, s->lp.cfg.portal.tpgt);
	set_host_params(s);
	return r;
}

/* Negotiated values, in the order the kernel gets them. */
static int set_negotiated_params(struct session *s)
{
	const struct neg_params *p = &s->params;
	const struct {
		enum kabi_param param;
		long long value;
	} nums[] = {
		{ KABI_PARAM_MAX_RECV_DLENGTH, p->max_recv_dsl }, { KABI_PARAM_MAX_XMIT_DLENGTH, p->max_xmit_dsl },
		{ KABI_PARAM_HDRDGST_EN, p->header_digest }, { KABI_PARAM_DATADGST_EN, p->data_digest },
		{ KABI_PARAM_INITIAL_R2T_EN, p->initial_r2t }, { KABI_PARAM_MAX_R2T, p->max_outstanding_r2t },
		{ KABI_PARAM_IMM_DATA_EN, p->immediate_data },
		{ KABI_PARAM_FIRST_BURST, p->first_burst }, { KABI_PARAM_MAX_BURST, p->max_burst },
		{ KABI_PARAM_PDU_INORDER_EN, p->data_pdu_in_order },
		{ KABI_PARAM_DATASEQ_INORDER_EN, p->data_seq_in_order },
		{ KABI_PARAM_ERL, p->erl }, { KABI_PARAM_IFMARKER_EN, 0 }, { KABI_PARAM_OFMARKER_EN, 0 },
		{ KABI_PARAM_EXP_STATSN, login_expstatsn(s->login) },
		{ KABI_PARAM_DEF_TIME2WAIT, p->default_time2wait },
		{ KABI_PARAM_DEF_TIME2RETAIN, p->default_time2retain },
	};
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(nums); i++)
		r |= set_num(s, nums[i].param, nums[i].value);
	if (p->tpgt >= 0)
		r |= set_num(s, KABI_PARAM_TPGT, p->tpgt);
	if (p->target_alias[0])
		r |= set_param(s, KABI_PARAM_TARGET_ALIAS, p->target_alias);
	return r;
}

static int create_objects(struct session *s, struct ll_error *err)
{
	struct kernel *k = s->d->kernel;
	int r;

	r = kernel_create_session(k, s->lp.cfg.cmdsn, s->kept.cmds_max, s->kept.queue_depth,
				  &s->sid, &s->host_no);
	if (r < 0)
		return ll_error_set(err, ISCSI_ERR_INTERNAL,
				    "the kernel could not create a session: %s", strerror(-r));
	s->have_sid = true;
	session_isids_changed(s->d);
	snprintf(s->where, sizeof(s->where), "[sid %u] %s %s:%u", s->sid, s->lp.target_name,
		 s->lp.cfg.portal.host, s->lp.cfg.portal.port);
	r = kernel_create_conn(k, s->sid, 0);
	if (r < 0)
		return ll_error_set(err, ISCSI_ERR_INTERNAL,
				    "the kernel could not create a connection: %s", strerror(-r));
	return 0;
}

void session_kernel_handoff_act(struct session *s, const struct sess_row *row,
				const struct sess_input *in)
{
	struct ll_error err = { 0 };
	int r;

	s->fd = tcpconn_take_fd(s->conn);
	tcpconn_free(s->conn);
	s->conn = NULL;
	session_note_local_address(s);
	if (!s->have_sid && create_objects(s, &err) < 0) {
		session_attempt_failed(s, &err, false);
		return;
	}
	r = kernel_bind_conn(s->d->kernel, s->sid, 0, s->fd, true);
	if (r < 0) {
		session_fail(s, ISCSI_ERR_INTERNAL, true, "the kernel could not take the "
			     "socket: %s", strerror(-r));
		return;
	}
	s->bound = true;
	/*
	 * A reconnect keeps the kernel session and connection and the values
	 * they were given (names, portal, timeouts: nothing in them depends on
	 * the socket); setting them again was 13-15 blocking netlink calls per
	 * attempt (a third of a relogin's, nearly all of a refused attempt's)
	 * while a recovery storm of N sessions queued N relogins behind one
	 * loop.  The negotiated values
	 * still go before START_CONN, as some depend on the new socket.
	 */
	if (!s->ever_started && set_session_params(s) < 0) {
		session_fail(s, ISCSI_ERR_INTERNAL, true, "cannot set session parameters");
		return;
	}
	session_login_begin(s);
}

int session_kernel_start(struct session *s)
{
	int r;

	if (set_negotiated_params(s) < 0) {
		session_fail(s, ISCSI_ERR_INTERNAL, true, "cannot hand the negotiated "
			     "parameters to the kernel");
		return -EIO;
	}
	r = kernel_start_conn(s->d->kernel, s->sid, 0);
	if (r < 0) {
		session_fail(s, ISCSI_ERR_INTERNAL, true, "the kernel could not start the "
			     "connection: %s", strerror(-r));
		return r;
	}
	return 0;
}

void session_kernel_release(struct session *s)
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
		session_isids_changed(s->d);
	}
	s->bound = false;
	session_close_transport(s);
}

void session_kernel_stop_for_recovery(struct session *s)
{
	if (s->have_sid)
		kernel_stop_conn(s->d->kernel, s->sid, 0, KABI_STOP_CONN_RECOVER);
	s->bound = false;
	session_close_transport(s);
}

/* Stops and destroys the connection; the kernel session is left. */
static void teardown_conn(struct session *s)
{
	struct kernel *k = s->d->kernel;
	int r;

	r = kernel_stop_conn(k, s->sid, 0, KABI_STOP_CONN_TERM);
	if (r < 0)
		log_debug(1, "%s: stop: %s", s->where, strerror(-r));
	session_close_transport(s);
	r = kernel_destroy_conn(k, s->sid, 0);
	if (r < 0)
		log_warn("%s: cannot destroy the connection: %s", s->where, strerror(-r));
}

static void session_gone(struct session *s)
{
	s->have_sid = false;
	session_isids_changed(s->d);
}

static void destroy_session(struct session *s)
{
	int r = kernel_destroy_session(s->d->kernel, s->sid);

	if (r < 0)
		log_warn("%s: cannot destroy the session: %s", s->where, strerror(-r));
	session_gone(s);
}

void session_kernel_teardown(struct session *s)
{
	if (!s->d->kernel || !s->have_sid)
		return;
	teardown_conn(s);
	destroy_session(s);
}

bool session_kernel_teardown_bg(struct session *s, struct request *req)
{
	if (!s->d->kernel || !s->have_sid)
		return false;
	teardown_conn(s);
	if (!session_reap(s->d, s->sid, req)) {
		destroy_session(s);
		return false;
	}
	session_gone(s);
	return true;
}

/* ---- the kernel's events ---- */

static void on_kernel_recv_pdu(void *userdata, uint32_t sid, uint32_t cid, const uint8_t *pdu,
			       size_t len)
{
	struct session *s = session_find_sid(userdata, sid);

	if (!s || len < PDU_BHS_LEN) {
		log_debug(2, "kernel: PDU for unknown session %u dropped", sid);
		return;
	}
	session_event(s, SE_PDU, &(struct sess_input){ .pdu = pdu, .len = len,
						       .why = pdu_opcode_str(pdu[0] & 0x3f) });
}

static void on_kernel_conn_error(void *userdata, uint32_t sid, uint32_t cid, uint32_t error)
{
	struct session *s = session_find_sid(userdata, sid);

	if (!s) {
		log_warn("kernel: connection error %u (%s) on session %u that iscsid does not "
			 "manage", error, kernel_conn_error_str(error), sid);
		return;
	}
	session_event(s, SE_CONN_ERROR, &(struct sess_input){ .why = kernel_conn_error_str(error),
							     .kerr = error });
}

static void on_kernel_unbind(void *userdata, uint32_t sid, uint32_t host_no)
{
	struct session *s = session_find_sid(userdata, sid);

	if (s)
		session_logout_unbound(s);
}

static void on_kernel_destroy(void *userdata, uint32_t sid, uint32_t host_no)
{
	log_debug(2, "kernel: session %u destroyed", sid);
	session_reaped(userdata, sid);
}

const struct kernel_ops session_kernel_ops = {
	.recv_pdu = on_kernel_recv_pdu,
	.conn_error = on_kernel_conn_error,
	.unbind_session = on_kernel_unbind,
	.destroy_session = on_kernel_destroy,
};
