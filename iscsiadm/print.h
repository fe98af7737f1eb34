/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * print.h: open-iscsi's text formats on stdout, byte for byte (os-brick,
 * CSI drivers and libvirt parse them).
 *
 * Nothing here allocates beyond rec_format()'s buffer, which is wiped and
 * freed before returning.
 */
#ifndef ISCSIADM_PRINT_H
#define ISCSIADM_PRINT_H

#include <stdbool.h>

#include "db/nodedb.h"
#include "db/record.h"
#include "iscsiadm/json_out.h"

/* `iscsiadm -m node`: "addr:port,tpgt iqn" with tpgt as unsigned, like
 * open-iscsi 2.1.8 (an unknown tpgt shows as 4294967295). */
void print_node_flat(const struct ndb_node_id *id);

/* Discovery results: "addr:port,tpgt iqn" with a signed tpgt. */
void print_portal_flat(const char *target, const char *address, int port, int tpgt);

/* The -P 1 tree: "Target:", "\tPortal:", "\t\tIface Name:"; the state
 * remembers the last target and portal so repeats are not printed. */
struct print_tree {
	char target[NDB_TARGET_MAX + 1];
	char address[NDB_ADDR_MAX + 1];
	int port;
	bool have_target, have_portal;
};
void print_tree_init(struct print_tree *t);
/* prefix is "" in node/discovery mode and "\t" under an iface. */
void print_tree_portal(struct print_tree *t, const char *prefix, const char *target,
		       const char *address, int port, int tpgt);
void print_tree_node(struct print_tree *t, const struct ndb_node_id *id);

/* "# BEGIN RECORD 2.1.8" ... "# END RECORD", secrets masked unless asked. */
int print_record(const struct rec *r, bool secrets);

/*
 * Records as a listing: text prints each record as it comes (print_record),
 * -J collects them into { "version", "records": [ { "key": value } ] }
 * printed by rec_list_end(), values as the text shows them (secrets masked
 * unless -S; null for `<empty>`).
 */
struct rec_list_out {
	bool json, secrets;
	struct json_object *doc, *arr;
	int rc;                    /* first printing problem */
};
void rec_list_begin(struct rec_list_out *o, const struct opts *opts);
void rec_list_add(struct rec_list_out *o, const struct rec *r);
/* One record of "key", "value" pairs from elsewhere (firmware tables). */
struct json_object *rec_list_add_json(struct rec_list_out *o);
/* Prints the JSON document when print is set (an empty listing too), and
 * frees it; returns the first problem of rec_list_add(). */
int rec_list_end(struct rec_list_out *o, bool print);

/*
 * Node ids (target, portal, tpgt, iface) as open-iscsi's flat lines or
 * -P 1 tree, or as JSON objects appended to arr.  tpgt prints unsigned in
 * node mode, signed in discovery results (as open-iscsi); JSON has it
 * signed (-1: unknown).
 */
struct id_out {
	struct json_object *arr;   /* NULL: text */
	int level;
	bool unsigned_tpgt;
	struct print_tree tree;
};
void id_out_init(struct id_out *o, struct json_object *arr, int level, bool unsigned_tpgt);
void id_out_add(struct id_out *o, const struct ndb_node_id *id);
/* The JSON object of one node id. */
void id_json(struct json_object *o, const char *target, const char *address, int port,
	     int tpgt, const char *iface);

/* `iscsiadm -m iface`: "name transport,hwaddress,ipaddress,netdev,iname". */
void print_iface_flat(const char *name, const struct rec *iface);

/* "New iSCSI node [tcp:[hw=,ip=,net_if=,iscsi_if=default] addr,port,tpgt iqn] added" */
void print_new_node(const struct rec *node);

/* "[hw=...,ip=...,net_if=...,iscsi_if=...]" of a node or iface record. */
void print_iface_str(char *buf, size_t len, const struct rec *r);

#endif
