/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host.c: reading the kernel's iSCSI hosts (see host.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "libiscsi-core/util.h"
#include "sysfs/host.h"

void sysfs_host_transport(const char *root, unsigned host_no, char *buf, size_t len)
{
	char proc[64];

	sysfs_read_str(root, proc, sizeof(proc), "class/scsi_host/host%u/proc_name", host_no);
	/* The transport's name is the driver name without "iscsi_" (iscsi_tcp -> tcp). */
	str_copy(buf, len, strncmp(proc, "iscsi_", 6) == 0 ? proc + 6 : proc);
}

/* Where each attribute lands; all are plain strings. */
#define HOST_ATTR(name) { #name, offsetof(struct sysfs_host, name), \
			  sizeof(((struct sysfs_host *)0)->name) }
static const struct {
	const char *attr;
	size_t off, len;
} host_attrs[] = {
	HOST_ATTR(ipaddress), HOST_ATTR(hwaddress), HOST_ATTR(netdev),
	HOST_ATTR(initiatorname),
};

int sysfs_host_read(const char *root, unsigned host_no, struct sysfs_host *h)
{
	char path[512];

	memset(h, 0, sizeof(*h));
	h->host_no = host_no;
	snprintf(path, sizeof(path), "%s/class/iscsi_host/host%u", root, host_no);
	if (access(path, F_OK) < 0)
		return -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(host_attrs); i++)
		sysfs_read_str(root, (char *)h + host_attrs[i].off, host_attrs[i].len,
			       "class/iscsi_host/host%u/%s", host_no, host_attrs[i].attr);
	sysfs_read_str(root, h->state, sizeof(h->state), "class/scsi_host/host%u/state",
		       host_no);
	sysfs_host_transport(root, host_no, h->transport, sizeof(h->transport));
	return 0;
}

/* open-iscsi lists the host directories with scandir(alphasort). */
static int cmp_by_name(const void *a, const void *b)
{
	const struct sysfs_host *x = a, *y = b;
	char nx[32], ny[32];

	snprintf(nx, sizeof(nx), "host%u", x->host_no);
	snprintf(ny, sizeof(ny), "host%u", y->host_no);
	return strcmp(nx, ny);
}

static int add_host(const char *root, unsigned host_no, struct sysfs_host **list,
		    size_t *count)
{
	struct sysfs_host *nl = realloc(*list, (*count + 1) * sizeof(*nl));

	if (!nl)
		return -ENOMEM;
	*list = nl;
	/* A host that vanished meanwhile is simply skipped. */
	if (sysfs_host_read(root, host_no, &nl[*count]) == 0)
		(*count)++;
	return 0;
}

int sysfs_host_list(const char *root, struct sysfs_host **out, size_t *n)
{
	struct sysfs_host *list = NULL;
	size_t count = 0;
	char path[512];
	struct dirent *de;
	int r = 0;
	DIR *d;

	*out = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "%s/class/iscsi_host", root);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (r == 0 && (de = readdir(d))) {
		unsigned host_no;
		char extra;

		if (sscanf(de->d_name, "host%u%c", &host_no, &extra) == 1)
			r = add_host(root, host_no, &list, &count);
	}
	closedir(d);
	if (r < 0) {
		free(list);
		return r;
	}
	if (count > 1)
		qsort(list, count, sizeof(*list), cmp_by_name);
	*out = list;
	*n = count;
	return 0;
}

int sysfs_host_by_hwaddress(const char *root, const char *mac, unsigned *host_no)
{
	struct sysfs_host *list;
	size_t n;
	int r;

	if (!mac[0])
		return -EINVAL;
	r = sysfs_host_list(root, &list, &n);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = 0; i < n && r; i++) {
		if (strcasecmp(list[i].hwaddress, mac) == 0) {
			*host_no = list[i].host_no;
			r = 0;
		}
	}
	free(list);
	return r;
}
