/* SPDX-License-Identifier: GPL-2.0-or-later */
/* control.c: the iscsid control socket server (see control.h). */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>

#include "config.h"
#include "iscsid/control.h"
#include "iscsid/log.h"
#include "libiscsi-core/util.h"

#define MAX_CLIENTS 512
#define MAX_PENDING_PER_CLIENT 4096
#define MAX_OUTQ_BYTES (8u * 1024u * 1024u)

struct outbuf {
	struct outbuf *next;
	size_t len, off;
	uint8_t data[];
};

struct client {
	struct control *ctl;
	struct client *prev, *next;
	int fd;
	uid_t uid;
	pid_t pid;
	sd_event_source *io;
	uint8_t hdr[IPC_HDR_LEN];
	size_t hdr_got;
	uint8_t *payload;
	uint32_t payload_len, payload_got;
	uint16_t cur_type;
	uint32_t cur_id;
	struct request *pending;
	size_t npending;
	struct outbuf *outq, *outq_tail;
	size_t outq_bytes;
	bool closing;  /* close once the output queue has drained */
};

struct control {
	sd_event *event;
	int fd;
	bool owns_path;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	sd_event_source *accept_src;
	struct client *clients;
	size_t nclients;
	request_handler_t handler;
	void *userdata;
	bool auth_by_uid;
};

static void client_free(struct client *cl)
{
	struct control *ctl = cl->ctl;

	/* Pending requests stay with the daemon; they just lose their client. */
	for (struct request *r = cl->pending; r; r = r->next)
		r->client = NULL;
	while (cl->outq) {
		struct outbuf *o = cl->outq;

		cl->outq = o->next;
		free(o);
	}
	sd_event_source_disable_unref(cl->io);
	closep(&cl->fd);
	free(cl->payload);
	if (cl->prev)
		cl->prev->next = cl->next;
	else
		ctl->clients = cl->next;
	if (cl->next)
		cl->next->prev = cl->prev;
	ctl->nclients--;
	free(cl);
}

static void client_update_events(struct client *cl)
{
	uint32_t ev = cl->closing ? 0 : EPOLLIN;

	/* A closing client wants one more wakeup so client_flush() can free it. */
	if (cl->outq || cl->closing)
		ev |= EPOLLOUT;
	sd_event_source_set_io_events(cl->io, ev);
}

/* Returns <0 if the client had to be closed. */
static int client_flush(struct client *cl)
{
	while (cl->outq) {
		struct outbuf *o = cl->outq;
		ssize_t n = send(cl->fd, o->data + o->off, o->len - o->off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			log_debug(2, "control: client pid %d went away: %m", (int)cl->pid);
			client_free(cl);
			return -1;
		}
		o->off += (size_t)n;
		if (o->off < o->len)
			break;
		cl->outq = o->next;
		if (!cl->outq)
			cl->outq_tail = NULL;
		cl->outq_bytes -= o->len;
		free(o);
	}
	if (!cl->outq && cl->closing) {
		client_free(cl);
		return -1;
	}
	client_update_events(cl);
	return 0;
}

static void client_queue(struct client *cl, const uint8_t *buf, size_t len)
{
	struct outbuf *o;

	if (cl->outq_bytes + len > MAX_OUTQ_BYTES) {
		log_warn("control: client pid %d does not read its replies; closing it",
			 (int)cl->pid);
		cl->closing = true;
		return;
	}
	o = malloc(sizeof(*o) + len);
	if (!o) {
		cl->closing = true;
		return;
	}
	o->next = NULL;
	o->len = len;
	o->off = 0;
	memcpy(o->data, buf, len);
	if (cl->outq_tail)
		cl->outq_tail->next = o;
	else
		cl->outq = o;
	cl->outq_tail = o;
	cl->outq_bytes += len;
}

static void client_send_msg(struct client *cl, const struct ipc_msg *m)
{
	uint8_t *buf;
	size_t len;

	if (ipc_msg_encode(m, &buf, &len) < 0) {
		log_err("control: reply to client pid %d too large to encode", (int)cl->pid);
		cl->closing = true;
		return;
	}
	client_queue(cl, buf, len);
	secure_zero(buf, len);
	free(buf);
}

static void client_send_error(struct client *cl, uint16_t type, uint32_t id, int code,
			      const char *msg)
{
	struct ipc_msg m;

	ipc_msg_init(&m, type | IPC_REPLY, id);
	ipc_msg_add_u32(&m, IPC_A_STATUS, (uint32_t)code);
	ipc_msg_add_str(&m, IPC_A_MESSAGE, msg);
	client_send_msg(cl, &m);
	ipc_msg_free(&m);
}

static void request_detach(struct request *req)
{
	struct client *cl = req->client;

	if (!cl)
		return;
	for (struct request **pp = &cl->pending; *pp; pp = &(*pp)->next) {
		if (*pp == req) {
			*pp = req->next;
			cl->npending--;
			break;
		}
	}
	req->client = NULL;
}

