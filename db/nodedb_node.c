/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nodedb_node.c: node records, nodes/<iqn>/<addr>,<port>,<tpgt>/<iface>,
 * and the send_targets/, static/ and fw/ links that name them.
 */
#include <fcntl.h>
#include <stdio.h>
#include <strings.h>

#include "db/nodedb_int.h"
#include "libiscsi-core/util.h"

#define LEGACY_IFACE "default"

static int portal_name(const struct ndb_node_id *id, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s,%d,%d", id->address, id->port, id->tpgt);

	return n < 0 || (size_t)n >= cap || n > NAME_MAX ? -ENAMETOOLONG : 0;
}

static int check_id(const struct ndb_node_id *id, struct ll_error *err)
{
	if (ndb_check_target(id->target, err) < 0 ||
	    ndb_check_address(id->address, err) < 0 ||
	    ndb_check_iface(id->iface, err) < 0)
		return -EINVAL;
	if (id->port < 0 || id->port > 65535 || id->tpgt < -1 || id->tpgt > 65535)
		return ll_error_set(err, ISCSI_ERR_INVAL,
				    "Invalid port %d or tpgt %d for target %s.",
				    id->port, id->tpgt, id->target), -EINVAL;
	return 0;
}

int ndb_node_id_from_rec(const struct rec *rec, struct ndb_node_id *id,
			 struct ll_error *err)
{
	const char *t = rec_get(rec, "node.name");
	const char *a = rec_get(rec, "node.conn[0].address");
	const char *i = rec_get(rec, "iface.iscsi_ifacename");

	if (!t || !a || !i)
		return ll_error_set(err, ISCSI_ERR_INVAL, "Not a node record."), -EINVAL;
	memset(id, 0, sizeof(*id));
	if (str_copy(id->target, sizeof(id->target), t) < 0)
		return ndb_check_target(t, err), -EINVAL;
	if (str_copy(id->address, sizeof(id->address), a) < 0)
		return ndb_check_address(a, err), -EINVAL;
	str_copy(id->iface, sizeof(id->iface), *i ? i : LEGACY_IFACE);
	id->port = (int)rec_get_int(rec, "node.conn[0].port");
	id->tpgt = (int)rec_get_int(rec, "node.tpgt");
	return check_id(id, err);
}

bool ndb_filter_match(const struct ndb_filter *f, const struct ndb_node_id *id)
{
	if (!f)
		return true;
	return (!f->target || streq(f->target, id->target)) &&
	       (!f->address || !strcasecmp(f->address, id->address)) &&
	       (f->port == NDB_ANY || f->port == id->port) &&
	       (f->tpgt == NDB_ANY || f->tpgt == id->tpgt) &&
	       (!f->iface || streq(f->iface, id->iface));
}

/* The path is the truth about identity: a file saying otherwise is ignored. */
static void apply_id(struct rec *r, const struct ndb_node_id *id)
{
	rec_set(r, "node.name", id->target, NULL);
	rec_set(r, "node.conn[0].address", id->address, NULL);
	rec_set_int(r, "node.conn[0].port", id->port, NULL);
	rec_set_int(r, "node.tpgt", id->tpgt, NULL);
	rec_set(r, "iface.iscsi_ifacename", id->iface, NULL);
}

/* ---- iteration ---- */

struct walk {
	struct ndb *db;
	const struct ndb_filter *f;
	ndb_node_cb cb;
	void *ud;
	unsigned count;
	char path[PATH_MAX];
};

static int walk_file(struct walk *w, int dirfd, const char *name,
		     const struct ndb_node_id *id)
{
	struct rec *r = NULL;
	int ret;

	if (!ndb_filter_match(w->f, id))
		return 0;
	ret = ndb_read_rec(w->db, dirfd, name, w->path, REC_NODE, &r);
	if (ret == -ENOMEM)
		return ret;
	if (ret < 0) {
		ndb_notice(w->db, w->path, "skipped: %s", strerror(-ret));
		return 0;
	}
	apply_id(r, id);
	w->count++;
	ret = w->cb(w->db, id, r, w->ud);
	rec_free(r);
	return ret;
}

static int walk_portal_dir(struct walk *w, int tdir, const char *pname,
			   struct ndb_node_id *id)
{
	_cleanup_close_ int pdir = -1;
	char **names;
	size_t n, plen = strlen(w->path);
	int ret;

	if (fs_open_dir(tdir, pname, false, &pdir) < 0 ||
	    fs_list(pdir, &names, &n) < 0)
		return 0;
	ret = 0;
	for (size_t i = 0; i < n && ret == 0; i++) {
		snprintf(w->path + plen, sizeof(w->path) - plen, "/%s", names[i]);
		if (fs_type_at(pdir, names[i]) != FS_FILE ||
		    str_copy(id->iface, sizeof(id->iface), names[i]) < 0 ||
		    ndb_check_iface(id->iface, NULL) < 0) {
			ndb_notice(w->db, w->path, "skipped: not a record file");
			continue;
		}
		ret = walk_file(w, pdir, names[i], id);
	}
	w->path[plen] = '\0';
	fs_names_free(names, n);
	return ret;
}

