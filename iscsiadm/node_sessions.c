/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * node_sessions.c: `iscsiadm -m node` actions on running sessions:
 * --logout, --logoutall, --rescan, --stats.
 *
 * Sessions are found in sysfs and matched on what the kernel shows: target
 * name, persistent address and port (what the user asked for, not where a
 * redirect led), and the iface name.  -p without a port means 3260, as in
 * open-iscsi.
 */
#include <stdlib.h>
#include <string.h>

#include "iscsiadm/json_out.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/node_sessions.h"
#include "iscsiadm/nodes.h"
#include "iscsiadm/opts.h"
#include "iscsiadm/session_ops.h"
#include "iscsiadm/sessions.h"
#include "libiscsi-core/util.h"

static struct session_filter filter_of(const struct ctx *c, const char *iface)
{
	struct session_filter f = SESSION_FILTER_ANY;

	f.target = c->o->targetname;
	if (c->have_portal) {
		f.address = c->portal.address;
		f.port = c->portal.port;
	}
	f.iface = iface;
	return f;
}

/* Loads the sessions and picks the matching ones; *sel is freed by the
 * caller.  Returns 0 or an exit code. */
static int pick(const struct session_filter *f, bool group, struct session_list *l,
		const struct sysfs_session ***sel, size_t *n)
{
	/* matching needs the brief part only */
	int rc = session_list_load_parts(l, SYSFS_PART_BRIEF);

	*sel = NULL;
	*n = 0;
	if (rc)
		return rc;
	*sel = calloc(l->n ? l->n : 1, sizeof(**sel));
	if (!*sel) {
		session_list_free(l);
		return ISCSI_ERR_NOMEM;
	}
	*n = session_select(l, f, group, *sel);
	return 0;
}

int node_logout(struct ctx *c, const char *iface)
{
	struct session_filter f = filter_of(c, iface);
	const struct sysfs_session **sel;
	struct session_list l;
	size_t n;
	int rc = pick(&f, true, &l, &sel, &n);

	if (rc)
		return rc;
	if (n == 0) {
		log_error("No matching sessions found");
		rc = ISCSI_ERR_NO_OBJS_FOUND;
	} else {
		rc = sessions_logout(c, sel, n, c->o->force);
	}
	free(sel);
	session_list_free(&l);
	return rc;
}

/* The record with exactly the session's identity: one file read, where
 * the filtered walk below lists every target of the database (the walk
 * per session made --logoutall O(N^2)). */
static struct rec *record_exact(struct ndb *db, const struct sysfs_session *s)
{
	struct ndb_node_id id = { .port = s->conn.persistent_port, .tpgt = s->tpgt };
	struct rec *r = NULL;

	if (str_copy(id.target, sizeof(id.target), s->targetname) < 0 ||
	    str_copy(id.address, sizeof(id.address), s->conn.persistent_address) < 0 ||
	    str_copy(id.iface, sizeof(id.iface), session_iface(s)) < 0 ||
	    ndb_node_read(db, &id, &r, NULL) < 0)
		return NULL;
	return r;
}

/* The node record of a session: same target, portal, tpgt and iface (any
 * tpgt when no record has the session's).  NULL when there is none. */
static struct rec *record_of(struct ndb *db, const struct sysfs_session *s)
{
	struct ndb_filter f = NDB_FILTER_ANY;
	struct node_list nl;
	struct rec *r = record_exact(db, s);

	f.target = s->targetname;
	f.address = s->conn.persistent_address;
	f.port = s->conn.persistent_port;
	f.tpgt = s->tpgt;
	f.iface = session_iface(s);
	for (int pass = 0; pass < 2 && !r; pass++, f.tpgt = NDB_ANY) {
		if (node_list_load(db, &f, &nl))
			return NULL;
		if (nl.n) {
			r = nl.recs[0];
			nl.recs[0] = NULL;
		}
		node_list_free(&nl);
	}
	return r;
}

/* open-iscsi skips sessions without a record, of another transport, and
 * of onboot records (they may carry the root file system). */
static bool logout_by_startup(struct ndb *db, const struct sysfs_session *s,
			      const char *mode)
{
	struct rec *r = record_of(db, s);
	const char *t;
	bool yes;

	if (!r) {
		log_debug(7, "could not read data for [%s,%s.%d]", s->targetname,
			  s->conn.persistent_address, s->conn.persistent_port);
		return false;
	}
	t = rec_get(r, "iface.transport_name");
	yes = !(t && *t && !streq(t, s->transport)) && node_startup_matches(r, mode);
	rec_free(r);
	return yes;
}

int node_logout_all(struct ctx *c, const char *mode)
{
	struct session_filter any = SESSION_FILTER_ANY;
	const struct sysfs_session **sel;
	struct session_list l;
	struct ndb *db;
	size_t n, k = 0;
	int rc;

	if (!streq(mode, "all") && !streq(mode, "manual") && !streq(mode, "automatic")) {
		log_error("Invalid logoutall option %s.", mode);
		opts_usage(ISCSI_ERR_INVAL);
		return ISCSI_ERR_INVAL;
	}
	rc = ctx_db(c, &db);
	if (rc || (rc = pick(&any, true, &l, &sel, &n)))
		return rc;
	for (size_t i = 0; i < n; i++)
		if (logout_by_startup(db, sel[i], mode))
			sel[k++] = sel[i];
	if (k == 0) {
		log_error("No matching sessions found");
		rc = ISCSI_ERR_NO_OBJS_FOUND;
	} else {
		rc = sessions_logout(c, sel, k, c->o->force);
	}
	free(sel);
	session_list_free(&l);
	return rc;
}

/* Rescan and stats: sessions in sysfs order, "No session found." when
 * none matches. */
static int for_each_session(struct ctx *c, const char *iface, const char *json_key,
			    int (*fn)(struct ctx *, const struct sysfs_session *const *, size_t))
{
	struct session_filter f = filter_of(c, iface);
	const struct sysfs_session **sel;
	struct session_list l;
	size_t n;
	int rc = pick(&f, false, &l, &sel, &n);

	if (rc)
		return rc;
	if (n == 0) {
		struct json_object *arr;

		/* -J: the empty listing's document (json_key names it) */
		if (c->o->json && json_key)
			json_doc_print(json_doc_list(json_key, &arr));
		log_error("No session found.");
		rc = ISCSI_ERR_NO_OBJS_FOUND;
	} else {
		rc = fn(c, sel, n);
	}
	free(sel);
	session_list_free(&l);
	return rc;
}

int node_rescan(struct ctx *c, const char *iface)
{
	return for_each_session(c, iface, NULL, sessions_rescan);
}

int node_stats(struct ctx *c, const char *iface)
{
	return for_each_session(c, iface, "stats", sessions_stats);
}