void request_drop_attrs(struct request *req)
{
	uint16_t type = req->msg.type;
	uint32_t id = req->msg.id;

	ipc_msg_free(&req->msg);
	ipc_msg_init(&req->msg, type, id);
}

void request_reply(struct request *req, struct ipc_msg *reply)
{
	struct client *cl = req->client;

	request_detach(req);
	if (cl) {
		reply->type = req->msg.type | IPC_REPLY;
		reply->id = req->msg.id;
		client_send_msg(cl, reply);
		/* Never free the client here: we may be inside its read handler. */
		client_update_events(cl);
	}
	ipc_msg_free(&req->msg);
	free(req);
}

void request_fail(struct request *req, int code, const char *fmt, ...)
{
	struct ipc_msg m;
	char text[LL_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ipc_msg_init(&m, 0, 0);
	ipc_msg_add_u32(&m, IPC_A_STATUS, (uint32_t)code);
	ipc_msg_add_str(&m, IPC_A_MESSAGE, text);
	request_reply(req, &m);
	ipc_msg_free(&m);
}

void request_ok(struct request *req)
{
	struct ipc_msg m;

	ipc_msg_init(&m, 0, 0);
	ipc_msg_add_u32(&m, IPC_A_STATUS, 0);
	request_reply(req, &m);
	ipc_msg_free(&m);
}

/*
 * Root only.  iscsid.ipc_auth_uid = No (open-iscsi's legacy mode) also
 * accepts any uid whose account is named "root".
 */
static bool peer_allowed(const struct control *ctl, uid_t uid)
{
	struct passwd *pw;

	if (uid == 0)
		return true;
	if (ctl->auth_by_uid)
		return false;
	pw = getpwuid(uid);
	return pw && pw->pw_name && strcmp(pw->pw_name, "root") == 0;
}

/* A whole message has arrived: decode, then check access and dispatch. */
static void client_dispatch(struct client *cl)
{
	struct ll_error err = { 0 };
	struct request *req;

	if (!peer_allowed(cl->ctl, cl->uid)) {
		log_warn("control: refused %s request from uid %u (pid %d): only root may use iscsid",
			 ipc_type_str(cl->cur_type), (unsigned)cl->uid, (int)cl->pid);
		client_send_error(cl, cl->cur_type, cl->cur_id, ISCSI_ERR_ACCESS,
				  "permission denied: iscsid accepts requests from root only");
		return;
	}
	if (cl->npending >= MAX_PENDING_PER_CLIENT) {
		client_send_error(cl, cl->cur_type, cl->cur_id, ISCSI_ERR_AGAIN,
				  "too many requests in flight on this connection");
		return;
	}
	req = calloc(1, sizeof(*req));
	if (!req) {
		client_send_error(cl, cl->cur_type, cl->cur_id, ISCSI_ERR_NOMEM, "out of memory");
		return;
	}
	if (ipc_msg_decode(&req->msg, cl->cur_type, cl->cur_id, cl->payload,
			   cl->payload_len, &err) < 0) {
		log_warn("control: malformed request from pid %d: %s", (int)cl->pid, err.msg);
		client_send_error(cl, cl->cur_type, cl->cur_id, ISCSI_ERR_INVALID_MGMT_REQ, err.msg);
		free(req);
		cl->closing = true;
		return;
	}
	req->client = cl;
	req->next = cl->pending;
	cl->pending = req;
	cl->npending++;
	log_debug(3, "control: %s request id %u from pid %d", ipc_type_str(cl->cur_type),
		  cl->cur_id, (int)cl->pid);
	cl->ctl->handler(cl->ctl->userdata, req);
}

/* Reads what is available; returns <0 when the client is gone. */
static int client_read(struct client *cl)
{
	for (;;) {
		ssize_t n;

		if (cl->hdr_got < IPC_HDR_LEN) {
			n = recv(cl->fd, cl->hdr + cl->hdr_got, IPC_HDR_LEN - cl->hdr_got,
				 MSG_DONTWAIT);
		} else {
			n = recv(cl->fd, cl->payload + cl->payload_got,
				 cl->payload_len - cl->payload_got, MSG_DONTWAIT);
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0)
			return -1;
		if (cl->hdr_got < IPC_HDR_LEN) {
			struct ll_error err = { 0 };

			cl->hdr_got += (size_t)n;
			if (cl->hdr_got < IPC_HDR_LEN)
				continue;
			if (ipc_hdr_decode(cl->hdr, &cl->cur_type, &cl->cur_id,
					   &cl->payload_len, &err) < 0) {
				log_warn("control: client pid %d: %s", (int)cl->pid, err.msg);
				client_send_error(cl, 0, 0, err.code, err.msg);
				cl->closing = true;
				return 0;
			}
			cl->payload_got = 0;
			free(cl->payload);
			cl->payload = malloc(cl->payload_len ? cl->payload_len : 1);
			if (!cl->payload)
				return -1;
		} else {
			cl->payload_got += (uint32_t)n;
		}
		if (cl->hdr_got == IPC_HDR_LEN && cl->payload_got == cl->payload_len) {
			client_dispatch(cl);
			cl->hdr_got = 0;
			if (cl->closing)
				return 0;
		}
	}
}

static int on_client_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct client *cl = userdata;

	if (revents & EPOLLIN) {
		if (client_read(cl) < 0) {
			client_free(cl);
			return 0;
		}
	}
	if ((revents & (EPOLLHUP | EPOLLERR)) && !(revents & EPOLLIN)) {
		client_free(cl);
		return 0;
	}
	client_flush(cl);
	return 0;
}

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct control *ctl = userdata;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct client *cl;
	int cfd;

	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return 0;
	if (ctl->nclients >= MAX_CLIENTS) {
		log_warn("control: too many clients (%d); refusing one", MAX_CLIENTS);
		close(cfd);
		return 0;
	}
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0) {
		close(cfd);
		return 0;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(cfd);
		return 0;
	}
	cl->ctl = ctl;
	cl->fd = cfd;
	cl->uid = cred.uid;
	cl->pid = cred.pid;
	if (sd_event_add_io(ctl->event, &cl->io, cfd, EPOLLIN, on_client_io, cl) < 0) {
		close(cfd);
		free(cl);
		return 0;
	}
	cl->next = ctl->clients;
	if (ctl->clients)
		ctl->clients->prev = cl;
	ctl->clients = cl;
	ctl->nclients++;
	return 0;
}

