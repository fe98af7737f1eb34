/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nodedb.h: the node database, laid out on disk exactly like open-iscsi's
 * (Debian layout) so either program can read what the other wrote:
 *
 *   ROOT/nodes/<iqn>/<addr>,<port>,<tpgt>/<iface>    one node record per
 *                                                    portal and iface
 *   ROOT/nodes/<iqn>/<addr>,<port>,<tpgt>            legacy: a file = iface
 *                                                    "default" (read only;
 *                                                    converted on write)
 *   ROOT/send_targets/<addr>,<port>/st_config        discovery record
 *   ROOT/send_targets/<addr>,<port>/<iqn>,<addr>,<port>,<tpgt>,<iface>
 *                                   -> symlink to the node's portal dir
 *   ROOT/static/<iqn>,<addr>,<port>,<tpgt>,<iface>   same, for "-o new"
 *   ROOT/fw/<iqn>,<addr>,<port>,<tpgt>,<iface>       same, for "-m discovery -t fw"
 *   ROOT/ifaces/<name>                               iface record
 *
 * ROOT is $ISCSI_CONFIG_DIR, else DEFAULT_CONFIG_DIR (/etc/iscsi).
 *
 * Safety: every name that becomes a path component is checked (no '/',
 * no "..", no leading '.', no control characters, bounded length); paths
 * are walked with openat(O_NOFOLLOW) from the root, so nothing is written
 * outside it and no symlink is followed except our own discovery links
 * (which are parsed by name, never opened).  Writes go to a temp file
 * (0600) in the same directory, fsync, rename, fsync of the directory;
 * directories are 0700.  Locking is flock() on ROOT/.lock: shared for reads,
 * exclusive for writes, released by the kernel if the process dies.  Every
 * call takes the lock itself unless the caller already holds it through
 * ndb_lock() (needed for read-modify-write, e.g. iscsiadm -o update).
 *
 * Memory: records handed to callbacks are borrowed (freed after the
 * callback returns; rec_dup() to keep one); records returned through
 * `struct rec **out` belong to the caller (rec_free()).
 * Errors: functions return 0 or a negative errno and fill `err` (may be
 * NULL) with one sentence and an open-iscsi exit code (ISCSI_ERR_IDBM for
 * I/O, ISCSI_ERR_NO_OBJS_FOUND for a missing record, ISCSI_ERR_INVAL for a
 * refused name).  Problems inside record files (file:line) go to the diag
 * sink and never stop other records from loading.
 */
#ifndef LUNLINK_DB_NODEDB_H
#define LUNLINK_DB_NODEDB_H

#include <limits.h>
#include <stdbool.h>

#include "db/record.h"
#include "libiscsi-core/errors.h"

#define NDB_TARGET_MAX 223   /* bytes of an iSCSI name */
#define NDB_ADDR_MAX 255     /* address as written in paths (IPv6 raw) */
#define NDB_IFACE_MAX 64     /* iface name */

#define NDB_ANY INT_MIN      /* filter wildcard for port/tpgt */
#define NDB_DEFAULT_PORT 3260

struct ndb;

/* Identity of one node record = the path of its file. */
struct ndb_node_id {
	char target[NDB_TARGET_MAX + 1];
	char address[NDB_ADDR_MAX + 1];
	int port;
	int tpgt;                            /* -1 = unknown */
	char iface[NDB_IFACE_MAX + 1];
};

/* NULL strings and NDB_ANY ints match everything. */
struct ndb_filter {
	const char *target;
	const char *address;   /* compared case-insensitively, no brackets */
	int port;
	int tpgt;
	const char *iface;
};
#define NDB_FILTER_ANY ((struct ndb_filter){ .port = NDB_ANY, .tpgt = NDB_ANY })

/* Open the database at root (NULL = ndb_default_root()). Nothing is created
 * until the first write. */
int ndb_open(const char *root, struct ndb **out, struct ll_error *err);
void ndb_close(struct ndb *db);
const char *ndb_root(const struct ndb *db);
/* $ISCSI_CONFIG_DIR when set and non-empty, else DEFAULT_CONFIG_DIR. */
const char *ndb_default_root(void);
/* Where record-file problems are reported (default rec_diag_stderr;
 * NULL = discard). The struct is copied. */
void ndb_set_diag(struct ndb *db, const struct rec_diag *diag);

/* Hold the DB lock across several calls (nests; a shared holder asking for
 * exclusive gets -EDEADLK). Blocks until granted (holders only keep it for
 * the few file operations of one command). Readers that cannot create the
 * lock file (missing root, read-only fs, no permission) read unlocked. */
