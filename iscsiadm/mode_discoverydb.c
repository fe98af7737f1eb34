/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mode_discoverydb.c: `iscsiadm -m discoverydb`: discovery records as
 * explicit objects.  Without -D exactly one of new/delete/update/show;
 * with -D the stored record (created from iscsid.conf when missing) drives
 * a discovery, and -o new/delete/update/nonpersistent say what happens to
 * the node records (see discover.h).
 */
#include <stdio.h>
#include <string.h>

#include "iscsiadm/discover.h"
#include "iscsiadm/mode_discovery.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/print.h"
#include "libiscsi-core/util.h"

/* One -n/-v pair on a discovery record, with open-iscsi's refusals. */
static int drec_set_one(struct rec *r, const struct opts_param *p)
{
	const struct rec_key *k = rec_key_find(REC_DISC_ST, p->name);
	struct ll_error err = { 0 };

	if (!k || (k->flags & REC_F_HIDDEN)) {
		log_error("Cannot modify %s. Invalid param name.", p->name);
		return ISCSI_ERR_INVAL;
	}
	if (k->flags & REC_F_LOOKUP) {
		log_error("Cannot modify %s. It is used to look up the record and cannot "
			  "be changed.", p->name);
		return ISCSI_ERR_INVAL;
	}
	if (rec_set(r, p->name, p->value, &err) < 0)
		return ctx_report(&err);
	return 0;
}

/* Every pair in order on the record in memory; the caller writes it once,
 * so either all pairs land or (one refused) none. */
static int drec_set(struct ctx *c, struct rec *r)
{
	int rc = 0;

	for (size_t i = 0; i < c->o->n_params && !rc; i++)
		rc = drec_set_one(r, &c->o->params[i]);
	return rc;
}

/* Creates the record unless it exists; -n/-v pairs (which open-iscsi
 * ignores here) are applied to it either way, in the same single write. */
static int drec_new(struct ctx *c, struct ndb *db)
{
	struct ll_error err = { 0 };
	struct rec *r = NULL;
	bool exists;
	int rc = 0;

	if (ndb_lock(db, true, &err) < 0)
		return ctx_report(&err);
	exists = ndb_disc_read(db, c->portal.address, c->portal.port, &r, NULL) == 0;
	if (!exists)
		rc = discover_new_drec(c, c->portal.address, c->portal.port, &r);
	if (!rc)
		rc = drec_set(c, r);
	if (!rc && (!exists || c->o->n_params) && ndb_disc_write(db, r, &err) < 0) {
		log_error("Could not add new discovery record.");
		rc = ctx_report(&err);
	}
	ndb_unlock(db);
	rec_free(r);
	if (!rc)
		printf("New discovery record for [%s,%d] added.\n", c->portal.address,
		       c->portal.port);
	return rc;
}

static int drec_read(struct ctx *c, struct ndb *db, struct rec **out)
{
	if (ndb_disc_read(db, c->portal.address, c->portal.port, out, NULL) < 0) {
		log_error("Discovery record [%s,%d] not found.", c->portal.address,
			  c->portal.port);
		return ISCSI_ERR_IDBM;
	}
	return 0;
}

static int drec_update(struct ctx *c, struct ndb *db)
{
	struct ll_error err = { 0 };
	struct rec *r = NULL;
	int rc;

	if (c->o->n_params == 0) {
		log_error("Update requires name and value.");
		return ISCSI_ERR_INVAL;
	}
	if (ndb_lock(db, true, &err) < 0)
		return ctx_report(&err);
	rc = drec_read(c, db, &r);
	if (!rc)
		rc = drec_set(c, r);
	if (!rc && ndb_disc_write(db, r, &err) < 0)
		rc = ctx_report(&err);
	ndb_unlock(db);
	rec_free(r);
	return rc;
}

static int drec_op(struct ctx *c, struct ndb *db)
{
	struct rec_list_out out;
	struct ll_error err = { 0 };
	struct rec *r = NULL;
	int rc;

	switch (c->o->op) {
	case OP_NEW:
		return drec_new(c, db);
	case OP_UPDATE:
		return drec_update(c, db);
	case OP_DELETE:
		if ((rc = drec_read(c, db, &r)))
			return rc;
		rec_free(r);
		if (ndb_disc_delete(db, c->portal.address, c->portal.port, true, &err) < 0)
			return ctx_report(&err);
		return 0;
	case OP_NOOP:
	case OP_SHOW:
		if ((rc = drec_read(c, db, &r)))
			return rc;
		rec_list_begin(&out, c->o);
		rec_list_add(&out, r);
		rc = rec_list_end(&out, true);
		rec_free(r);
		return rc;
	default:
		log_error("Operation is not supported.");
		return ISCSI_ERR_INVAL;
	}
}

/* -D: the stored record, made from iscsid.conf when missing. */
static int drec_discover(struct ctx *c, struct ndb *db)
{
	const struct opts *o = c->o;
	bool keep = !(o->op & OP_NONPERSISTENT);
	struct ll_error err = { 0 };
	struct rec *r = NULL;
	int rc = 0;

	if ((o->op & OP_NEW) && keep && (rc = drec_new(c, db)))
		return rc;
	if (ndb_disc_read(db, c->portal.address, c->portal.port, &r, NULL) < 0) {
		rc = discover_new_drec(c, c->portal.address, c->portal.port, &r);
		if (!rc && keep && ndb_disc_write(db, r, &err) < 0)
			rc = ctx_report(&err);
	}
	if (!rc && (o->op & OP_UPDATE) && o->n_params) {
		rc = drec_set(c, r);
		if (!rc && keep && ndb_disc_write(db, r, &err) < 0)
			rc = ctx_report(&err);
	}
	if (!rc)
		rc = discover_sendtargets(c, r, o->op & ~OP_SHOW);
	rec_free(r);
	return rc;
}

int mode_discoverydb(struct ctx *c)
{
	const struct opts *o = c->o;
	struct ndb *db;
	int rc = disc_check_type(c);

	if (rc)
		return rc;
	if (o->disc_type == DISC_TYPE_NONE) {
		if (o->portal) {
			log_error("Invalid command. Possibly missing discovery --type.");
			return ISCSI_ERR_INVAL;
		}
		if (o->op & ~OP_SHOW) {
			log_error("Invalid operation. Operation not supported.");
			return ISCSI_ERR_INVAL;
		}
		return disc_print_all(c);
	}
	if ((rc = ctx_db(c, &db)))
		return rc;
	return o->discover ? drec_discover(c, db) : drec_op(c, db);
}
