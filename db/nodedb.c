/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nodedb.c: opening the database, the flock, name checks and the helpers
 * shared by node, discovery and iface records (nodedb_node.c,
 * nodedb_disc.c).
 */
#include <config.h>  /* the build's config.h (DEFAULT_CONFIG_DIR) */

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "db/nodedb_int.h"
#include "libiscsi-core/util.h"

const char *ndb_default_root(void)
{
	const char *env = getenv("ISCSI_CONFIG_DIR");

	return env && *env ? env : DEFAULT_CONFIG_DIR;
}

static char *absolute_root(const char *root)
{
	char *p = realpath(root, NULL), *cwd;

	if (p || root[0] == '/')
		return p ? p : strdup(root);
	cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	if (asprintf(&p, "%s/%s", cwd, root) < 0)
		p = NULL;
	free(cwd);
	return p;
}

int ndb_open(const char *root, struct ndb **out, struct ll_error *err)
{
	struct ndb *db;

	if (!root)
		root = ndb_default_root();
	if (!*root)
		return ll_error_set(err, ISCSI_ERR_INVAL,
				    "The node database directory name is empty."), -EINVAL;
	db = calloc(1, sizeof(*db));
	if (!db || !(db->root = absolute_root(root))) {
		free(db);
		return ll_error_set(err, ISCSI_ERR_NOMEM, "Out of memory."), -ENOMEM;
	}
	db->lock_fd = -1;
	db->diag = rec_diag_stderr;
	*out = db;
	return 0;
}

void ndb_close(struct ndb *db)
{
	if (!db)
		return;
	if (db->lock_fd >= 0)
		close(db->lock_fd);
	free(db->root);
	free(db);
}

const char *ndb_root(const struct ndb *db)
{
	return db->root;
}

void ndb_set_diag(struct ndb *db, const struct rec_diag *diag)
{
	db->diag = diag ? *diag : (struct rec_diag){ 0 };
}

/* ---- locking ---- */

