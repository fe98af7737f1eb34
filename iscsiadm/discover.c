/* SPDX-License-Identifier: GPL-2.0-or-later */
/* discover.c: SendTargets through iscsid, then the node DB (see discover.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iscsiadm/client.h"
#include "iscsiadm/discover.h"
#include "iscsiadm/login.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/nodes.h"
#include "iscsiadm/print.h"
#include "libiscsi-core/iqn.h"
#include "libiscsi-core/util.h"

#define DISCOVER_SLACK_S 30

int discover_new_drec(struct ctx *c, const char *address, int port, struct rec **out)
{
	struct ll_error err = { 0 };
	const struct cfg *cfg = NULL;
	struct rec *r;
	int rc = ctx_cfg(c, &cfg);

	if (rc)
		return rc;
	r = cfg_rec_new(cfg, REC_DISC_ST);
	if (!r)
		return ISCSI_ERR_NOMEM;
	if (rec_set(r, "discovery.sendtargets.address", address, &err) < 0 ||
	    rec_set_int(r, "discovery.sendtargets.port", port, &err) < 0) {
		rec_free(r);
		return ctx_report(&err);
	}
	*out = r;
	return 0;
}

static int add_stored_iface(struct ndb *db, const char *name, struct rec *rec, void *userdata)
{
	struct discovered *f = userdata;

	(void)db;
	if (ndb_iface_is_builtin(name) || f->n_ifaces >= OPTS_MAX_IFACES)
		return 0;
	f->ifaces[f->n_ifaces] = rec_dup(rec);
	return f->ifaces[f->n_ifaces++] ? 0 : -ENOMEM;
}

int discovered_load_ifaces(struct ctx *c, struct discovered *f)
{
	const struct opts *o = c->o;
	struct ndb *db;
	int rc = ctx_db(c, &db);

	for (size_t i = 0; i < o->n_ifaces && !rc; i++) {
		struct rec *r = NULL;

		rc = ctx_iface(c, o->ifaces[i], &r);
		if (rc == ISCSI_ERR_NO_OBJS_FOUND) {
			log_error("Could not read iface info for %s. Make sure an iface "
				  "config with the file name and iface.iscsi_ifacename %s "
				  "is in %s/ifaces.", o->ifaces[i], o->ifaces[i], ndb_root(db));
			rc = 0;
			continue;
		}
		if (!rc)
			f->ifaces[f->n_ifaces++] = r;
	}
	/* Without -I, open-iscsi binds the targets to every stored iface
	 * record, and to "default" only when there is none. */
	if (!rc && o->n_ifaces == 0 && (rc = ndb_iface_foreach(db, add_stored_iface, f, NULL)) < 0)
		rc = ISCSI_ERR_IDBM;
	if (!rc && f->n_ifaces == 0)
		rc = ctx_iface(c, "default", &f->ifaces[f->n_ifaces++]);
	return rc;
}

static int discover_timeout_s(const struct rec *drec)
{
	long per_try = rec_get_int(drec, "discovery.sendtargets.timeo.login_timeout") +
		       rec_get_int(drec, "discovery.sendtargets.timeo.auth_timeout") +
		       rec_get_int(drec, "discovery.sendtargets.timeo.active_timeout");
	long tries = rec_get_int(drec, "discovery.sendtargets.reopen_max") + 1;
	long t = per_try > 0 && tries > 0 ? per_try * tries : 0;

	if (t > 3600)
		t = 3600;
	return client_timeout((int)t + DISCOVER_SLACK_S);
}

static int build_request(struct ctx *c, const struct rec *drec, const struct rec *iface,
			 struct ipc_msg *m)
{
	struct rec *i = rec_dup(iface);
	const char *iname;
	int rc = i ? 0 : ISCSI_ERR_NOMEM;

	if (!rc && !*rec_get(i, "iface.initiatorname") && !(rc = ctx_iname(c, &iname)))
		rc = rec_set(i, "iface.initiatorname", iname, NULL) < 0 ? ISCSI_ERR_INVAL : 0;
	ipc_msg_init(m, IPC_DISCOVER, 0);
	if (!rc && (login_msg_add_record(m, drec) < 0 || login_msg_add_record(m, i) < 0))
		rc = ISCSI_ERR_NOMEM;
	rec_free(i);
	return rc;
}

static void print_warnings(const struct ipc_msg *reply)
{
	for (size_t i = 0; i < reply->n; i++)
		if (reply->attrs[i].tag == IPC_A_WARNING)
			log_warning("%s", (const char *)reply->attrs[i].val);
}

/* Sends IPC_DISCOVER; on success *reply holds the answer. */
static int ask_iscsid(struct ctx *c, const struct rec *drec, const struct rec *iface,
		      struct ipc_msg *reply)
{
	struct ll_error err = { 0 };
	struct client *cl = NULL;
	struct client_result r;
	struct ipc_msg req;
	int rc = build_request(c, drec, iface, &req);
	bool answered = false;