static int walk_portal(struct walk *w, int tdir, const char *pname,
		       struct ndb_node_id *id)
{
	enum fs_type t;

	if (!ndb_parse_portal(pname, id->address, &id->port, &id->tpgt)) {
		ndb_notice(w->db, w->path, "skipped: not <address>,<port>,<tpgt>");
		return 0;
	}
	t = fs_type_at(tdir, pname);
	if (t == FS_FILE) {
		str_copy(id->iface, sizeof(id->iface), LEGACY_IFACE);
		return walk_file(w, tdir, pname, id);
	}
	if (t == FS_DIR)
		return walk_portal_dir(w, tdir, pname, id);
	ndb_notice(w->db, w->path, "skipped: symlink or special file");
	return 0;
}

static int walk_target(struct walk *w, int nodes, const char *tname)
{
	_cleanup_close_ int tdir = -1;
	struct ndb_node_id id = { 0 };
	size_t plen = strlen(w->path), n;
	char **names;
	int ret = 0;

	if (w->f && w->f->target && strcmp(w->f->target, tname) != 0)
		return 0;
	str_copy(w->path + plen, sizeof(w->path) - plen, "/");
	str_copy(w->path + plen + 1, sizeof(w->path) - plen - 1, tname);
	if (str_copy(id.target, sizeof(id.target), tname) < 0 ||
	    ndb_check_target(tname, NULL) < 0 ||
	    fs_open_dir(nodes, tname, false, &tdir) < 0 ||
	    fs_list(tdir, &names, &n) < 0) {
		ndb_notice(w->db, w->path, "skipped: not a target directory");
		w->path[plen] = '\0';
		return 0;
	}
	for (size_t i = 0; i < n && ret == 0; i++) {
		size_t tlen = strlen(w->path);

		snprintf(w->path + tlen, sizeof(w->path) - tlen, "/%s", names[i]);
		ret = walk_portal(w, tdir, names[i], &id);
		w->path[tlen] = '\0';
	}
	w->path[plen] = '\0';
	fs_names_free(names, n);
	return ret;
}

int ndb_node_foreach(struct ndb *db, const struct ndb_filter *f,
		     ndb_node_cb cb, void *userdata, unsigned *count,
		     struct ll_error *err)
{
	struct walk w = { .db = db, .f = f, .cb = cb, .ud = userdata };
	_cleanup_close_ int nodes = -1;
	char **names = NULL;
	size_t n = 0;
	int rootfd, ret;

	if (count)
		*count = 0;
	ret = ndb_begin(db, false, &rootfd, err);
	if (ret < 0)
		return ret;
	if (rootfd >= 0)
		ret = fs_open_dir(rootfd, NDB_NODES, false, &nodes);
	if (rootfd >= 0 && ret == 0)
		ret = fs_list(nodes, &names, &n);
	if (rootfd < 0 || ret == -ENOENT)
		ret = 0;
	else if (ret < 0)
		ndb_io_error(err, ret, "read", NDB_NODES);
	snprintf(w.path, sizeof(w.path), "%s/%s", db->root, NDB_NODES);
	for (size_t i = 0; names && i < n && ret == 0; i++)
		ret = walk_target(&w, nodes, names[i]);
	fs_names_free(names, n);
	ndb_end(db, rootfd);
	if (ret < 0 && err && !err->code)
		ll_error_set(err, ret == -ENOMEM ? ISCSI_ERR_NOMEM : ISCSI_ERR_IDBM,
			     "Could not list node records: %s.", strerror(-ret));
	if (count)
		*count = w.count;
	return ret;
}

/* ---- one record ---- */

static int not_found(const struct ndb_node_id *id, struct ll_error *err)
{
	ll_error_set(err, ISCSI_ERR_NO_OBJS_FOUND,
		     "No record found for target %s, portal %s,%d,%d, iface %s.",
		     id->target, id->address, id->port, id->tpgt, id->iface);
	return -ENOENT;
}

/* Open nodes/ and nodes/<iqn>, and name the portal entry. */
static int open_target(int rootfd, const struct ndb_node_id *id, bool create,
		       int *nodes, int *tdir, char *portal, size_t cap)
{
	int ret = portal_name(id, portal, cap);

	if (ret == 0)
		ret = fs_open_dir(rootfd, NDB_NODES, create, nodes);
	if (ret == 0)
		ret = fs_open_dir(*nodes, id->target, create, tdir);
	return ret;
}

