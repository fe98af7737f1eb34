/* SPDX-License-Identifier: GPL-2.0-or-later */
/* login.c: pipelined IPC_LOGIN requests and open-iscsi's login lines. */
#include <stdio.h>
#include <stdlib.h>

#include "iscsiadm/client.h"
#include "iscsiadm/login.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/sessions.h"
#include "libiscsi-core/util.h"

/* Margin on top of the records' own login timeouts for iscsid's work
 * (kernel session setup, SCSI scan). */
#define LOGIN_SLACK_S 30

struct login_item {
	struct rec *rec;
	int status;          /* the first failure of its sessions */
	unsigned todo;       /* sessions to ask iscsid for (0: all present) */
};

/* What one call logs in: the ordinary login tops each record up to
 * node.session.nr_sessions; -o new (one_more) adds one session each. */
struct login_run {
	struct login_item *items;
	size_t n;
	bool one_more;
	struct login_item **sent;   /* one entry per session asked for */
	size_t n_sent;
};

int login_msg_add_record(struct ipc_msg *m, const struct rec *r)
{
	enum rec_kind kind = rec_get_kind(r);

	for (size_t i = 0; i < rec_key_count(kind); i++) {
		const struct rec_key *k = rec_key_at(kind, i);
		const char *v;

		if (k->flags & REC_F_HIDDEN)
			continue;
		v = rec_get(r, k->name);
		if (ipc_msg_add_kv(m, k->name, v ? v : "") < 0)
			return -1;
	}
	return 0;
}

static const char *get(const struct rec *r, const char *key)
{
	const char *v = rec_get(r, key);

	return v ? v : "";
}

/* "[iface: default, target: IQN, portal: ADDR,PORT]" */
static void describe(char *buf, size_t len, const struct rec *r)
{
	snprintf(buf, len, "[iface: %s, target: %s, portal: %s,%ld]",
		 get(r, "iface.iscsi_ifacename"), get(r, "node.name"),
		 get(r, "node.conn[0].address"), rec_get_int(r, "node.conn[0].port"));
}

/* Current iface settings and the initiator name go into the request. */
static int prepare(struct ctx *c, struct rec *r)
{
	const char *iface = get(r, "iface.iscsi_ifacename");
	struct rec *irec = NULL;
	const char *iname;
	int rc;

	if (*iface && !ndb_iface_is_builtin(iface) && ctx_iface(c, iface, &irec) == 0) {
		rec_copy_common(r, irec);
		rec_free(irec);
	}
	if (*get(r, "iface.initiatorname"))
		return 0;
	rc = ctx_iname(c, &iname);
	if (rc)
		return rc;
	return rec_set(r, "iface.initiatorname", iname, NULL) < 0 ? ISCSI_ERR_INVAL : 0;
}

static int login_timeout_s(struct rec *const *recs, size_t n)
{
	long worst = 0;

	for (size_t i = 0; i < n; i++) {
		long t = rec_get_int(recs[i], "node.conn[0].timeo.login_timeout");
		long tries = rec_get_int(recs[i], "node.session.initial_login_retry_max") + 1;

		if (t > 0 && tries > 0 && t * tries > worst)
			worst = t * tries;
	}
	if (worst > 3600)
		worst = 3600;
	return client_timeout((int)worst + LOGIN_SLACK_S);
}

static void print_result(const struct login_item *it, const char *msg)
{
	char what[3 * REC_VALUE_MAX + 64];

	describe(what, sizeof(what), it->rec);
	if (it->status == 0) {
		printf("Login to %s successful.\n", what);
	} else if (it->status == ISCSI_ERR_SESS_EXISTS && msg) {
		/* iscsid words it like open-iscsi: "default: 1 session
		 * requested, but 1 already present." */
		log_error("%s", msg);
	} else {
		log_error("Could not login to %s.", what);
		log_exit_code(it->status);
		if (msg)
			log_error("%s", msg);
	}
}

/* The batch's ud: the run; sent[i] is the item of request i. */
static int build_login(void *ud, size_t i, struct ipc_msg *req)
{
	struct login_run *run = ud;

	if (run->one_more && ipc_msg_add_u32(req, IPC_A_FLAGS, IPC_F_MULTIPLE) < 0)
		return -1;
	return login_msg_add_record(req, run->sent[i]->rec);
}

