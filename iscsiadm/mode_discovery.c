/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mode_discovery.c: `iscsiadm -m discovery` and the discovery listing. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "iscsiadm/discover.h"
#include "iscsiadm/json_out.h"
#include "iscsiadm/login.h"
#include "iscsiadm/mode_discovery.h"
#include "iscsiadm/mode_fw.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/nodes.h"
#include "iscsiadm/print.h"
#include "libiscsi-core/util.h"

/* What disc_print_all() prints into: text, or the -J document's arrays. */
struct listing {
	int level;
	unsigned found;
	const struct node_list *nodes;
	struct json_object *doc, *st;   /* -J: the document, its "sendtargets" */
};

static bool node_of(const struct rec *node, const char *type, const char *addr, int port)
{
	const char *t = rec_get(node, "node.discovery_type");
	const char *a = rec_get(node, "node.discovery_address");

	if (!t || !streq(t, type))
		return false;
	if (!addr)
		return true;
	return a && !strcasecmp(a, addr) && rec_get_int(node, "node.discovery_port") == port;
}

static unsigned print_discovered(const struct node_list *l, struct json_object *arr,
				 const char *type, const char *addr, int port)
{
	struct id_out out;
	unsigned n = 0;

	id_out_init(&out, arr, 1, false);
	for (size_t i = 0; i < l->n; i++) {
		if (!node_of(l->recs[i], type, addr, port))
			continue;
		id_out_add(&out, &l->ids[i]);
		n++;
	}
	return n;
}

static int list_drec(struct ndb *db, const char *address, int port, struct rec *rec,
		     void *userdata)
{
	struct listing *st = userdata;
	struct json_object *o = NULL, *targets = NULL;

	(void)db; (void)rec;
	st->found++;
	if (st->doc) {
		o = json_arr_add_obj(st->st);
		json_set_str(o, "address", address);
		json_set_int(o, "port", port);
	}
	if (st->level < 1) {
		if (!o)
			printf("%s:%d via sendtargets\n", address, port);
		return 0;
	}
	if (o)
		targets = json_set_arr(o, "targets");
	else
		printf("DiscoveryAddress: %s,%d\n", address, port);
	print_discovered(st->nodes, targets, "send_targets", address, port);
	return 0;
}

/* -P 1's sections of nodes without a discovery record of their own. */
static unsigned print_section(struct listing *st, const char *title, const char *key,
			      const char *type)
{
	struct json_object *arr = st->doc ? json_set_arr(st->doc, key) : NULL;
	unsigned n;

	if (!arr)
		printf("%s:\n", title);
	n = type ? print_discovered(st->nodes, arr, type, NULL, 0) : 0;
	if (!n && !arr)
		printf("No targets found.\n");
	return n;
}

static void listing_begin(struct listing *st)
{
	if (st->doc) {
		json_set_int(st->doc, "print_level", st->level < 0 ? 0 : st->level);
		st->st = json_set_arr(st->doc, "sendtargets");
	} else if (st->level >= 1) {
		printf("SENDTARGETS:\n");
	}
}

/*
 * -J: { "version", "print_level", "sendtargets": [ { "address", "port"
 * [, "targets"] } ] [, "isns", "static", "firmware": [ targets ]] }.
 */
int disc_print_all(struct ctx *c)
{
	struct listing st = { .level = c->o->print_level };
	struct ll_error err = { 0 };
	struct node_list l = { 0 };
	struct ndb *db;
	int rc = ctx_db(c, &db);

	if (rc)
		return rc;
	if (st.level >= 1) {
		if ((rc = node_list_load(db, NULL, &l)))
			return rc;
		st.nodes = &l;
	}
	if (c->o->json)
		st.doc = json_doc_new();
	listing_begin(&st);
	if (ndb_disc_foreach(db, list_drec, &st, &err) < 0) {
		json_object_put(st.doc);
		node_list_free(&l);
		return ctx_report(&err);
	}
	if (st.level >= 1) {
		if (!st.found && !st.doc)
			printf("No targets found.\n");
		st.found += print_section(&st, "iSNS", "isns", "isns");
		st.found += print_section(&st, "STATIC", "static", "static");
		st.found += print_section(&st, "FIRMWARE", "firmware", "fw");
	}
	if (st.doc)
		json_doc_print(st.doc);
	node_list_free(&l);
	return st.found ? 0 : ISCSI_ERR_NO_OBJS_FOUND;
}

