/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mode_node.c: `iscsiadm -m node` dispatch, listing, record dump and login.
 *
 * Order of checks follows open-iscsi 2.1.8 (exec_node_op), because scripts
 * depend on which error wins: --loginall/--logoutall first, then the
 * -I iface, then "-o new", rescan and stats, then the login/logout/op
 * combinations, then the action.
 */
#include <stdio.h>
#include <string.h>

#include "iscsiadm/json_out.h"
#include "iscsiadm/login.h"
#include "iscsiadm/mode_node.h"
#include "iscsiadm/node_sessions.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/nodes.h"
#include "iscsiadm/opts.h"
#include "iscsiadm/print.h"
#include "libiscsi-core/util.h"

static int list_one(struct ndb *db, const struct ndb_node_id *id, struct rec *rec,
		    void *userdata)
{
	(void)db; (void)rec;
	id_out_add(userdata, id);
	return 0;
}

/* -J: { "version", "print_level", "nodes": [...] }, also when empty. */
static int node_list(struct ctx *c)
{
	struct json_object *arr = NULL, *doc = NULL;
	int level = c->o->print_level;
	struct ll_error err = { 0 };
	struct id_out out;
	struct ndb *db;
	unsigned count = 0;
	int rc;

	if (level < -1 || level > 1) {
		log_error("Invalid info level %d. Try 0 or 1.", level);
		return ISCSI_ERR_INVAL;
	}
	rc = ctx_db(c, &db);
	if (rc)
		return rc;
	if (c->o->json) {
		doc = json_doc_new();
		json_set_int(doc, "print_level", level < 0 ? 0 : level);
		arr = json_set_arr(doc, "nodes");
	}
	id_out_init(&out, arr, level, true);
	if (ndb_node_foreach(db, NULL, list_one, &out, &count, &err) < 0) {
		json_object_put(doc);
		return ctx_report(&err);
	}
	if (doc)
		json_doc_print(doc);
	if (count == 0) {
		log_error("No records found");
		return ISCSI_ERR_NO_OBJS_FOUND;
	}
	return 0;
}

static int show_one(struct ndb *db, const struct ndb_node_id *id, struct rec *rec,
		    void *userdata)
{
	(void)db; (void)id;
	rec_list_add(userdata, rec);
	return 0;
}

int node_show(struct ctx *c, const char *iface)
{
	struct ndb_filter f = ctx_node_filter(c, iface);
	struct ll_error err = { 0 };
	struct rec_list_out out;
	struct ndb *db;
	unsigned count = 0;
	int rc = ctx_db(c, &db);

	if (rc)
		return rc;
	rec_list_begin(&out, c->o);
	if (ndb_node_foreach(db, &f, show_one, &out, &count, &err) < 0) {
		rec_list_end(&out, false);
		return ctx_report(&err);
	}
	rc = rec_list_end(&out, true);
	if (count == 0) {
		log_error("No records found");
		return ISCSI_ERR_NO_OBJS_FOUND;
	}
	return rc;
}

static int login_list(struct ctx *c, struct node_list *l, bool one_more)
{
	int rc;

	if (l->n == 0) {
		log_error("No records found");
		return ISCSI_ERR_NO_OBJS_FOUND;
	}
	rc = one_more ? login_records_one_more(c, l->recs, l->n, !c->o->no_wait)
		      : login_records(c, l->recs, l->n, !c->o->no_wait);
	if (rc)
		log_error("Could not log into all portals");
	return rc;
}

static int login_matching(struct ctx *c, const char *iface, bool one_more)
{
	struct ndb_filter f = ctx_node_filter(c, iface);
	struct node_list l;
	struct ndb *db;
	int rc = ctx_db(c, &db);

	if (rc || (rc = node_list_load(db, &f, &l)))
		return rc;
	rc = login_list(c, &l, one_more);
	node_list_free(&l);
	return rc;
}

static int node_login(struct ctx *c, const char *iface)
{
	return login_matching(c, iface, false);
}

