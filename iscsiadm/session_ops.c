/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_ops.c: pipelined logout and rescan requests (see session_ops.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsiadm/client.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/session_ops.h"
#include "iscsiadm/sessions.h"
#include "libiscsi-core/util.h"

/* iscsid bounds a logout by the SCSI removal (30 s) and logout_timeout. */
#define LOGOUT_TIMEOUT_S 120
#define RESCAN_TIMEOUT_S 30
#define DESCR_MAX (2 * SYSFS_VAL_MAX + 64)

struct sreq {
	const struct sysfs_session *s;
	uint32_t id;
	int status;
	char *msg;          /* iscsid's sentence, may be NULL */
	bool done, printed;
};

typedef void (*sreq_print_fn)(struct sreq *r);

struct batch {
	struct sreq *items;
	size_t n;
	uint16_t type;
	uint32_t flags;
	int timeout_s;
	sreq_print_fn print;
};

static void print_ready(struct batch *b)
{
	for (size_t i = 0; i < b->n && b->items[i].done; i++) {
		if (!b->items[i].printed) {
			b->print(&b->items[i]);
			b->items[i].printed = true;
		}
	}
	fflush(stdout);
}

static void fail_pending(struct batch *b, const struct ll_error *err)
{
	for (size_t i = 0; i < b->n; i++) {
		if (b->items[i].done)
			continue;
		b->items[i].done = true;
		b->items[i].status = err->code ? err->code : ISCSI_ERR_ISCSID_COMM_ERR;
		if (err->msg[0])
			b->items[i].msg = strdup(err->msg);
	}
}

static void take_reply(struct batch *b, const struct ipc_msg *reply)
{
	uint32_t status;
	const char *msg;

	for (size_t i = 0; i < b->n; i++) {
		struct sreq *r = &b->items[i];

		if (r->id != reply->id || r->done)
			continue;
		if (ipc_msg_get_u32(reply, IPC_A_STATUS, &status) < 0)
			status = ISCSI_ERR_ISCSID_COMM_ERR;
		msg = ipc_msg_get_str(reply, IPC_A_MESSAGE);
		r->status = (int)status;
		r->msg = status && msg && *msg ? strdup(msg) : NULL;
		r->done = true;
		return;
	}
	log_debug(1, "ignoring a reply to unknown request %u", reply->id);
}

static int queue_all(struct client *cl, struct batch *b, struct ll_error *err)
{
	for (size_t i = 0; i < b->n; i++) {
		struct ipc_msg m;
		int r;

		ipc_msg_init(&m, b->type, 0);
		r = ipc_msg_add_u32(&m, IPC_A_SID, b->items[i].s->sid) < 0 ||
		    (b->flags && ipc_msg_add_u32(&m, IPC_A_FLAGS, b->flags) < 0) ? -1 :
		    client_queue(cl, &m, err);
		b->items[i].id = m.id;
		ipc_msg_free(&m);
		if (r < 0) {
			if (!err->code)
				ll_error_set(err, ISCSI_ERR_NOMEM, "out of memory");
			return -1;
		}
	}
	return 0;
}

static void wait_all(struct client *cl, struct batch *b)
{
	int64_t deadline = client_deadline(client_timeout(b->timeout_s));
	struct ll_error err = { 0 };
	size_t left = b->n;

	while (left) {
		struct ipc_msg reply;

		if (client_recv(cl, &reply, deadline, &err) < 0) {
			fail_pending(b, &err);
			break;
		}
		take_reply(b, &reply);
		ipc_msg_free(&reply);
		left = 0;
		for (size_t i = 0; i < b->n; i++)
			left += !b->items[i].done;
		print_ready(b);
	}
	print_ready(b);
}

/* Connects (running iscsid.startup if needed); -1 with err when iscsid
 * cannot be reached (client_open() printed why). */
static int batch_open(struct ctx *c, struct client **cl, struct ll_error *err)
{
	const struct cfg *cfg = NULL;

	ctx_cfg(c, &cfg);
	return client_open(cl, true, cfg, err);
}

/* Sends every request, waits for the replies, prints them; closes cl. */
static void batch_run(struct client *cl, struct batch *b)
{
	struct ll_error err = { 0 };

	if (queue_all(cl, b, &err) < 0)
		fail_pending(b, &err);
	else
		wait_all(cl, b);
	print_ready(b);
	client_close(cl);
}

static void free_items(struct sreq *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i].msg);
	free(items);
}