static void login_result(void *ud, size_t i, struct client_result r)
{
	struct login_item *it = ((struct login_run *)ud)->sent[i];
	int first = it->status;

	it->status = r.status;
	print_result(it, r.msg);
	if (first)
		it->status = first;
}

/* Returns 0, or the exit code of a -W request that could not be written. */
static int send_and_wait(struct ctx *c, struct login_run *run, struct rec *const *recs,
			 bool wait)
{
	/* iscsid runs a few dozen logins at a time (session_window.h): as long
	 * as answers come, a long batch is not cut short. */
	struct client_batch b = { .type = IPC_LOGIN, .build = build_login,
				  .result = login_result, .ud = run,
				  .progress_s = login_timeout_s(recs, run->n) };
	int64_t deadline = client_deadline(b.progress_s);
	struct ll_error err = { 0 };
	struct client *cl = NULL;
	size_t total = 0;
	int rc = 0;

	for (size_t i = 0; i < run->n; i++)
		total += run->items[i].todo;
	/* when every record has its sessions iscsid is not asked */
	if (total == 0)
		return 0;
	run->sent = calloc(total, sizeof(*run->sent));
	if (!run->sent)
		return ISCSI_ERR_NOMEM;
	for (size_t i = 0; i < run->n; i++)
		for (unsigned k = 0; k < run->items[i].todo; k++)
			run->sent[b.n++] = &run->items[i];
	if (ctx_client_open(c, &cl, &err) < 0)
		client_batch_fail(&b, &err);
	else if (client_batch_run(cl, &b, deadline, wait, &err) < 0)
		rc = ctx_report(&err);
	client_close(cl);
	free(run->sent);
	run->sent = NULL;
	return rc;
}

/*
 * open-iscsi counts the record's sessions in sysfs first: with
 * node.session.nr_sessions of them present it says so (stderr) instead of
 * "Logging in to", asks iscsid nothing, and the result is exit code 15.
 * Otherwise it asks for the missing ones, each with its own line.
 */
static void count_missing(const struct session_list *sl, struct login_item *it)
{
	const char *iface = get(it->rec, "iface.iscsi_ifacename");
	long want = rec_get_int(it->rec, "node.session.nr_sessions");
	size_t have = session_count_for_record(sl, it->rec);

	if (want < 1)
		want = 1;
	if (have < (size_t)want) {
		it->todo = (unsigned)((size_t)want - have);
		return;
	}
	log_error("%s: %ld session%s requested, but %zu already present.",
		  *iface ? iface : "default", want, want == 1 ? "" : "s", have);
	it->status = ISCSI_ERR_SESS_EXISTS;
	it->todo = 0;
}

/* open-iscsi marks a login that may add to existing sessions "(multiple)":
 * nr_sessions above 1, and -o new. */
static void announce(struct login_run *run)
{
	char what[3 * REC_VALUE_MAX + 64];
	struct session_list sl;

	if (session_list_load(&sl))
		sl = (struct session_list){ 0 };
	for (size_t i = 0; i < run->n; i++) {
		struct login_item *it = &run->items[i];
		bool multiple = run->one_more ||
				rec_get_int(it->rec, "node.session.nr_sessions") > 1;

		if (run->one_more)
			it->todo = 1;
		else
			count_missing(&sl, it);
		describe(what, sizeof(what), it->rec);
		for (unsigned k = 0; k < it->todo; k++)
			printf("Logging in to %s%s\n", what, multiple ? " (multiple)" : "");
		fflush(stdout);
	}
	session_list_free(&sl);
}

static int login_run(struct ctx *c, struct rec *const *recs, size_t n, bool wait,
		     bool one_more)
{
	struct login_run run = { .n = n, .one_more = one_more };
	int rc = 0;

	if (n == 0)
		return 0;
	run.items = calloc(n, sizeof(*run.items));
	if (!run.items)
		return ISCSI_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		run.items[i].rec = recs[i];
		rc = prepare(c, recs[i]);
		if (rc)
			goto out;
	}
	announce(&run);
	rc = send_and_wait(c, &run, recs, wait);
	for (size_t i = 0; i < n && !rc; i++)
		rc = run.items[i].status;
out:
	free(run.items);
	return rc;
}

int login_records(struct ctx *c, struct rec *const *recs, size_t n, bool wait)
{
	return login_run(c, recs, n, wait, false);
}

int login_records_one_more(struct ctx *c, struct rec *const *recs, size_t n, bool wait)
{
	return login_run(c, recs, n, wait, true);
}
