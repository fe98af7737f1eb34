/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodes.c: node records collected from the database (see nodes.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iscsiadm/ctx.h"
#include "iscsiadm/nodes.h"
#include "libiscsi-core/util.h"

int node_list_add(struct node_list *l, const struct ndb_node_id *id, struct rec *rec)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct ndb_node_id *ids = realloc(l->ids, cap * sizeof(*ids));
		struct rec **recs;

		if (!ids)
			return -ENOMEM;
		l->ids = ids;
		recs = realloc(l->recs, cap * sizeof(*recs));
		if (!recs)
			return -ENOMEM;
		l->recs = recs;
		l->cap = cap;
	}
	l->ids[l->n] = *id;
	l->recs[l->n] = rec;
	l->n++;
	return 0;
}

static int collect(struct ndb *db, const struct ndb_node_id *id, struct rec *rec,
		   void *userdata)
{
	struct rec *copy = rec_dup(rec);

	(void)db;
	if (!copy || node_list_add(userdata, id, copy) < 0) {
		rec_free(copy);
		return -ENOMEM;
	}
	return 0;
}

int node_list_load(struct ndb *db, const struct ndb_filter *f, struct node_list *out)
{
	struct ll_error err = { 0 };

	memset(out, 0, sizeof(*out));
	if (ndb_node_foreach(db, f, collect, out, NULL, &err) < 0) {
		node_list_free(out);
		if (!err.code)
			ll_error_set(&err, ISCSI_ERR_NOMEM, "out of memory");
		return ctx_report(&err);
	}
	return 0;
}

void node_list_free(struct node_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		rec_free(l->recs[i]);
	free(l->recs);
	free(l->ids);
	memset(l, 0, sizeof(*l));
}

bool node_startup_matches(const struct rec *r, const char *mode)
{
	const char *s = rec_get(r, "node.startup");
	const char *cs = rec_get(r, "node.conn[0].startup");

	if (s && streq(s, "onboot") && !streq(mode, "onboot"))
		return false;
	if (streq(mode, "all"))
		return true;
	return (s && streq(s, mode)) || (cs && streq(cs, mode));
}
