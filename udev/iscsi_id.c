/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iscsi_id.c: from a block device's DEVPATH to its iSCSI session (see iscsi_id.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libiscsi-core/util.h"
#include "sysfs/sysfs.h"
#include "udev/iscsi_id.h"

/* Where the path walk stands: a block device is found below
 * .../sessionS/targetH:C:T/H:C:T:L/block/DISK[/PART]. */
struct walk {
	bool in_session;       /* a "sessionS" component was seen */
	bool at_lun;           /* the previous component was H:C:T:L */
	int after_block;       /* components after "block", -1 before it */
	unsigned sid, lun;
};

/* Decimal digits only (no sign, no spaces), at most UINT_MAX; *end set. */
static bool parse_uint(const char *s, const char **end, unsigned *out)
{
	unsigned long v = 0;
	const char *p = s;

	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > UINT_MAX)
			return false;
		p++;
	}
	*end = p;
	*out = (unsigned)v;
	return p != s;
}

static bool match_session(const char *c, unsigned *sid)
{
	const char *end;

	return strncmp(c, "session", 7) == 0 && parse_uint(c + 7, &end, sid) && *end == '\0';
}

/* "H:C:T:L" exactly; only L is kept. */
static bool match_hctl(const char *c, unsigned *lun)
{
	const char *p = c, *end;
	unsigned v;

	for (int i = 0; i < 4; i++) {
		if (!parse_uint(p, &end, &v))
			return false;
		if (i < 3 && *end != ':')
			return false;
		p = end + 1;
	}
	*lun = v;
	return *end == '\0';
}

static int walk_component(struct walk *w, const char *c)
{
	unsigned n;

	if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0)
		return -EINVAL;
	if (w->after_block >= 0) {
		/* DISK, then at most PART: anything deeper is no block device. */
		return ++w->after_block > 2 ? -ENODEV : 0;
	}
	if (w->at_lun && strcmp(c, "block") == 0) {
		w->after_block = 0;
		return 0;
	}
	w->at_lun = false;
	if (match_session(c, &n)) {
		w->in_session = true;
		w->sid = n;
	} else if (w->in_session && match_hctl(c, &n)) {
		w->at_lun = true;
		w->lun = n;
	}
	return 0;
}

static int parse_devpath(const char *devpath, unsigned *sid, unsigned *lun)
{
	struct walk w = { .after_block = -1 };
	char buf[PATH_MAX], *c, *save = NULL;
	int r;

	if (str_copy(buf, sizeof(buf), devpath) < 0)
		return -EINVAL;
	for (c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		r = walk_component(&w, c);
		if (r < 0)
			return r;
	}
	if (w.after_block < 1)
		return -ENODEV;
	*sid = w.sid;
	*lun = w.lun;
	return 0;
}

/* Target names come from the network via the kernel: only a valid iSCSI
 * name (letters, digits, '-', '.', ':'; no "..") may name a link.  The
 * buffer is larger than a valid name so that a longer one is refused
 * instead of silently cut to a valid-looking prefix. */
static void read_target(const char *root, unsigned sid, char *out, size_t len)
{
	char path[64], name[SYSFS_VAL_MAX * 2];

	out[0] = '\0';
	snprintf(path, sizeof(path), "class/iscsi_session/session%u/targetname", sid);
	if (sysfs_read(root, path, name, sizeof(name)) < 0)
		return;
	if (strlen(name) >= sizeof(name) - 1 || iqn_validate(name, NULL) < 0)
		return;
	str_copy(out, len, name);
}

/* The persistent (user-requested) portal: stable across redirects. */
static void read_portal(const char *root, unsigned sid, char *out, size_t len)
{
	char dir[64], path[128], addr[SYSFS_VAL_MAX], port[16], joined[SYSFS_VAL_MAX + 24];
	struct iscsi_addr a;

	out[0] = '\0';
	snprintf(dir, sizeof(dir), "class/iscsi_connection/connection%u:0", sid);
	snprintf(path, sizeof(path), "%s/persistent_address", dir);
	if (sysfs_read(root, path, addr, sizeof(addr)) < 0 || !addr[0])
		return;
	snprintf(path, sizeof(path), "%s/persistent_port", dir);
	if (sysfs_read(root, path, port, sizeof(port)) < 0 || !port[0])
		return;
	snprintf(joined, sizeof(joined), strchr(addr, ':') ? "[%s]:%s" : "%s:%s", addr, port);
	if (iqn_parse_address(joined, 0, &a, NULL) < 0 || a.tpgt != ISCSI_TPGT_UNKNOWN)
		return;
	if (iqn_format_address(&a, false, out, len) < 0)
		out[0] = '\0';
}

