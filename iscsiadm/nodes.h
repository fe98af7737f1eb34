/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nodes.h: a list of node records picked from the database, so mode
 * functions can work on a stable set (the database may be rewritten while
 * they go through it, e.g. by -o update or discovery).
 *
 * Memory: the list owns its records (rec_free() on node_list_free()).
 */
#ifndef ISCSIADM_NODES_H
#define ISCSIADM_NODES_H

#include <stdbool.h>
#include <stddef.h>

#include "db/nodedb.h"
#include "db/record.h"

struct node_list {
	struct ndb_node_id *ids;
	struct rec **recs;
	size_t n, cap;
};

/* Every record matching f (NULL = all), sorted like `iscsiadm -m node`.
 * Returns 0 or an exit code (printed). */
int node_list_load(struct ndb *db, const struct ndb_filter *f, struct node_list *out);
/* Takes ownership of rec. */
int node_list_add(struct node_list *l, const struct ndb_node_id *id, struct rec *rec);
void node_list_free(struct node_list *l);

/* Whether --loginall/--logoutall=MODE picks record r, as open-iscsi
 * decides: node.startup (or node.conn[0].startup) equal to MODE; "all" is
 * every record except onboot ones, which only "onboot" picks (they may
 * carry the root file system). */
bool node_startup_matches(const struct rec *r, const char *mode);

#endif
