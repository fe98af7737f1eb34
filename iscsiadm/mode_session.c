/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mode_session.c: `iscsiadm -m session` (list, -P trees, -r one session,
 * -u/-R/-s, and -o on the session's node record), and `-k 0`.
 *
 * The decisions follow open-iscsi 2.1.8's session mode: with -r, -P 1..3
 * and no action prints that session's tree; anything else "drops down" to
 * the node operation on the record the session belongs to (so a bare
 * `-m session -r 1` prints that record).  Without -r, -u/-R/-s act on
 * every session.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "iscsiadm/client.h"
#include "iscsiadm/mode_node.h"
#include "iscsiadm/mode_session.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/node_sessions.h"
#include "iscsiadm/session_ops.h"
#include "iscsiadm/session_print.h"
#include "iscsiadm/sessions.h"
#include "libiscsi-core/util.h"

/* -r: a session number, or a sysfs path such as
 * /sys/devices/platform/hostH/sessionS[/targetH:0:T[/H:0:T:L]]. */
static int parse_sid(const char *arg, unsigned *sid)
{
	const char *root = sessions_sysfs_root();
	char path[PATH_MAX];
	struct stat st;
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (!errno && v > 0 && v <= (long)UINT_MAX && *arg && !*end) {
		*sid = (unsigned)v;
		return 0;
	}
	/* with the test hook, /sys/... names the moved tree */
	if (strncmp(arg, "/sys/", 5) == 0 && !streq(root, SYSFS_ROOT))
		snprintf(path, sizeof(path), "%s%s", root, arg + 4);
	else
		str_copy(path, sizeof(path), arg);
	if (lstat(path, &st) < 0) {
		log_error("%s is an invalid session ID or path", arg);
		return ISCSI_ERR;
	}
	if (!S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode)) {
		log_error("%s is not a directory", arg);
		return ISCSI_ERR;
	}
	if (sysfs_parse_session_id(arg, sid) < 0) {
		log_error("Unable to find sid in path %s", arg);
		log_error("invalid sid '%s'", arg);
		return ISCSI_ERR_INVAL;
	}
	return 0;
}

/*
 * Runs a node operation on the session's record: -T, -p and -I become the
 * session's target, persistent portal and iface for the call.
 */
static int on_record(struct ctx *c, const struct sysfs_session *s,
		     int (*fn)(struct ctx *, const char *))
{
	const struct opts *saved = c->o;
	struct opts o = *saved;
	int rc;

	o.targetname = s->targetname;
	o.portal = s->conn.persistent_address;
	memset(&c->portal, 0, sizeof(c->portal));
	str_copy(c->portal.address, sizeof(c->portal.address), s->conn.persistent_address);
	c->portal.port = s->conn.persistent_port;
	c->portal.tpgt = -1;
	c->have_portal = true;
	c->o = &o;
	rc = fn(c, session_iface(s));
	c->o = saved;
	c->have_portal = false;
	return rc;
}

/* The node operations open-iscsi runs for one session (exec_node_op). */
static int one_session_op(struct ctx *c, const struct sysfs_session *s)
{
	const struct opts *o = c->o;

	/* "new": log in one more session of the session's node record */
	if (o->op == OP_NEW)
		return on_record(c, s, node_login_one_more);
	if (o->rescan)
		return sessions_rescan(c, &s, 1);
	if (o->stats)
		return sessions_stats(c, &s, 1);
	if (o->logout && o->op) {
		log_error("Invalid parameters. Login/logout and op passed in");
		return ISCSI_ERR_INVAL;
	}
	if (o->logout)
		return sessions_logout(c, &s, 1, o->force);
	switch (o->op) {
	case OP_NOOP:
	case OP_SHOW:
		return on_record(c, s, node_show);
	case OP_UPDATE:
		return on_record(c, s, node_update);
	case OP_DELETE:
		return on_record(c, s, node_delete);
	default:
		log_error("operation is not supported.");
		return ISCSI_ERR_INVAL;
	}
}

