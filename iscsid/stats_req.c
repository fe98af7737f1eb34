/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stats_req.c: statistics requests, answered from the kernel (see stats_req.h). */
#include <errno.h>
#include <string.h>

#include "iscsid/daemon.h"
#include "iscsid/kernel.h"
#include "iscsid/log.h"
#include "iscsid/stats_req.h"
#include "libiscsi-core/ipc_stats.h"

/* lunlink's sessions have one connection, cid 0. */
#define LEADING_CID 0

void stats_handle_session(struct daemon *d, struct request *req)
{
	struct ll_error err = { 0 };
	struct ll_conn_stats st;
	struct ipc_msg m;
	uint32_t sid;
	int r;

	if (ipc_msg_get_u32(&req->msg, IPC_A_SID, &sid) < 0) {
		request_fail(req, ISCSI_ERR_INVALID_MGMT_REQ,
			     "statistics request without a session id");
		return;
	}
	if (daemon_kernel(d, &err) < 0) {
		request_fail(req, err.code, "%s", err.msg);
		return;
	}
	r = kernel_get_stats(d->kernel, sid, LEADING_CID, &st);
	if (r == -EEXIST) {
		request_fail(req, ISCSI_ERR_SESS_NOT_FOUND, "no session %u in the kernel", sid);
		return;
	}
	if (r < 0) {
		request_fail(req, ISCSI_ERR_INTERNAL,
			     "the kernel gave no statistics for session %u: %s", sid, strerror(-r));
		return;
	}
	ipc_msg_init(&m, 0, 0);
	if (ipc_msg_add_u32(&m, IPC_A_STATUS, 0) < 0 || ipc_stats_encode(&m, &st) < 0) {
		ipc_msg_free(&m);
		request_fail(req, ISCSI_ERR_NOMEM, "out of memory");
		return;
	}
	request_reply(req, &m);
	ipc_msg_free(&m);
}

void stats_handle_host(struct daemon *d, struct request *req)
{
	struct ll_error err = { 0 };
	uint32_t host;
	int r;

	if (ipc_msg_get_u32(&req->msg, IPC_A_HOST, &host) < 0) {
		request_fail(req, ISCSI_ERR_INVALID_MGMT_REQ,
			     "host statistics request without a host number");
		return;
	}
	if (daemon_kernel(d, &err) < 0) {
		request_fail(req, err.code, "%s", err.msg);
		return;
	}
	r = kernel_get_host_stats(d->kernel, host);
	if (r == -ENOSYS) {
		/* open-iscsi's exit code for this case is the generic 1 */
		request_fail(req, ISCSI_ERR,
			     "host statistics are not supported by this transport (iscsi_tcp)");
	} else if (r == -ENODEV) {
		request_fail(req, ISCSI_ERR_HOST_NOT_FOUND, "no SCSI host %u in the kernel", host);
	} else if (r < 0) {
		request_fail(req, ISCSI_ERR, "the kernel gave no statistics for host %u: %s",
			     host, strerror(-r));
	} else {
		log_warn("kernel: host %u sent host statistics, which lunlink does not decode",
			 host);
		request_fail(req, ISCSI_ERR_OP_NOT_SUPP,
			     "the kernel sent statistics for host %u, but lunlink cannot decode "
			     "host statistics", host);
	}
}
