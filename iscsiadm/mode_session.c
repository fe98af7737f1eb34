/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mode_session.c: session/fw/host modes (stubs for now) and `-k 0`. */
#include <stdio.h>

#include "iscsiadm/client.h"
#include "iscsiadm/mode_session.h"
#include "iscsiadm/msg.h"

int mode_session(struct ctx *c)
{
	(void)c;
	log_error("session mode needs the sysfs session list, which this build of "
		  "lunlink does not read yet");
	return ISCSI_ERR_OP_NOT_SUPP;
}

int mode_fw(struct ctx *c)
{
	(void)c;
	log_error("firmware (iBFT) boot information is not supported by lunlink yet");
	return ISCSI_ERR_OP_NOT_SUPP;
}

int mode_host(struct ctx *c)
{
	(void)c;
	log_error("host mode (offload iSCSI hosts) is not supported by lunlink");
	return ISCSI_ERR_OP_NOT_SUPP;
}

/* open-iscsi exits 0 here even when iscsid could not be reached. */
int kill_iscsid(struct ctx *c, int priority)
{
	struct ll_error err = { 0 };
	struct client *cl = NULL;
	struct ipc_msg req, reply;
	uint32_t status = 0;

	(void)c;
	if (priority != 0) {
		log_error("Invalid iscsid priority %d. Priority must be 0.", priority);
		return 0;
	}
	ipc_msg_init(&req, IPC_STOP, 0);
	if (client_open(&cl, false, NULL, &err) < 0 ||
	    client_call(cl, &req, &reply, client_deadline(client_timeout(30)), &err) < 0) {
		status = err.code ? (uint32_t)err.code : ISCSI_ERR_ISCSID_COMM_ERR;
	} else {
		if (ipc_msg_get_u32(&reply, IPC_A_STATUS, &status) < 0)
			status = ISCSI_ERR_ISCSID_COMM_ERR;
		ipc_msg_free(&reply);
	}
	ipc_msg_free(&req);
	client_close(cl);
	if (status) {
		log_exit_code((int)status);
		log_error("Could not stop iscsid. Trying sending iscsid SIGTERM or SIGKILL "
			  "signals manually");
	}
	return 0;
}
