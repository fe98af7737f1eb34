/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * node_ops.c: `iscsiadm -m node -o new|delete|update`.
 *
 * Changes are read-modify-write under the database's exclusive lock, so
 * concurrent iscsiadm runs updating different keys of one record never
 * lose each other's change.  All -n/-v pairs of a command are set on the
 * record in memory and the record is written once (a rename), so a reader
 * sees either none or all of them; one bad pair and nothing is written.
 */
#include <stdio.h>
#include <string.h>

#include "iscsiadm/mode_node.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/nodes.h"
#include "iscsiadm/print.h"
#include "iscsiadm/sessions.h"
#include "libiscsi-core/util.h"

static int op_failed(const struct ll_error *err)
{
	int code = err->code ? err->code : ISCSI_ERR;

	log_error("Could not execute operation on all records: %s", iscsi_exit_str(code));
	return code;
}

/* The key checks open-iscsi makes, with its messages. */
static int check_update_key(const char *name, bool *invalid)
{
	const struct rec_key *k = rec_key_find(REC_NODE, name);

	*invalid = false;
	if (k && (k->flags & REC_F_IFACE_MODE)) {
		log_error("Cannot modify %s. Use iface mode to update this value.", name);
		return ISCSI_ERR_INVAL;
	}
	if (!k || (k->flags & REC_F_HIDDEN))
		*invalid = true;
	return 0;
}

/* Iface-mode keys are refused before anything is read, as open-iscsi does;
 * *bad gets the first pair naming a key the record cannot take. */
static int check_params_early(const struct opts *o, const struct opts_param **bad)
{
	bool invalid;
	int rc;

	*bad = NULL;
	for (size_t i = 0; i < o->n_params; i++) {
		rc = check_update_key(o->params[i].name, &invalid);
		if (rc)
			return rc;
		if (!*bad && (invalid || (rec_key_find(REC_NODE, o->params[i].name)->flags &
					  REC_F_LOOKUP)))
			*bad = &o->params[i];
	}
	return 0;
}

static int report_bad_key(const char *name)
{
	const struct rec_key *k = rec_key_find(REC_NODE, name);

	if (!k || (k->flags & REC_F_HIDDEN))
		log_error("Cannot modify %s. Invalid param name.", name);
	else
		log_error("Cannot modify %s. It is used to look up the record and "
			  "cannot be changed.", name);
	log_error("Could not execute operation on all records: invalid parameter");
	return ISCSI_ERR_INVAL;
}

/* open-iscsi's two lines for a value it cannot take, then ours saying why. */
static void report_bad_value(const char *name, const char *value, const struct ll_error *err)
{
	const struct rec_key *k = rec_key_find(REC_NODE, name);

	if (k && !(k->flags & REC_F_SECRET)) {
		log_error("unknown value format '%s' for parameter name '%s'", value, name);
		log_error("Unknown parameter %s.", name);
	}
	ctx_report(err);
}

/* Every pair, in order, on the record in memory; the caller writes it once. */
static int apply_params(struct rec *r, const struct opts *o)
{
	struct ll_error err = { 0 };

	for (size_t i = 0; i < o->n_params; i++) {
		if (rec_set(r, o->params[i].name, o->params[i].value, &err) < 0) {
			report_bad_value(o->params[i].name, o->params[i].value, &err);
			return op_failed(&err);
		}
	}
	return 0;
}

/* A fresh static record: iscsid.conf templates, the portal, the iface. */
static int build_static(struct ctx *c, const char *target, const char *address,
			int port, int tpgt, const char *iface, struct rec **out)
{
	struct ll_error err = { 0 };
	const struct cfg *cfg = NULL;
	struct rec *irec = NULL, *r;
	int rc = ctx_cfg(c, &cfg);

	if (rc)
		return rc;
	rc = ctx_iface(c, iface, &irec);
	if (rc == ISCSI_ERR_NO_OBJS_FOUND)
		log_error("Could not read iface info for %s.", iface);
	if (rc)
		return rc;
	r = cfg_rec_new(cfg, REC_NODE);
	if (!r) {
		rec_free(irec);
		return ISCSI_ERR_NOMEM;
	}
	rec_copy_common(r, irec);
	rec_free(irec);
	if (rec_set(r, "node.name", target, &err) < 0 ||
	    rec_set(r, "node.conn[0].address", address, &err) < 0 ||
	    rec_set_int(r, "node.conn[0].port", port, &err) < 0 ||
	    rec_set_int(r, "node.tpgt", tpgt, &err) < 0 ||
	    rec_set(r, "node.discovery_type", "static", &err) < 0) {
		rec_free(r);
		return ctx_report(&err);
	}
	*out = r;
	return 0;
}

static int add_static(struct ctx *c, struct ndb *db, const char *target,
		      const char *address, int port, int tpgt, const char *iface)
{
	struct ll_error err = { 0 };
	struct rec *r = NULL;
	int rc = build_static(c, target, address, port, tpgt, iface, &r);

	if (rc)
		return rc;
	/* open-iscsi ignores -n/-v here; we apply them to the new record */
	if ((rc = apply_params(r, c->o))) {
		rec_free(r);
		return rc;
	}
	if (ndb_node_write(db, r, &err) < 0) {
		log_error("Error while adding record: %s", iscsi_exit_str(err.code));
		rc = ctx_report(&err);
	} else {
		print_new_node(r);
	}
	rec_free(r);
	return rc;
}

