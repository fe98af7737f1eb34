/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_ops.c: pipelined logout, rescan and statistics requests (see session_ops.h). */
#include <stdio.h>
#include <stdlib.h>

#include "iscsiadm/client.h"
#include "iscsiadm/json_out.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/session_ops.h"
#include "iscsiadm/sessions.h"
#include "iscsiadm/stats_print.h"
#include "libiscsi-core/util.h"

/* iscsid bounds a logout by the SCSI removal (30 s) and logout_timeout. */
#define LOGOUT_TIMEOUT_S 120
#define RESCAN_TIMEOUT_S 30
#define STATS_TIMEOUT_S 30

/* The batch's ud: the sessions asked about, and the outcome so far. */
struct session_batch {
	const struct sysfs_session *const *list;
	uint32_t flags;          /* IPC_A_FLAGS, 0 = none */
	const uint32_t *set;     /* IPC_A_SIDS: the whole logout, NULL = none */
	size_t nset;
	bool last_failure;       /* rc is the last failure, not the first */
	int rc;
	struct json_object *json;  /* -J: where statistics go (NULL: text) */
	/* prints one outcome; returns the exit code it counts as */
	int (*print)(const struct session_batch *sb, const struct sysfs_session *s,
		     struct client_result r);
};

static int build_sid(void *ud, size_t i, struct ipc_msg *req)
{
	const struct session_batch *sb = ud;

	if (ipc_msg_add_u32(req, IPC_A_SID, sb->list[i]->sid) < 0)
		return -1;
	if (sb->set && ipc_msg_add_u32_list(req, IPC_A_SIDS, sb->set, sb->nset) < 0)
		return -1;
	return sb->flags && ipc_msg_add_u32(req, IPC_A_FLAGS, sb->flags) < 0 ? -1 : 0;
}

static void session_result(void *ud, size_t i, struct client_result r)
{
	struct session_batch *sb = ud;

	int status = sb->print(sb, sb->list[i], r);

	if (status && (sb->last_failure || !sb->rc))
		sb->rc = status;
}

/* One request of type per session on cl (closed here); returns sb->rc. */
static int run(struct client *cl, uint16_t type, int timeout_s, size_t n,
	       struct session_batch *sb)
{
	struct client_batch b = { .type = type, .n = n, .build = build_sid,
				  .result = session_result, .ud = sb };
	struct ll_error err = { 0 };

	client_batch_run(cl, &b, client_deadline(client_timeout(timeout_s)), true, &err);
	client_close(cl);
	return sb->rc;
}

static int print_logout(const struct session_batch *sb, const struct sysfs_session *s,
			struct client_result r)
{
	char what[SESSION_DESCR_MAX];

	session_describe(what, sizeof(what), s);
	if (r.status == 0) {
		printf("Logout of %s successful.\n", what);
		return 0;
	}
	log_error("Could not logout of %s.", what);
	log_exit_code(r.status);
	if (r.msg)
		log_error("%s", r.msg);
	return r.status;
}

