/* SPDX-License-Identifier: GPL-2.0-or-later */
/* client.c: pipelined requests to iscsid over its UNIX socket (see client.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "iscsiadm/client.h"
#include "iscsiadm/msg.h"
#include "libiscsi-core/util.h"

/* How long to keep trying after running iscsid.startup. */
#define STARTUP_WAIT_MS 5000
#define STARTUP_RETRY_MS 100

struct client {
	int fd;
	uint32_t next_id;
	uint8_t *out;          /* encoded requests not yet written */
	size_t out_len, out_off, out_cap;
	uint8_t hdr[IPC_HDR_LEN];
	size_t hdr_got;
	uint8_t *payload;      /* body of the reply being read */
	uint32_t payload_len, payload_got;
	uint16_t cur_type;
	uint32_t cur_id;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t client_deadline(int seconds)
{
	return seconds > 0 ? now_ms() + (int64_t)seconds * 1000 : -1;
}

int client_timeout(int def)
{
	const char *e = getenv("LUNLINK_IPC_TIMEOUT");
	int v;

	if (e && *e && (v = atoi(e)) > 0)
		return v;
	return def;
}

static int try_connect(const char *path, int *out_fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	*out_fd = fd;
	return 0;
}

static bool not_listening(int r)
{
	return r == -ECONNREFUSED || r == -ENOENT;
}

/* Runs iscsid.startup; false when there is none (open-iscsi's message). */
static bool run_startup(const struct cfg *cfg)
{
	const char *cmd = cfg ? cfg_get(cfg, "iscsid.startup") : NULL;

	if (!cmd || !*cmd) {
		log_error("iscsid is not running. Could not start it up automatically "
			  "using the startup command in the iscsid.conf iscsid.startup "
			  "setting. Please check that the file exists or that your init "
			  "scripts have started iscsid.");
		return false;
	}
	log_debug(1, "starting iscsid with '%s'", cmd);
	fflush(stdout);
	if (system(cmd) == -1)
		log_error("Could not execute '%s' (err %d)", cmd, errno);
	return true;
}

static int connect_after_startup(const char *path, int *fd)
{
	int64_t end = now_ms() + STARTUP_WAIT_MS;
	int r;

	do {
		struct timespec ts = { 0, STARTUP_RETRY_MS * 1000000L };

		r = try_connect(path, fd);
		if (r == 0 || !not_listening(r))
			return r;
		nanosleep(&ts, NULL);
	} while (now_ms() < end);
	return r;
}

/* iscsid's socket: $ISCSID_SOCKET (tests, private instances), else the build's. */
static const char *socket_path(void)
{
	const char *p = getenv("ISCSID_SOCKET");

	return (p && *p) ? p : DEFAULT_ISCSID_SOCKET;
}

int client_open(struct client **out, bool autostart, const struct cfg *cfg,
		struct ll_error *err)
{
	const char *path = socket_path();
	struct client *c;
	int fd = -1, r;

	r = try_connect(path, &fd);
	if (r < 0 && not_listening(r) && autostart && run_startup(cfg))
		r = connect_after_startup(path, &fd);
	if (r == -EACCES || r == -EPERM) {
		log_error("could not connect to iscsid at %s: %s", path, strerror(-r));
		return ll_error_set(err, ISCSI_ERR_ACCESS,
				    "permission denied: iscsid accepts requests from root only");
	}
	if (r < 0) {
		/* open-iscsi's abstract socket says ECONNREFUSED (111) when
		 * nobody listens; a missing socket file means the same here. */
		log_error("can not connect to iSCSI daemon (%d)!",
			  r == -ENOENT ? ECONNREFUSED : -r);
		log_error("could not connect to iscsid at %s: %s", path, strerror(-r));
		return ll_error_set(err, ISCSI_ERR_ISCSID_NOTCONN,
				    "could not connect to iscsid at %s: %s", path, strerror(-r));
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
	    !(c = calloc(1, sizeof(*c)))) {
		close(fd);
		return ll_error_set(err, ISCSI_ERR_NOMEM, "out of memory");
	}
	c->fd = fd;
	c->next_id = 1;
	*out = c;
	log_debug(2, "connected to iscsid at %s", path);
	return 0;
}

void client_close(struct client *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	secure_zero(c->out, c->out_cap);
	free(c->out);
	secure_zero(c->payload, c->payload_len);
	free(c->payload);
	free(c);
}

int client_queue(struct client *c, struct ipc_msg *req, struct ll_error *err)
{
	uint8_t *buf;
	size_t len;

	req->id = c->next_id++;
	if (ipc_msg_encode(req, &buf, &len) < 0)
		return ll_error_set(err, ISCSI_ERR_INVAL,
				    "the %s request is too large for the iscsid protocol",
				    ipc_type_str(req->type));
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		uint8_t *n;

		while (cap < c->out_len + len)
			cap *= 2;
		n = malloc(cap);
		if (!n) {
			secure_zero(buf, len);
			free(buf);
			return ll_error_set(err, ISCSI_ERR_NOMEM, "out of memory");
		}
		/* copy instead of realloc so no stale copy of secrets survives */
		if (c->out)
			memcpy(n, c->out, c->out_len);
		secure_zero(c->out, c->out_cap);
		free(c->out);
		c->out = n;
		c->out_cap = cap;
	}
	log_debug(3, "queued %s request id %u (%zu bytes)", ipc_type_str(req->type), req->id, len);
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
	secure_zero(buf, len);
	free(buf);
	return 0;
}

