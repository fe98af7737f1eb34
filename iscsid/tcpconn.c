/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tcpconn.c: non-blocking TCP connection carrying iSCSI PDUs (see tcpconn.h). */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "iscsid/tcpconn.h"
#include "libiscsi-core/pdu.h"
#include "libiscsi-core/util.h"

struct tcpconn {
	int fd;
	sd_event_source *io;
	const struct tcpconn_ops *ops;
	void *userdata;
	bool connecting;
	uint32_t max_data;
	struct ll_error err;  /* why a received PDU was refused */
	/* receive: header first, then the rest of the PDU */
	uint8_t *rbuf;
	size_t rlen, rwant;
	/* send queue: one growing buffer is enough for login-sized traffic */
	uint8_t *sbuf;
	size_t slen, soff;
};

static void update_events(struct tcpconn *c)
{
	uint32_t ev = EPOLLIN;

	if (c->connecting || c->soff < c->slen)
		ev |= EPOLLOUT;
	if (c->connecting)
		ev = EPOLLOUT;
	sd_event_source_set_io_events(c->io, ev);
}

static int do_send(struct tcpconn *c)
{
	while (c->soff < c->slen) {
		ssize_t n = send(c->fd, c->sbuf + c->soff, c->slen - c->soff,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return -errno;
		}
		c->soff += (size_t)n;
	}
	if (c->soff == c->slen) {
		secure_zero(c->sbuf, c->slen);
		c->soff = c->slen = 0;
	}
	return 0;
}

/*
 * The peer closed the connection.  Between PDUs that is "closed"; inside
 * one the target cut its own PDU short, which the owner should be told.
 */
static int eof(struct tcpconn *c)
{
	if (c->rlen == 0)
		return -ESHUTDOWN;
	if (c->rwant == PDU_BHS_LEN)
		ll_error_set(&c->err, ISCSI_ERR_TRANS,
			     "in the middle of a PDU header (%zu of %d bytes received)",
			     c->rlen, PDU_BHS_LEN);
	else
		ll_error_set(&c->err, ISCSI_ERR_TRANS,
			     "in the middle of a %s (%zu of %zu bytes received)",
			     pdu_opcode_str(c->rbuf[PDU_OFF_OPCODE] & PDU_OPCODE_MASK),
			     c->rlen, c->rwant);
	return -ESHUTDOWN;
}

/* Returns 1 when a PDU is complete in rbuf, 0 for more, <0 on error. */
static int do_recv(struct tcpconn *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->rbuf + c->rlen, c->rwant - c->rlen, MSG_DONTWAIT);

		if (n < 0)
			return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
		if (n == 0)
			return eof(c);
		c->rlen += (size_t)n;
		if (c->rlen < c->rwant)
			continue;
		if (c->rwant == PDU_BHS_LEN) {
			size_t total;
			int r = pdu_total_len(c->rbuf, c->max_data, &total, &c->err);
			uint8_t *nb;

			if (r < 0)
				return -EBADMSG;
			if (total == PDU_BHS_LEN)
				return 1;
			nb = realloc(c->rbuf, total);
			if (!nb)
				return -ENOMEM;
			c->rbuf = nb;
			c->rwant = total;
			continue;
		}
		return 1;
	}
}

static void reset_rx(struct tcpconn *c)
{
	c->rlen = 0;
	c->rwant = PDU_BHS_LEN;
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct tcpconn *c = userdata;
	int r;

	if (c->connecting) {
		int err = 0;
		socklen_t len = sizeof(err);

		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			c->ops->error(c->userdata, -err, "connect");
			return 0;
		}
		c->connecting = false;
		update_events(c);
		c->ops->connected(c->userdata);
		return 0;
	}
	if (revents & EPOLLOUT) {
		r = do_send(c);
		if (r < 0) {
			c->ops->error(c->userdata, r, "send");
			return 0;
		}
		update_events(c);
	}
	if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		r = do_recv(c);
		if (r == -ESHUTDOWN) {
			c->ops->error(c->userdata, -ECONNRESET, "closed");
			return 0;
		}
		if (r < 0) {
			c->ops->error(c->userdata, r, r == -EBADMSG ? "pdu" : "receive");
			return 0;
		}
		if (r == 1) {
			size_t len = c->rlen;

			reset_rx(c);
			/* The callback may free c; it gets a buffer it does not own. */
			uint8_t *pdu = c->rbuf;

			c->rbuf = malloc(PDU_BHS_LEN);
			if (!c->rbuf) {
				c->rbuf = pdu;
				c->ops->error(c->userdata, -ENOMEM, "receive");
				return 0;
			}
			c->ops->pdu(c->userdata, pdu, len);
			secure_zero(pdu, len);
			free(pdu);
		}
	}
	return 0;
}

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) < 0 ? -errno : 0;
}