static int read_one(struct ndb *db, int rootfd, const struct ndb_node_id *id,
		    struct rec **out)
{
	_cleanup_close_ int nodes = -1, tdir = -1, pdir = -1;
	char portal[NAME_MAX + 1], label[PATH_MAX];
	enum fs_type t;
	int ret;

	ret = open_target(rootfd, id, false, &nodes, &tdir, portal, sizeof(portal));
	if (ret < 0)
		return ret;
	t = fs_type_at(tdir, portal);
	if (t == FS_FILE) {
		if (!streq(id->iface, LEGACY_IFACE))
			return -ENOENT;
		snprintf(label, sizeof(label), "%s/%s/%s/%s", db->root, NDB_NODES,
			 id->target, portal);
		return ndb_read_rec(db, tdir, portal, label, REC_NODE, out);
	}
	ret = fs_open_dir(tdir, portal, false, &pdir);
	if (ret < 0)
		return ret;
	snprintf(label, sizeof(label), "%s/%s/%s/%s/%s", db->root, NDB_NODES,
		 id->target, portal, id->iface);
	return ndb_read_rec(db, pdir, id->iface, label, REC_NODE, out);
}

int ndb_node_read(struct ndb *db, const struct ndb_node_id *id,
		  struct rec **out, struct ll_error *err)
{
	int rootfd, ret;

	if (check_id(id, err) < 0)
		return -EINVAL;
	ret = ndb_begin(db, false, &rootfd, err);
	if (ret < 0)
		return ret;
	ret = rootfd < 0 ? -ENOENT : read_one(db, rootfd, id, out);
	ndb_end(db, rootfd);
	if (ret == 0)
		apply_id(*out, id);
	else if (ret == -ENOENT || ret == -ENOTDIR)
		ret = not_found(id, err);
	else
		ndb_io_error(err, ret, "read the record of", id->target);
	return ret;
}

bool ndb_node_exists(struct ndb *db, const struct ndb_node_id *id)
{
	struct rec *r = NULL;
	int ret = ndb_node_read(db, id, &r, NULL);

	rec_free(r);
	return ret == 0;
}

/* ---- writing and deleting ---- */

/* open-iscsi before 2.0-870 kept one record per portal as a plain file;
 * turn it into a directory holding that record as iface "default". */
static int convert_legacy(int tdir, const char *portal)
{
	_cleanup_close_ int pdir = -1;
	char tmp[NAME_MAX + 16];
	int ret;

	snprintf(tmp, sizeof(tmp), ".%.*s.legacy", NAME_MAX, portal);
	if (renameat(tdir, portal, tdir, tmp) < 0)
		return -errno;
	ret = fs_open_dir(tdir, portal, true, &pdir);
	if (ret == 0 && renameat(tdir, tmp, pdir, LEGACY_IFACE) < 0)
		ret = -errno;
	if (ret < 0) {
		if (pdir >= 0)
			unlinkat(tdir, portal, AT_REMOVEDIR);
		renameat(tdir, tmp, tdir, portal);  /* put it back */
		return ret;
	}
	fsync(pdir);
	fsync(tdir);
	return 0;
}

static int open_portal_dir(int tdir, const char *portal, int *pdir)
{
	enum fs_type t = fs_type_at(tdir, portal);
	int ret;

	if (t == FS_FILE) {
		ret = convert_legacy(tdir, portal);
		if (ret < 0)
			return ret;
	} else if (t != FS_NONE && t != FS_DIR) {
		return -ELOOP;
	}
	return fs_open_dir(tdir, portal, true, pdir);
}

/* The directory a node's link goes in, or -ENOENT when it gets none. */
static int link_dir(int rootfd, const struct rec *rec, int *dir)
{
	_cleanup_close_ int st = -1;
	const char *type = rec_get(rec, "node.discovery_type");
	const char *addr = rec_get(rec, "node.discovery_address");
	char name[NAME_MAX + 1];
	int ret;

	if (streq(type, "static"))
		return fs_open_dir(rootfd, NDB_STATIC, true, dir);
	if (streq(type, "fw"))
		return fs_open_dir(rootfd, NDB_FW, true, dir);
	if (!streq(type, "send_targets") || ndb_check_address(addr, NULL) < 0)
		return -ENOENT;
	/* Only next to an existing discovery record, as open-iscsi does. */
	snprintf(name, sizeof(name), "%s,%ld", addr,
		 rec_get_int(rec, "node.discovery_port"));
	ret = fs_open_dir(rootfd, NDB_SENDTARGETS, false, &st);
	if (ret == 0)
		ret = fs_open_dir(st, name, false, dir);
	return ret;
}

/* Links are an index for discovery listings: failing to make one is
 * reported but does not undo the record. */
