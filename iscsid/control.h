/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * control.h: iscsid's UNIX socket server for iscsiadm requests.
 *
 * The control server accepts clients, checks SO_PEERCRED (root only),
 * frames and decodes requests with libiscsi-core/ipc.h, and hands each
 * decoded request to the daemon's handler.  The handler owns the request
 * until it calls request_reply() (now or much later, e.g. when a login
 * finishes); a client that disconnects first simply loses its replies.
 * A malformed or oversized message gets an error reply and that client is
 * closed; other clients are not affected.
 */
#ifndef ISCSID_CONTROL_H
#define ISCSID_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "libiscsi-core/ipc.h"

struct control;
struct client;

struct request {
	struct client *client;  /* NULL once the client went away */
	struct request *next;   /* the client's list of pending requests */
	struct ipc_msg msg;     /* decoded request (type, id, attributes) */
};

typedef void (*request_handler_t)(void *userdata, struct request *req);

/*
 * Opens the listening socket: the one systemd passed (socket activation) or
 * a new one at $ISCSID_SOCKET / DEFAULT_ISCSID_SOCKET.
 */
int control_new(struct control **out, sd_event *event, request_handler_t handler,
		void *userdata);
void control_free(struct control *c);
const char *control_socket_path(const struct control *c);
/* Where iscsid listens without systemd, and whose directory holds its
 * runtime state: $ISCSID_SOCKET, else the build's default. */
const char *control_default_path(void);
/* iscsid.ipc_auth_uid: true (default) accepts uid 0 only. */
void control_set_auth_by_uid(struct control *c, bool by_uid);

/* Frees req's attributes and keeps what the reply needs: for a handler
 * that holds a request long after reading it (a login, until its scan). */
void request_drop_attrs(struct request *req);
/* Sends reply (its type and id are set from req) and frees req. */
void request_reply(struct request *req, struct ipc_msg *reply);
/* Replies with status code and a message (printf format), then frees req. */
void request_fail(struct request *req, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Replies with status 0 and no attributes, then frees req. */
void request_ok(struct request *req);

#endif
