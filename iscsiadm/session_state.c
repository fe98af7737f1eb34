/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_state.c: iscsid's per-session states (see session_state.h). */
#include <stdlib.h>
#include <string.h>

#include "iscsiadm/client.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/session_state.h"
#include "libiscsi-core/util.h"

#define INFO_TIMEOUT_S 10

/* Text we show as it is: short, printable, not empty. */
static bool printable(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= SESSION_STATE_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* The reply lists SID, CONN_STATE, SESS_STATE for each session. */
static void take_reply(const struct ipc_msg *m, struct session_states *st)
{
	struct session_state *cur = NULL;

	for (size_t i = 0; i < m->n; i++) {
		const struct ipc_attr_val *a = &m->attrs[i];
		struct session_state *v;

		if (a->tag == IPC_A_SID && a->len == 4) {
			v = realloc(st->v, (st->n + 1) * sizeof(*v));
			if (!v)
				return;
			st->v = v;
			cur = &st->v[st->n++];
			memset(cur, 0, sizeof(*cur));
			cur->sid = get_be32(a->val);
		} else if (cur && a->tag == IPC_A_CONN_STATE && printable((char *)a->val)) {
			str_copy(cur->conn, sizeof(cur->conn), (char *)a->val);
		} else if (cur && a->tag == IPC_A_SESS_STATE && printable((char *)a->val)) {
			str_copy(cur->sess, sizeof(cur->sess), (char *)a->val);
		}
	}
}

void session_states_query(struct ctx *c, struct session_states *out)
{
	struct ll_error err = { 0 };
	struct client *cl = NULL;
	struct ipc_msg req, reply;
	struct client_result r;

	memset(out, 0, sizeof(*out));
	/* open-iscsi also tries iscsid.startup here; its messages say why
	 * the states below read "Unknown". */
	if (ctx_client_open(c, &cl, &err) < 0)
		return;
	ipc_msg_init(&req, IPC_SESSION_INFO, 0);
	if (client_call(cl, &req, &reply, client_deadline(client_timeout(INFO_TIMEOUT_S)),
			&err) < 0) {
		log_debug(1, "no session states from iscsid: %s", err.msg);
	} else {
		r = client_reply_result(&reply);
		if (r.status == 0)
			take_reply(&reply, out);
		else
			log_debug(1, "iscsid did not give session states (status %d)", r.status);
		ipc_msg_free(&reply);
	}
	ipc_msg_free(&req);
	client_close(cl);
}

void session_states_free(struct session_states *st)
{
	free(st->v);
	st->v = NULL;
	st->n = 0;
}

static const struct session_state *find(const struct session_states *st, unsigned sid)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->v[i].sid == sid)
			return &st->v[i];
	return NULL;
}

const char *session_state_conn(const struct session_states *st, unsigned sid)
{
	const struct session_state *s = find(st, sid);

	return s && s->conn[0] ? s->conn : "Unknown";
}

const char *session_state_sess(const struct session_states *st, unsigned sid)
{
	const struct session_state *s = find(st, sid);

	return s && s->sess[0] ? s->sess : "Unknown";
}
