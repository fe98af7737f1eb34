/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nodedb_disc.c: discovery records (send_targets/<addr>,<port>/st_config
 * and the node links next to them) and iface records (ifaces/<name>).
 */
#include <fcntl.h>
#include <stdio.h>

#include "db/nodedb_int.h"
#include "libiscsi-core/util.h"

/* ---- discovery records ---- */

static int disc_dir_name(const char *address, int port, char *buf, size_t cap,
			 struct ll_error *err)
{
	int n;

	if (ndb_check_address(address, err) < 0)
		return -EINVAL;
	if (port < 0 || port > 65535)
		return ll_error_set(err, ISCSI_ERR_INVAL, "Invalid port %d.", port),
		       -EINVAL;
	n = snprintf(buf, cap, "%s,%d", address, port);
	if (n < 0 || (size_t)n >= cap)
		return ll_error_set(err, ISCSI_ERR_INVAL, "Portal name too long."),
		       -ENAMETOOLONG;
	return 0;
}

static void disc_apply_id(struct rec *r, const char *address, int port)
{
	rec_set(r, "discovery.sendtargets.address", address, NULL);
	rec_set_int(r, "discovery.sendtargets.port", port, NULL);
}

static int disc_not_found(const char *address, int port, struct ll_error *err)
{
	ll_error_set(err, ISCSI_ERR_NO_OBJS_FOUND,
		     "No discovery record found for %s,%d.", address, port);
	return -ENOENT;
}

/* Open send_targets/<addr>,<port>. */
static int open_disc_dir(int rootfd, const char *dname, bool create, int *dir)
{
	_cleanup_close_ int st = -1;
	int ret = fs_open_dir(rootfd, NDB_SENDTARGETS, create, &st);

	return ret < 0 ? ret : fs_open_dir(st, dname, create, dir);
}

static int disc_read_at(struct ndb *db, int rootfd, const char *dname,
			struct rec **out)
{
	_cleanup_close_ int dir = -1;
	char label[PATH_MAX];
	int ret = open_disc_dir(rootfd, dname, false, &dir);

	if (ret < 0)
		return ret;
	snprintf(label, sizeof(label), "%s/%s/%s/%s", db->root, NDB_SENDTARGETS,
		 dname, NDB_ST_CONFIG);
	return ndb_read_rec(db, dir, NDB_ST_CONFIG, label, REC_DISC_ST, out);
}

int ndb_disc_read(struct ndb *db, const char *address, int port,
		  struct rec **out, struct ll_error *err)
{
	char dname[NAME_MAX + 1];
	int rootfd, ret;

	if (disc_dir_name(address, port, dname, sizeof(dname), err) < 0)
		return -EINVAL;
	ret = ndb_begin(db, false, &rootfd, err);
	if (ret < 0)
		return ret;
	ret = rootfd < 0 ? -ENOENT : disc_read_at(db, rootfd, dname, out);
	ndb_end(db, rootfd);
	if (ret == 0)
		disc_apply_id(*out, address, port);
	else if (ret == -ENOENT || ret == -ENOTDIR)
		return disc_not_found(address, port, err);
	else
		ndb_io_error(err, ret, "read discovery record", dname);
	return ret;
}

int ndb_disc_write(struct ndb *db, const struct rec *rec, struct ll_error *err)
{
	_cleanup_close_ int dir = -1;
	const char *addr = rec_get(rec, "discovery.sendtargets.address");
	char dname[NAME_MAX + 1];
	int rootfd, ret;

	if (rec_get_kind(rec) != REC_DISC_ST)
		return ll_error_set(err, ISCSI_ERR_INVAL, "Not a discovery record."),
		       -EINVAL;
	if (disc_dir_name(addr, (int)rec_get_int(rec, "discovery.sendtargets.port"),
			  dname, sizeof(dname), err) < 0)
		return -EINVAL;
	ret = ndb_begin(db, true, &rootfd, err);
	if (ret < 0)
		return ret;
	ret = open_disc_dir(rootfd, dname, true, &dir);
	if (ret == 0)
		ret = ndb_write_rec(dir, NDB_ST_CONFIG, rec);
	ndb_end(db, rootfd);
	if (ret < 0)
		ndb_io_error(err, ret, "write discovery record", dname);
	return ret;
}

