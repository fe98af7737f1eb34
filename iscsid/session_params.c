/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_params.c: the parameters iscsid hands the kernel for a session:
 * names, portal and timeouts before the first login PDU, and the values
 * negotiated at login before START_CONN.  Secrets never go to the kernel;
 * user names do (for -m session -P 2/3).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "iscsid/daemon.h"
#include "iscsid/log.h"
#include "iscsid/session_int.h"
#include "libiscsi-core/util.h"

static int set_param(struct session *s, enum kabi_param p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_param(struct session *s, enum kabi_param p, const char *fmt, ...)
{
	char value[512];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	r = kernel_set_param(s->d->kernel, s->sid, 0, p, value);
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

/*
 * The SCSI host's netdev, hwaddress and initiatorname, as open-iscsi sets
 * them, so sysfs and -m session -P 1 show the netdev this connection was
 * bound to (the kernel reports ipaddress from the socket itself).  Only
 * informational: a kernel that refuses them is logged, not fatal.
 */
static void set_host_params(struct session *s)
{
	const struct ifacebind *b = &s->lp.tcp.bind;
	char mac[64] = "";
	const struct {
		enum kabi_host_param param;
		const char *value;
	} rows[] = {
		{ KABI_HOST_PARAM_NETDEV_NAME, b->bound_dev },
		{ KABI_HOST_PARAM_HWADDRESS, mac },
		{ KABI_HOST_PARAM_INITIATOR_NAME, s->lp.initiator_name },
	};

	if (b->bound_dev[0] && ifacebind_mac_of_netdev(b->sysroot, b->bound_dev, mac,
						       sizeof(mac)) < 0)
		mac[0] = '\0';
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
int session_set_session_params(struct session *s)
{
	const struct rec *rec = s->rec;
	int r = 0;

	r |= set_param(s, KABI_PARAM_TARGET_NAME, "%s", s->lp.target_name);
	r |= set_param(s, KABI_PARAM_INITIATOR_NAME, "%s", s->lp.initiator_name);
	r |= set_param(s, KABI_PARAM_PERSISTENT_ADDRESS, "%s", s->lp.cfg.portal.host);
	r |= set_param(s, KABI_PARAM_PERSISTENT_PORT, "%u", s->lp.cfg.portal.port);
	r |= set_param(s, KABI_PARAM_IFACE_NAME, "%s", s->lp.iface);
	/* User names only (for -m session -P 2/3); secrets never go to the kernel. */
	if (s->lp.username[0])
		r |= set_param(s, KABI_PARAM_USERNAME, "%s", s->lp.username);
	if (s->lp.username_in[0])
		r |= set_param(s, KABI_PARAM_USERNAME_IN, "%s", s->lp.username_in);
	r |= set_param(s, KABI_PARAM_SESS_RECOVERY_TMO, "%ld",
		       rec_get_int(rec, "node.session.timeo.replacement_timeout"));
	r |= set_param(s, KABI_PARAM_ABORT_TMO, "%ld",
		       rec_get_int(rec, "node.session.err_timeo.abort_timeout"));
	r |= set_param(s, KABI_PARAM_LU_RESET_TMO, "%ld",
		       rec_get_int(rec, "node.session.err_timeo.lu_reset_timeout"));
	r |= set_param(s, KABI_PARAM_TGT_RESET_TMO, "%ld",
		       rec_get_int(rec, "node.session.err_timeo.tgt_reset_timeout"));
	r |= set_param(s, KABI_PARAM_FAST_ABORT, "%d",
		       rec_get_bool(rec, "node.session.iscsi.FastAbort") ? 1 : 0);
	r |= set_param(s, KABI_PARAM_PING_TMO, "%ld",
		       rec_get_int(rec, "node.conn[0].timeo.noop_out_timeout"));
	r |= set_param(s, KABI_PARAM_RECV_TMO, "%ld",
		       rec_get_int(rec, "node.conn[0].timeo.noop_out_interval"));
	if (s->lp.cfg.portal.tpgt >= 0)
		r |= set_param(s, KABI_PARAM_TPGT, "%d", s->lp.cfg.portal.tpgt);
	set_host_params(s);
	return r;
}

/* Negotiated values, then START_CONN. */
int session_set_negotiated_params(struct session *s)
{
	const struct neg_params *p = &s->params;
	int r = 0;

	r |= set_param(s, KABI_PARAM_MAX_RECV_DLENGTH, "%u", p->max_recv_dsl);
	r |= set_param(s, KABI_PARAM_MAX_XMIT_DLENGTH, "%u", p->max_xmit_dsl);
	r |= set_param(s, KABI_PARAM_HDRDGST_EN, "%d", p->header_digest);
	r |= set_param(s, KABI_PARAM_DATADGST_EN, "%d", p->data_digest);
	r |= set_param(s, KABI_PARAM_INITIAL_R2T_EN, "%d", p->initial_r2t);
	r |= set_param(s, KABI_PARAM_MAX_R2T, "%u", p->max_outstanding_r2t);
	r |= set_param(s, KABI_PARAM_IMM_DATA_EN, "%d", p->immediate_data);
	r |= set_param(s, KABI_PARAM_FIRST_BURST, "%u", p->first_burst);
	r |= set_param(s, KABI_PARAM_MAX_BURST, "%u", p->max_burst);
	r |= set_param(s, KABI_PARAM_PDU_INORDER_EN, "%d", p->data_pdu_in_order);
	r |= set_param(s, KABI_PARAM_DATASEQ_INORDER_EN, "%d", p->data_seq_in_order);
	r |= set_param(s, KABI_PARAM_ERL, "%u", p->erl);
	r |= set_param(s, KABI_PARAM_IFMARKER_EN, "0");
	r |= set_param(s, KABI_PARAM_OFMARKER_EN, "0");
	r |= set_param(s, KABI_PARAM_EXP_STATSN, "%u", login_expstatsn(s->login));
	r |= set_param(s, KABI_PARAM_DEF_TIME2WAIT, "%u", p->default_time2wait);
	r |= set_param(s, KABI_PARAM_DEF_TIME2RETAIN, "%u", p->default_time2retain);
	if (p->tpgt >= 0)
		r |= set_param(s, KABI_PARAM_TPGT, "%d", p->tpgt);
	if (p->target_alias[0])
		r |= set_param(s, KABI_PARAM_TARGET_ALIAS, "%s", p->target_alias);
	return r;
}