int ndb_lock(struct ndb *db, bool exclusive, struct ll_error *err);
void ndb_unlock(struct ndb *db);

/* Name checks used for every path component (also useful to callers). */
int ndb_check_target(const char *name, struct ll_error *err);
int ndb_check_address(const char *addr, struct ll_error *err);
int ndb_check_iface(const char *name, struct ll_error *err);

/* ---- node records ---- */

/* Identity from a node record's node.name, node.conn[0].address/port,
 * node.tpgt and iface.iscsi_ifacename (checked like path components). */
int ndb_node_id_from_rec(const struct rec *rec, struct ndb_node_id *id,
			 struct ll_error *err);
bool ndb_filter_match(const struct ndb_filter *f, const struct ndb_node_id *id);

/* cb returns 0 to go on, >0 to stop (foreach returns it), <0 to fail. */
typedef int (*ndb_node_cb)(struct ndb *db, const struct ndb_node_id *id,
			   struct rec *rec, void *userdata);
/* Every node record matching f (NULL = all), in name order (target, then
 * "<addr>,<port>,<tpgt>", then iface).  The identity keys of rec are set
 * from the path.  Unreadable or corrupt entries are reported to the diag
 * sink and skipped or loaded as far as they parse.  Returns cb's stop
 * value, 0, or a negative errno; *count (may be NULL) gets the number of
 * records passed to cb.  The walk holds a shared lock: a callback that
 * writes or deletes records (e.g. -o update/delete over a filter) needs the
 * caller to hold ndb_lock(db, true) around the foreach. */
int ndb_node_foreach(struct ndb *db, const struct ndb_filter *f,
		     ndb_node_cb cb, void *userdata, unsigned *count,
		     struct ll_error *err);
/* One record; -ENOENT when absent. */
int ndb_node_read(struct ndb *db, const struct ndb_node_id *id,
		  struct rec **out, struct ll_error *err);
bool ndb_node_exists(struct ndb *db, const struct ndb_node_id *id);
/*
 * Create or replace the record (identity from the record's keys).  Also
 * makes the link: node.discovery_type send_targets -> in
 * send_targets/<discovery_address>,<discovery_port>/ when that discovery
 * record exists; static -> static/; fw -> fw/.  No link when tpgt is -1.
 */
int ndb_node_write(struct ndb *db, const struct rec *rec, struct ll_error *err);
/* Remove the record, the links naming it, and directories left empty. */
int ndb_node_delete(struct ndb *db, const struct ndb_node_id *id,
		    struct ll_error *err);

/* ---- discovery (SendTargets) records ---- */

typedef int (*ndb_disc_cb)(struct ndb *db, const char *address, int port,
			   struct rec *rec, void *userdata);
int ndb_disc_foreach(struct ndb *db, ndb_disc_cb cb, void *userdata,
		     struct ll_error *err);
int ndb_disc_read(struct ndb *db, const char *address, int port,
		  struct rec **out, struct ll_error *err);
/* Identity from discovery.sendtargets.address / .port. */
int ndb_disc_write(struct ndb *db, const struct rec *rec, struct ll_error *err);
/* Remove st_config and the links; with delete_nodes also every node record
 * linked from it (iscsiadm -m discoverydb -o delete). */
int ndb_disc_delete(struct ndb *db, const char *address, int port,
		    bool delete_nodes, struct ll_error *err);
/* Node records linked from this discovery record (stale links whose record
 * is gone are skipped). */
int ndb_disc_foreach_node(struct ndb *db, const char *address, int port,
			  ndb_node_cb cb, void *userdata, struct ll_error *err);

/* ---- iface records ---- */

/* Built-in ifaces that are listed but never stored: "default" (tcp) and
 * "iser".  Writing or deleting them is refused. */
bool ndb_iface_is_builtin(const char *name);
typedef int (*ndb_iface_cb)(struct ndb *db, const char *name, struct rec *rec,
			    void *userdata);
/* Built-ins first, then ifaces/ sorted by name. */
int ndb_iface_foreach(struct ndb *db, ndb_iface_cb cb, void *userdata,
		      struct ll_error *err);
int ndb_iface_read(struct ndb *db, const char *name, struct rec **out,
		   struct ll_error *err);
/* Identity from iface.iscsi_ifacename. */
int ndb_iface_write(struct ndb *db, const struct rec *rec, struct ll_error *err);
int ndb_iface_delete(struct ndb *db, const char *name, struct ll_error *err);

#endif
