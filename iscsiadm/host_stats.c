/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host_stats.c: -m host -H N -C stats (see host_stats.h). */
#include <errno.h>
#include <stdio.h>

#include "iscsiadm/client.h"
#include "iscsiadm/host_stats.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/sessions.h"
#include "libiscsi-core/util.h"

#define HOST_STATS_TIMEOUT_S 30

/* open-iscsi finds the transport of a host by its SCSI driver name. */
static int check_transport(unsigned host_no)
{
	char path[64], proc_name[64];

	snprintf(path, sizeof(path), "class/scsi_host/host%u/proc_name", host_no);
	if (sysfs_read(sessions_sysfs_root(), path, proc_name, sizeof(proc_name)) < 0) {
		/* its sysfs reader reports every failure as EIO */
		log_error("Could not read proc_name for host%u rc %d.", host_no, EIO);
		proc_name[0] = '\0';
	}
	if (!streq(proc_name, "iscsi_tcp")) {
		log_error("Could not match hostno %u to transport.", host_no);
		return ISCSI_ERR_TRANS_NOT_FOUND;
	}
	return 0;
}

static int ask_iscsid(struct ctx *c, unsigned host_no, struct ipc_msg *reply)
{
	struct ll_error err = { 0 };
	struct client *cl = NULL;
	struct ipc_msg req;
	int r;

	ipc_msg_init(&req, IPC_HOST_STATS, 0);
	r = ipc_msg_add_u32(&req, IPC_A_HOST, host_no);
	if (r == 0)
		r = ctx_client_open(c, &cl, &err);
	if (r == 0)
		r = client_call(cl, &req, reply,
				client_deadline(client_timeout(HOST_STATS_TIMEOUT_S)), &err);
	ipc_msg_free(&req);
	client_close(cl);
	if (r < 0)
		return err.code ? err.code : ISCSI_ERR_ISCSID_COMM_ERR;
	return 0;
}

int host_stats(struct ctx *c, unsigned host_no)
{
	struct ipc_msg reply;
	const char *msg;
	uint32_t status;
	int rc = check_transport(host_no);

	if (rc)
		return rc;
	rc = ask_iscsid(c, host_no, &reply);
	if (rc) {
		log_error("get_host_stats failed: %s", iscsi_exit_str(rc));
		return rc;
	}
	if (ipc_msg_get_u32(&reply, IPC_A_STATUS, &status) < 0)
		status = ISCSI_ERR_ISCSID_COMM_ERR;
	msg = ipc_msg_get_str(&reply, IPC_A_MESSAGE);
	if (status == 0) {
		/* the protocol has no success reply for this request */
		status = ISCSI_ERR_ISCSID_COMM_ERR;
		msg = "iscsid answered without statistics";
	}
	log_error("get_host_stats failed: %s", msg && *msg ? msg : iscsi_exit_str((int)status));
	ipc_msg_free(&reply);
	return (int)status;
}

