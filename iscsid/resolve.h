/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resolve.h: turn "host" + port into a socket address without blocking the
 * event loop.  Numeric addresses (IPv4, IPv6) resolve at once; host names
 * are looked up by getaddrinfo() in a short-lived thread whose answer comes
 * back through an eventfd watched by sd-event.
 */
#ifndef ISCSID_RESOLVE_H
#define ISCSID_RESOLVE_H

#include <stdint.h>
#include <sys/socket.h>
#include <systemd/sd-event.h>

struct resolve_query;

/* err: 0 or a negative errno / EAI code folded into -EHOSTUNREACH; msg for humans. */
typedef void (*resolve_cb)(void *userdata, int err, const char *msg,
			   const struct sockaddr_storage *addr, socklen_t addrlen);

/*
 * Starts a lookup; cb runs later from the event loop (never from inside
 * this call).  *out may be cancelled with resolve_cancel() before cb runs.
 */
int resolve_start(struct resolve_query **out, sd_event *event, const char *host,
		  uint16_t port, resolve_cb cb, void *userdata);
void resolve_cancel(struct resolve_query *q);

#endif
