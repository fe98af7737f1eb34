/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_logout.c: logging a session out.
 *
 * Refuse when the session's storage is mounted (unless forced, or
 * iscsid.safe_logout = No); a path of a multipath map counts as in use
 * only when it is the map's last active path and the map is in use
 * (mpathcheck.h).  Then ask
 * the kernel to remove the SCSI target while the connection still works
 * (UNBIND_SESSION: caches are flushed to the target), send a Logout
 * Request through the kernel and wait for the answer (bounded by
 * logout_timeout), and finally stop and destroy the kernel objects.  A
 * session that is not connected (recovering) skips the Logout PDU: its
 * connection is stopped first so queued I/O fails at once instead of
 * waiting for the replacement timeout, and nothing waits forever.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsid/control.h"
#include "iscsid/daemon.h"
#include "iscsid/log.h"
#include "iscsid/logoutcheck.h"
#include "iscsid/mounttab.h"
#include "iscsid/session_int.h"
#include "iscsid/session_kernel.h"
#include "iscsid/session_logout.h"
#include "iscsid/session_recovery.h"
#include "libiscsi-core/pdu.h"
#include "libiscsi-core/util.h"
#include "sysfs/sysfs.h"

#define UNBIND_TIMEOUT_S 30

/* The other sessions of the same logout command (IPC_A_SIDS). */
struct leaving {
	struct daemon *d;
	uint32_t *sids;
	size_t n;
};

static bool is_leaving(void *ud, uint32_t sid)
{
	const struct leaving *l = ud;
	const struct session *other = session_find_sid(l->d, sid);

	for (size_t i = 0; i < l->n; i++)
		if (l->sids[i] == sid)
			return true;
	return other && other->logout_req;
}

/*
 * The mount table stays parsed between checks (a --logoutall checks every
 * session in turn) and is parsed again only after a mount or umount.
 */
static struct mounttab *mount_table(struct daemon *d)
{
	if (!d->mounts) {
		d->mounts = mounttab_new();
		if (d->mounts && !mounttab_watching(d->mounts))
			log_debug(1, "mount table changes cannot be watched: it is read at "
				  "each logout");
	}
	return d->mounts;
}

