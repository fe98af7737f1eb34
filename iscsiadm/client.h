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
 * Every answer is read the same way: client_reply_result() for a reply,
 * client_error_result() for an exchange that failed.  A batch (login,
 * logout, rescan) is one call, client_batch_run(): it queues all requests,
 * waits, and hands each outcome to the caller in the caller's order.
 *
 * Memory: the client owns its buffers and wipes them (login requests carry
 * CHAP secrets).  Replies are owned by the caller (ipc_msg_free()).
 */
#ifndef ISCSIADM_CLIENT_H
#define ISCSIADM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
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

/*
 * The outcome of one request: 0 or an open-iscsi exit code, and the
 * sentence to print under a failure (NULL when there is nothing to add).
 * open-iscsi prints nothing but its own line on success, so msg is NULL
 * whenever status is 0.  msg is borrowed from the reply or the error.
 */
struct client_result {
	int status;
	const char *msg;
	/* iscsid's whole reply (for the attributes beyond status and
	 * message); NULL when the exchange failed.  Valid during the call. */
	const struct ipc_msg *reply;
};

/* IPC_A_STATUS and IPC_A_MESSAGE of iscsid's reply; a reply without a
 * status counts as a broken exchange (ISCSI_ERR_ISCSID_COMM_ERR). */
struct client_result client_reply_result(const struct ipc_msg *reply);

/* A failed exchange: err's code (ISCSI_ERR_ISCSID_COMM_ERR when it has
 * none) and its message, except for "could not connect"
 * (ISCSI_ERR_ISCSID_NOTCONN), which client_open() has printed already, in
 * open-iscsi's words. */
struct client_result client_error_result(const struct ll_error *err);

/*
 * A batch: n requests of one type on one connection, every one queued
 * before the first reply is awaited, so iscsid works on them concurrently.
 * build() adds request i's attributes (returns -1 when out of memory).
 * result() is called once for each request, in index order, as soon as
 * that request and every earlier one have their outcome: replies come in
 * any order, output keeps the caller's.  When the connection fails, every
 * request still unanswered gets client_error_result() of the failure.
 */
struct client_batch {
	uint16_t type;
	size_t n;
	int (*build)(void *ud, size_t i, struct ipc_msg *req);
	void (*result)(void *ud, size_t i, struct client_result r);
	void *ud;
	/* > 0: each reply moves the deadline to at least progress_s seconds
	 * away, for batches iscsid works through a few at a time (logins) */
	int progress_s;
};

/*
 * Runs b on c and reports every outcome before returning 0.  With wait
 * false (iscsiadm -W) it returns once everything is written, reporting
 * nothing but requests that could not be queued; -1 with err when the
 * writing failed.
 */
int client_batch_run(struct client *c, const struct client_batch *b, int64_t deadline,
		     bool wait, struct ll_error *err);

/* Reports every request of b as failed with err (no connection). */
void client_batch_fail(const struct client_batch *b, const struct ll_error *err);

/* Seconds to wait for replies: LUNLINK_IPC_TIMEOUT from the environment when
 * set (tests), else def. */
int client_timeout(int def);

#endif