int ndb_disc_foreach(struct ndb *db, ndb_disc_cb cb, void *userdata,
		     struct ll_error *err)
{
	_cleanup_close_ int st = -1;
	char **names = NULL, addr[NDB_ADDR_MAX + 1];
	size_t n = 0;
	int rootfd, port, ret;

	ret = ndb_begin(db, false, &rootfd, err);
	if (ret < 0)
		return ret;
	if (rootfd >= 0 && fs_open_dir(rootfd, NDB_SENDTARGETS, false, &st) == 0)
		ret = fs_list(st, &names, &n);
	for (size_t i = 0; i < n && ret == 0; i++) {
		struct rec *r = NULL;

		if (!ndb_parse_disc_dir(names[i], addr, &port)) {
			ndb_notice(db, names[i], "skipped: not <address>,<port>");
			continue;
		}
		if (disc_read_at(db, rootfd, names[i], &r) < 0)
			continue;  /* an older layout or a half-made entry */
		disc_apply_id(r, addr, port);
		ret = cb(db, addr, port, r, userdata);
		rec_free(r);
	}
	fs_names_free(names, n);
	ndb_end(db, rootfd);
	if (ret < 0 && err && !err->code)
		ndb_io_error(err, ret, "list", NDB_SENDTARGETS);
	return ret;
}

