/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernel.h: iscsid's interface to the kernel's iSCSI transport class
 * (NETLINK_ISCSI) and the iscsi_tcp module.
 *
 * Requests are synchronous: the kernel handles them inside sendmsg() and
 * queues the reply before sendmsg() returns, so a call never waits on the
 * network.  Asynchronous kernel events (received PDUs during login and
 * logout, connection errors, unbind notifications) are delivered through
 * the callbacks in struct kernel_ops from the event loop, never from inside
 * a request call, so a state machine is never re-entered.
 *
 * Every function returns 0 or a negative errno (the kernel's own error
 * where it gave one).
 */
#ifndef ISCSID_KERNEL_H
#define ISCSID_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "iscsid/kernel_abi.h"
#include "libiscsi-core/errors.h"
#include "libiscsi-core/ipc_stats.h"

struct kernel;

struct kernel_ops {
	/* A PDU the kernel passed up (login/logout responses, ...). */
	void (*recv_pdu)(void *userdata, uint32_t sid, uint32_t cid,
			 const uint8_t *pdu, size_t len);
	void (*conn_error)(void *userdata, uint32_t sid, uint32_t cid, uint32_t error);
	/* UNBIND_SESSION finished: the SCSI target is removed. */
	void (*unbind_session)(void *userdata, uint32_t sid, uint32_t host_no);
	void (*destroy_session)(void *userdata, uint32_t sid, uint32_t host_no);
};

/*
 * Loads iscsi_tcp if needed (libkmod), reads its transport handle and opens
 * the netlink socket.  Errors are explained in err with
 * ISCSI_ERR_TRANS_NOT_FOUND when the module cannot be loaded.
 */
int kernel_open(struct kernel **out, sd_event *event, const struct kernel_ops *ops,
		void *userdata, struct ll_error *err);
void kernel_close(struct kernel *k);

int kernel_create_session(struct kernel *k, uint32_t initial_cmdsn, uint16_t cmds_max,
			  uint16_t queue_depth, uint32_t *sid, uint32_t *host_no);
int kernel_destroy_session(struct kernel *k, uint32_t sid);
/* Queues the destroy on the kernel's workqueue and returns; the
 * DESTROY_SESSION event (destroy_session op) says when the session is gone. */
int kernel_destroy_session_async(struct kernel *k, uint32_t sid);
int kernel_create_conn(struct kernel *k, uint32_t sid, uint32_t cid);
int kernel_destroy_conn(struct kernel *k, uint32_t sid, uint32_t cid);
/* fd is the connected TCP socket; the kernel takes its own reference. */
int kernel_bind_conn(struct kernel *k, uint32_t sid, uint32_t cid, int fd, bool leading);
int kernel_set_param(struct kernel *k, uint32_t sid, uint32_t cid, enum kabi_param param,
		     const char *value);
int kernel_set_host_param(struct kernel *k, uint32_t host_no, enum kabi_host_param param,
			  const char *value);
int kernel_start_conn(struct kernel *k, uint32_t sid, uint32_t cid);
int kernel_stop_conn(struct kernel *k, uint32_t sid, uint32_t cid, enum kabi_stop_flag flag);
/* pdu = 48-byte BHS (+AHS) followed by data; hdr_len says where data starts. */
int kernel_send_pdu(struct kernel *k, uint32_t sid, uint32_t cid, const uint8_t *pdu,
		    size_t hdr_len, size_t data_len);
int kernel_unbind_session(struct kernel *k, uint32_t sid);
/* GET_STATS: the counters of connection sid:cid (-EEXIST: no such connection). */
int kernel_get_stats(struct kernel *k, uint32_t sid, uint32_t cid, struct ll_conn_stats *out);
/*
 * GET_HOST_STATS for a SCSI host.  -ENOSYS when the transport has no host
 * statistics (iscsi_tcp); 0 when the kernel sent some, which lunlink does
 * not decode (no transport it drives has them).
 */
int kernel_get_host_stats(struct kernel *k, uint32_t host_no);

/* Text of a KEVENT_CONN_ERROR code ("TCP connection closed", ...). */
const char *kernel_conn_error_str(uint32_t error);
/* Name of a kernel parameter for logs. */
const char *kernel_param_str(enum kabi_param p);

#endif
