/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mode_iface.c: `iscsiadm -m iface` with open-iscsi's messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsiadm/json_out.h"
#include "iscsiadm/mode_iface.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/nodes.h"
#include "iscsiadm/print.h"
#include "libiscsi-core/util.h"

#define MAX_LISTED_IFACES 1024

struct iface_entry {
	char name[NDB_IFACE_MAX + 1];
	struct rec *rec;
};

struct iface_set {
	struct iface_entry e[MAX_LISTED_IFACES];
	size_t n;
};

static int collect_iface(struct ndb *db, const char *name, struct rec *rec, void *userdata)
{
	struct iface_set *s = userdata;

	(void)db;
	if (s->n >= MAX_LISTED_IFACES)
		return 1;
	s->e[s->n].rec = rec_dup(rec);
	if (!s->e[s->n].rec)
		return -1;
	str_copy(s->e[s->n].name, sizeof(s->e[s->n].name), name);
	s->n++;
	return 0;
}

/* open-iscsi lists ifaces/ first, then the built-ins. */
static void builtins_last(struct iface_set *s)
{
	struct iface_entry tmp;
	size_t nb = 0;

	while (nb < s->n && ndb_iface_is_builtin(s->e[nb].name))
		nb++;
	for (size_t k = 0; k < nb; k++) {
		tmp = s->e[0];
		memmove(&s->e[0], &s->e[1], (s->n - 1) * sizeof(s->e[0]));
		s->e[s->n - 1] = tmp;
	}
}

static void iface_set_free(struct iface_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		rec_free(s->e[i].rec);
	free(s);
}

static int load_ifaces(struct ctx *c, struct iface_set **out)
{
	struct ll_error err = { 0 };
	struct iface_set *s = calloc(1, sizeof(*s));
	struct ndb *db;
	int rc = ctx_db(c, &db);

	if (!s)
		return ISCSI_ERR_NOMEM;
	if (rc || ndb_iface_foreach(db, collect_iface, s, &err) < 0) {
		iface_set_free(s);
		return rc ? rc : ctx_report(&err);
	}
	builtins_last(s);
	*out = s;
	return 0;
}

static void print_iface_tree(const struct iface_set *s, const struct node_list *l)
{
	for (size_t i = 0; i < s->n; i++) {
		struct print_tree t;

		printf("Iface: %s\n", s->e[i].name);
		print_tree_init(&t);
		for (size_t j = 0; j < l->n; j++) {
			const struct ndb_node_id *id = &l->ids[j];

			if (streq(id->iface, s->e[i].name))
				print_tree_portal(&t, "\t", id->target, id->address,
						  id->port, id->tpgt);
		}
	}
}

/* -J: an iface's fields, as the flat line shows them (null for <empty>). */
static void iface_json(struct json_object *o, const char *name, const struct rec *r)
{
	json_set_str(o, "name", name);
	json_set_str(o, "transport", rec_get(r, "iface.transport_name"));
	json_set_str(o, "hwaddress", rec_get(r, "iface.hwaddress"));
	json_set_str(o, "ipaddress", rec_get(r, "iface.ipaddress"));
	json_set_str(o, "netdev", rec_get(r, "iface.net_ifacename"));
	json_set_str(o, "initiatorname", rec_get(r, "iface.initiatorname"));
}

/* -J: { "version", "print_level", "ifaces": [ { ... [, "targets"] } ] } */
static void iface_list_json(const struct iface_set *s, const struct node_list *l, int level)
{
	struct json_object *arr, *doc = json_doc_new();

	json_set_int(doc, "print_level", level < 0 ? 0 : level);
	arr = json_set_arr(doc, "ifaces");
	for (size_t i = 0; i < s->n; i++) {
		struct json_object *o = json_arr_add_obj(arr), *targets;

		iface_json(o, s->e[i].name, s->e[i].rec);
		if (level < 1)
			continue;
		targets = json_set_arr(o, "targets");
		for (size_t j = 0; j < l->n; j++) {
			const struct ndb_node_id *id = &l->ids[j];

			if (streq(id->iface, s->e[i].name))
				id_json(json_arr_add_obj(targets), id->target, id->address,
					id->port, id->tpgt, NULL);
		}
	}
	json_doc_print(doc);
}