int disc_check_type(struct ctx *c)
{
	const struct opts *o = c->o;

	switch (o->disc_type) {
	case DISC_TYPE_ST:
		if (!o->portal) {
			log_error("Please specify portal as <ipaddr>[:<ipport>]");
			return ISCSI_ERR_INVAL;
		}
		return ctx_portal(c);
	case DISC_TYPE_ISNS:
		if (!o->portal) {
			log_error("Please specify portal as <ipaddr>:[<ipport>]");
			return ISCSI_ERR_INVAL;
		}
		log_error("iSNS discovery is not supported by lunlink");
		log_error("Could not perform iSNS discovery: %s",
			  iscsi_exit_str(ISCSI_ERR_ISNS_UNAVAILABLE));
		return ISCSI_ERR_ISNS_UNAVAILABLE;
	case DISC_TYPE_SLP:
		log_error("SLP discovery is not fully implemented yet.");
		return ISCSI_ERR_INVAL;
	case DISC_TYPE_FW:
		/* -m discovery -t fw does not come here (discover_fw) */
		log_error("firmware boot tables have no discovery record: "
			  "use iscsiadm -m discovery -t fw");
		return ISCSI_ERR_OP_NOT_SUPP;
	default:
		return 0;
	}
}

static int login_drec_nodes(struct ctx *c, const char *addr, int port)
{
	struct node_list all, pick = { 0 };
	struct ndb *db;
	int rc = ctx_db(c, &db);

	if (rc || (rc = node_list_load(db, NULL, &all)))
		return rc;
	for (size_t i = 0; i < all.n && !rc; i++) {
		if (!node_of(all.recs[i], "send_targets", addr, port))
			continue;
		if (node_list_add(&pick, &all.ids[i], all.recs[i]) < 0)
			rc = ISCSI_ERR_NOMEM;
		else
			all.recs[i] = NULL;
	}
	if (!rc && pick.n == 0) {
		log_error("No records found");
		rc = ISCSI_ERR_NO_OBJS_FOUND;
	} else if (!rc) {
		/* open-iscsi's discovery logins end without a summary line */
		rc = login_records(c, pick.recs, pick.n, true);
	}
	node_list_free(&pick);
	node_list_free(&all);
	return rc;
}

/* -m discovery -p X without -t: the stored record of X. */
static int legacy_record(struct ctx *c)
{
	const struct opts *o = c->o;
	struct ll_error err = { 0 };
	struct rec *drec = NULL;
	struct ndb *db;
	int rc = ctx_portal(c);

	if (rc || (rc = ctx_db(c, &db)))
		return rc;
	if (ndb_disc_read(db, c->portal.address, c->portal.port, &drec, &err) < 0) {
		log_error("Discovery record [%s,%d] not found!", c->portal.address, c->portal.port);
		return ISCSI_ERR_INVAL;
	}
	if (o->op & (OP_NEW | OP_UPDATE)) {
		log_error("Operations new and update for discovery mode is not supported. "
			  "Use discoverydb mode.");
		rc = ISCSI_ERR_INVAL;
	} else if (o->op & OP_DELETE) {
		if (ndb_disc_delete(db, c->portal.address, c->portal.port, true, &err) < 0)
			rc = ctx_report(&err);
	} else if (o->login) {
		rc = login_drec_nodes(c, c->portal.address, c->portal.port);
	} else {
		struct rec_list_out out;

		rec_list_begin(&out, o);
		rec_list_add(&out, drec);
		rc = rec_list_end(&out, true);
	}
	rec_free(drec);
	return rc;
}

/* The legacy form rebuilds the discovery record from iscsid.conf unless
 * only "-o new" asked to keep an existing one. */
static int legacy_drec(struct ctx *c, struct rec **out)
{
	const struct opts *o = c->o;
	struct ll_error err = { 0 };
	struct ndb *db;
	int rc = ctx_db(c, &db);

	if (rc)
		return rc;
	if (!(o->op & OP_NONPERSISTENT) && !(o->op & OP_UPDATE) && o->op &&
	    ndb_disc_read(db, c->portal.address, c->portal.port, out, NULL) == 0)
		return 0;
	rc = discover_new_drec(c, c->portal.address, c->portal.port, out);
	if (!rc && !(o->op & OP_NONPERSISTENT) && ndb_disc_write(db, *out, &err) < 0) {
		rec_free(*out);
		*out = NULL;
		log_error("Could not add new discovery record.");
		rc = ctx_report(&err);
	}
	return rc;
}

int mode_discovery(struct ctx *c)
{
	const struct opts *o = c->o;
	struct rec *drec = NULL;
	int rc;

	if (o->disc_type == DISC_TYPE_FW)
		return discover_fw(c);
	rc = disc_check_type(c);
	if (rc)
		return rc;
	if (o->disc_type == DISC_TYPE_NONE) {
		if (o->portal)
			return legacy_record(c);
		if (o->op & ~OP_SHOW) {
			log_error("Invalid operation.");
			return ISCSI_ERR_INVAL;
		}
		return disc_print_all(c);
	}
	rc = legacy_drec(c, &drec);
	if (!rc)
		rc = discover_sendtargets(c, drec, o->op);
	rec_free(drec);
	return rc;
}