static void print_logout(struct sreq *r)
{
	char what[DESCR_MAX];

	session_describe(what, sizeof(what), r->s);
	if (r->status == 0) {
		printf("Logout of %s successful.\n", what);
		return;
	}
	log_error("Could not logout of %s.", what);
	log_exit_code(r->status);
	if (r->msg)
		log_error("%s", r->msg);
}

/* open-iscsi counts a request it could not send as "not found". */
static int logout_unreachable(const struct sysfs_session *const *list, size_t n,
			      const struct ll_error *err)
{
	char what[DESCR_MAX];

	for (size_t i = 0; i < n; i++) {
		session_describe(what, sizeof(what), list[i]);
		if (i > 0)
			printf("Logging out of session %s\n", what);
		fflush(stdout);
		log_error("Could not logout of %s.", what);
		log_exit_code(err->code ? err->code : ISCSI_ERR_ISCSID_NOTCONN);
	}
	log_error("No matching sessions found");
	return ISCSI_ERR_NO_OBJS_FOUND;
}

int sessions_logout(struct ctx *c, const struct sysfs_session *const *list, size_t n,
		    bool force)
{
	struct batch b = { .n = n, .type = IPC_LOGOUT, .flags = force ? IPC_F_FORCE : 0,
			   .timeout_s = LOGOUT_TIMEOUT_S, .print = print_logout };
	struct ll_error err = { 0 };
	struct client *cl = NULL;
	char what[DESCR_MAX];
	int rc = 0;

	if (n == 0)
		return 0;
	/* open-iscsi announces the first session before it tries iscsid */
	session_describe(what, sizeof(what), list[0]);
	printf("Logging out of session %s\n", what);
	fflush(stdout);
	if (batch_open(c, &cl, &err) < 0)
		return logout_unreachable(list, n, &err);
	b.items = calloc(n, sizeof(*b.items));
	if (!b.items) {
		client_close(cl);
		return ISCSI_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		b.items[i].s = list[i];
		session_describe(what, sizeof(what), list[i]);
		if (i > 0)
			printf("Logging out of session %s\n", what);
	}
	fflush(stdout);
	batch_run(cl, &b);
	for (size_t i = 0; i < n; i++)
		if (b.items[i].status)
			rc = b.items[i].status;   /* open-iscsi keeps the last one */
	if (rc)
		log_error("Could not logout of all requested sessions");
	free_items(b.items, n);
	return rc;
}

static void print_rescan(struct sreq *r)
{
	if (r->status == 0)
		return;
	log_error("Could not rescan session sid %u.", r->s->sid);
	if (r->msg)
		log_error("%s", r->msg);
}

int sessions_rescan(struct ctx *c, const struct sysfs_session *const *list, size_t n)
{
	struct batch b = { .n = n, .type = IPC_RESCAN, .timeout_s = RESCAN_TIMEOUT_S,
			   .print = print_rescan };
	struct ll_error err = { 0 };
	struct client *cl = NULL;
	char what[DESCR_MAX];
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		session_describe(what, sizeof(what), list[i]);
		printf("Rescanning session %s\n", what);
	}
	fflush(stdout);
	if (n == 0)
		return 0;
	if (batch_open(c, &cl, &err) < 0) {
		rc = err.code ? err.code : ISCSI_ERR_ISCSID_NOTCONN;
	} else {
		b.items = calloc(n, sizeof(*b.items));
		if (!b.items) {
			client_close(cl);
			return ISCSI_ERR_NOMEM;
		}
		for (size_t i = 0; i < n; i++)
			b.items[i].s = list[i];
		batch_run(cl, &b);
		for (size_t i = 0; i < n && !rc; i++)
			rc = b.items[i].status;
		free_items(b.items, n);
	}
	if (rc)
		log_error("Could not execute operation on all sessions: %s", iscsi_exit_str(rc));
	return rc;
}

int sessions_stats(struct ctx *c, const struct sysfs_session *const *list, size_t n)
{
	(void)c;
	(void)list;
	if (n == 0)
		return 0;
	log_error("Could not execute operation on all sessions: %s",
		  iscsi_exit_str(ISCSI_ERR_OP_NOT_SUPP));
	log_error("session statistics are not available: lunlink's iscsid does not "
		  "collect them from the kernel");
	return ISCSI_ERR_OP_NOT_SUPP;
}