/* Returns >0 (and a message) when a disk of the session is in use. */
static int storage_in_use(struct session *s, struct request *req, char *msg, size_t len)
{
	struct leaving l = { .d = s->d };
	const struct mpath_env env = { .mc = { .sysroot = SYSFS_ROOT, .tab = mount_table(s->d) },
				       .leaving = is_leaving, .open_count = mpath_dm_open_count,
				       .ud = &l };
	char names[64][32];
	const char *disks[64];
	size_t n = 0;
	int r;

	if (sysfs_session_disks(SYSFS_ROOT, s->sid, names, ARRAY_SIZE(names), &n) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		disks[i] = names[i];
	ipc_msg_get_u32_list(&req->msg, IPC_A_SIDS, &l.sids, &l.n);
	r = logoutcheck_session(&env, s->sid, s->lp.target_name, disks, n, msg, len);
	free(l.sids);
	if (r < 0) {
		log_warn("%s: cannot read the mount table (%s); logging out anyway", s->where,
			 strerror(-r));
		return 0;
	}
	return r;
}

static void logout_finished(struct session *s, const char *how)
{
	struct request *req = s->logout_req;

	s->logout_req = NULL;
	log_info("%s: logged out (%s)", s->where, how);
	if (session_kernel_teardown_bg(s, req))
		req = NULL; /* answered when the kernel reports the session gone */
	session_destroy(s);
	if (req)
		request_ok(req);
}

static void finish(struct session *s, const char *how)
{
	session_event(s, SE_LOGGED_OUT, &(struct sess_input){ .why = how });
}

int session_send_logout_pdu(struct session *s)
{
	struct pdu_logout_req lo = {
		.immediate = true,
		.reason = PDU_LOGOUT_CLOSE_SESSION,
		.itt = 0x7100,
		.cid = 0,
	};
	uint8_t bhs[PDU_BHS_LEN];

	/* The kernel fills in ITT, CmdSN and ExpStatSN. */
	pdu_logout_req_encode(bhs, &lo);
	session_arm_timer(s, s->lp.logout_timeout ? s->lp.logout_timeout : 15);
	return kernel_send_pdu(s->d->kernel, s->sid, 0, bhs, PDU_BHS_LEN, 0);
}

void session_send_logout_act(struct session *s, const struct sess_row *row,
			     const struct sess_input *in)
{
	int r = session_send_logout_pdu(s);

	if (r < 0) {
		log_warn("%s: cannot send the Logout request: %s", s->where, strerror(-r));
		finish(s, "without Logout PDU");
	}
}

void session_logout_unbound(struct session *s)
{
	if (s->params_valid_for_logout)
		session_event(s, SE_UNBOUND, NULL);
	else
		finish(s, "connection was down");
}

void session_logout_pdu_act(struct session *s, const struct sess_row *row,
			    const struct sess_input *in)
{
	uint8_t op = in->pdu[0] & 0x3f;

	if (op != PDU_OP_LOGOUT_RSP) {
		log_debug(1, "%s: ignoring %s while logging out", s->where, pdu_opcode_str(op));
		return;
	}
	if (in->pdu[2] != 0)
		log_warn("%s: target answered the Logout with response %u (%s)", s->where,
			 in->pdu[2], pdu_logout_response_str(in->pdu[2]));
	finish(s, "Logout answered");
}

/*
 * The end of a logout.  In UNBIND a connection error changes nothing (the
 * unbind event or the timer ends it); in LOGOUT it means the target closed.
 */
void session_logout_end_act(struct session *s, const struct sess_row *row,
			    const struct sess_input *in)
{
	const char *how = in->why;

	switch (row->action) {
	case SA_UNBIND_TIMEOUT:
		log_warn("%s: the kernel did not remove the SCSI target within %d s", s->where,
			 UNBIND_TIMEOUT_S);
		how = "timed out";
		break;
	case SA_LOGOUT_TIMEOUT:
		log_warn("%s: no answer to the Logout request", s->where);
		how = "timed out";
		break;
	case SA_TARGET_CLOSED:
		how = "target closed the connection";
		break;
	default:
		break;
	}
	logout_finished(s, how);
}

void session_logout(struct session *s, struct request *req, bool force)
{
	char msg[LL_ERROR_MSG_MAX];

	if (s->logout_req) {
		request_fail(req, ISCSI_ERR_AGAIN, "session %u is already logging out", s->sid);
		return;
	}
	if (s->login_req) {
		request_fail(req, ISCSI_ERR_BUSY, "session %u is still logging in", s->sid);
		return;
	}
	if (!force && s->d->safe_logout && storage_in_use(s, req, msg, sizeof(msg)) > 0) {
		log_warn("%s: logout refused: %s", s->where, msg);
		request_fail(req, ISCSI_ERR_BUSY, "%s", msg);
		return;
	}
	s->logout_req = req;
	s->params_valid_for_logout = s->state == SS_LOGGED_IN || s->state == SS_SCAN;
	log_info("%s: logging out", s->where);
	session_event(s, SE_LOGOUT, NULL);
}

void session_logout_act(struct session *s, const struct sess_row *row,
			const struct sess_input *in)
{
	int r;

	worker_cancel(s->scan);
	s->scan = NULL;
	sd_event_source_disable_unref(s->retry_src);
	s->retry_src = NULL;
	if (!s->params_valid_for_logout) {
		/*
		 * Not connected (recovering): drop any reconnect in progress, so
		 * a connect that completes now cannot log the session back in,
		 * and fail queued I/O now rather than after the timeout.
		 */
		session_cancel_reconnect(s);
		kernel_stop_conn(s->d->kernel, s->sid, 0, KABI_STOP_CONN_TERM);
		s->bound = false;
	}
	session_arm_timer(s, UNBIND_TIMEOUT_S);
	r = kernel_unbind_session(s->d->kernel, s->sid);
	if (r < 0) {
		log_warn("%s: unbind failed (%s); going on", s->where, strerror(-r));
		session_logout_unbound(s);
	}
}
