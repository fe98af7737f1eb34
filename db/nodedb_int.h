/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nodedb_int.h (internal to db/): what nodedb.c (root, lock, names, node
 * records) shares with nodedb_disc.c (discovery and iface records).
 */
#ifndef LUNLINK_DB_NODEDB_INT_H
#define LUNLINK_DB_NODEDB_INT_H

#include <limits.h>

#include "db/nodedb.h"
#include "db/nodedb_fs.h"

#define NDB_LOCK_FILE ".lock"
#define NDB_NODES "nodes"
#define NDB_SENDTARGETS "send_targets"
#define NDB_STATIC "static"
#define NDB_FW "fw"
#define NDB_IFACES "ifaces"
#define NDB_ST_CONFIG "st_config"

struct ndb {
	char *root;              /* absolute */
	int lock_fd;
	unsigned lock_depth;
	bool lock_excl;
	struct rec_diag diag;
};

/* Lock (shared or exclusive) and open the root directory. A missing root
 * is created for exclusive use; for shared use *rootfd is -1 and the
 * caller sees an empty database. Always pair with ndb_end(). */
int ndb_begin(struct ndb *db, bool excl, int *rootfd, struct ll_error *err);
void ndb_end(struct ndb *db, int rootfd);

/* ll_error for a failed file system step: ISCSI_ERR_IDBM, returns ret. */
int ndb_io_error(struct ll_error *err, int ret, const char *what,
		 const char *path);
/* Report something skipped while reading (not an error for the caller). */
void ndb_notice(struct ndb *db, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Read and parse one record file; problems inside go to db->diag with
 * `label` as the file name. -ENOENT when absent. */
int ndb_read_rec(struct ndb *db, int dirfd, const char *name,
		 const char *label, enum rec_kind kind, struct rec **out);
/* Format (REC_FMT_FILE) and write atomically with mode 0600. */
int ndb_write_rec(int dirfd, const char *name, const struct rec *rec);

/* "<a>,<p>" / "<a>,<p>,<t>" parsed from the right (IPv6 has no ','). */
bool ndb_parse_portal(const char *s, char *addr, int *port, int *tpgt);
bool ndb_parse_disc_dir(const char *s, char *addr, int *port);
/* "<iqn>,<addr>,<port>,<tpgt>,<iface>" (a discovery link's name). */
bool ndb_parse_link(const char *s, struct ndb_node_id *id);
int ndb_link_name(const struct ndb_node_id *id, char *buf, size_t cap);

#endif
