/* SPDX-License-Identifier: GPL-2.0-or-later */
/* print.c: open-iscsi's output formats (see print.h). */
#include <stdio.h>
#include <string.h>

#include "iscsiadm/portal.h"
#include "iscsiadm/print.h"
#include "libiscsi-core/errors.h"
#include "libiscsi-core/util.h"

#define PORTAL_TEXT_MAX (NDB_ADDR_MAX + 16)

void print_node_flat(const struct ndb_node_id *id)
{
	char portal[PORTAL_TEXT_MAX];

	portal_format(portal, sizeof(portal), id->address, id->port);
	printf("%s,%u %s\n", portal, (unsigned)id->tpgt, id->target);
}

void print_portal_flat(const char *target, const char *address, int port, int tpgt)
{
	char portal[PORTAL_TEXT_MAX];

	portal_format(portal, sizeof(portal), address, port);
	printf("%s,%d %s\n", portal, tpgt, target);
}

void print_tree_init(struct print_tree *t)
{
	memset(t, 0, sizeof(*t));
}

void print_tree_portal(struct print_tree *t, const char *prefix, const char *target,
		       const char *address, int port, int tpgt)
{
	char portal[PORTAL_TEXT_MAX];

	if (!t->have_target || !streq(t->target, target)) {
		fputs(prefix, stdout);
		printf("Target: %s\n", target);
		str_copy(t->target, sizeof(t->target), target);
		t->have_target = true;
		t->have_portal = false;
	}
	if (!t->have_portal || !streq(t->address, address) || t->port != port) {
		portal_format(portal, sizeof(portal), address, port);
		printf("%s\tPortal: %s,%d\n", prefix, portal, tpgt);
		str_copy(t->address, sizeof(t->address), address);
		t->port = port;
		t->have_portal = true;
	}
}

void print_tree_node(struct print_tree *t, const struct ndb_node_id *id)
{
	print_tree_portal(t, "", id->target, id->address, id->port, id->tpgt);
	printf("\t\tIface Name: %s\n", id->iface);
}

int print_record(const struct rec *r, bool secrets)
{
	char *text = rec_format(r, secrets ? REC_FMT_SHOW_SECRETS : REC_FMT_SHOW);

	if (!text)
		return ISCSI_ERR_NOMEM;
	fputs(text, stdout);
	secure_zero(text, strlen(text));
	free(text);
	return 0;
}

void rec_list_begin(struct rec_list_out *o, const struct opts *opts)
{
	memset(o, 0, sizeof(*o));
	o->json = opts->json;
	o->secrets = opts->show_secrets;
	if (o->json)
		o->doc = json_doc_list("records", &o->arr);
}

static void add_pair(void *ud, const char *name, const char *value)
{
	json_set_str(ud, name, value);
}

void rec_list_add(struct rec_list_out *o, const struct rec *r)
{
	int rc;

	if (o->json) {
		rec_each_shown(r, o->secrets ? REC_FMT_SHOW_SECRETS : REC_FMT_SHOW, add_pair,
			       json_arr_add_obj(o->arr));
		return;
	}
	rc = print_record(r, o->secrets);
	if (rc && !o->rc)
		o->rc = rc;
}

struct json_object *rec_list_add_json(struct rec_list_out *o)
{
	return json_arr_add_obj(o->arr);
}

int rec_list_end(struct rec_list_out *o, bool print)
{
	if (o->doc && print)
		json_doc_print(o->doc);
	else if (o->doc)
		json_object_put(o->doc);
	o->doc = o->arr = NULL;
	return o->rc;
}

void id_json(struct json_object *o, const char *target, const char *address, int port,
	     int tpgt, const char *iface)
{
	json_set_str(o, "target", target);
	json_set_str(o, "address", address);
	json_set_int(o, "port", port);
	json_set_int(o, "tpgt", tpgt);
	if (iface)
		json_set_str(o, "iface", iface);
}

void id_out_init(struct id_out *o, struct json_object *arr, int level, bool unsigned_tpgt)
{
	memset(o, 0, sizeof(*o));
	o->arr = arr;
	o->level = level;
	o->unsigned_tpgt = unsigned_tpgt;
	print_tree_init(&o->tree);
}

void id_out_add(struct id_out *o, const struct ndb_node_id *id)
{
	if (o->arr)
		id_json(json_arr_add_obj(o->arr), id->target, id->address, id->port, id->tpgt,
			id->iface);
	else if (o->level >= 1)
		print_tree_node(&o->tree, id);
	else if (o->unsigned_tpgt)
		print_node_flat(id);
	else
		print_portal_flat(id->target, id->address, id->port, id->tpgt);
}

static const char *or_empty(const char *v)
{
	return v && *v ? v : "<empty>";
}

void print_iface_flat(const char *name, const struct rec *iface)
{
	printf("%s %s,%s,%s,%s,%s\n", name,
	       or_empty(rec_get(iface, "iface.transport_name")),
	       or_empty(rec_get(iface, "iface.hwaddress")),
	       or_empty(rec_get(iface, "iface.ipaddress")),
	       or_empty(rec_get(iface, "iface.net_ifacename")),
	       or_empty(rec_get(iface, "iface.initiatorname")));
}

static const char *val(const struct rec *r, const char *key)
{
	const char *v = rec_get(r, key);

	return v ? v : "";
}

void print_iface_str(char *buf, size_t len, const struct rec *r)
{
	snprintf(buf, len, "[hw=%s,ip=%s,net_if=%s,iscsi_if=%s]",
		 val(r, "iface.hwaddress"), val(r, "iface.ipaddress"),
		 val(r, "iface.net_ifacename"), val(r, "iface.iscsi_ifacename"));
}

void print_new_node(const struct rec *node)
{
	char iface[4 * REC_VALUE_MAX + 64];

	print_iface_str(iface, sizeof(iface), node);
	printf("New iSCSI node [%s:%s %s,%ld,%ld %s] added\n",
	       val(node, "iface.transport_name"), iface,
	       val(node, "node.conn[0].address"),
	       rec_get_int(node, "node.conn[0].port"),
	       rec_get_int(node, "node.tpgt"), val(node, "node.name"));
}