static int mkdir_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	if (str_copy(dir, sizeof(dir), path) < 0)
		return -ENAMETOOLONG;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* A socket file may be left over from a crash; refuse only if someone answers. */
static int claim_path(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int r;

	if (fd < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (r == 0)
		return -EADDRINUSE;
	if (unlink(sa->sun_path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

const char *control_default_path(void)
{
	const char *p = getenv("ISCSID_SOCKET");

	return (p && *p) ? p : DEFAULT_ISCSID_SOCKET;
}

static int open_own_socket(struct control *ctl)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	int r;

	if (str_copy(ctl->path, sizeof(ctl->path), control_default_path()) < 0 ||
	    str_copy(sa.sun_path, sizeof(sa.sun_path), ctl->path) < 0) {
		log_err("control: socket path %s is too long", control_default_path());
		return -ENAMETOOLONG;
	}
	r = mkdir_parent(ctl->path);
	if (r < 0) {
		log_err("control: cannot create the directory of %s: %s", ctl->path, strerror(-r));
		return r;
	}
	r = claim_path(&sa);
	if (r < 0) {
		log_err("control: %s: %s", ctl->path,
			r == -EADDRINUSE ? "another iscsid is already listening there"
					 : strerror(-r));
		return r;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		log_err("control: cannot bind %s: %m", ctl->path);
		return r;
	}
	/* Root only, as the systemd socket unit; SO_PEERCRED is checked as well. */
	chmod(ctl->path, 0600);
	if (listen(fd, 128) < 0)
		return -errno;
	ctl->owns_path = true;
	ctl->fd = TAKE_FD(fd);
	return 0;
}

int control_new(struct control **out, sd_event *event, request_handler_t handler,
		void *userdata)
{
	struct control *ctl = calloc(1, sizeof(*ctl));
	int n, r;

	if (!ctl)
		return -ENOMEM;
	ctl->event = event;
	ctl->handler = handler;
	ctl->userdata = userdata;
	ctl->auth_by_uid = true;
	ctl->fd = -1;
	n = sd_listen_fds(1);
	if (n > 1) {
		log_err("control: systemd passed %d sockets; expected one", n);
		free(ctl);
		return -EINVAL;
	}
	if (n == 1) {
		ctl->fd = SD_LISTEN_FDS_START;
		fcntl(ctl->fd, F_SETFL, fcntl(ctl->fd, F_GETFL) | O_NONBLOCK);
		str_copy(ctl->path, sizeof(ctl->path), "(socket activation)");
	} else {
		r = open_own_socket(ctl);
		if (r < 0) {
			free(ctl);
			return r;
		}
	}
	r = sd_event_add_io(event, &ctl->accept_src, ctl->fd, EPOLLIN, on_accept, ctl);
	if (r < 0) {
		control_free(ctl);
		return r;
	}
	*out = ctl;
	return 0;
}

void control_set_auth_by_uid(struct control *c, bool by_uid)
{
	c->auth_by_uid = by_uid;
}

const char *control_socket_path(const struct control *c)
{
	return c->path;
}

void control_free(struct control *ctl)
{
	if (!ctl)
		return;
	while (ctl->clients)
		client_free(ctl->clients);
	sd_event_source_disable_unref(ctl->accept_src);
	closep(&ctl->fd);
	if (ctl->owns_path)
		unlink(ctl->path);
	free(ctl);
}