static int comm_error(struct ll_error *err, const char *what, int e)
{
	return ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR,
			    "lost the connection to iscsid while %s: %s", what, strerror(e));
}

static int write_some(struct client *c, struct ll_error *err)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return comm_error(err, "sending a request", errno);
		}
		c->out_off += (size_t)n;
	}
	secure_zero(c->out, c->out_len);
	c->out_len = c->out_off = 0;
	return 0;
}

/* Reads what is available; returns 1 when a whole reply is in. */
static int read_some(struct client *c, struct ll_error *err)
{
	uint8_t *dst;
	size_t want;
	ssize_t n;

	if (c->hdr_got < IPC_HDR_LEN) {
		dst = c->hdr + c->hdr_got;
		want = IPC_HDR_LEN - c->hdr_got;
	} else {
		dst = c->payload + c->payload_got;
		want = c->payload_len - c->payload_got;
	}
	n = want ? recv(c->fd, dst, want, MSG_DONTWAIT) : 0;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 :
		       comm_error(err, "waiting for a reply", errno);
	if (n == 0 && want)
		return ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR,
				    "iscsid closed the connection before replying");
	if (c->hdr_got < IPC_HDR_LEN) {
		c->hdr_got += (size_t)n;
		if (c->hdr_got < IPC_HDR_LEN)
			return 0;
		if (ipc_hdr_decode(c->hdr, &c->cur_type, &c->cur_id, &c->payload_len, err) < 0)
			return -1;
		free(c->payload);
		c->payload = malloc(c->payload_len ? c->payload_len : 1);
		c->payload_got = 0;
		if (!c->payload)
			return ll_error_set(err, ISCSI_ERR_NOMEM, "out of memory");
	} else {
		c->payload_got += (uint32_t)n;
	}
	return c->payload_got == c->payload_len;
}

/* Poll until fd is ready (events) or the deadline passes. */
static int wait_fd(struct client *c, short events, int64_t deadline, struct ll_error *err)
{
	struct pollfd p = { .fd = c->fd, .events = events };
	int timeout = -1, r;

	if (deadline >= 0) {
		int64_t left = deadline - now_ms();

		if (left <= 0)
			return ll_error_set(err, ISCSI_ERR_REQ_TIMEDOUT,
					    "iscsid did not reply in time");
		timeout = left > 60000 ? 60000 : (int)left;
	}
	r = poll(&p, 1, timeout);
	if (r < 0 && errno != EINTR)
		return comm_error(err, "waiting for iscsid", errno);
	return 0;
}

int client_flush(struct client *c, int64_t deadline, struct ll_error *err)
{
	while (c->out_len) {
		if (write_some(c, err) < 0)
			return -1;
		if (c->out_len && wait_fd(c, POLLOUT, deadline, err) < 0)
			return -1;
	}
	return 0;
}

int client_recv(struct client *c, struct ipc_msg *reply, int64_t deadline,
		struct ll_error *err)
{
	int r;

	for (;;) {
		if (c->out_len && write_some(c, err) < 0)
			return -1;
		r = read_some(c, err);
		if (r < 0)
			return -1;
		if (r == 1)
			break;
		if (wait_fd(c, POLLIN | (c->out_len ? POLLOUT : 0), deadline, err) < 0)
			return -1;
	}
	c->hdr_got = 0;
	if (!(c->cur_type & IPC_REPLY))
		return ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR,
				    "iscsid sent a request instead of a reply");
	log_debug(3, "reply to %s request id %u (%u bytes)",
		  ipc_type_str(c->cur_type & ~IPC_REPLY), c->cur_id, c->payload_len);
	r = ipc_msg_decode(reply, c->cur_type, c->cur_id, c->payload, c->payload_len, err);
	secure_zero(c->payload, c->payload_len);
	if (r < 0) {
		if (!err || !err->code)
			ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR, "iscsid sent a malformed reply");
		else
			err->code = ISCSI_ERR_ISCSID_COMM_ERR;
		return -1;
	}
	return 0;
}

int client_call(struct client *c, struct ipc_msg *req, struct ipc_msg *reply,
		int64_t deadline, struct ll_error *err)
{
	if (client_queue(c, req, err) < 0)
		return -1;
	for (;;) {
		if (client_recv(c, reply, deadline, err) < 0)
			return -1;
		if (reply->id == req->id)
			return 0;
		log_debug(1, "ignoring a reply to unknown request %u", reply->id);
		ipc_msg_free(reply);
	}
}

struct client_result client_reply_result(const struct ipc_msg *reply)
{
	struct client_result r = { .status = ISCSI_ERR_ISCSID_COMM_ERR };
	uint32_t status;