/* What open-iscsi does for iscsi_tcp, plus TOS (open-iscsi stores it only). */
static int apply_opts(int fd, int family, struct tcpconn_opts *o)
{
	int r = ifacebind_wanted(&o->bind) ? ifacebind_apply(&o->bind, fd, family) : 0;

	if (r < 0) {
		o->refused = o->bind.failed;
		return r;
	}
	if (o->window_size > 0 &&
	    ((r = set_int(fd, SOL_SOCKET, SO_RCVBUF, o->window_size)) < 0 ||
	     (r = set_int(fd, SOL_SOCKET, SO_SNDBUF, o->window_size)) < 0)) {
		o->refused = "node.conn[0].tcp.window_size";
		return r;
	}
	if (o->tos > 0)
		r = family == AF_INET6 ? set_int(fd, IPPROTO_IPV6, IPV6_TCLASS, o->tos) :
					 set_int(fd, IPPROTO_IP, IP_TOS, o->tos);
	if (r < 0) {
		o->refused = "node.conn[0].tcp.type_of_service";
		return r;
	}
	if (o->congestion[0] && setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, o->congestion,
					   (socklen_t)strlen(o->congestion)) < 0) {
		o->refused = "node.conn[0].tcp.congestion_control";
		return -errno;
	}
	return 0;
}

/* The record keeps integers in canonical decimal, as "%d" writes them. */
const char *tcpconn_refused_value(const struct tcpconn_opts *o, char *buf, size_t len)
{
	if (!o->refused)
		return "";
	if (!strcmp(o->refused, "node.conn[0].tcp.congestion_control"))
		return o->congestion;
	if (!strcmp(o->refused, "node.conn[0].tcp.window_size"))
		snprintf(buf, len, "%d", o->window_size);
	else if (!strcmp(o->refused, "node.conn[0].tcp.type_of_service"))
		snprintf(buf, len, "%d", o->tos);
	else
		return "";
	return buf;
}

int tcpconn_new(struct tcpconn **out, sd_event *event, const struct sockaddr *addr,
		socklen_t addrlen, struct tcpconn_opts *opts,
		const struct tcpconn_ops *ops, void *userdata)
{
	struct tcpconn *c = calloc(1, sizeof(*c));
	int one = 1, r;

	if (!c)
		return -ENOMEM;
	c->ops = ops;
	c->userdata = userdata;
	c->max_data = 8192;
	c->rbuf = malloc(PDU_BHS_LEN);
	reset_rx(c);
	c->fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (c->fd < 0 || !c->rbuf) {
		r = c->fd < 0 ? -errno : -ENOMEM;
		tcpconn_free(c);
		return r;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	r = opts ? apply_opts(c->fd, addr->sa_family, opts) : 0;
	if (r < 0) {
		tcpconn_free(c);
		return r;
	}
	if (connect(c->fd, addr, addrlen) < 0 && errno != EINPROGRESS) {
		r = -errno;
		tcpconn_free(c);
		return r;
	}
	c->connecting = true;
	r = sd_event_add_io(event, &c->io, c->fd, EPOLLOUT, on_io, c);
	if (r < 0) {
		tcpconn_free(c);
		return r;
	}
	*out = c;
	return 0;
}

void tcpconn_set_max_data(struct tcpconn *c, uint32_t max)
{
	c->max_data = max;
}

int tcpconn_send(struct tcpconn *c, const uint8_t *buf, size_t len)
{
	uint8_t *nb;

	if (c->fd < 0)
		return -ENOTCONN;
	nb = realloc(c->sbuf, c->slen + len);
	if (!nb)
		return -ENOMEM;
	c->sbuf = nb;
	memcpy(c->sbuf + c->slen, buf, len);
	c->slen += len;
	if (!c->connecting) {
		int r = do_send(c);

		if (r < 0)
			return r;
	}
	update_events(c);
	return 0;
}

int tcpconn_take_fd(struct tcpconn *c)
{
	c->io = sd_event_source_disable_unref(c->io);
	return TAKE_FD(c->fd);
}

void tcpconn_free(struct tcpconn *c)
{
	if (!c)
		return;
	sd_event_source_disable_unref(c->io);
	if (c->fd >= 0) {
		/* Abortive close: a dead login must not linger in TIME_WAIT/FIN. */
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c->fd);
	}
	if (c->sbuf)
		secure_zero(c->sbuf, c->slen);
	free(c->sbuf);
	free(c->rbuf);
	free(c);
}

const char *tcpconn_error_msg(const struct tcpconn *c)
{
	return c->err.msg;
}
