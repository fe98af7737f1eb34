/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_table.c: creating sessions, finding them, and naming their states. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iscsid/daemon.h"
#include "iscsid/log.h"
#include "iscsid/session_int.h"

int session_login(struct daemon *d, struct rec *rec, struct request *req)
{
	struct ll_error err = { 0 };
	struct session *s = calloc(1, sizeof(*s));

	if (!s) {
		rec_free(rec);
		request_fail(req, ISCSI_ERR_NOMEM, "out of memory");
		return -ENOMEM;
	}
	s->d = d;
	s->fd = -1;
	s->rec = rec;
	if (loginrec_from_node(&s->lp, rec, NULL, 0, &err) < 0) {
		request_fail(req, err.code ? err.code : ISCSI_ERR_INVAL, "%s", err.msg);
		rec_free(rec);
		loginrec_clear(&s->lp);
		free(s);
		return -EINVAL;
	}
	s->lp.cfg.itt = 0x7000;
	s->cur = s->lp.cfg.portal;
	s->retry_max = (unsigned)rec_get_int(rec, "node.session.initial_login_retry_max");
	snprintf(s->where, sizeof(s->where), "%s %s:%u", s->lp.target_name, s->cur.host,
		 s->cur.port);
	/* Once per session: recovery and relogins reuse this record. */
	loginrec_report_ineffective(rec, s->where);
	s->login_req = req;
	s->next = d->sessions;
	d->sessions = s;
	log_info("%s: logging in", s->where);
	session_start_connect(s);
	return 0;
}

struct session *session_find_sid(struct daemon *d, uint32_t sid)
{
	for (struct session *s = d->sessions; s; s = s->next)
		if (s->have_sid && s->sid == sid)
			return s;
	return NULL;
}

struct session *session_find_node(struct daemon *d, const char *target, const char *address,
				  int port, const char *iface)
{
	for (struct session *s = d->sessions; s; s = s->next) {
		if (!strcmp(s->lp.target_name, target) &&
		    !strcasecmp(s->lp.cfg.portal.host, address) && s->lp.cfg.portal.port == port &&
		    !strcmp(s->lp.iface[0] ? s->lp.iface : "default", iface[0] ? iface : "default"))
			return s;
	}
	return NULL;
}

uint32_t session_sid(const struct session *s)
{
	return s->sid;
}

enum sess_state session_state(const struct session *s)
{
	return s->state;
}

const char *session_conn_state_str(const struct session *s)
{
	switch (s->state) {
	case SS_CONNECT:
	case SS_RECOVERY:
		return "TRANSPORT WAIT";
	case SS_LOGIN:
		return "IN LOGIN";
	case SS_SCAN:
	case SS_LOGGED_IN:
		return "LOGGED IN";
	case SS_UNBIND:
	case SS_LOGOUT:
		return "IN LOGOUT";
	}
	return "FREE";
}

const char *session_internal_state_str(const struct session *s)
{
	if (s->state == SS_RECOVERY || (s->ever_started && s->state <= SS_LOGIN))
		return "REOPEN";
	if (s->state == SS_UNBIND || s->state == SS_LOGOUT)
		return "CLEANUP";
	return "NO CHANGE";
}

void sessions_release_all(struct daemon *d)
{
	while (d->sessions) {
		struct session *s = d->sessions;

		/* The kernel keeps the sessions; only our bookkeeping goes. */
		if (s->login_req)
			request_fail(s->login_req, ISCSI_ERR_AGAIN, "iscsid is stopping");
		s->login_req = NULL;
		session_free(s);
	}
}
