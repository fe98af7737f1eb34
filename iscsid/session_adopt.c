/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_adopt.c: taking over sessions that are already in the kernel.
 *
 * When iscsid (re)starts, the kernel may hold sessions a previous iscsid
 * created: their disks are in use and I/O flows.  open-iscsi logs each of
 * them in again (a short I/O stall); we only build our bookkeeping from
 * sysfs and the node database, so nothing on the wire changes.  The
 * adopted session can then be listed, logged out and recovered like any
 * other.  A session found FAILED starts recovery at once.  Its ISID comes
 * from the file the previous iscsid kept (session_isids.c): the kernel
 * does not know it, and deriving it again from the adoption order could
 * hand it a live sibling's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/nodedb.h"
#include "iscsid/daemon.h"
#include "iscsid/log.h"
#include "iscsid/session_adopt.h"
#include "iscsid/session_int.h"
#include "iscsid/session_isids.h"
#include "libiscsi-core/util.h"
#include "sysfs/sysfs.h"

/* The node record the session was made from, or one rebuilt from sysfs. */
static struct rec *record_for(const struct sysfs_session *ss)
{
	const char *iface = ss->ifacename[0] ? ss->ifacename : "default";
	struct ndb_node_id id = { .port = ss->conn.persistent_port, .tpgt = ss->tpgt };
	struct ndb *db = NULL;
	struct rec *rec = NULL;
	char num[16];

	str_copy(id.target, sizeof(id.target), ss->targetname);
	str_copy(id.address, sizeof(id.address), ss->conn.persistent_address);
	str_copy(id.iface, sizeof(id.iface), iface);
	if (ndb_open(NULL, &db, NULL) == 0) {
		ndb_set_diag(db, NULL);
		if (ndb_node_read(db, &id, &rec, NULL) < 0)
			rec = NULL;
		ndb_close(db);
	}
	if (rec)
		return rec;
	rec = rec_new(REC_NODE);
	if (!rec)
		return NULL;
	rec_set(rec, "node.name", ss->targetname, NULL);
	rec_set(rec, "node.conn[0].address", ss->conn.persistent_address, NULL);
	snprintf(num, sizeof(num), "%d", ss->conn.persistent_port);
	rec_set(rec, "node.conn[0].port", num, NULL);
	snprintf(num, sizeof(num), "%d", ss->tpgt);
	rec_set(rec, "node.tpgt", num, NULL);
	rec_set(rec, "iface.iscsi_ifacename", iface, NULL);
	if (ss->recovery_tmo >= 0) {
		snprintf(num, sizeof(num), "%ld", ss->recovery_tmo);
		rec_set(rec, "node.session.timeo.replacement_timeout", num, NULL);
	}
	return rec;
}

int session_adopt(struct daemon *d, unsigned sid, struct ll_error *err)
{
	struct sysfs_session ss;
	struct session *s;
	struct rec *rec;

	if (session_find_sid(d, sid))
		return 0;
	if (sysfs_session_read(SYSFS_ROOT, sid, &ss) < 0)
		return ll_error_set(err, ISCSI_ERR_SESS_NOT_FOUND, "no session %u in sysfs", sid),
		       -ENOENT;
	sysfs_session_clear(&ss);
	if (ss.flash || strcmp(ss.transport, "tcp") != 0)
		return ll_error_set(err, ISCSI_ERR_OP_NOT_SUPP,
				    "session %u belongs to transport %s; not adopted", sid,
				    ss.transport), -EOPNOTSUPP;
	rec = record_for(&ss);
	if (!rec)
		return ll_error_set(err, ISCSI_ERR_NOMEM, "out of memory"), -ENOMEM;
	s = session_new(d, rec, ss.initiatorname, err);
	if (!s) {
		rec_free(rec);
		return -EINVAL;
	}
	s->sid = sid;
	s->host_no = ss.host_no;
	s->have_sid = s->bound = s->ever_started = s->adopted = true;
	s->params.default_time2wait = (uint32_t)rec_get_int(rec, "node.session.iscsi.DefaultTime2Wait");
	rec_free(rec);
	snprintf(s->where, sizeof(s->where), "[sid %u] %s %s:%u", sid, s->lp.target_name,
		 s->cur.host, s->cur.port);
	session_isids_apply(s);
	session_isids_changed(d);
	s->state = SS_LOGGED_IN;
	/* What happened before this iscsid is unknown: the history starts now. */
	health_init(&s->health, session_clock_ms(CLOCK_REALTIME), true);
	str_copy(s->health.local_address, sizeof(s->health.local_address), ss.host_ipaddress);
	log_info("%s: adopted from the kernel (state %s)", s->where, ss.state);
	if (strcmp(ss.state, "LOGGED_IN") != 0)
		session_event(s, SE_CONN_ERROR, &(struct sess_input){ .why = "found failed at start" });
	return 0;
}

int sessions_adopt_all(struct daemon *d)
{
	struct sysfs_session *list;
	size_t n;
	int r;

	/* the sids only: session_adopt() reads each session in full */
	r = sysfs_session_list_parts(SYSFS_ROOT, SYSFS_PART_BRIEF, &list, &n);
	if (r < 0)
		return r;
	/* recorded sessions first, so that one derived for want of a record
	 * does not pick a number a recorded sibling has */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			struct ll_error err = { 0 };

			if (session_isids_known(d, list[i].sid) != (pass == 0))
				continue;
			if (session_adopt(d, list[i].sid, &err) < 0)
				log_warn("session %u: not adopted: %s", list[i].sid, err.msg);
		}
	}
	sysfs_sessions_free(list, n);
	session_isids_adopted(d);
	return 0;
}
