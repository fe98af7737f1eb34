/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcpconn.h: one non-blocking TCP connection to a target that carries
 * whole iSCSI PDUs, driven by sd-event.
 *
 * Used where iscsid speaks iSCSI itself (SendTargets discovery, and the
 * host-side tests); kernel sessions hand their socket to iscsi_tcp.
 * The owner gets callbacks: connected, one complete PDU (header + AHS +
 * padded data, as received), or an error (the connection is dead; the
 * owner frees it).  Callbacks may free the tcpconn.  Timeouts are the
 * owner's business.
 */
#ifndef ISCSID_TCPCONN_H
#define ISCSID_TCPCONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <systemd/sd-event.h>

#include "iscsid/ifacebind.h"

struct tcpconn;

struct tcpconn_ops {
	void (*connected)(void *userdata);
	void (*pdu)(void *userdata, const uint8_t *pdu, size_t len);
	/* err: negative errno; what: "connect", "receive", "send", "closed", "pdu" */
	void (*error)(void *userdata, int err, const char *what);
};

/*
 * Socket settings from a node record (node.conn[0].tcp.*), set before
 * connecting so they hold for the whole life of the socket, also after
 * the kernel took it.  Zero / empty leaves the kernel's default.
 */
struct tcpconn_opts {
	int window_size;        /* SO_RCVBUF and SO_SNDBUF, bytes */
	int tos;                /* IP_TOS, or IPV6_TCLASS on IPv6; 0..255 */
	char congestion[16];    /* TCP_CONGESTION algorithm name */
	struct ifacebind bind;  /* iface.net_ifacename / hwaddress / ipaddress */
	const char *refused;    /* out: the record key the kernel refused, or NULL */
};

/* Starts connecting to addr (numeric; see resolve.h for names).  opts may
 * be NULL; a setting the kernel refuses fails the call (-errno) and is
 * named in opts->refused. */
int tcpconn_new(struct tcpconn **out, sd_event *event, const struct sockaddr *addr,
		socklen_t addrlen, struct tcpconn_opts *opts,
		const struct tcpconn_ops *ops, void *userdata);
void tcpconn_free(struct tcpconn *c);
/* The value of opts->refused as the node record writes it ("" for a key
 * that is not a tcp.* option); buf holds it when it is a number. */
const char *tcpconn_refused_value(const struct tcpconn_opts *opts, char *buf, size_t len);
/* Largest data segment accepted from the target (default 8192, the login limit). */
void tcpconn_set_max_data(struct tcpconn *c, uint32_t max);
/* Queues bytes (copied) for sending. */
int tcpconn_send(struct tcpconn *c, const uint8_t *buf, size_t len);
/* After an error "pdu": why the received PDU was refused. */
const char *tcpconn_error_msg(const struct tcpconn *c);
/* Gives the socket away (kernel handoff): the tcpconn stops watching it. */
int tcpconn_take_fd(struct tcpconn *c);

#endif
