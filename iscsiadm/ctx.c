/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ctx.c: lazily opened database, configuration and initiator name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iscsiadm/ctx.h"
#include "iscsiadm/msg.h"
#include "libiscsi-core/util.h"

/* Record-file problems: errors always, harmless notices only with -d. */
static void diag_print(void *userdata, enum rec_diag_level level,
		       const char *file, unsigned line, const char *msg)
{
	(void)userdata;
	if (level == REC_DIAG_ERROR)
		log_warning("%s:%u: %s", file, line, msg);
	else
		log_debug(1, "%s:%u: %s", file, line, msg);
}

static const struct rec_diag diag = { .fn = diag_print, .userdata = NULL };

void ctx_init(struct ctx *c, const struct opts *o)
{
	memset(c, 0, sizeof(*c));
	c->o = o;
}

void ctx_free(struct ctx *c)
{
	if (c->db)
		ndb_close(c->db);
	if (c->cfg)
		cfg_free(c->cfg);
	c->db = NULL;
	c->cfg = NULL;
}

int ctx_report(const struct ll_error *err)
{
	log_error("%s", err->msg[0] ? err->msg : "unknown error");
	return err->code ? err->code : ISCSI_ERR;
}

int ctx_db(struct ctx *c, struct ndb **out)
{
	struct ll_error err = { 0 };

	if (!c->db) {
		if (ndb_open(NULL, &c->db, &err) < 0)
			return ctx_report(&err);
		ndb_set_diag(c->db, &diag);
	}
	*out = c->db;
	return 0;
}

int ctx_cfg(struct ctx *c, const struct cfg **out)
{
	struct ll_error err = { 0 };

	if (!c->cfg && cfg_load(NULL, &c->cfg, &diag, &err) < 0)
		return ctx_report(&err);
	*out = c->cfg;
	return 0;
}

int ctx_client_open(struct ctx *c, struct client **out, struct ll_error *err)
{
	const struct cfg *cfg = NULL;

	/* a broken iscsid.conf is reported by ctx_cfg(); iscsid may still
	 * be running, so try without the startup command */
	ctx_cfg(c, &cfg);
	return client_open(out, true, cfg, err);
}

int ctx_iname(struct ctx *c, const char **out)
{
	struct ll_error err = { 0 };

	if (!c->have_iname) {
		if (cfg_iname_ensure(NULL, &c->iname, &err) < 0)
			return ctx_report(&err);
		c->have_iname = true;
	}
	*out = c->iname.name;
	return 0;
}

int ctx_portal(struct ctx *c)
{
	struct ll_error err = { 0 };

	if (!c->o->portal || c->have_portal)
		return 0;
	if (portal_arg_parse(c->o->portal, &c->portal, &err) < 0)
		return ctx_report(&err);
	c->have_portal = true;
	return 0;
}

struct ndb_filter ctx_node_filter(const struct ctx *c, const char *iface)
{
	struct ndb_filter f = NDB_FILTER_ANY;

	f.target = c->o->targetname;
	if (c->have_portal) {
		f.address = c->portal.address;
		f.port = c->portal.port;
	}
	f.iface = iface;
	return f;
}

int ctx_iface(struct ctx *c, const char *name, struct rec **out)
{
	struct ll_error err = { 0 };
	struct ndb *db;
	int rc, r;

	rc = ctx_db(c, &db);
	if (rc)
		return rc;
	r = ndb_iface_read(db, name, out, &err);
	/* A name that cannot be a file ("a/b") is no iface either. */
	if (r == -ENOENT || r == -EINVAL || (r < 0 && err.code == ISCSI_ERR_NO_OBJS_FOUND))
		return ISCSI_ERR_NO_OBJS_FOUND;
	if (r < 0)
		return ctx_report(&err);
	return 0;
}