static int iface_list(struct ctx *c)
{
	int level = c->o->print_level;
	struct iface_set *s;
	struct node_list l = { 0 };
	struct ndb *db;
	int rc;

	if (level < -1 || level > 1) {
		log_error("Invalid info level %d. Try 0 - 1.", level);
		return ISCSI_ERR_INVAL;
	}
	rc = load_ifaces(c, &s);
	if (rc)
		return rc;
	if (level == 1) {
		rc = ctx_db(c, &db);
		if (!rc)
			rc = node_list_load(db, NULL, &l);
	}
	if (!rc && c->o->json) {
		iface_list_json(s, &l, level);
	} else if (!rc && level == 1) {
		/* open-iscsi prints the tree only when there are node records. */
		if (l.n)
			print_iface_tree(s, &l);
	} else if (!rc) {
		for (size_t i = 0; i < s->n; i++)
			print_iface_flat(s->e[i].name, s->e[i].rec);
	}
	node_list_free(&l);
	iface_set_free(s);
	return rc;
}

static int iface_show(struct ctx *c, const char *name)
{
	struct rec_list_out out;
	struct rec *r = NULL;
	int rc = ctx_iface(c, name, &r);

	if (rc == ISCSI_ERR_NO_OBJS_FOUND) {
		log_error("Could not read iface %s (%d).", name, ISCSI_ERR_IDBM);
		return ISCSI_ERR_IDBM;
	}
	if (rc)
		return rc;
	rec_list_begin(&out, c->o);
	out.secrets = false;   /* open-iscsi: iface records never show them */
	rec_list_add(&out, r);
	rc = rec_list_end(&out, true);
	rec_free(r);
	return rc;
}

static int delete_bound_nodes(struct ndb *db, const char *name)
{
	struct ndb_filter f = NDB_FILTER_ANY;
	struct ll_error err = { 0 };
	struct node_list l;
	int rc;

	f.iface = name;
	if (ndb_lock(db, true, &err) < 0)
		return ctx_report(&err);
	rc = node_list_load(db, &f, &l);
	for (size_t i = 0; i < l.n && !rc; i++)
		if (ndb_node_delete(db, &l.ids[i], &err) < 0)
			rc = ctx_report(&err);
	node_list_free(&l);
	ndb_unlock(db);
	return rc;
}

static int iface_delete(struct ctx *c, const char *name)
{
	struct ll_error err = { 0 };
	struct rec *r = NULL;
	struct ndb *db;
	int rc;

	if (!name) {
		log_error("Could not delete interface. No interface passed in.");
		return ISCSI_ERR_INVAL;
	}
	if (ndb_iface_is_builtin(name)) {
		log_error("iface %s is a special interface and cannot be deleted.", name);
		log_error("Could not delete iface %s: %s", name, iscsi_exit_str(ISCSI_ERR_INVAL));
		return ISCSI_ERR_INVAL;
	}
	rc = ctx_iface(c, name, &r);
	rec_free(r);
	if (rc == ISCSI_ERR_NO_OBJS_FOUND) {
		log_error("Could not read iface info for %s.", name);
		log_error("Could not delete iface %s: %s", name, iscsi_exit_str(ISCSI_ERR_INVAL));
		return ISCSI_ERR_INVAL;
	}
	if (rc || (rc = ctx_db(c, &db)))
		return rc;
	/* "unbound": open-iscsi also drops the node records using the iface */
	if ((rc = delete_bound_nodes(db, name)))
		return rc;
	if (ndb_iface_delete(db, name, &err) < 0) {
		log_error("Could not delete iface %s: %s", name, iscsi_exit_str(err.code));
		return ctx_report(&err);
	}
	printf("%s unbound and deleted.\n", name);
	return 0;
}