/* The disk of session sid for LUN lun: its sysfs directory in out. */
static bool session_lun_disk(const char *root, unsigned sid, unsigned lun, char *out,
			     size_t len)
{
	char pat[PATH_MAX];
	glob_t g;
	bool found;

	if ((size_t)snprintf(pat, sizeof(pat),
			     "%s/class/iscsi_session/session%u/device/target*/*:*:*:%u/block/*",
			     root, sid, lun) >= sizeof(pat))
		return false;
	if (glob(pat, 0, NULL, &g) != 0)
		return false;
	found = str_copy(out, len, g.gl_pathv[0]) == 0;
	globfree(&g);
	return found;
}

/*
 * The lowest-numbered session below `below` (0: any), other than skip, to
 * target whose LUN lun has a disk; its disk directory in disk.  0 when
 * there is none.
 */
static unsigned lowest_with_lun(const char *root, const char *target, unsigned lun,
				unsigned skip, unsigned below, char *disk, size_t len)
{
	char dir[PATH_MAX], name[IQN_NAME_MAX + 1], path[PATH_MAX];
	unsigned best = 0, sid;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/class/iscsi_session", root);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (!match_session(de->d_name, &sid) || sid == skip || (below && sid >= below) ||
		    (best && sid >= best))
			continue;
		read_target(root, sid, name, sizeof(name));
		if (strcmp(name, target) != 0 || !session_lun_disk(root, sid, lun, path, sizeof(path)))
			continue;
		best = sid;
		str_copy(disk, len, path);
	}
	closedir(d);
	return best;
}

/* Writes "change" to DIR/uevent: the kernel sends a change event. */
static int send_change(const char *dir)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/uevent", dir) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, "change", 6);
	close(fd);
	return n == 6 ? 0 : -EIO;
}

int iscsi_id_promote(const char *root, const char *target, unsigned lun, unsigned gone_sid)
{
	char disk[PATH_MAX], part[PATH_MAX];
	struct dirent *de;
	int sent = 0, r;
	DIR *d;

	if (!lowest_with_lun(root, target, lun, gone_sid, 0, disk, sizeof(disk)))
		return 0;
	r = send_change(disk);
	if (r < 0)
		return r;
	sent++;
	/* its partitions claim TARGET-lun-N-partM the same way */
	d = opendir(disk);
	if (!d)
		return sent;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    (size_t)snprintf(part, sizeof(part), "%s/%s/partition", disk, de->d_name) >=
			    sizeof(part) || access(part, F_OK) < 0)
			continue;
		part[strlen(part) - strlen("/partition")] = '\0';
		if (send_change(part) == 0)
			sent++;
	}
	closedir(d);
	return sent;
}

int iscsi_id_lookup(const char *root, const char *devpath, struct iscsi_id *id)
{
	char full[PATH_MAX];
	int r;

	memset(id, 0, sizeof(*id));
	if (!devpath || devpath[0] != '/')
		return -EINVAL;
	/* Accept a full /sys/devices/... path as well as udev's DEVPATH. */
	if (strncmp(devpath, "/sys/devices/", 13) == 0)
		devpath += 4;
	r = parse_devpath(devpath, &id->sid, &id->lun);
	if (r < 0)
		return r;
	/* The walk saw "sessionS"; make sure it is an iSCSI session that still exists. */
	if ((size_t)snprintf(full, sizeof(full), "%s/class/iscsi_session/session%u", root,
			     id->sid) >= sizeof(full))
		return -EINVAL;
	if (access(full, F_OK) < 0)
		return -ENOENT;
	read_target(root, id->sid, id->target, sizeof(id->target));
	read_portal(root, id->sid, id->portal, sizeof(id->portal));
	if (id->target[0])
		id->first = !lowest_with_lun(root, id->target, id->lun, id->sid, id->sid, full,
					     sizeof(full));
	return 0;
}

void iscsi_id_print(FILE *f, const struct iscsi_id *id)
{
	fprintf(f, "ID_ISCSI_SESSION=%u\n", id->sid);
	fprintf(f, "ID_ISCSI_LUN=%u\n", id->lun);
	if (id->target[0])
		fprintf(f, "ID_ISCSI_TARGET=%s\n", id->target);
	if (id->portal[0])
		fprintf(f, "ID_ISCSI_PORTAL=%s\n", id->portal);
	if (id->target[0])
		fprintf(f, "ID_ISCSI_FIRST_SESSION=%d\n", id->first ? 1 : 0);
}
