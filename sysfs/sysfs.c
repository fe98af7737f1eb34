/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysfs.c: reading iSCSI sessions, connections, hosts and LUNs (see sysfs.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libiscsi-core/util.h"
#include "sysfs/host.h"
#include "sysfs/sysfs.h"

int sysfs_read(const char *root, const char *path, char *buf, size_t len)
{
	char full[4096];
	ssize_t n;
	int fd;

	if (len == 0)
		return -EINVAL;
	buf[0] = '\0';
	if ((size_t)snprintf(full, sizeof(full), "%s/%s", root, path) >= sizeof(full))
		return -ENAMETOOLONG;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int e = errno;

		close(fd);
		buf[0] = '\0';
		return -e;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int sysfs_write(const char *root, const char *path, const char *value)
{
	char full[4096];
	size_t len = strlen(value);
	ssize_t n;
	int fd;

	if ((size_t)snprintf(full, sizeof(full), "%s/%s", root, path) >= sizeof(full))
		return -ENAMETOOLONG;
	fd = open(full, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

void sysfs_read_str(const char *root, char *buf, size_t len, const char *fmt, ...)
{
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	/* The kernel prints "(null)" for a parameter nobody set. */
	if (sysfs_read(root, path, buf, len) < 0 || strcmp(buf, "(null)") == 0)
		buf[0] = '\0';
}

/* Numbers: "" or unparsable reads as -1 (the kernel hides what it lacks). */
static long to_long(const char *s)
{
	char *end;
	long v;

	if (!*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	return v;
}

static long read_long(const char *root, const char *dir, const char *attr)
{
	char buf[64];

	sysfs_read_str(root, buf, sizeof(buf), "%s/%s", dir, attr);
	return to_long(buf);
}

static int read_bool(const char *root, const char *dir, const char *attr)
{
	long v = read_long(root, dir, attr);

	return v < 0 ? -1 : v != 0;
}

/* Where connection 0's numbers land, read only with SYSFS_PART_PARAMS. */
#define CONN_NUM(name) { #name, offsetof(struct sysfs_conn, name) }
static const struct {
	const char *attr;
	size_t off;
} conn_nums[] = {
	CONN_NUM(max_recv_dlength), CONN_NUM(max_xmit_dlength), CONN_NUM(exp_statsn),
	CONN_NUM(ping_tmo), CONN_NUM(recv_tmo),
};

static void read_conn(const char *root, unsigned sid, unsigned parts, struct sysfs_conn *c)
{
	char dir[128];

	snprintf(dir, sizeof(dir), "class/iscsi_connection/connection%u:0", sid);
	sysfs_read_str(root, c->address, sizeof(c->address), "%s/address", dir);
	sysfs_read_str(root, c->persistent_address, sizeof(c->persistent_address),
		 "%s/persistent_address", dir);
	c->port = (int)read_long(root, dir, "port");
	c->persistent_port = (int)read_long(root, dir, "persistent_port");
	sysfs_read_str(root, c->state, sizeof(c->state), "%s/state", dir);
	if (!(parts & SYSFS_PART_PARAMS)) {
		for (size_t i = 0; i < ARRAY_SIZE(conn_nums); i++)
			*(long *)((char *)c + conn_nums[i].off) = -1;
		return;
	}
	sysfs_read_str(root, c->header_digest, sizeof(c->header_digest), "%s/header_digest", dir);
	sysfs_read_str(root, c->data_digest, sizeof(c->data_digest), "%s/data_digest", dir);
	for (size_t i = 0; i < ARRAY_SIZE(conn_nums); i++)
		*(long *)((char *)c + conn_nums[i].off) = read_long(root, dir, conn_nums[i].attr);
}

/* The "hostH" component of a sysfs path; -ENOENT when there is none. */
static int host_in_path(const char *path, unsigned *host_no)
{
	for (const char *p = strstr(path, "/host"); p; p = strstr(p + 1, "/host")) {
		char slash;

		if (sscanf(p, "/host%u%c", host_no, &slash) == 2 && slash == '/')
			return 0;
	}
	return -ENOENT;
}

/*
 * The SCSI host of a session.  The class link already names it
 * ("../../devices/platform/hostH/sessionS/iscsi_session/sessionS"): one
 * readlink, where resolving the device link component by component took a
 * dozen per session.  Anything else goes through realpath().
 */
static int find_host(const char *root, unsigned sid, unsigned *host_no)
{
	char link[512], target[512], *real;
	ssize_t n;
	int r;

	snprintf(link, sizeof(link), "%s/class/iscsi_session/session%u", root, sid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		if (host_in_path(target, host_no) == 0)
			return 0;
	}
	snprintf(link, sizeof(link), "%s/class/iscsi_session/session%u/device", root, sid);
	real = realpath(link, NULL);
	if (!real)
		return -errno;
	r = host_in_path(real, host_no);
	free(real);
	return r;
}

static int cmp_lun(const void *a, const void *b)
{
	const struct sysfs_lun *x = a, *y = b;

	if (x->target != y->target)
		return x->target < y->target ? -1 : 1;
	return x->lun < y->lun ? -1 : (x->lun > y->lun);
}

static void read_lun_disk(const char *root, const char *lundir, struct sysfs_lun *l)
{
	char path[1024];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s/block", root, lundir);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] != '.') {
			str_copy(l->disk, sizeof(l->disk), de->d_name);
			break;
		}
	}
	closedir(d);
}

/*
 * Appends the LUN named "H:C:T:L" to *v (*n entries), only its address
 * filled in: 0, or 1 when name is not a LUN's, or -ENOMEM.
 */
static int push_lun(struct sysfs_lun **v, size_t *n, const char *name)
{
	struct sysfs_lun l = { 0 }, *nv;

	if (sscanf(name, "%u:%u:%u:%u", &l.host, &l.channel, &l.target, &l.lun) != 4)
		return 1;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[(*n)++] = l;
	return 0;
}

static int add_lun(void *ud, const char *root, const char *lundir, const char *name)
{
	struct sysfs_session *s = ud;
	struct sysfs_lun *l;
	char buf[32];
	int r = push_lun(&s->luns, &s->nluns, name);

	if (r)
		return r < 0 ? r : 0;
	l = &s->luns[s->nluns - 1];
	sysfs_read_str(root, l->state, sizeof(l->state), "%s/state", lundir);
	sysfs_read_str(root, buf, sizeof(buf), "%s/type", lundir);
	l->type = (int)to_long(buf);
	read_lun_disk(root, lundir, l);
	return 0;
}

/*
 * Calls fn(ud, root, "…/targetH:C:T/H:C:T:L", "H:C:T:L") for each entry of
 * each target directory of the session (fn skips what is not a LUN) until
 * fn returns nonzero.  -ENOENT when the session has no device directory.
 */
static int walk_luns(const char *root, unsigned sid,
		     int (*fn)(void *ud, const char *root, const char *lundir, const char *name),
		     void *ud)
{
	char sdir[256], path[1024];
	struct dirent *de;
	DIR *d;
	int r = 0;

	snprintf(sdir, sizeof(sdir), "class/iscsi_session/session%u/device", sid);
	snprintf(path, sizeof(path), "%s/%s", root, sdir);
	d = opendir(path);
	if (!d)
		return -ENOENT;
	while (r == 0 && (de = readdir(d))) {
		char tpath[1024];
		struct dirent *le;
		DIR *td;

		if (strncmp(de->d_name, "target", 6) != 0)
			continue;
		snprintf(tpath, sizeof(tpath), "%s/%s", path, de->d_name);
		td = opendir(tpath);
		if (!td)
			continue;
		while (r == 0 && (le = readdir(td))) {
			char lundir[1536];

			if (le->d_name[0] == '.')
				continue;
			snprintf(lundir, sizeof(lundir), "%s/%s/%s", sdir, de->d_name, le->d_name);
			r = fn(ud, root, lundir, le->d_name);
		}
		closedir(td);
	}
	closedir(d);
	return r;
}

static int read_luns(const char *root, struct sysfs_session *s)
{
	int r = walk_luns(root, s->sid, add_lun, s);

	if (r == -ENOENT)
		r = 0;
	if (s->nluns > 1)
		qsort(s->luns, s->nluns, sizeof(*s->luns), cmp_lun);
	return r;
}

struct disk_list {
	char (*disks)[32];
	size_t cap, n;
};

static int add_disk(void *ud, const char *root, const char *lundir, const char *name)
{
	struct disk_list *dl = ud;
	struct sysfs_lun l = { 0 };

	if (sscanf(name, "%u:%u:%u:%u", &l.host, &l.channel, &l.target, &l.lun) != 4)
		return 0;
	read_lun_disk(root, lundir, &l);
	if (l.disk[0] && dl->n < dl->cap)
		memcpy(dl->disks[dl->n++], l.disk, sizeof(l.disk));
	return 0;
}

int sysfs_session_disks(const char *root, unsigned sid, char (*disks)[32], size_t cap,
			size_t *n)
{
	struct disk_list dl = { .disks = disks, .cap = cap };
	int r = walk_luns(root, sid, add_disk, &dl);

	*n = dl.n;
	return r;
}

struct lun_list {
	struct sysfs_lun *luns;
	size_t n;
};

static int add_lun_address(void *ud, const char *root, const char *lundir, const char *name)
{
	struct lun_list *ll = ud;
	int r = push_lun(&ll->luns, &ll->n, name);

	return r < 0 ? r : 0;
}

int sysfs_session_luns(const char *root, unsigned sid, struct sysfs_lun **out, size_t *n)
{
	struct lun_list ll = { 0 };
	int r = walk_luns(root, sid, add_lun_address, &ll);

	if (r < 0) {
		free(ll.luns);
		ll.luns = NULL;
		ll.n = 0;
	}
	*out = ll.luns;
	*n = ll.n;
	return r;
}

static void read_host(const char *root, unsigned parts, struct sysfs_session *s)
{
	s->has_host = find_host(root, s->sid, &s->host_no) == 0;
	if (!s->has_host)
		return;
	sysfs_host_transport(root, s->host_no, s->transport, sizeof(s->transport));
	if (parts & SYSFS_PART_LUNS)
		sysfs_read_str(root, s->host_state, sizeof(s->host_state),
			       "class/scsi_host/host%u/state", s->host_no);
	if (!(parts & SYSFS_PART_IFACE))
		return;
	sysfs_read_str(root, s->host_ipaddress, sizeof(s->host_ipaddress),
		 "class/iscsi_host/host%u/ipaddress", s->host_no);
	sysfs_read_str(root, s->host_hwaddress, sizeof(s->host_hwaddress),
		 "class/iscsi_host/host%u/hwaddress", s->host_no);
	sysfs_read_str(root, s->host_netdev, sizeof(s->host_netdev),
		 "class/iscsi_host/host%u/netdev", s->host_no);
}

/* The session's numbers, read only with SYSFS_PART_PARAMS. */
#define SESS_NUM(name) { #name, offsetof(struct sysfs_session, name) }
static const struct {
	const char *attr;
	size_t off;
} sess_nums[] = {
	SESS_NUM(abort_tmo), SESS_NUM(lu_reset_tmo), SESS_NUM(tgt_reset_tmo),
	SESS_NUM(first_burst_len), SESS_NUM(max_burst_len), SESS_NUM(max_outstanding_r2t),
	SESS_NUM(erl),
};

static void read_params(const char *root, const char *dir, struct sysfs_session *s)
{
	char buf[64];

	sysfs_read_str(root, s->targetalias, sizeof(s->targetalias), "%s/targetalias", dir);
	sysfs_read_str(root, s->username, sizeof(s->username), "%s/username", dir);
	sysfs_read_str(root, s->username_in, sizeof(s->username_in), "%s/username_in", dir);
	sysfs_read_str(root, s->isid, sizeof(s->isid), "%s/isid", dir);
	sysfs_read_str(root, buf, sizeof(buf), "%s/recovery_tmo", dir);
	s->recovery_tmo = strcmp(buf, "off") == 0 ? -1 : to_long(buf);
	for (size_t i = 0; i < ARRAY_SIZE(sess_nums); i++)
		*(long *)((char *)s + sess_nums[i].off) = read_long(root, dir, sess_nums[i].attr);
	s->initial_r2t = read_bool(root, dir, "initial_r2t");
	s->immediate_data = read_bool(root, dir, "immediate_data");
}

int sysfs_session_read_parts(const char *root, unsigned sid, unsigned parts,
			     struct sysfs_session *s)
{
	char dir[128], path[512], buf[64];

	memset(s, 0, sizeof(*s));
	s->sid = sid;
	snprintf(dir, sizeof(dir), "class/iscsi_session/session%u", sid);
	snprintf(path, sizeof(path), "%s/%s", root, dir);
	if (access(path, F_OK) < 0)
		return -ENOENT;
	sysfs_read_str(root, s->targetname, sizeof(s->targetname), "%s/targetname", dir);
	s->tpgt = (int)read_long(root, dir, "tpgt");
	sysfs_read_str(root, s->state, sizeof(s->state), "%s/state", dir);
	sysfs_read_str(root, s->ifacename, sizeof(s->ifacename), "%s/ifacename", dir);
	sysfs_read_str(root, buf, sizeof(buf), "%s/creator", dir);
	s->flash = strcmp(buf, "-1") == 0;
	if (parts & SYSFS_PART_IFACE)
		sysfs_read_str(root, s->initiatorname, sizeof(s->initiatorname),
			       "%s/initiatorname", dir);
	s->recovery_tmo = s->abort_tmo = s->lu_reset_tmo = s->tgt_reset_tmo = -1;
	s->first_burst_len = s->max_burst_len = s->max_outstanding_r2t = s->erl = -1;
	s->initial_r2t = s->immediate_data = -1;
	if (parts & SYSFS_PART_PARAMS)
		read_params(root, dir, s);
	read_conn(root, sid, parts, &s->conn);
	read_host(root, parts, s);
	if (!s->transport[0])
		str_copy(s->transport, sizeof(s->transport), "tcp");
	return parts & SYSFS_PART_LUNS ? read_luns(root, s) : 0;
}

int sysfs_session_read(const char *root, unsigned sid, struct sysfs_session *s)
{
	return sysfs_session_read_parts(root, sid, SYSFS_PART_ALL, s);
}

void sysfs_session_clear(struct sysfs_session *s)
{
	free(s->luns);
	s->luns = NULL;
	s->nluns = 0;
}

void sysfs_sessions_free(struct sysfs_session *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sysfs_session_clear(&s[i]);
	free(s);
}

static int cmp_session(const void *a, const void *b)
{
	const struct sysfs_session *x = a, *y = b;

	return x->sid < y->sid ? -1 : (x->sid > y->sid);
}

int sysfs_session_list(const char *root, struct sysfs_session **out, size_t *n)
{
	return sysfs_session_list_parts(root, SYSFS_PART_ALL, out, n);
}

int sysfs_session_list_parts(const char *root, unsigned parts, struct sysfs_session **out,
			     size_t *n)
{
	char path[512];
	struct sysfs_session *list = NULL;
	size_t count = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "%s/class/iscsi_session", root);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		struct sysfs_session *nl;
		unsigned sid;
		char extra;

		if (sscanf(de->d_name, "session%u%c", &sid, &extra) != 1)
			continue;
		if (count == cap) {
			/* doubling: a thousand sessions are ~3 MB of entries */
			cap = cap ? 2 * cap : 16;
			nl = realloc(list, cap * sizeof(*nl));
			if (!nl) {
				closedir(d);
				sysfs_sessions_free(list, count);
				return -ENOMEM;
			}
			list = nl;
		}
		/* A session that vanished meanwhile is simply skipped. */
		if (sysfs_session_read_parts(root, sid, parts, &list[count]) == 0)
			count++;
		else
			sysfs_session_clear(&list[count]);
	}
	closedir(d);
	if (count > 1)
		qsort(list, count, sizeof(*list), cmp_session);
	*out = list;
	*n = count;
	return 0;
}

/* "N" (all digits, N > 0: the kernel numbers sessions from 1). */
static int parse_sid_number(const char *p, size_t len, unsigned *sid)
{
	unsigned long v = 0;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9' || v > UINT32_MAX / 10)
			return -EINVAL;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	if (v == 0 || v > UINT32_MAX)
		return -EINVAL;
	*sid = (unsigned)v;
	return 0;
}

int sysfs_parse_session_id(const char *s, unsigned *sid)
{
	const char *p = s;

	if (parse_sid_number(s, strlen(s), sid) == 0)
		return 0;
	/* A path: the first component that is exactly "sessionN". */
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len > 7 && strncmp(p, "session", 7) == 0 &&
		    parse_sid_number(p + 7, len - 7, sid) == 0)
			return 0;
		p += len;
		p += *p == '/';
	}
	return -EINVAL;
}

int sysfs_transport_version(const char *root, char *buf, size_t len)
{
	return sysfs_read(root, "module/scsi_transport_iscsi/version", buf, len);
}
