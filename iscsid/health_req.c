/* SPDX-License-Identifier: GPL-2.0-or-later */
/* health_req.c: session health requests (see health_req.h). */
#include "iscsid/daemon.h"
#include "iscsid/health_req.h"
#include "iscsid/session.h"
#include "libiscsi-core/ipc_health.h"

void health_handle_session(struct daemon *d, struct request *req)
{
	struct ll_health h;
	struct session *s;
	struct ipc_msg m;
	uint32_t sid;

	if (ipc_msg_get_u32(&req->msg, IPC_A_SID, &sid) < 0) {
		request_fail(req, ISCSI_ERR_INVALID_MGMT_REQ, "health request without a session id");
		return;
	}
	s = session_find_sid(d, sid);
	if (!s) {
		request_fail(req, ISCSI_ERR_SESS_NOT_FOUND, "iscsid manages no session %u", sid);
		return;
	}
	session_health_get(s, &h);
	ipc_msg_init(&m, 0, 0);
	if (ipc_msg_add_u32(&m, IPC_A_STATUS, 0) < 0 || ipc_msg_add_u32(&m, IPC_A_SID, sid) < 0 ||
	    ipc_health_encode(&m, &h) < 0) {
		ipc_msg_free(&m);
		request_fail(req, ISCSI_ERR_NOMEM, "out of memory");
		return;
	}
	request_reply(req, &m);
	ipc_msg_free(&m);
}