static void make_link(struct ndb *db, int rootfd, const struct rec *rec,
		      const struct ndb_node_id *id, const char *portal)
{
	_cleanup_close_ int dir = -1;
	char name[NAME_MAX + 1], target[PATH_MAX];
	int ret;

	if (id->tpgt < 0 || link_dir(rootfd, rec, &dir) < 0)
		return;
	ret = ndb_link_name(id, name, sizeof(name));
	if (ret == 0 && snprintf(target, sizeof(target), "%s/%s/%s/%s", db->root,
				 NDB_NODES, id->target, portal) >= (int)sizeof(target))
		ret = -ENAMETOOLONG;
	if (ret == 0)
		ret = fs_symlink_replace(dir, name, target);
	if (ret < 0)
		ndb_notice(db, id->target, "no discovery link made: %s",
			   strerror(-ret));
}

int ndb_node_write(struct ndb *db, const struct rec *rec, struct ll_error *err)
{
	_cleanup_close_ int nodes = -1, tdir = -1, pdir = -1;
	char portal[NAME_MAX + 1];
	struct ndb_node_id id;
	int rootfd, ret;

	if (rec_get_kind(rec) != REC_NODE)
		return ll_error_set(err, ISCSI_ERR_INVAL, "Not a node record."), -EINVAL;
	if (ndb_node_id_from_rec(rec, &id, err) < 0)
		return -EINVAL;
	ret = ndb_begin(db, true, &rootfd, err);
	if (ret < 0)
		return ret;
	ret = open_target(rootfd, &id, true, &nodes, &tdir, portal, sizeof(portal));
	if (ret == 0)
		ret = open_portal_dir(tdir, portal, &pdir);
	if (ret == 0)
		ret = ndb_write_rec(pdir, id.iface, rec);
	if (ret == 0)
		make_link(db, rootfd, rec, &id, portal);
	ndb_end(db, rootfd);
	if (ret < 0)
		ndb_io_error(err, ret, "write the record of", id.target);
	return ret;
}

static void remove_links(int rootfd, const struct ndb_node_id *id)
{
	_cleanup_close_ int st = -1, sdir = -1;
	char name[NAME_MAX + 1];
	char **names;
	size_t n;

	if (ndb_link_name(id, name, sizeof(name)) < 0)
		return;
	if (fs_open_dir(rootfd, NDB_STATIC, false, &sdir) == 0)
		fs_unlink_link(sdir, name);
	if (sdir >= 0)
		close(sdir);
	sdir = -1;
	if (fs_open_dir(rootfd, NDB_FW, false, &sdir) == 0)
		fs_unlink_link(sdir, name);
	if (fs_open_dir(rootfd, NDB_SENDTARGETS, false, &st) < 0 ||
	    fs_list(st, &names, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		int d;

		if (fs_open_dir(st, names[i], false, &d) == 0) {
			fs_unlink_link(d, name);
			close(d);
		}
	}
	fs_names_free(names, n);
}

static int delete_one(int rootfd, const struct ndb_node_id *id)
{
	_cleanup_close_ int nodes = -1, tdir = -1, pdir = -1;
	char portal[NAME_MAX + 1];
	enum fs_type t;
	int ret;

	ret = open_target(rootfd, id, false, &nodes, &tdir, portal, sizeof(portal));
	if (ret < 0)
		return ret;
	t = fs_type_at(tdir, portal);
	if (t == FS_FILE && streq(id->iface, LEGACY_IFACE)) {
		ret = unlinkat(tdir, portal, 0) < 0 ? -errno : 0;
	} else if (t == FS_DIR) {
		ret = fs_open_dir(tdir, portal, false, &pdir);
		if (ret == 0 && fs_type_at(pdir, id->iface) != FS_FILE)
			ret = -ENOENT;
		if (ret == 0 && unlinkat(pdir, id->iface, 0) < 0)
			ret = -errno;
		if (ret == 0)
			fsync(pdir);
		fs_rmdir_if_empty(tdir, portal);
	} else {
		ret = -ENOENT;
	}
	if (ret == 0) {
		close(tdir);
		tdir = -1;
		fs_rmdir_if_empty(nodes, id->target);
	}
	return ret;
}

int ndb_node_delete(struct ndb *db, const struct ndb_node_id *id,
		    struct ll_error *err)
{
	int rootfd, ret;

	if (check_id(id, err) < 0)
		return -EINVAL;
	ret = ndb_begin(db, true, &rootfd, err);
	if (ret < 0)
		return ret;
	ret = delete_one(rootfd, id);
	if (ret == 0)
		remove_links(rootfd, id);
	ndb_end(db, rootfd);
	if (ret == -ENOENT || ret == -ENOTDIR)
		return not_found(id, err);
	if (ret < 0)
		ndb_io_error(err, ret, "delete the record of", id->target);
	return ret;
}
