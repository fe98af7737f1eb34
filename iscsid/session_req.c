/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_req.c: iscsiadm requests about kernel sessions (login, logout, info, rescan). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iscsid/daemon.h"
#include "iscsid/log.h"
#include "iscsid/session.h"
#include "iscsid/session_adopt.h"
#include "iscsid/session_int.h"
#include "iscsid/session_logout.h"
#include "iscsid/session_reap.h"
#include "iscsid/session_req.h"
#include "iscsid/session_scan.h"
#include "libiscsi-core/util.h"

/*
 * A node gets node.session.nr_sessions sessions (iscsiadm asks for the
 * missing ones, one request each); one more is refused with open-iscsi's
 * words, so two iscsiadm racing cannot make more.  IPC_F_MULTIPLE
 * (`-m session -r SID -o new`) adds one whatever the count.
 */
void session_handle_login(struct daemon *d, struct request *req)
{
	struct ll_error err = { 0 };
	struct rec *rec = NULL;
	uint32_t flags = 0;
	const char *iface;
	long want;
	size_t have;

	if (daemon_kernel(d, &err) < 0 ||
	    loginrec_rec_from_msg(&req->msg, REC_NODE, &rec, &err) < 0) {
		rec_free(rec);
		request_fail(req, err.code ? err.code : ISCSI_ERR_INVAL, "%s", err.msg);
		return;
	}
	ipc_msg_get_u32(&req->msg, IPC_A_FLAGS, &flags);
	/* The answer comes after the login and scan: keep no copy of the record till then. */
	request_drop_attrs(req);
	iface = rec_get(rec, "iface.iscsi_ifacename") ?: "default";
	want = rec_get_int(rec, "node.session.nr_sessions");
	if (want < 1)
		want = 1;
	have = session_count_node(d, rec_get(rec, "node.name"),
				  rec_get(rec, "node.conn[0].address"),
				  (int)rec_get_int(rec, "node.conn[0].port"), iface);
	if (!(flags & IPC_F_MULTIPLE) && have >= (size_t)want) {
		/* open-iscsi's exact words: iscsiadm prints them as they are. */
		request_fail(req, ISCSI_ERR_SESS_EXISTS,
			     "%s: %ld session%s requested, but %zu already present.",
			     iface[0] ? iface : "default", want, want == 1 ? "" : "s", have);
		rec_free(rec);
		return;
	}
	session_login(d, rec, req);
}

static struct session *find_or_adopt(struct daemon *d, uint32_t sid, struct ll_error *err)
{
	struct session *s = session_find_sid(d, sid);

	if (s)
		return s;
	/* logged out, its kernel session still in sysfs while it is destroyed:
	 * not one to adopt again (err says there is no such session) */
	if (session_reaping(d, sid))
		return NULL;
	if (daemon_kernel(d, err) < 0)
		return NULL;
	if (session_adopt(d, sid, err) < 0)
		return NULL;
	return session_find_sid(d, sid);
}

void session_handle_logout(struct daemon *d, struct request *req)
{
	struct ll_error err = { .code = ISCSI_ERR_SESS_NOT_FOUND };
	uint32_t sid, flags = 0;
	struct session *s;

	if (ipc_msg_get_u32(&req->msg, IPC_A_SID, &sid) < 0) {
		request_fail(req, ISCSI_ERR_INVALID_MGMT_REQ, "logout request without a session id");
		return;
	}
	ipc_msg_get_u32(&req->msg, IPC_A_FLAGS, &flags);
	snprintf(err.msg, sizeof(err.msg), "no session %u", sid);
	s = find_or_adopt(d, sid, &err);
	if (!s) {
		request_fail(req, err.code, "%s", err.msg);
		return;
	}
	session_logout(s, req, flags & IPC_F_FORCE);
}

void session_handle_rescan(struct daemon *d, struct request *req)
{
	struct ll_error err = { .code = ISCSI_ERR_SESS_NOT_FOUND };
	uint32_t sid;
	struct session *s;

	if (ipc_msg_get_u32(&req->msg, IPC_A_SID, &sid) < 0) {
		request_fail(req, ISCSI_ERR_INVALID_MGMT_REQ, "rescan request without a session id");
		return;
	}
	snprintf(err.msg, sizeof(err.msg), "no session %u", sid);
	s = find_or_adopt(d, sid, &err);
	if (!s) {
		request_fail(req, err.code, "%s", err.msg);
		return;
	}
	session_rescan(s, req);
}

void session_handle_info(struct daemon *d, struct request *req)
{
	struct ipc_msg m;
	uint32_t want;
	bool one = ipc_msg_get_u32(&req->msg, IPC_A_SID, &want) == 0;

	ipc_msg_init(&m, 0, 0);
	ipc_msg_add_u32(&m, IPC_A_STATUS, 0);
	for (struct session *s = d->sessions; s; s = s->next) {
		if (!s->have_sid || (one && session_sid(s) != want))
			continue;
		ipc_msg_add_u32(&m, IPC_A_SID, session_sid(s));
		ipc_msg_add_str(&m, IPC_A_CONN_STATE, session_conn_state_str(s));
		ipc_msg_add_str(&m, IPC_A_SESS_STATE, session_internal_state_str(s));
	}
	request_reply(req, &m);
	ipc_msg_free(&m);
}
