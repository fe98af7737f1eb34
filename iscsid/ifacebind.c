/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ifacebind.c: bind a socket to an iface's netdev and source address (see ifacebind.h). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "iscsid/ifacebind.h"
#include "libiscsi-core/util.h"

static const char *root(const char *sysroot)
{
	return sysroot ? sysroot : "/sys";
}

bool ifacebind_wanted(const struct ifacebind *b)
{
	return b->netdev[0] || b->hwaddress[0] || b->ipaddress[0];
}

int ifacebind_mac_of_netdev(const char *sysroot, const char *dev, char *mac, size_t cap)
{
	char path[256];
	FILE *f;
	bool ok;

	/* A name with a slash or "." / ".." would leave class/net. */
	if (!*dev || strchr(dev, '/') || !strcmp(dev, ".") || !strcmp(dev, ".."))
		return -ENODEV;
	snprintf(path, sizeof(path), "%s/class/net/%s/address", root(sysroot), dev);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ENODEV : -errno;
	ok = fgets(mac, (int)cap, f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	mac[strcspn(mac, "\n")] = '\0';
	return 0;
}

int ifacebind_netdev_of_mac(const char *sysroot, const char *mac, char *dev, size_t cap)
{
	char path[256];
	struct dirent *de;
	DIR *d;
	int r = -ENODEV;

	snprintf(path, sizeof(path), "%s/class/net", root(sysroot));
	d = opendir(path);
	if (!d)
		return -ENODEV;
	while (r < 0 && (de = readdir(d))) {
		char addr[64];

		if (de->d_name[0] == '.' ||
		    ifacebind_mac_of_netdev(sysroot, de->d_name, addr, sizeof(addr)) < 0)
			continue;
		if (!strcasecmp(addr, mac) && str_copy(dev, cap, de->d_name) == 0)
			r = 0;
	}
	closedir(d);
	return r;
}

/* bind() to the source address; one of the other family than the portal is refused. */
static int bind_source(int fd, int family, const char *ip)
{
	struct sockaddr_storage ss = { .ss_family = (sa_family_t)family };
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	int ok = family == AF_INET6 ? inet_pton(AF_INET6, ip, &in6->sin6_addr) :
				      inet_pton(AF_INET, ip, &in4->sin_addr);

	if (ok != 1)
		return -EAFNOSUPPORT;
	return bind(fd, (struct sockaddr *)&ss, family == AF_INET6 ? sizeof(*in6) :
				 sizeof(*in4)) < 0 ? -errno : 0;
}

static int failed(struct ifacebind *b, const char *key, int r)
{
	b->failed = key;
	b->error = r;
	return r;
}

int ifacebind_apply(struct ifacebind *b, int fd, int family)
{
	int r;

	b->failed = NULL;
	b->error = 0;
	b->bound_dev[0] = '\0';
	/* hwaddress wins over net_ifacename, as in open-iscsi's iface binding. */
	if (b->hwaddress[0] &&
	    (r = ifacebind_netdev_of_mac(b->sysroot, b->hwaddress, b->bound_dev,
					 sizeof(b->bound_dev))) < 0)
		return failed(b, "iface.hwaddress", r);
	if (!b->hwaddress[0])
		str_copy(b->bound_dev, sizeof(b->bound_dev), b->netdev);
	if (b->bound_dev[0] && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, b->bound_dev,
					  (socklen_t)strlen(b->bound_dev) + 1) < 0) {
		r = -errno;
		return failed(b, b->hwaddress[0] ? "iface.hwaddress" : "iface.net_ifacename", r);
	}
	if (b->ipaddress[0] && (r = bind_source(fd, family, b->ipaddress)) < 0)
		return failed(b, "iface.ipaddress", r);
	return 0;
}

void ifacebind_explain(const struct ifacebind *b, int code, struct ll_error *err)
{
	const char *iface = b->iface[0] ? b->iface : "default";
	const char *why = strerror(-b->error);

	if (b->failed && !strcmp(b->failed, "iface.ipaddress"))
		ll_error_set(err, code, "iface %s: cannot bind the source address %s "
			     "(iface.ipaddress): %s", iface, b->ipaddress,
			     b->error == -EADDRNOTAVAIL ? "it is not an address of this host" :
			     b->error == -EAFNOSUPPORT ? "not an address of the portal's family" :
			     why);
	else if (b->failed && !strcmp(b->failed, "iface.hwaddress") && !b->bound_dev[0] &&
		 b->error == -ENODEV)
		ll_error_set(err, code, "iface %s: no network interface has the hardware "
			     "address %s (iface.hwaddress)", iface, b->hwaddress);
	else
		ll_error_set(err, code, "iface %s: cannot bind to network interface %s (%s): %s",
			     iface, b->bound_dev[0] ? b->bound_dev : b->netdev,
			     b->failed ? b->failed : "iface.net_ifacename",
			     b->error == -ENODEV ? "no such network interface" : why);
}
