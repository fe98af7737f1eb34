/* SPDX-License-Identifier: GPL-2.0-or-later */
/* login.c: pipelined IPC_LOGIN requests and open-iscsi's login lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	uint32_t id;
	int status;
	char *message;       /* iscsid's sentence, may be NULL */
	bool done, printed;
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

static void print_result(struct login_item *it)
{
	char what[3 * REC_VALUE_MAX + 64];

	describe(what, sizeof(what), it->rec);
	if (it->status == 0) {
		printf("Login to %s successful.\n", what);
		fflush(stdout);
	} else if (it->status == ISCSI_ERR_SESS_EXISTS && it->message) {
		/* iscsid words it like open-iscsi: "default: 1 session
		 * requested, but 1 already present." */
		log_error("%s", it->message);
	} else {
		log_error("Could not login to %s.", what);
		log_exit_code(it->status);
		if (it->message)
			log_error("%s", it->message);
	}
	it->printed = true;
}

/* Prints the finished items at the front, keeping record order. */
static void print_ready(struct login_item *items, size_t n)
{
	for (size_t i = 0; i < n && items[i].done; i++)
		if (!items[i].printed)
			print_result(&items[i]);
}

static void fail_pending(struct login_item *items, size_t n, const struct ll_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (items[i].done)
			continue;
		items[i].done = true;
		items[i].status = err->code ? err->code : ISCSI_ERR_ISCSID_COMM_ERR;
		/* client_open() already said why it could not connect */
		if (err->msg[0] && !items[i].message && err->code != ISCSI_ERR_ISCSID_NOTCONN)
			items[i].message = strdup(err->msg);
	}
}

static void take_reply(struct login_item *items, size_t n, struct ipc_msg *reply)
{
	uint32_t status = ISCSI_ERR_ISCSID_COMM_ERR;
	const char *msg;

	for (size_t i = 0; i < n; i++) {
		if (items[i].id != reply->id || items[i].done)
			continue;
		if (ipc_msg_get_u32(reply, IPC_A_STATUS, &status) < 0)
			status = ISCSI_ERR_ISCSID_COMM_ERR;
		msg = ipc_msg_get_str(reply, IPC_A_MESSAGE);
		items[i].status = (int)status;
		items[i].message = msg && *msg ? strdup(msg) : NULL;
		items[i].done = true;
		return;
	}
	log_debug(1, "ignoring a reply to unknown request %u", reply->id);
}

static int queue_all(struct client *cl, struct login_item *items, size_t n,
		     struct ll_error *err)
{
	for (size_t i = 0; i < n; i++) {
		struct ipc_msg m;
		int r;

		if (items[i].done)   /* already logged in: nothing to send */
			continue;
		ipc_msg_init(&m, IPC_LOGIN, 0);
		r = login_msg_add_record(&m, items[i].rec) < 0 ? -1 :
		    client_queue(cl, &m, err);
		items[i].id = m.id;
		ipc_msg_free(&m);
		if (r < 0) {
			if (!err->code)
				ll_error_set(err, ISCSI_ERR_NOMEM, "out of memory");
			return -1;
		}
	}
	return 0;
}

static void wait_all(struct client *cl, struct login_item *items, size_t n,
		     int64_t deadline)
{
	struct ll_error err = { 0 };
	size_t left = 0;

	for (size_t i = 0; i < n; i++)
		left += !items[i].done;
	while (left) {
		struct ipc_msg reply;

		if (client_recv(cl, &reply, deadline, &err) < 0) {
			fail_pending(items, n, &err);
			break;
		}
		take_reply(items, n, &reply);
		ipc_msg_free(&reply);
		left = 0;
		for (size_t i = 0; i < n; i++)
			left += !items[i].done;
		print_ready(items, n);
	}
	print_ready(items, n);
}

static int send_and_wait(struct ctx *c, struct login_item *items, size_t n,
			 struct rec *const *recs, bool wait)
{
	struct ll_error err = { 0 };
	const struct cfg *cfg = NULL;
	struct client *cl = NULL;
	int64_t deadline = client_deadline(login_timeout_s(recs, n));
	size_t pending = 0;

	for (size_t i = 0; i < n; i++)
		pending += !items[i].done;
	if (pending == 0)
		return 0;
	ctx_cfg(c, &cfg);
	if (client_open(&cl, true, cfg, &err) < 0 || queue_all(cl, items, n, &err) < 0) {
		fail_pending(items, n, &err);
		print_ready(items, n);
		client_close(cl);
		return 0;
	}
	if (!wait) {
		int rc = client_flush(cl, deadline, &err) < 0 ? ctx_report(&err) : 0;

		client_close(cl);
		for (size_t i = 0; i < n; i++)
			items[i].done = items[i].printed = true;
		return rc;
	}
	wait_all(cl, items, n, deadline);
	client_close(cl);
	return 0;
}

/*
 * open-iscsi counts the record's sessions in sysfs first: with
 * node.session.nr_sessions of them present it says so (stderr) instead of
 * "Logging in to", asks iscsid nothing, and the result is exit code 15.
 */
static bool already_present(const struct session_list *sl, struct login_item *it)
{
	const char *iface = get(it->rec, "iface.iscsi_ifacename");
	long want = rec_get_int(it->rec, "node.session.nr_sessions");
	size_t have = session_count_for_record(sl, it->rec);

	if (want < 1)
		want = 1;
	if (have < (size_t)want)
		return false;
	log_error("%s: %ld session%s requested, but %zu already present.",
		  *iface ? iface : "default", want, want == 1 ? "" : "s", have);
	it->status = ISCSI_ERR_SESS_EXISTS;
	it->done = it->printed = true;
	return true;
}

static void announce(struct login_item *items, size_t n)
{
	char what[3 * REC_VALUE_MAX + 64];
	struct session_list sl;

	if (session_list_load(&sl))
		sl = (struct session_list){ 0 };
	for (size_t i = 0; i < n; i++) {
		if (already_present(&sl, &items[i]))
			continue;
		describe(what, sizeof(what), items[i].rec);
		printf("Logging in to %s\n", what);
		fflush(stdout);
	}
	session_list_free(&sl);
}

int login_records(struct ctx *c, struct rec *const *recs, size_t n, bool wait)
{
	struct login_item *items;
	int rc = 0;

	if (n == 0)
		return 0;
	items = calloc(n, sizeof(*items));
	if (!items)
		return ISCSI_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		items[i].rec = recs[i];
		rc = prepare(c, recs[i]);
		if (rc)
			goto out;
	}
	announce(items, n);
	rc = send_and_wait(c, items, n, recs, wait);
	for (size_t i = 0; i < n && !rc; i++)
		rc = items[i].status;
out:
	for (size_t i = 0; i < n; i++)
		free(items[i].message);
	free(items);
	return rc;
}