int node_new(struct ctx *c, const char *iface)
{
	const struct opts *o = c->o;
	const struct opts_param *bad;
	struct ndb_filter f;
	struct node_list l;
	struct ndb *db;
	int rc = check_params_early(o, &bad);

	if (!rc && bad)
		rc = report_bad_key(bad->name);
	if (rc || (rc = ctx_db(c, &db)))
		return rc;
	if (o->targetname && c->have_portal)
		return add_static(c, db, o->targetname, c->portal.address, c->portal.port,
				  c->portal.tpgt, iface ? iface : "default");
	/* Like open-iscsi: without a full record id, re-add each matching
	 * record's portal as a static record for the iface asked for. */
	f = ctx_node_filter(c, NULL);
	rc = node_list_load(db, &f, &l);
	if (rc)
		return rc;
	if (l.n == 0) {
		log_error("Error while adding record: %s",
			  iscsi_exit_str(ISCSI_ERR_NO_OBJS_FOUND));
		rc = ISCSI_ERR_NO_OBJS_FOUND;
	}
	for (size_t i = 0; i < l.n; i++) {
		int r = add_static(c, db, l.ids[i].target, l.ids[i].address, l.ids[i].port,
				   l.ids[i].tpgt, iface ? iface : "default");

		if (r && !rc)
			rc = r;
	}
	node_list_free(&l);
	return rc;
}

/* Loads the matching records with the exclusive lock held. */
static int lock_and_load(struct ctx *c, const char *iface, struct ndb **db,
			 struct node_list *l)
{
	struct ndb_filter f = ctx_node_filter(c, iface);
	struct ll_error err = { 0 };
	int rc = ctx_db(c, db);

	if (rc)
		return rc;
	if (ndb_lock(*db, true, &err) < 0)
		return ctx_report(&err);
	rc = node_list_load(*db, &f, l);
	if (!rc && l->n == 0) {
		node_list_free(l);
		log_error("No records found");
		rc = ISCSI_ERR_NO_OBJS_FOUND;
	}
	if (rc)
		ndb_unlock(*db);
	return rc;
}

/* open-iscsi keeps a record a session uses: removing it would leave a
 * session nobody can manage by record (and logging it out for the user
 * could fail a mounted file system). */
static bool record_in_use(const struct session_list *sl, const struct rec *r)
{
	const char *iface = rec_get(r, "iface.iscsi_ifacename");

	if (session_count_for_record(sl, r) == 0)
		return false;
	log_error("This command will remove the record [iface: %s, target: %s, portal: %s,%ld], "
		  "but a session is using it. Logout session then rerun command to remove record.",
		  iface && *iface ? iface : "default", rec_get(r, "node.name"),
		  rec_get(r, "node.conn[0].address"), rec_get_int(r, "node.conn[0].port"));
	return true;
}

int node_delete(struct ctx *c, const char *iface)
{
	struct ll_error err = { 0 };
	struct session_list sl;
	struct node_list l;
	struct ndb *db;
	bool in_use = false;
	int rc = lock_and_load(c, iface, &db, &l);

	if (rc)
		return rc;
	if (session_list_load(&sl))
		sl = (struct session_list){ 0 };
	for (size_t i = 0; i < l.n; i++) {
		if (record_in_use(&sl, l.recs[i])) {
			in_use = true;
			if (!rc)
				rc = ISCSI_ERR_SESS_EXISTS;
			continue;
		}
		if (ndb_node_delete(db, &l.ids[i], &err) < 0) {
			ctx_report(&err);
			if (!rc)
				rc = op_failed(&err);
			ll_error_clear(&err);
		}
	}
	if (in_use)
		log_error("Could not execute operation on all records: %s",
			  iscsi_exit_str(ISCSI_ERR_SESS_EXISTS));
	ndb_unlock(db);
	session_list_free(&sl);
	node_list_free(&l);
	return rc;
}

/* One read and one write per record: all pairs land together or none. */
static int update_one(struct ndb *db, const struct ndb_node_id *id, const struct opts *o)
{
	struct ll_error err = { 0 };
	struct rec *r = NULL;
	int rc;

	if (ndb_node_read(db, id, &r, &err) < 0) {
		ctx_report(&err);
		return op_failed(&err);
	}
	rc = apply_params(r, o);
	if (!rc && ndb_node_write(db, r, &err) < 0) {
		ctx_report(&err);
		rc = op_failed(&err);
	}
	rec_free(r);
	return rc;
}

int node_update(struct ctx *c, const char *iface)
{
	const struct opts *o = c->o;
	const struct opts_param *bad;
	struct node_list l;
	struct ndb *db;
	int rc;

	if (o->n_params == 0) {
		log_error("update requires name and value");
		return ISCSI_ERR_INVAL;
	}
	rc = check_params_early(o, &bad);
	if (rc || (rc = lock_and_load(c, iface, &db, &l)))
		return rc;
	if (bad)
		rc = report_bad_key(bad->name);
	for (size_t i = 0; i < l.n && !rc; i++)
		rc = update_one(db, &l.ids[i], o);
	ndb_unlock(db);
	node_list_free(&l);
	return rc;
}
