/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ifacebind.h: port binding, the one place where an iface's
 * net_ifacename / hwaddress / ipaddress reach a socket.
 *
 * tcpconn applies it to every socket it opens, so SendTargets discovery
 * through -I, the first login and each reconnect of recovery are bound
 * the same way.  A MAC address is looked up among the netdevs at each
 * connect (the netdev carrying it may have been renamed or replaced).
 * A binding that cannot be made fails the connect: the connection never
 * falls back to the default route.
 */
#ifndef ISCSID_IFACEBIND_H
#define ISCSID_IFACEBIND_H

#include <stdbool.h>
#include <stddef.h>

#include "libiscsi-core/errors.h"

struct ifacebind {
	char iface[65];         /* iface.iscsi_ifacename, for messages */
	char netdev[16];        /* iface.net_ifacename (IFNAMSIZ) */
	char hwaddress[32];     /* iface.hwaddress */
	char ipaddress[64];     /* iface.ipaddress, numeric */
	const char *sysroot;    /* NULL: "/sys" (tests point it elsewhere) */
	/* out, from the last ifacebind_apply(): */
	char bound_dev[16];     /* the netdev the socket was bound to, or "" */
	const char *failed;     /* the iface key that could not be applied, or NULL */
	int error;              /* its negative errno */
};

/* Whether any of the three keys asks for a binding. */
bool ifacebind_wanted(const struct ifacebind *b);

/* The netdev whose MAC address is mac (case-insensitive), from
 * <sysroot>/class/net/ASTERISK/address.  0, or -ENODEV when none has it. */
int ifacebind_netdev_of_mac(const char *sysroot, const char *mac, char *dev, size_t cap);

/* The MAC address of netdev dev, or -errno. */
int ifacebind_mac_of_netdev(const char *sysroot, const char *dev, char *mac, size_t cap);

/* Binds socket fd (of address family family) as b asks: SO_BINDTODEVICE,
 * then bind() to the source address.  0, or -errno with b->failed set. */
int ifacebind_apply(struct ifacebind *b, int fd, int family);

/* After a failed ifacebind_apply(): a message naming the iface, the key and
 * the netdev or address, with code as its exit code. */
void ifacebind_explain(const struct ifacebind *b, int code, struct ll_error *err);

#endif