/* open-iscsi counts a request it could not send as "not found". */
static int logout_unreachable(const struct sysfs_session *const *list, size_t n,
			      const struct ll_error *err)
{
	char what[SESSION_DESCR_MAX];

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

/*
 * The sids of the whole command, so iscsid judges a multipath map whose
 * paths all leave as losing every path (session_ops.h).  Beyond what one
 * attribute holds, each session is judged alone (iscsid still refuses the
 * last path of a map in use).
 */
static uint32_t *logout_set(const struct sysfs_session *const *list, size_t n)
{
	uint32_t *set;

	if (n < 2 || n > IPC_MAX_U32_LIST || !(set = calloc(n, sizeof(*set))))
		return NULL;
	for (size_t i = 0; i < n; i++)
		set[i] = list[i]->sid;
	return set;
}

int sessions_logout(struct ctx *c, const struct sysfs_session *const *list, size_t n,
		    bool force)
{
	struct session_batch sb = { .list = list, .flags = force ? IPC_F_FORCE : 0,
				    .last_failure = true, .print = print_logout };
	struct ll_error err = { 0 };
	struct client *cl = NULL;
	char what[SESSION_DESCR_MAX];
	uint32_t *set;
	int rc;

	if (n == 0)
		return 0;
	/* open-iscsi announces the first session before it tries iscsid */
	session_describe(what, sizeof(what), list[0]);
	printf("Logging out of session %s\n", what);
	fflush(stdout);
	if (ctx_client_open(c, &cl, &err) < 0)
		return logout_unreachable(list, n, &err);
	for (size_t i = 1; i < n; i++) {
		session_describe(what, sizeof(what), list[i]);
		printf("Logging out of session %s\n", what);
	}
	fflush(stdout);
	set = logout_set(list, n);
	sb.set = set;
	sb.nset = set ? n : 0;
	rc = run(cl, IPC_LOGOUT, LOGOUT_TIMEOUT_S, n, &sb);
	free(set);
	if (rc)
		log_error("Could not logout of all requested sessions");
	return rc;
}

static int print_rescan(const struct session_batch *sb, const struct sysfs_session *s,
			struct client_result r)
{
	if (r.status == 0)
		return 0;
	log_error("Could not rescan session sid %u.", s->sid);
	if (r.msg)
		log_error("%s", r.msg);
	return r.status;
}

/*
 * One request per session, as rescan and stats do: returns the first
 * failure's exit code (open-iscsi goes on with the others and keeps the
 * first), with open-iscsi's summary line when there was one.
 */
static int each_session(struct ctx *c, uint16_t type, int timeout_s, size_t n,
			struct session_batch *sb)
{
	struct ll_error err = { 0 };
	struct client *cl = NULL;
	int rc;

	if (n == 0)
		return 0;
	if (ctx_client_open(c, &cl, &err) < 0)
		rc = err.code ? err.code : ISCSI_ERR_ISCSID_NOTCONN;
	else
		rc = run(cl, type, timeout_s, n, sb);
	if (rc)
		log_error("Could not execute operation on all sessions: %s", iscsi_exit_str(rc));
	return rc;
}

int sessions_rescan(struct ctx *c, const struct sysfs_session *const *list, size_t n)
{
	struct session_batch sb = { .list = list, .print = print_rescan };
	char what[SESSION_DESCR_MAX];

	for (size_t i = 0; i < n; i++) {
		session_describe(what, sizeof(what), list[i]);
		printf("Rescanning session %s\n", what);
	}
	fflush(stdout);
	return each_session(c, IPC_RESCAN, RESCAN_TIMEOUT_S, n, &sb);
}

/* open-iscsi prints nothing for a session whose statistics failed; we
 * add iscsid's reason. */
static int print_stats(const struct session_batch *sb, const struct sysfs_session *s,
		       struct client_result r)
{
	struct ll_error err = { 0 };
	struct ll_conn_stats st;

	if (r.status) {
		if (r.msg)
			log_error("%s", r.msg);
		return r.status;
	}
	if (ipc_stats_decode(r.reply, &st, &err) < 0) {
		log_error("%s", err.msg);
		return err.code;
	}
	if (sb->json)
		stats_json_session(sb->json, s, &st);
	else
		stats_print_session(s, &st);
	return 0;
}

/* -J: { "version", "stats": [ ... ] }, printed when every answer is in
 * (sessions whose statistics failed are left out, as in the text). */
int sessions_stats(struct ctx *c, const struct sysfs_session *const *list, size_t n)
{
	struct session_batch sb = { .list = list, .print = print_stats };
	struct json_object *doc = NULL;
	int rc;

	if (c->o->json)
		doc = json_doc_list("stats", &sb.json);
	rc = each_session(c, IPC_SESSION_STATS, STATS_TIMEOUT_S, n, &sb);
	/* a failure before any answer leaves stdout empty */
	if (doc && (rc == 0 || json_object_array_length(sb.json)))
		json_doc_print(doc);
	else
		json_object_put(doc);
	return rc;
}