	if (!rc) {
		answered = ctx_client_open(c, &cl, &err) == 0 &&
			   client_call(cl, &req, reply,
				       client_deadline(discover_timeout_s(drec)), &err) == 0;
		if (answered)
			print_warnings(reply);
		r = answered ? client_reply_result(reply) : client_error_result(&err);
		if (r.msg)
			log_error("%s", r.msg);
		rc = r.status;
	}
	if (rc && answered)
		ipc_msg_free(reply);
	ipc_msg_free(&req);
	client_close(cl);
	if (rc)
		log_error("Could not perform SendTargets discovery: %s", iscsi_exit_str(rc));
	return rc;
}

static int make_node(struct ctx *c, const struct rec *drec, const struct rec *iface,
		     const char *target, const struct iscsi_addr *a, struct rec **out)
{
	struct ll_error err = { 0 };
	const struct cfg *cfg = NULL;
	struct rec *r;

	ctx_cfg(c, &cfg);
	r = cfg_rec_new(cfg, REC_NODE);
	if (!r)
		return ISCSI_ERR_NOMEM;
	rec_copy_common(r, iface);
	if (rec_set(r, "node.name", target, &err) < 0 ||
	    rec_set_int(r, "node.tpgt", a->tpgt, &err) < 0 ||
	    rec_set(r, "node.conn[0].address", a->host, &err) < 0 ||
	    rec_set_int(r, "node.conn[0].port", a->port, &err) < 0 ||
	    rec_set(r, "node.discovery_address",
		    rec_get(drec, "discovery.sendtargets.address"), &err) < 0 ||
	    rec_set_int(r, "node.discovery_port",
			rec_get_int(drec, "discovery.sendtargets.port"), &err) < 0 ||
	    rec_set(r, "node.discovery_type", "send_targets", &err) < 0) {
		rec_free(r);
		log_warning("ignoring portal %s of %s: %s", a->host, target, err.msg);
		return 0;
	}
	*out = r;
	return 0;
}

static int add_portal(struct ctx *c, const struct rec *drec, struct discovered *f,
		      const char *target, const char *portal)
{
	struct ll_error err = { 0 };
	struct iscsi_addr a;

	if (iqn_parse_address(portal, 0, &a, &err) < 0) {
		log_warning("ignoring portal \"%s\" of %s: %s", portal, target, err.msg);
		return 0;
	}
	for (size_t i = 0; i < f->n_ifaces; i++) {
		struct ndb_node_id id;
		struct rec *r = NULL;
		int rc = make_node(c, drec, f->ifaces[i], target, &a, &r);

		if (rc)
			return rc;
		if (!r)
			continue;
		if (ndb_node_id_from_rec(r, &id, &err) < 0) {
			log_warning("ignoring portal %s of %s: %s", portal, target, err.msg);
			rec_free(r);
			return 0;
		}
		if (node_list_add(&f->recs, &id, r) < 0) {
			rec_free(r);
			return ISCSI_ERR_NOMEM;
		}
	}
	return 0;
}

/* TARGET then its PORTALs, repeated. Names are checked again here: they
 * become directory names. */
static int parse_reply(struct ctx *c, const struct rec *drec, const struct ipc_msg *reply,
		       struct discovered *f)
{
	const char *target = NULL;
	int rc = 0;

	for (size_t i = 0; i < reply->n && !rc; i++) {
		const struct ipc_attr_val *av = &reply->attrs[i];
		struct ll_error err = { 0 };
		const char *s = (const char *)av->val;

		if (av->tag == IPC_A_TARGET) {
			target = s;
			if (ndb_check_target(s, &err) < 0) {
				log_warning("Discovery TargetName invalid, ignoring: %s", err.msg);
				target = NULL;
			}
		} else if (av->tag == IPC_A_PORTAL && target) {
			rc = add_portal(c, drec, f, target, s);
		}
	}
	return rc;
}

static bool same_node(const struct ndb_node_id *a, const struct ndb_node_id *b)
{
	return streq(a->target, b->target) && !strcasecmp(a->address, b->address) &&
	       a->port == b->port && a->tpgt == b->tpgt && streq(a->iface, b->iface);
}

static bool from_drec(const struct rec *node, const void *arg)
{
	const struct rec *drec = arg;
	const char *type = rec_get(node, "node.discovery_type");
	const char *addr = rec_get(node, "node.discovery_address");

	return type && streq(type, "send_targets") && addr &&
	       !strcasecmp(addr, rec_get(drec, "discovery.sendtargets.address")) &&
	       rec_get_int(node, "node.discovery_port") ==
	       rec_get_int(drec, "discovery.sendtargets.port");
}

