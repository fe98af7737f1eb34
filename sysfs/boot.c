/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boot.c: reading the firmware's iSCSI boot tables (see boot.h). */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "libiscsi-core/util.h"
#include "sysfs/boot.h"
#include "sysfs/host.h"
#include "sysfs/sysfs.h"

#define DEFAULT_PORT 3260
#define WHY_MAX 160

/* An entry directory: "firmware/<table>/<name>". */
struct entry {
	const char *root, *table, *name;
};

static void get(const struct entry *e, const char *attr, char *buf, size_t len)
{
	sysfs_read_str(e->root, buf, len, "firmware/%s/%s/%s", e->table, e->name, attr);
}

/* false when the attribute is missing or not a number */
static bool get_int(const struct entry *e, const char *attr, int *v)
{
	char buf[32], *end;
	long x;

	get(e, attr, buf, sizeof(buf));
	if (!buf[0])
		return false;
	errno = 0;
	x = strtol(buf, &end, 10);
	if (errno || *end || x < INT32_MIN || x > INT32_MAX)
		return false;
	*v = (int)x;
	return true;
}

static int add_skip(struct sysfs_boot_list *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int add_skip(struct sysfs_boot_list *l, const char *fmt, ...)
{
	char **nl = realloc(l->skipped, (l->n_skipped + 1) * sizeof(*nl));
	va_list ap;
	int r;

	if (!nl)
		return -ENOMEM;
	l->skipped = nl;
	va_start(ap, fmt);
	r = vasprintf(&nl[l->n_skipped], fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	l->n_skipped++;
	return 0;
}

/* "target10" after "target9": by the number after the prefix. */
static int cmp_entry(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t px = strcspn(x, "0123456789"), py = strcspn(y, "0123456789");
	long nx = strtol(x + px, NULL, 10), ny = strtol(y + py, NULL, 10);

	if (nx != ny)
		return nx < ny ? -1 : 1;
	return strcmp(x, y);
}

/* Names in dir starting with prefix, sorted; *names is NULL when none. */
static int list_dir(const char *path, const char *prefix, char ***names, size_t *n)
{
	size_t plen = strlen(prefix);
	struct dirent *de;
	DIR *d = opendir(path);
	int r = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return 0;
	while (r == 0 && (de = readdir(d))) {
		char **nl;

		if (de->d_name[0] == '.' || strncmp(de->d_name, prefix, plen) != 0)
			continue;
		nl = realloc(*names, (*n + 1) * sizeof(*nl));
		if (!nl || !(nl[*n] = strdup(de->d_name))) {
			*names = nl ? nl : *names;
			r = -ENOMEM;
			break;
		}
		*names = nl;
		(*n)++;
	}
	closedir(d);
	if (*n > 1)
		qsort(*names, *n, sizeof(**names), cmp_entry);
	return r;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The system's network interface with this MAC (ROOT/class/net/X/address). */
static void netdev_by_mac(const char *root, const char *mac, char *out, size_t len)
{
	char path[512], addr[64], **names;
	size_t n;

	snprintf(path, sizeof(path), "%s/class/net", root);
	if (list_dir(path, "", &names, &n) < 0)
		return;
	for (size_t i = 0; i < n && !out[0]; i++) {
		sysfs_read_str(root, addr, sizeof(addr), "class/net/%s/address", names[i]);
		if (addr[0] && strcasecmp(addr, mac) == 0)
			str_copy(out, len, names[i]);
	}
	free_names(names, n);
}

/* The first name in path starting with prefix, without the prefix. */
static bool first_name(const char *path, const char *prefix, char *out, size_t len)
{
	char **names;
	size_t n;
	bool found = list_dir(path, prefix, &names, &n) == 0 && n > 0;

	if (found)
		str_copy(out, len, names[0] + strlen(prefix));
	free_names(names, n);
	return found;
}

/*
 * The iBFT links an ethernet entry to its PCI device, whose net/ directory
 * names the interface (net:NAME on old kernels); a device without one is
 * found by the MAC.  Returns false when none is found.  An entry without
 * a device link (firmware not tied to a PCI function) has no interface
 * name and is still usable, as open-iscsi takes it.
 */
static bool find_netdev(const struct entry *e, const char *mac, char *out, size_t len)
{
	char path[512];

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/firmware/%s/%s/device", e->root, e->table, e->name);
	if (access(path, F_OK) < 0 || first_name(path, "net:", out, len))
		return true;
	strncat(path, "/net", sizeof(path) - strlen(path) - 1);
	if (!first_name(path, "", out, len))
		netdev_by_mac(e->root, mac, out, len);
	return out[0] != '\0';
}

/* flags: either bit counts (some firmware sets only "boot selected"). */
static bool has_flags(const struct entry *e)
{
	int flags = 0;

	return get_int(e, "flags", &flags) && flags != 0;
}

static const char *read_nic(const struct entry *e, bool ibft, struct sysfs_boot_target *t,
			    char *why)
{
	if (!has_flags(e))
		return snprintf(why, WHY_MAX, "%s has no valid flags", e->name), why;
	get(e, "mac", t->mac, sizeof(t->mac));
	if (!t->mac[0])
		return snprintf(why, WHY_MAX, "%s has no mac", e->name), why;
	if (ibft) {
		if (!find_netdev(e, t->mac, t->netdev, sizeof(t->netdev)))
			return snprintf(why, WHY_MAX, "no network interface has the MAC %s of %s",
					t->mac, e->name), why;
	}
	get(e, "ip-addr", t->ipaddr, sizeof(t->ipaddr));
	get(e, "vlan", t->vlan, sizeof(t->vlan));
	get(e, "subnet-mask", t->subnet_mask, sizeof(t->subnet_mask));
	get(e, "gateway", t->gateway, sizeof(t->gateway));
	get(e, "primary-dns", t->primary_dns, sizeof(t->primary_dns));
	get(e, "secondary-dns", t->secondary_dns, sizeof(t->secondary_dns));
	get(e, "dhcp", t->dhcp, sizeof(t->dhcp));
	if (!get_int(e, "prefix-len", &t->prefix_len))
		t->prefix_len = 0;
	if (!get_int(e, "origin", &t->origin))
		t->origin = -1;
	return NULL;
}

/* The ethernet entry whose index is the target's nic-assoc. */
static const char *join_nic(const struct entry *te, char **nics, size_t n_nics, bool ibft,
			    struct sysfs_boot_target *t, char *why)
{
	int assoc, index;

	if (!get_int(te, "nic-assoc", &assoc))
		return "no nic-assoc";
	for (size_t i = 0; i < n_nics; i++) {
		struct entry ne = { te->root, te->table, nics[i] };

		if (get_int(&ne, "index", &index) && index == assoc)
			return read_nic(&ne, ibft, t, why);
	}
	snprintf(why, WHY_MAX, "nic-assoc %d names no ethernet entry", assoc);
	return why;
}

static const char *read_target(const struct entry *e, struct sysfs_boot_target *t)
{
	if (!has_flags(e))
		return "no valid flags";
	get(e, "target-name", t->targetname, sizeof(t->targetname));
	if (!t->targetname[0])
		return "no target-name";
	get(e, "ip-addr", t->address, sizeof(t->address));
	if (!t->address[0])
		return "no ip-addr";
	if (!get_int(e, "port", &t->port))
		t->port = DEFAULT_PORT;
	get(e, "lun", t->lun, sizeof(t->lun));
	get(e, "chap-name", t->chap_name, sizeof(t->chap_name));
	get(e, "chap-secret", t->chap_secret, sizeof(t->chap_secret));
	get(e, "rev-chap-name", t->rev_chap_name, sizeof(t->rev_chap_name));
	get(e, "rev-chap-name-secret", t->rev_chap_secret, sizeof(t->rev_chap_secret));
	return NULL;
}

static int add_target(struct sysfs_boot_list *l, const struct sysfs_boot_target *t)
{
	struct sysfs_boot_target *nl = realloc(l->t, (l->n + 1) * sizeof(*nl));

	if (!nl)
		return -ENOMEM;
	l->t = nl;
	l->t[l->n++] = *t;
	return 0;
}

/* The parts every target of a table shares. */
static void table_common(const char *root, const char *table, struct sysfs_boot_target *t)
{
	struct entry ini = { root, table, "initiator" };
	unsigned host;

	str_copy(t->table, sizeof(t->table), table);
	get(&ini, "initiator-name", t->initiatorname, sizeof(t->initiatorname));
	get(&ini, "isid", t->isid, sizeof(t->isid));
	if (streq(table, "ibft"))
		str_copy(t->transport, sizeof(t->transport), "tcp");
	else if (sscanf(table, "iscsi_boot%u", &host) == 1)
		sysfs_host_transport(root, host, t->transport, sizeof(t->transport));
}

static int read_targets(const char *root, const char *table, char **tgts, size_t n_tgts,
			char **nics, size_t n_nics, struct sysfs_boot_list *l)
{
	bool ibft = streq(table, "ibft");
	int r = 0;

	for (size_t i = 0; i < n_tgts && r == 0; i++) {
		struct entry te = { root, table, tgts[i] };
		struct sysfs_boot_target *t = calloc(1, sizeof(*t));
		char why[WHY_MAX];
		const char *bad;

		if (!t)
			return -ENOMEM;
		table_common(root, table, t);
		str_copy(t->entry, sizeof(t->entry), tgts[i]);
		bad = read_target(&te, t);
		if (!bad)
			bad = join_nic(&te, nics, n_nics, ibft, t, why);
		r = bad ? add_skip(l, "%s/%s: %s", table, tgts[i], bad) : add_target(l, t);
		explicit_bzero(t, sizeof(*t));   /* CHAP secrets */
		free(t);
	}
	return r;
}

static int read_table(const char *root, const char *table, struct sysfs_boot_list *l)
{
	char path[512], **tgts = NULL, **nics = NULL;
	size_t n_tgts = 0, n_nics = 0;
	int r;

	l->n_tables++;
	snprintf(path, sizeof(path), "%s/firmware/%s/initiator", root, table);
	if (access(path, F_OK) < 0)
		return add_skip(l, "%s: no initiator entry", table);
	snprintf(path, sizeof(path), "%s/firmware/%s", root, table);
	r = list_dir(path, "target", &tgts, &n_tgts);
	if (r == 0)
		r = list_dir(path, "ethernet", &nics, &n_nics);
	if (r == 0 && n_tgts == 0)
		r = add_skip(l, "%s: no target entry", table);
	if (r == 0)
		r = read_targets(root, table, tgts, n_tgts, nics, n_nics, l);
	free_names(tgts, n_tgts);
	free_names(nics, n_nics);
	return r;
}

int sysfs_boot_read(const char *root, struct sysfs_boot_list *l)
{
	char path[512], **tables;
	size_t n;
	int r;

	memset(l, 0, sizeof(*l));
	snprintf(path, sizeof(path), "%s/firmware", root);
	r = list_dir(path, "iscsi_boot", &tables, &n);
	snprintf(path, sizeof(path), "%s/firmware/ibft", root);
	if (r == 0 && access(path, F_OK) == 0)
		r = read_table(root, "ibft", l);
	for (size_t i = 0; i < n && r == 0; i++)
		r = read_table(root, tables[i], l);
	free_names(tables, n);
	if (r < 0)
		sysfs_boot_free(l);
	return r;
}

void sysfs_boot_free(struct sysfs_boot_list *l)
{
	if (l->t)
		explicit_bzero(l->t, l->n * sizeof(*l->t));
	free(l->t);
	for (size_t i = 0; i < l->n_skipped; i++)
		free(l->skipped[i]);
	free(l->skipped);
	memset(l, 0, sizeof(*l));
}