static int one_session(struct ctx *c, const char *arg)
{
	const struct opts *o = c->o;
	struct session_filter f = SESSION_FILTER_ANY;
	const struct sysfs_session *s = NULL;
	struct session_list l;
	unsigned sid = 0;
	int rc = parse_sid(arg, &sid);

	/* the one session only: reading all of them made -r O(N) */
	if (rc || (rc = session_list_load_one(&l, sid)))
		return rc;
	f.sid = sid;
	for (size_t i = 0; i < l.n && !s; i++)
		if (session_match(&l.s[i], &f))
			s = &l.s[i];
	if (!s) {
		/* open-iscsi's two lines (its sysfs reader's EIO first) */
		log_error("could not read session targetname: %d", EIO);
		log_error("Could not get session info for sid %u", sid);
		rc = ISCSI_ERR_SYSFS_LOOKUP;
	} else if (!o->logout && !o->rescan && !o->stats && o->op == OP_NOOP &&
		   o->print_level > 0) {
		rc = session_print(c, &s, 1, o->print_level);
	} else {
		rc = one_session_op(c, s);
	}
	session_list_free(&l);
	return rc;
}

static int all_sessions(struct ctx *c)
{
	const struct sysfs_session **sel;
	struct session_list l;
	/* what each -P level shows: the one-line listing reads a tenth of
	 * each session's attributes */
	static const unsigned level_parts[] = {
		[0] = SYSFS_PART_BRIEF, [1] = SYSFS_PART_IFACE,
		[2] = SYSFS_PART_IFACE | SYSFS_PART_PARAMS, [3] = SYSFS_PART_ALL,
	};
	int level = c->o->print_level;
	int rc = session_list_load_parts(&l, level >= 0 && level <= 3 ? level_parts[level]
						  : level == -1 ? SYSFS_PART_BRIEF : SYSFS_PART_ALL);

	if (rc)
		return rc;
	if (l.n == 0) {
		/* -J: the empty listing's document, then open-iscsi's error */
		if (c->o->json && c->o->print_level >= -1 && c->o->print_level <= 3)
			session_print(c, NULL, 0, c->o->print_level);
		log_error("No active sessions.");
		session_list_free(&l);
		return ISCSI_ERR_NO_OBJS_FOUND;
	}
	sel = calloc(l.n, sizeof(*sel));
	if (!sel) {
		session_list_free(&l);
		return ISCSI_ERR_NOMEM;
	}
	for (size_t i = 0; i < l.n; i++)
		sel[i] = &l.s[i];
	rc = session_print(c, sel, l.n, c->o->print_level);
	free(sel);
	session_list_free(&l);
	return rc;
}

int mode_session(struct ctx *c)
{
	const struct opts *o = c->o;

	if (o->sid)
		return one_session(c, o->sid);
	if (o->op == OP_NEW) {
		log_error("session mode: Operation 'new' only allowed with specific "
			  "session IDs");
		return ISCSI_ERR_INVAL;
	}
	/* every session: the node actions with no -T/-p/-I */
	if (o->rescan)
		return node_rescan(c, NULL);
	if (o->stats)
		return node_stats(c, NULL);
	if (o->logout) {
		if (o->op) {
			log_error("Invalid parameters. Login/logout and op passed in");
			return ISCSI_ERR_INVAL;
		}
		return node_logout(c, NULL);
	}
	return all_sessions(c);
}

/* open-iscsi exits 0 here even when iscsid could not be reached. */
int kill_iscsid(struct ctx *c, int priority)
{
	struct ll_error err = { 0 };
	struct client *cl = NULL;
	struct ipc_msg req, reply;
	int status;

	(void)c;
	if (priority != 0) {
		log_error("Invalid iscsid priority %d. Priority must be 0.", priority);
		return 0;
	}
	ipc_msg_init(&req, IPC_STOP, 0);
	if (client_open(&cl, false, NULL, &err) < 0 ||
	    client_call(cl, &req, &reply, client_deadline(client_timeout(30)), &err) < 0) {
		status = client_error_result(&err).status;
	} else {
		status = client_reply_result(&reply).status;
		ipc_msg_free(&reply);
	}
	ipc_msg_free(&req);
	client_close(cl);
	if (status) {
		log_exit_code(status);
		log_error("Could not stop iscsid. Trying sending iscsid SIGTERM or SIGKILL "
			  "signals manually");
	}
	return 0;
}