static int delete_stale(struct ndb *db, const struct discovered *f, discovered_owner_fn *owned,
			const void *arg)
{
	struct ll_error err = { 0 };
	struct node_list old;
	int rc = node_list_load(db, NULL, &old);

	for (size_t i = 0; i < old.n && !rc; i++) {
		bool keep = !owned(old.recs[i], arg);

		for (size_t j = 0; j < f->recs.n && !keep; j++)
			keep = same_node(&old.ids[i], &f->recs.ids[j]);
		if (!keep && ndb_node_delete(db, &old.ids[i], &err) < 0)
			rc = ctx_report(&err);
	}
	node_list_free(&old);
	return rc;
}

static void report_add_failure(const struct rec *r, const struct ll_error *err)
{
	char iface[4 * REC_VALUE_MAX + 64];

	print_iface_str(iface, sizeof(iface), r);
	log_error("Could not add/update [%s:%s %s,%ld,%ld %s]",
		  rec_get(r, "iface.transport_name"), iface,
		  rec_get(r, "node.conn[0].address"), rec_get_int(r, "node.conn[0].port"),
		  rec_get_int(r, "node.tpgt"), rec_get(r, "node.name"));
	log_error("%s", err->msg);
}

static int store(struct ctx *c, const struct discovered *f, unsigned op,
		 discovered_owner_fn *owned, const void *arg)
{
	struct ll_error err = { 0 };
	struct ndb *db;
	int rc = ctx_db(c, &db);

	if (rc)
		return rc;
	if (ndb_lock(db, true, &err) < 0)
		return ctx_report(&err);
	if (op & OP_DELETE)
		rc = delete_stale(db, f, owned, arg);
	for (size_t i = 0; i < f->recs.n && (op & (OP_NEW | OP_UPDATE)); i++) {
		if (!(op & OP_UPDATE) && ndb_node_exists(db, &f->recs.ids[i]))
			continue;
		if (ndb_node_write(db, f->recs.recs[i], &err) < 0) {
			report_add_failure(f->recs.recs[i], &err);
			if (!rc)
				rc = err.code ? err.code : ISCSI_ERR_IDBM;
			ll_error_clear(&err);
		}
	}
	ndb_unlock(db);
	return rc;
}

/* -J: { "version", "print_level", "targets": [...] } */
static void print_found(const struct discovered *f, const struct opts *o)
{
	struct json_object *arr = NULL, *doc = NULL;
	struct id_out out;

	if (o->json) {
		doc = json_doc_new();
		json_set_int(doc, "print_level", o->print_level < 0 ? 0 : o->print_level);
		arr = json_set_arr(doc, "targets");
	}
	id_out_init(&out, arr, o->print_level, false);
	for (size_t i = 0; i < f->recs.n; i++)
		id_out_add(&out, &f->recs.ids[i]);
	if (doc)
		json_doc_print(doc);
	fflush(stdout);
}

int discovered_finish(struct ctx *c, struct discovered *f, unsigned op,
		      discovered_owner_fn *owned, const void *arg)
{
	int rc = 0;

	/* open-iscsi: no op given means all of them */
	if (!(op & (OP_NEW | OP_DELETE | OP_UPDATE | OP_NONPERSISTENT | OP_SHOW)))
		op |= OP_NEW | OP_DELETE | OP_UPDATE;
	if (!(op & OP_NONPERSISTENT))
		rc = store(c, f, op, owned, arg);
	print_found(f, c->o);
	if (c->o->login) {
		/* no "Could not log into all portals" here: open-iscsi's
		 * discovery logins end without it */
		int lrc = login_records(c, f->recs.recs, f->recs.n, true);

		if (!rc)
			rc = lrc;
	}
	return rc;
}

void discovered_free(struct discovered *f)
{
	node_list_free(&f->recs);
	for (size_t i = 0; i < f->n_ifaces; i++)
		rec_free(f->ifaces[i]);
	f->n_ifaces = 0;
}

static int process(struct ctx *c, const struct rec *drec, struct discovered *f, unsigned op)
{
	struct ipc_msg reply;
	int rc = ask_iscsid(c, drec, f->ifaces[0], &reply);

	if (rc)
		return rc;
	rc = parse_reply(c, drec, &reply, f);
	ipc_msg_free(&reply);
	if (rc)
		return rc;
	if (f->recs.n == 0) {
		if (c->o->json)
			print_found(f, c->o);   /* the empty listing's document */
		log_error("No portals found");
		return ISCSI_ERR_NO_OBJS_FOUND;
	}
	return discovered_finish(c, f, op, from_drec, drec);
}

int discover_sendtargets(struct ctx *c, const struct rec *drec, unsigned op)
{
	struct discovered *f = calloc(1, sizeof(*f));
	int rc;

	if (!f)
		return ISCSI_ERR_NOMEM;
	rc = discovered_load_ifaces(c, f);
	if (!rc)
		rc = process(c, drec, f, op);
	discovered_free(f);
	free(f);
	return rc;
}