	if (ipc_msg_get_u32(reply, IPC_A_STATUS, &status) == 0)
		r.status = (int)status;
	if (r.status) {
		r.msg = ipc_msg_get_str(reply, IPC_A_MESSAGE);
		if (r.msg && !*r.msg)
			r.msg = NULL;
	}
	return r;
}

struct client_result client_error_result(const struct ll_error *err)
{
	struct client_result r = { .status = ISCSI_ERR_ISCSID_COMM_ERR };

	if (err->code)
		r.status = err->code;
	if (err->msg[0] && err->code != ISCSI_ERR_ISCSID_NOTCONN)
		r.msg = err->msg;
	return r;
}

/* One request of a batch: its id, and its outcome until it is reported. */
struct pending {
	uint32_t id;
	int status;
	char *msg;
	struct ipc_msg reply;   /* empty unless iscsid answered */
	bool replied;
	bool done;
};

struct batch_run {
	const struct client_batch *b;
	struct pending *p;
	size_t done;        /* how many have an outcome */
	size_t reported;    /* the first p[reported] without a result() call */
};

static void settle(struct batch_run *r, struct pending *p, struct client_result res)
{
	p->status = res.status;
	p->msg = res.msg ? strdup(res.msg) : NULL;
	p->done = true;
	r->done++;
}

/* Hands out the outcomes at the front, keeping the caller's order. */
static void report_ready(struct batch_run *r)
{
	const struct client_batch *b = r->b;

	for (; r->reported < b->n && r->p[r->reported].done; r->reported++) {
		struct pending *p = &r->p[r->reported];

		b->result(b->ud, r->reported,
			  (struct client_result){ p->status, p->msg,
						  p->replied ? &p->reply : NULL });
	}
	fflush(stdout);
}

static void fail_rest(struct batch_run *r, const struct ll_error *err)
{
	for (size_t i = 0; i < r->b->n; i++)
		if (!r->p[i].done)
			settle(r, &r->p[i], client_error_result(err));
}

/* Keeps the reply itself too (its attributes move to the pending entry). */
static void take_reply(struct batch_run *r, struct ipc_msg *reply)
{
	for (size_t i = 0; i < r->b->n; i++) {
		struct pending *p = &r->p[i];

		if (p->id == reply->id && !p->done) {
			settle(r, p, client_reply_result(reply));
			p->reply = *reply;
			p->replied = true;
			ipc_msg_init(reply, reply->type, reply->id);
			return;
		}
	}
	log_debug(1, "ignoring a reply to unknown request %u", reply->id);
}

static int queue_all(struct client *c, struct batch_run *r, struct ll_error *err)
{
	const struct client_batch *b = r->b;

	for (size_t i = 0; i < b->n; i++) {
		struct ipc_msg m;
		int rc;

		ipc_msg_init(&m, b->type, 0);
		rc = b->build(b->ud, i, &m) < 0 ? -1 : client_queue(c, &m, err);
		r->p[i].id = m.id;
		ipc_msg_free(&m);
		if (rc < 0) {
			if (!err->code)
				ll_error_set(err, ISCSI_ERR_NOMEM, "out of memory");
			return -1;
		}
	}
	return 0;
}

static void wait_all(struct client *c, struct batch_run *r, int64_t deadline)
{
	struct ll_error err = { 0 };

	while (r->done < r->b->n) {
		struct ipc_msg reply;

		if (client_recv(c, &reply, deadline, &err) < 0) {
			fail_rest(r, &err);
			break;
		}
		take_reply(r, &reply);
		ipc_msg_free(&reply);
		report_ready(r);
		if (r->b->progress_s > 0) {
			int64_t later = client_deadline(r->b->progress_s);

			if (deadline >= 0 && later > deadline)
				deadline = later;
		}
	}
}

static void batch_free(struct batch_run *r)
{
	for (size_t i = 0; i < r->b->n; i++) {
		free(r->p[i].msg);
		ipc_msg_free(&r->p[i].reply);
	}
	free(r->p);
}

int client_batch_run(struct client *c, const struct client_batch *b, int64_t deadline,
		     bool wait, struct ll_error *err)
{
	struct batch_run r = { .b = b };
	struct ll_error qerr = { 0 };
	int rc = 0;

	r.p = calloc(b->n ? b->n : 1, sizeof(*r.p));
	if (!r.p) {
		ll_error_set(&qerr, ISCSI_ERR_NOMEM, "out of memory");
		client_batch_fail(b, &qerr);
		return 0;
	}
	if (queue_all(c, &r, &qerr) < 0)
		fail_rest(&r, &qerr);
	else if (!wait)
		rc = client_flush(c, deadline, err);
	else
		wait_all(c, &r, deadline);
	report_ready(&r);
	batch_free(&r);
	return rc;
}

void client_batch_fail(const struct client_batch *b, const struct ll_error *err)
{
	struct client_result res = client_error_result(err);

	for (size_t i = 0; i < b->n; i++)
		b->result(b->ud, i, res);
	fflush(stdout);
}