/* Checks open-iscsi makes before changing an iface; 0 when fine. */
static int check_iface_update(const struct rec *r, const char *name, const char *key,
			      const char *value)
{
	const char *hw = rec_get(r, "iface.hwaddress");
	const char *net = rec_get(r, "iface.net_ifacename");

	if (!rec_key_find(REC_IFACE, key)) {
		log_error("Cannot modify %s. Invalid param name.", key);
		log_error("Could not update iface %s: %s", name, iscsi_exit_str(ISCSI_ERR_INVAL));
		return ISCSI_ERR_INVAL;
	}
	if (*value && streq(key, "iface.net_ifacename") && hw && *hw) {
		log_error("Can not update interface binding from hwaddress to net_ifacename. "
			  "You must delete the interface and create a new one");
		return ISCSI_ERR_INVAL;
	}
	if (*value && streq(key, "iface.hwaddress") && net && *net) {
		log_error("Can not update interface binding from net_ifacename to hwaddress. "
			  "You must delete the interface and create a new one");
		return ISCSI_ERR_INVAL;
	}
	return 0;
}

/* Every pair in order on the record in memory, each checked against the
 * record as the pairs before it left it; the caller writes it once. */
static int iface_set_params(struct ctx *c, struct rec *r, const char *name)
{
	struct ll_error err = { 0 };
	int rc;

	for (size_t i = 0; i < c->o->n_params; i++) {
		const struct opts_param *p = &c->o->params[i];

		if ((rc = check_iface_update(r, name, p->name, p->value)))
			return rc;
		if (rec_set(r, p->name, p->value, &err) < 0) {
			ctx_report(&err);
			log_error("Could not update iface %s: %s", name, iscsi_exit_str(err.code));
			return err.code ? err.code : ISCSI_ERR;
		}
	}
	return 0;
}

static int iface_update_locked(struct ctx *c, struct ndb *db, const char *name)
{
	struct ll_error err = { 0 };
	struct rec *r = NULL;
	int rc = ctx_iface(c, name, &r);

	if (rc == ISCSI_ERR_NO_OBJS_FOUND) {
		log_error("Could not read iface info for %s.", name);
		log_error("Could not update iface %s: %s", name, iscsi_exit_str(ISCSI_ERR_INVAL));
		return ISCSI_ERR_INVAL;
	}
	if (rc)
		return rc;
	rc = iface_set_params(c, r, name);
	if (!rc && ndb_iface_write(db, r, &err) < 0) {
		ctx_report(&err);
		log_error("Could not update iface %s: %s", name, iscsi_exit_str(err.code));
		rc = err.code ? err.code : ISCSI_ERR;
	}
	rec_free(r);
	if (!rc)
		printf("%s updated.\n", name);
	return rc;
}

/* open-iscsi: the name is the record's identity, never updated. */
static int refuse_ifacename(const struct opts *o)
{
	for (size_t i = 0; i < o->n_params; i++) {
		if (streq(o->params[i].name, "iface.iscsi_ifacename")) {
			log_error("Can not update iface.iscsi_ifacename. Delete it, and then "
				  "create a new one.");
			return ISCSI_ERR_INVAL;
		}
	}
	return 0;
}

static int iface_update(struct ctx *c, const char *name)
{
	struct ll_error err = { 0 };
	struct ndb *db;
	int rc;

	if (!name || c->o->n_params == 0) {
		log_error("Update requires name, value, and iface.");
		return ISCSI_ERR_INVAL;
	}
	if (ndb_iface_is_builtin(name)) {
		log_error("iface %s is a special interface and cannot be modified.", name);
		log_error("Could not update iface %s: %s", name, iscsi_exit_str(ISCSI_ERR_INVAL));
		return ISCSI_ERR_INVAL;
	}
	if ((rc = refuse_ifacename(c->o)) || (rc = ctx_db(c, &db)))
		return rc;
	if (ndb_lock(db, true, &err) < 0)
		return ctx_report(&err);
	rc = iface_update_locked(c, db, name);
	ndb_unlock(db);
	return rc;
}

