/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * client.h: iscsiadm's side of the iscsid control socket.
 *
 * One connection carries any number of requests: client_queue() gives each
 * an id and buffers it, client_recv() writes what is buffered while it
 * waits for the next reply (any id, iscsid answers in any order).  So
 * `--loginall` sends all its logins at once and iscsid works on them
 * concurrently; neither side can block the other on a full socket buffer.
 *
 * When iscsid is not listening, client_open() runs iscsid.conf's
 * iscsid.startup command (e.g. "systemctl start iscsid.socket") and retries
 * for a few seconds, printing open-iscsi's messages when that fails.
 *
 * Errors carry open-iscsi exit codes: 20 could not connect, 18 the
 * connection broke, 33 no reply before the deadline.
 *
 * Memory: the client owns its buffers and wipes them (login requests carry
 * CHAP secrets).  Replies are owned by the caller (ipc_msg_free()).
 */
#ifndef ISCSIADM_CLIENT_H
#define ISCSIADM_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "db/config.h"
#include "libiscsi-core/errors.h"
#include "libiscsi-core/ipc.h"

struct client;

/* cfg gives iscsid.startup (may be NULL: no startup command). When
 * autostart is false (iscsiadm -k) iscsid is not started. The connect
 * failure is printed here (open-iscsi's lines) and returned in err. */
int client_open(struct client **out, bool autostart, const struct cfg *cfg,
		struct ll_error *err);
void client_close(struct client *c);

/* Assigns req->id and buffers the encoded request. */
int client_queue(struct client *c, struct ipc_msg *req, struct ll_error *err);

/* Deadline in CLOCK_MONOTONIC milliseconds; -1 = wait for ever. */
int64_t client_deadline(int seconds);

/* Writes everything buffered. */
int client_flush(struct client *c, int64_t deadline, struct ll_error *err);

/* Waits for the next reply; *reply is initialised by this call. */
int client_recv(struct client *c, struct ipc_msg *reply, int64_t deadline,
		struct ll_error *err);

/* One request, one reply. */
int client_call(struct client *c, struct ipc_msg *req, struct ipc_msg *reply,
		int64_t deadline, struct ll_error *err);

/* Seconds to wait for replies: LUNLINK_IPC_TIMEOUT from the environment when
 * set (tests), else def. */
int client_timeout(int def);

#endif