/* Node identities named by the links in one discovery directory. */
static int disc_links(int dir, struct ndb_node_id **ids, size_t *nids)
{
	char **names;
	size_t n;
	int ret = fs_list(dir, &names, &n);

	*ids = NULL;
	*nids = 0;
	if (ret < 0)
		return ret;
	*ids = calloc(n ? n : 1, sizeof(**ids));
	if (!*ids) {
		fs_names_free(names, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (fs_type_at(dir, names[i]) == FS_LINK &&
		    ndb_parse_link(names[i], &(*ids)[*nids]))
			(*nids)++;
	fs_names_free(names, n);
	return 0;
}

static int disc_ids(struct ndb *db, const char *dname, struct ndb_node_id **ids,
		    size_t *nids)
{
	_cleanup_close_ int dir = -1;
	int rootfd, ret;

	ret = ndb_begin(db, false, &rootfd, NULL);
	if (ret < 0)
		return ret;
	ret = rootfd < 0 ? -ENOENT : open_disc_dir(rootfd, dname, false, &dir);
	if (ret == 0)
		ret = disc_links(dir, ids, nids);
	ndb_end(db, rootfd);
	return ret;
}

int ndb_disc_foreach_node(struct ndb *db, const char *address, int port,
			  ndb_node_cb cb, void *userdata, struct ll_error *err)
{
	char dname[NAME_MAX + 1];
	struct ndb_node_id *ids = NULL;
	size_t nids = 0;
	int ret;

	if (disc_dir_name(address, port, dname, sizeof(dname), err) < 0)
		return -EINVAL;
	ret = disc_ids(db, dname, &ids, &nids);
	if (ret == -ENOENT || ret == -ENOTDIR)
		return disc_not_found(address, port, err);
	for (size_t i = 0; i < nids && ret == 0; i++) {
		struct rec *r = NULL;

		if (ndb_node_read(db, &ids[i], &r, NULL) < 0)
			continue;  /* stale link */
		ret = cb(db, &ids[i], r, userdata);
		rec_free(r);
	}
	free(ids);
	return ret;
}

static int disc_remove(int rootfd, const char *dname)
{
	_cleanup_close_ int st = -1, dir = -1;
	char **names;
	size_t n;
	int ret = fs_open_dir(rootfd, NDB_SENDTARGETS, false, &st);

	if (ret == 0)
		ret = fs_open_dir(st, dname, false, &dir);
	if (ret == 0 && unlinkat(dir, NDB_ST_CONFIG, 0) < 0)
		ret = -errno;
	if (ret < 0)
		return ret;
	if (fs_list(dir, &names, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			fs_unlink_link(dir, names[i]);
		fs_names_free(names, n);
	}
	fs_rmdir_if_empty(st, dname);
	return 0;
}

int ndb_disc_delete(struct ndb *db, const char *address, int port,
		    bool delete_nodes, struct ll_error *err)
{
	char dname[NAME_MAX + 1];
	struct ndb_node_id *ids = NULL;
	size_t nids = 0;
	int rootfd, ret;

	if (disc_dir_name(address, port, dname, sizeof(dname), err) < 0)
		return -EINVAL;
	ret = ndb_begin(db, true, &rootfd, err);
	if (ret < 0)
		return ret;
	if (delete_nodes && disc_ids(db, dname, &ids, &nids) == 0)
		for (size_t i = 0; i < nids; i++)
			ndb_node_delete(db, &ids[i], NULL);
	free(ids);
	ret = disc_remove(rootfd, dname);
	ndb_end(db, rootfd);
	if (ret == -ENOENT || ret == -ENOTDIR)
		return disc_not_found(address, port, err);
	if (ret < 0)
		ndb_io_error(err, ret, "delete discovery record", dname);
	return ret;
}

/* ---- iface records ---- */

static const struct {
	const char *name, *transport;
} builtin_ifaces[] = {
	{ "default", "tcp" },
	{ "iser", "iser" },
};

bool ndb_iface_is_builtin(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(builtin_ifaces); i++)
		if (name && streq(name, builtin_ifaces[i].name))
			return true;
	return false;
}

static struct rec *builtin_iface(const char *name)
{
	struct rec *r;

	for (size_t i = 0; i < ARRAY_SIZE(builtin_ifaces); i++) {
		if (!streq(name, builtin_ifaces[i].name))
			continue;
		r = rec_new(REC_IFACE);
		if (r) {
			rec_set(r, "iface.iscsi_ifacename", name, NULL);
			rec_set(r, "iface.transport_name",
				builtin_ifaces[i].transport, NULL);
		}
		return r;
	}
	return NULL;
}

static int iface_read_at(struct ndb *db, int rootfd, const char *name,
			 struct rec **out)
{
	_cleanup_close_ int dir = -1;
	char label[PATH_MAX];
	int ret = rootfd < 0 ? -ENOENT : fs_open_dir(rootfd, NDB_IFACES, false, &dir);

	if (ret < 0)
		return ret;
	snprintf(label, sizeof(label), "%s/%s/%s", db->root, NDB_IFACES, name);
	ret = ndb_read_rec(db, dir, name, label, REC_IFACE, out);
	if (ret == 0)
		rec_set(*out, "iface.iscsi_ifacename", name, NULL);
	return ret;
}

int ndb_iface_read(struct ndb *db, const char *name, struct rec **out,
		   struct ll_error *err)
{
	int rootfd, ret;

	if (ndb_check_iface(name, err) < 0)
		return -EINVAL;
	if (ndb_iface_is_builtin(name)) {
		*out = builtin_iface(name);
		return *out ? 0 : (ll_error_set(err, ISCSI_ERR_NOMEM, "Out of memory."), -ENOMEM);
	}
	ret = ndb_begin(db, false, &rootfd, err);
	if (ret < 0)
		return ret;
	ret = iface_read_at(db, rootfd, name, out);
	ndb_end(db, rootfd);
	if (ret == -ENOENT || ret == -ENOTDIR)
		return ll_error_set(err, ISCSI_ERR_NO_OBJS_FOUND,
				    "Could not read iface %s: no such iface.", name), -ENOENT;
	if (ret < 0)
		ndb_io_error(err, ret, "read iface", name);
	return ret;
}

static int iface_builtins(struct ndb *db, ndb_iface_cb cb, void *userdata)
{
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(builtin_ifaces) && ret == 0; i++) {
		struct rec *r = builtin_iface(builtin_ifaces[i].name);

		if (!r)
			return -ENOMEM;
		ret = cb(db, builtin_ifaces[i].name, r, userdata);
		rec_free(r);
	}
	return ret;
}

int ndb_iface_foreach(struct ndb *db, ndb_iface_cb cb, void *userdata,
		      struct ll_error *err)
{
	_cleanup_close_ int dir = -1;
	char **names = NULL;
	size_t n = 0;
	int rootfd, ret = iface_builtins(db, cb, userdata);

	if (ret != 0)
		return ret;
	ret = ndb_begin(db, false, &rootfd, err);
	if (ret < 0)
		return ret;
	if (rootfd >= 0 && fs_open_dir(rootfd, NDB_IFACES, false, &dir) == 0)
		ret = fs_list(dir, &names, &n);
	for (size_t i = 0; i < n && ret == 0; i++) {
		struct rec *r = NULL;

		if (ndb_iface_is_builtin(names[i]) || ndb_check_iface(names[i], NULL) < 0 ||
		    fs_type_at(dir, names[i]) != FS_FILE ||
		    iface_read_at(db, rootfd, names[i], &r) < 0) {
			ndb_notice(db, names[i], "skipped: not an iface record");
			continue;
		}
		ret = cb(db, names[i], r, userdata);
		rec_free(r);
	}
	fs_names_free(names, n);
	ndb_end(db, rootfd);
	return ret;
}

static int iface_name_ok(const char *name, struct ll_error *err)
{
	if (ndb_check_iface(name, err) < 0)
		return -EINVAL;
	if (ndb_iface_is_builtin(name))
		return ll_error_set(err, ISCSI_ERR_INVAL,
				    "iface %s is a built-in iface and cannot be changed.",
				    name), -EINVAL;
	return 0;
}

int ndb_iface_write(struct ndb *db, const struct rec *rec, struct ll_error *err)
{
	_cleanup_close_ int dir = -1;
	const char *name = rec_get(rec, "iface.iscsi_ifacename");
	int rootfd, ret;

	if (!name || iface_name_ok(name, err) < 0)
		return -EINVAL;
	ret = ndb_begin(db, true, &rootfd, err);
	if (ret < 0)
		return ret;
	ret = fs_open_dir(rootfd, NDB_IFACES, true, &dir);
	if (ret == 0)
		ret = ndb_write_rec(dir, name, rec);
	ndb_end(db, rootfd);
	if (ret < 0)
		ndb_io_error(err, ret, "write iface", name);
	return ret;
}

int ndb_iface_delete(struct ndb *db, const char *name, struct ll_error *err)
{
	_cleanup_close_ int dir = -1;
	int rootfd, ret;

	if (iface_name_ok(name, err) < 0)
		return -EINVAL;
	ret = ndb_begin(db, true, &rootfd, err);
	if (ret < 0)
		return ret;
	ret = fs_open_dir(rootfd, NDB_IFACES, false, &dir);
	if (ret == 0 && fs_type_at(dir, name) != FS_FILE)
		ret = -ENOENT;
	if (ret == 0 && unlinkat(dir, name, 0) < 0)
		ret = -errno;
	ndb_end(db, rootfd);
	if (ret == -ENOENT || ret == -ENOTDIR)
		return ll_error_set(err, ISCSI_ERR_NO_OBJS_FOUND,
				    "Could not delete iface %s: no such iface.", name), -ENOENT;
	if (ret < 0)
		ndb_io_error(err, ret, "delete iface", name);
	return ret;
}