int node_login_one_more(struct ctx *c, const char *iface)
{
	return login_matching(c, iface, true);
}

static int node_login_all(struct ctx *c, const char *mode)
{
	struct node_list all, pick = { 0 };
	struct ndb *db;
	int rc;

	if (!streq(mode, "all") && !streq(mode, "manual") && !streq(mode, "automatic") &&
	    !streq(mode, "onboot")) {
		log_error("Invalid loginall option %s.", mode);
		opts_usage(ISCSI_ERR_INVAL);
		return ISCSI_ERR_INVAL;
	}
	rc = ctx_db(c, &db);
	if (rc || (rc = node_list_load(db, NULL, &all)))
		return rc;
	for (size_t i = 0; i < all.n; i++) {
		if (!node_startup_matches(all.recs[i], mode))
			continue;
		if (node_list_add(&pick, &all.ids[i], all.recs[i]) < 0) {
			rc = ISCSI_ERR_NOMEM;
			break;
		}
		all.recs[i] = NULL;   /* moved into pick */
	}
	if (!rc)
		rc = login_list(c, &pick, false);
	node_list_free(&pick);
	node_list_free(&all);
	return rc;
}

/* -I: open-iscsi reads the iface first and gives up with this message. */
static int check_iface(struct ctx *c, const char **iface)
{
	const struct opts *o = c->o;
	struct rec *r = NULL;
	int rc;

	*iface = NULL;
	if (o->n_ifaces == 0)
		return 0;
	rc = ctx_iface(c, o->ifaces[0], &r);
	if (rc == ISCSI_ERR_NO_OBJS_FOUND) {
		log_error("Could not read iface info for %s.", o->ifaces[0]);
		return ISCSI_ERR_NOMEM;   /* open-iscsi 2.1.8 exits 3 here */
	}
	if (rc)
		return rc;
	if (o->n_ifaces > 1)
		log_warning("NODE mode only accepts one interface. Using the first one "
			    "driver %s hwaddress %s ipaddress %s.",
			    rec_get(r, "iface.transport_name"), rec_get(r, "iface.hwaddress"),
			    rec_get(r, "iface.ipaddress"));
	rec_free(r);
	*iface = o->ifaces[0];
	return 0;
}

static int node_op(struct ctx *c, const char *iface)
{
	const struct opts *o = c->o;

	switch (o->op) {
	case OP_NOOP:
		if (!o->targetname && !o->portal && !iface)
			return node_list(c);
		return node_show(c, iface);
	case OP_SHOW:
		return node_show(c, iface);
	case OP_NEW:
		return node_new(c, iface);
	case OP_DELETE:
		return node_delete(c, iface);
	case OP_UPDATE:
		return node_update(c, iface);
	default:
		log_error("operation is not supported.");
		return ISCSI_ERR_INVAL;
	}
}

int mode_node(struct ctx *c)
{
	const struct opts *o = c->o;
	const char *iface;
	int rc;

	if (o->login_all)
		return node_login_all(c, o->login_all);
	if (o->logout_all)
		return node_logout_all(c, o->logout_all);
	rc = ctx_portal(c);
	if (rc || (rc = check_iface(c, &iface)))
		return rc;
	/* open-iscsi's order: "new", rescan and stats win over the checks */
	if (o->op == OP_NEW)
		return node_new(c, iface);
	if (o->rescan)
		return node_rescan(c, iface);
	if (o->stats)
		return node_stats(c, iface);
	if (o->login && o->logout) {
		log_error("Invalid parameters. Both login and logout passed in");
		return ISCSI_ERR_INVAL;
	}
	if ((o->login || o->logout) && o->op) {
		log_error("Invalid parameters. Login/logout and op passed in");
		return ISCSI_ERR_INVAL;
	}
	if (o->login)
		return node_login(c, iface);
	if (o->logout)
		return node_logout(c, iface);
	return node_op(c, iface);
}