/* Creates the record unless it exists and applies the -n/-v pairs (as
 * open-iscsi does here), all in one write. */
static int iface_new_locked(struct ctx *c, struct ndb *db, const char *name)
{
	struct ll_error err = { 0 };
	struct rec *r = NULL;
	bool exists;
	int rc = ctx_iface(c, name, &r);

	if (rc && rc != ISCSI_ERR_NO_OBJS_FOUND)
		return rc;
	exists = rc == 0;
	if (!exists) {
		r = rec_new(REC_IFACE);
		if (!r)
			return ISCSI_ERR_NOMEM;
		if (rec_set(r, "iface.iscsi_ifacename", name, &err) < 0) {
			rec_free(r);
			log_error("Could not create new interface %s.", name);
			return ctx_report(&err);
		}
	}
	rc = iface_set_params(c, r, name);
	if (!rc && (!exists || c->o->n_params) && ndb_iface_write(db, r, &err) < 0) {
		log_error("Could not create new interface %s.", name);
		rc = ctx_report(&err);
	}
	rec_free(r);
	return rc;
}

static int iface_new(struct ctx *c, const char *name)
{
	struct ll_error err = { 0 };
	struct ndb *db;
	int rc;

	if (!name) {
		log_error("Could not add interface. No interface passed in.");
		return ISCSI_ERR_SYSFS_LOOKUP;   /* sic: open-iscsi 2.1.8 exits 22 */
	}
	if ((rc = ctx_db(c, &db)))
		return rc;
	if (ndb_iface_is_builtin(name)) {
		log_error("iface %s is a special interface and is not stored in %s/ifaces.",
			  name, ndb_root(db));
		log_error("Could not create new interface %s.", name);
		return ISCSI_ERR_INVAL;
	}
	if ((rc = refuse_ifacename(c->o)))
		return rc;
	if (ndb_lock(db, true, &err) < 0)
		return ctx_report(&err);
	rc = iface_new_locked(c, db, name);
	ndb_unlock(db);
	if (rc)
		return rc;
	printf("%s updated.\n", name);
	printf("New interface %s added\n", name);
	return 0;
}

static int iface_offload_only(struct ctx *c, const char *name, const char *what)
{
	struct rec *r = NULL;
	int rc;

	if (name) {
		rc = ctx_iface(c, name, &r);
		rec_free(r);
		if (rc == ISCSI_ERR_NO_OBJS_FOUND) {
			log_error("Could not read iface %s (%d).", name, ISCSI_ERR_IDBM);
			return ISCSI_ERR_IDBM;
		}
		if (rc)
			return rc;
	}
	log_error("%s is only possible with offload iSCSI hosts; lunlink drives "
		  "software iSCSI (tcp) only.", what);
	return ISCSI_ERR_OP_NOT_SUPP;
}

int mode_iface(struct ctx *c)
{
	const struct opts *o = c->o;
	const char *name = o->n_ifaces ? o->ifaces[0] : NULL;

	if (o->submode)
		return iface_offload_only(c, name, "-C ping");
	if (o->host)
		return iface_offload_only(c, NULL, "-H");
	switch (o->op) {
	case OP_NOOP:
	case OP_SHOW:
		return name ? iface_show(c, name) : iface_list(c);
	case OP_NEW:
		return iface_new(c, name);
	case OP_DELETE:
		return iface_delete(c, name);
	case OP_UPDATE:
		return iface_update(c, name);
	case OP_APPLY:
	case OP_APPLY_ALL:
		return iface_offload_only(c, name, "Applying network settings");
	default:
		log_error("operation is not supported.");
		return ISCSI_ERR_INVAL;
	}
}