static int open_lock_file(struct ndb *db, bool excl)
{
	char path[PATH_MAX];

	if (excl && mkdir(db->root, FS_DIR_MODE) < 0 && errno != EEXIST)
		return -errno;
	if (snprintf(path, sizeof(path), "%s/%s", db->root, NDB_LOCK_FILE) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	db->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (db->lock_fd < 0 && !excl)
		db->lock_fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	return db->lock_fd < 0 ? -errno : 0;
}

int ndb_lock(struct ndb *db, bool exclusive, struct ll_error *err)
{
	int ret;

	if (db->lock_depth) {
		if (exclusive && !db->lock_excl)
			return ll_error_set(err, ISCSI_ERR_INTERNAL,
					    "Cannot upgrade a shared lock on the node database."),
			       -EDEADLK;
		db->lock_depth++;
		return 0;
	}
	ret = open_lock_file(db, exclusive);
	if (ret < 0) {
		/* Readers of a DB they cannot lock (missing root, read-only
		 * file system) go on unlocked: there is no writer to race. */
		if (!exclusive && (ret == -ENOENT || ret == -EACCES || ret == -EROFS)) {
			db->lock_depth = 1;
			db->lock_excl = false;
			return 0;
		}
		return ndb_io_error(err, ret, "create the lock file in", db->root);
	}
	while (flock(db->lock_fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		if (errno != EINTR) {
			ret = -errno;
			close(db->lock_fd);
			db->lock_fd = -1;
			return ndb_io_error(err, ret, "lock", db->root);
		}
	}
	db->lock_depth = 1;
	db->lock_excl = exclusive;
	return 0;
}

void ndb_unlock(struct ndb *db)
{
	if (!db->lock_depth || --db->lock_depth)
		return;
	if (db->lock_fd >= 0) {
		flock(db->lock_fd, LOCK_UN);
		close(db->lock_fd);
		db->lock_fd = -1;
	}
	db->lock_excl = false;
}

int ndb_begin(struct ndb *db, bool excl, int *rootfd, struct ll_error *err)
{
	int ret = ndb_lock(db, excl, err);

	*rootfd = -1;
	if (ret < 0)
		return ret;
	if (excl && mkdir(db->root, FS_DIR_MODE) < 0 && errno != EEXIST) {
		ret = ndb_io_error(err, -errno, "create", db->root);
		ndb_unlock(db);
		return ret;
	}
	*rootfd = open(db->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*rootfd < 0 && (excl || errno != ENOENT)) {
		ret = ndb_io_error(err, -errno, "open", db->root);
		ndb_unlock(db);
		return ret;
	}
	return 0;
}

void ndb_end(struct ndb *db, int rootfd)
{
	if (rootfd >= 0)
		close(rootfd);
	ndb_unlock(db);
}

/* ---- errors and diagnostics ---- */

int ndb_io_error(struct ll_error *err, int ret, const char *what,
		 const char *path)
{
	if (ret == -ENOMEM)
		ll_error_set(err, ISCSI_ERR_NOMEM, "Out of memory.");
	else if (ret == -ELOOP || ret == -EISDIR || ret == -EEXIST)
		ll_error_set(err, ISCSI_ERR_IDBM,
			     "Could not %s %s: unexpected symlink or directory in the node database.",
			     what, path);
	else
		ll_error_set(err, ISCSI_ERR_IDBM, "Could not %s %s: %s.", what,
			     path, strerror(-ret));
	return ret;
}

void ndb_notice(struct ndb *db, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!db->diag.fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	db->diag.fn(db->diag.userdata, REC_DIAG_NOTICE, path, 0, msg);
}

/* ---- names that become path components ---- */

/* Printable copy of an untrusted name for messages. */
static const char *shown(const char *s, char *buf, size_t cap)
{
	size_t i = 0;

	for (; *s && i + 1 < cap; s++)
		buf[i++] = (*s < 0x20 || *s == 0x7f) ? '?' : *s;
	buf[i] = '\0';
	return buf;
}

static const char *name_problem(const char *s, size_t max, bool comma_ok)
{
	size_t n = strlen(s);

	if (!n)
		return "it is empty";
	if (n > max)
		return "it is too long";
	if (s[0] == '.')
		return "it starts with '.'";
	if (strstr(s, ".."))
		return "it contains \"..\"";
	if (strchr(s, '/'))
		return "it contains '/'";
	if (!comma_ok && strchr(s, ','))
		return "it contains ','";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return "it contains control characters";
	return NULL;
}

static int check_name(const char *what, const char *s, size_t max,
		      bool comma_ok, struct ll_error *err)
{
	char buf[96];
	const char *why = s ? name_problem(s, max, comma_ok) : "it is missing";

	if (!why)
		return 0;
	ll_error_set(err, ISCSI_ERR_INVAL, "Refusing %s '%s': %s.", what,
		     s ? shown(s, buf, sizeof(buf)) : "", why);
	return -EINVAL;
}

/* ',' separates the fields of portal and link names, so target names and
 * addresses may not contain it (RFC 3722 names never do). */
int ndb_check_target(const char *name, struct ll_error *err)
{
	return check_name("target name", name, NDB_TARGET_MAX, false, err);
}

int ndb_check_address(const char *addr, struct ll_error *err)
{
	return check_name("portal address", addr, NDB_ADDR_MAX, false, err);
}

int ndb_check_iface(const char *name, struct ll_error *err)
{
	return check_name("iface name", name, NDB_IFACE_MAX, true, err);
}

/* ---- component formats ---- */

static bool parse_int(const char *s, size_t n, long lo, long hi, int *out)
{
	char buf[16], *end;
	long v;

	if (!n || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || *end || end == buf || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

bool ndb_parse_disc_dir(const char *s, char *addr, int *port)
{
	const char *c = strrchr(s, ',');

	if (!c || c == s || (size_t)(c - s) > NDB_ADDR_MAX ||
	    !parse_int(c + 1, strlen(c + 1), 0, 65535, port))
		return false;
	memcpy(addr, s, (size_t)(c - s));
	addr[c - s] = '\0';
	return ndb_check_address(addr, NULL) == 0;
}

bool ndb_parse_portal(const char *s, char *addr, int *port, int *tpgt)
{
	char head[NDB_ADDR_MAX + 8];
	const char *c = strrchr(s, ',');

	if (!c || (size_t)(c - s) >= sizeof(head) ||
	    !parse_int(c + 1, strlen(c + 1), -1, 65535, tpgt))
		return false;
	memcpy(head, s, (size_t)(c - s));
	head[c - s] = '\0';
	return ndb_parse_disc_dir(head, addr, port);
}

bool ndb_parse_link(const char *s, struct ndb_node_id *id)
{
	const char *c1 = strchr(s, ','), *c4;
	char portal[NDB_ADDR_MAX + 16];
	size_t n;

	if (!c1 || (size_t)(c1 - s) > NDB_TARGET_MAX)
		return false;
	memcpy(id->target, s, (size_t)(c1 - s));
	id->target[c1 - s] = '\0';
	/* "addr,port,tpgt" ends at the third ',' after the target. */
	c4 = c1 + 1;
	for (int i = 0; i < 3; i++) {
		c4 = strchr(c4, ',');
		if (!c4)
			return false;
		if (i < 2)
			c4++;
	}
	n = (size_t)(c4 - c1 - 1);
	if (n >= sizeof(portal))
		return false;
	memcpy(portal, c1 + 1, n);
	portal[n] = '\0';
	if (str_copy(id->iface, sizeof(id->iface), c4 + 1) < 0)
		return false;
	return ndb_check_target(id->target, NULL) == 0 &&
	       ndb_check_iface(id->iface, NULL) == 0 &&
	       ndb_parse_portal(portal, id->address, &id->port, &id->tpgt);
}

int ndb_link_name(const struct ndb_node_id *id, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s,%s,%d,%d,%s", id->target, id->address,
			 id->port, id->tpgt, id->iface);

	return n < 0 || (size_t)n >= cap || n > NAME_MAX ? -ENAMETOOLONG : 0;
}

/* ---- record files ---- */

int ndb_read_rec(struct ndb *db, int dirfd, const char *name,
		 const char *label, enum rec_kind kind, struct rec **out)
{
	_cleanup_free_ char *text = NULL;
	struct rec *r;
	size_t len;
	int ret;

	ret = fs_read_file(dirfd, name, true, &text, &len);
	if (ret < 0)
		return ret;
	r = rec_new(kind);
	ret = r ? rec_parse(r, text, len, label, &db->diag) : -ENOMEM;
	secure_zero(text, len);
	if (ret < 0) {
		rec_free(r);
		return ret;
	}
	*out = r;
	return 0;
}

int ndb_write_rec(int dirfd, const char *name, const struct rec *rec)
{
	char *text = rec_format(rec, REC_FMT_FILE);
	size_t len;
	int ret;

	if (!text)
		return -ENOMEM;
	len = strlen(text);
	ret = fs_write_atomic(dirfd, name, text, len, 0600);
	secure_zero(text, len);
	free(text);
	return ret;
}
