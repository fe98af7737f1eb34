/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kernel.c: NETLINK_ISCSI requests and events, iscsi_tcp loading (see kernel.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libkmod.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <time.h>

#include "iscsid/kernel.h"
#include "iscsid/kernel_stats.h"
#include "iscsid/log.h"
#include "libiscsi-core/util.h"

#define TRANSPORT_DIR "/sys/class/iscsi_transport/tcp"
#define NL_HDR_LEN ((size_t)NLMSG_HDRLEN)
#define MSG_MAX (NL_HDR_LEN + KABI_EV_SIZE + 64 * 1024)

struct kevent {
	struct kevent *next;
	size_t len;
	uint8_t msg[];  /* nlmsghdr + iscsi_uevent + payload */
};

struct kernel {
	sd_event *event;
	int fd;
	uint64_t handle;
	uint32_t seq;
	sd_event_source *io;
	sd_event_source *defer;
	struct kevent *queue, *queue_tail;
	const struct kernel_ops *ops;
	void *userdata;
	uint8_t *rbuf;
	size_t rlen;    /* length of the reply call() left in rbuf */
};

/* Native-endian field access inside a uevent (netlink is host order). */
static uint32_t ev_u32(const uint8_t *ev, size_t off)
{
	uint32_t v;

	memcpy(&v, ev + off, sizeof(v));
	return v;
}

static void ev_put_u32(uint8_t *ev, size_t off, uint32_t v)
{
	memcpy(ev + off, &v, sizeof(v));
}

static void ev_put_u16(uint8_t *ev, size_t off, uint16_t v)
{
	memcpy(ev + off, &v, sizeof(v));
}

static void ev_put_u64(uint8_t *ev, size_t off, uint64_t v)
{
	memcpy(ev + off, &v, sizeof(v));
}

static int probe(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *mod = NULL;
	int r = kmod_module_new_from_name(ctx, name, &mod);

	if (r == 0)
		r = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST, NULL, NULL,
						    NULL, NULL);
	kmod_module_unref(mod);
	return r;
}

/* libkmod's own messages go through our log (at debug level) instead of stderr. */
static void kmod_log(void *data, int priority, const char *file, int line, const char *fn,
		     const char *format, va_list args)
{
	char msg[512];

	size_t n;

	vsnprintf(msg, sizeof(msg), format, args);
	n = strlen(msg);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	log_debug(1, "kernel: libkmod: %s", msg);
}

/*
 * iscsi_tcp, and sd_mod so that scanned LUNs become disks even where no
 * udev runs to load it (initramfs, containers, our test VM).
 */
static int load_module(struct ll_error *err)
{
	struct kmod_ctx *ctx;
	int r;

	if (access(TRANSPORT_DIR, F_OK) == 0 && access("/sys/module/sd_mod", F_OK) == 0)
		return 0;
	ctx = kmod_new(NULL, NULL);
	if (!ctx) {
		ll_error_set(err, ISCSI_ERR_TRANS_NOT_FOUND,
			     "cannot load iscsi_tcp: libkmod could not start");
		return -ENOMEM;
	}
	kmod_set_log_fn(ctx, kmod_log, NULL);
	kmod_load_resources(ctx);
	r = probe(ctx, "iscsi_tcp");
	if (probe(ctx, "sd_mod") < 0)
		log_debug(1, "kernel: sd_mod could not be loaded; disks may not appear");
	kmod_unref(ctx);
	if (r < 0 || access(TRANSPORT_DIR, F_OK) < 0) {
		ll_error_set(err, ISCSI_ERR_TRANS_NOT_FOUND,
			     "the iscsi_tcp kernel module could not be loaded (%s); this kernel "
			     "may lack iSCSI support",
			     strerror(r < 0 ? -r : ENOENT));
		return r < 0 ? r : -ENOENT;
	}
	return 0;
}

static int read_handle(uint64_t *handle, struct ll_error *err)
{
	char buf[64] = { 0 };
	int fd = open(TRANSPORT_DIR "/handle", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		int e = errno;

		ll_error_set(err, ISCSI_ERR_TRANS_NOT_FOUND,
			     "cannot read %s/handle: %s (iscsid must run as root)",
			     TRANSPORT_DIR, strerror(e));
		return -e;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || sscanf(buf, "%" SCNu64, handle) != 1) {
		ll_error_set(err, ISCSI_ERR_TRANS_NOT_FOUND, "cannot parse %s/handle",
			     TRANSPORT_DIR);
		return -EINVAL;
	}
	return 0;
}

static void queue_event(struct kernel *k, const uint8_t *msg, size_t len)
{
	struct kevent *e = malloc(sizeof(*e) + len);

	if (!e) {
		log_err("kernel: out of memory; a kernel event was dropped");
		return;
	}
	e->next = NULL;
	e->len = len;
	memcpy(e->msg, msg, len);
	if (k->queue_tail)
		k->queue_tail->next = e;
	else
		k->queue = e;
	k->queue_tail = e;
	sd_event_source_set_enabled(k->defer, SD_EVENT_ONESHOT);
}

static void dispatch_one(struct kernel *k, const uint8_t *msg, size_t len)
{
	const uint8_t *ev = msg + NL_HDR_LEN;
	uint32_t type = ev_u32(ev, KABI_EV_TYPE);

	switch (type) {
	case KABI_KEVENT_RECV_PDU:
		k->ops->recv_pdu(k->userdata, ev_u32(ev, KABI_R_SID), ev_u32(ev, KABI_R_CID),
				 ev + KABI_EV_SIZE, len - NL_HDR_LEN - KABI_EV_SIZE);
		break;
	case KABI_KEVENT_CONN_ERROR:
		k->ops->conn_error(k->userdata, ev_u32(ev, KABI_R_SID), ev_u32(ev, KABI_R_CID),
				   ev_u32(ev, KABI_R_CONNERR_ERROR));
		break;
	case KABI_KEVENT_UNBIND_SESSION:
		k->ops->unbind_session(k->userdata, ev_u32(ev, KABI_R_SID),
				       ev_u32(ev, KABI_R_HOST_NO));
		break;
	case KABI_KEVENT_DESTROY_SESSION:
		k->ops->destroy_session(k->userdata, ev_u32(ev, KABI_R_DSESS_SID),
					ev_u32(ev, KABI_R_DSESS_HOST_NO));
		break;
	default:
		log_debug(3, "kernel: ignoring event type %u", type);
		break;
	}
}

static int on_defer(sd_event_source *s, void *userdata)
{
	struct kernel *k = userdata;

	while (k->queue) {
		struct kevent *e = k->queue;

		k->queue = e->next;
		if (!k->queue)
			k->queue_tail = NULL;
		dispatch_one(k, e->msg, e->len);
		secure_zero(e->msg, e->len);
		free(e);
	}
	return 0;
}

/*
 * Receives one netlink message into k->rbuf.  Returns its length, 0 when
 * nothing is pending, or -errno.  Messages not from the kernel (portid 0)
 * or malformed are dropped and reported as 0-length "nothing".
 */
static ssize_t recv_one(struct kernel *k, int flags)
{
	struct sockaddr_nl from;
	struct iovec iov = { k->rbuf, MSG_MAX };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
			     .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(k->fd, &mh, flags);
	struct nlmsghdr nlh;

	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
	if (mh.msg_flags & MSG_TRUNC) {
		log_warn("kernel: dropped a truncated netlink message");
		return 0;
	}
	if (from.nl_pid != 0) {
		log_warn("kernel: dropped a netlink message from portid %u (not the kernel)",
			 from.nl_pid);
		return 0;
	}
	if ((size_t)n < NL_HDR_LEN + KABI_EV_SIZE)
		return 0;
	memcpy(&nlh, k->rbuf, sizeof(nlh));
	if (nlh.nlmsg_len > (size_t)n || nlh.nlmsg_len < NL_HDR_LEN + KABI_EV_SIZE)
		return 0;
	return nlh.nlmsg_len;
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct kernel *k = userdata;

	for (;;) {
		ssize_t n = recv_one(k, MSG_DONTWAIT);

		if (n <= 0)
			break;
		queue_event(k, k->rbuf, (size_t)n);
	}
	return 0;
}

/*
 * The answer to a request of this type: the unicast reply carries the type
 * in nlmsg_type; the statistics requests answer with a multicast whose
 * nlmsg_type is 0 and whose uevent has the request's type (events have
 * types from 101 up, so they never look like one).
 */
static bool is_reply(const uint8_t *msg, uint32_t type)
{
	struct nlmsghdr nlh;

	memcpy(&nlh, msg, sizeof(nlh));
	if (nlh.nlmsg_type == type)
		return true;
	return nlh.nlmsg_type == 0 && ev_u32(msg + NL_HDR_LEN, KABI_EV_TYPE) == type;
}

/*
 * Sends a request and waits for its reply, queueing any event that arrives
 * first.  ev is a KABI_EV_SIZE buffer followed by extra bytes; on return
 * it holds the reply's uevent.
 */
static int send_and_wait(struct kernel *k, uint32_t type, uint8_t *ev, size_t extra)
{
	size_t len = NL_HDR_LEN + KABI_EV_SIZE + extra;
	_cleanup_free_ uint8_t *msg = calloc(1, len);
	struct nlmsghdr nlh = { .nlmsg_len = (uint32_t)len, .nlmsg_type = (uint16_t)type,
				.nlmsg_seq = ++k->seq, .nlmsg_pid = 0 };
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };

	if (!msg)
		return -ENOMEM;
	ev_put_u32(ev, KABI_EV_TYPE, type);
	ev_put_u64(ev, KABI_EV_TRANSPORT_HANDLE, k->handle);
	memcpy(msg, &nlh, sizeof(nlh));
	memcpy(msg + NL_HDR_LEN, ev, KABI_EV_SIZE + extra);
	if (sendto(k->fd, msg, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	secure_zero(msg, len);
	for (int waited = 0; waited < 5000;) {
		ssize_t n = recv_one(k, MSG_DONTWAIT);

		if (n < 0)
			return (int)n;
		if (n == 0) {
			struct pollfd p = { .fd = k->fd, .events = POLLIN };

			/* The reply is normally queued already; this is a safety net. */
			poll(&p, 1, 10);
			waited += 10;
			continue;
		}
		if (!is_reply(k->rbuf, type)) {
			queue_event(k, k->rbuf, (size_t)n);
			continue;
		}
		k->rlen = (size_t)n;
		memcpy(ev, k->rbuf + NL_HDR_LEN, KABI_EV_SIZE);
		if (ev_u32(ev, KABI_EV_TYPE) == KABI_KEVENT_IF_ERROR)
			return (int32_t)ev_u32(ev, KABI_EV_IFERROR);
		return 0;
	}
	return -ETIMEDOUT;
}

/*
 * The request and its reply; one that blocked iscsid's loop for 2 ms or
 * more is logged at debug level 2 (the kernel's part of a slow logout or
 * login shows in a time-stamped log, see LUNLINK_LOG_TIME in iscsid(8)).
 */
static int call(struct kernel *k, uint32_t type, uint8_t *ev, size_t extra)
{
	struct timespec a, b;
	long ms;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &a);
	r = send_and_wait(k, type, ev, extra);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	if (ms >= 2)
		log_debug(2, "kernel: request %u took %ld ms", type, ms);
	return r;
}

/* Calls whose reply puts a status in r.retcode. */
static int call_retcode(struct kernel *k, uint32_t type, uint8_t *ev, size_t extra)
{
	int r = call(k, type, ev, extra);

	if (r < 0)
		return r;
	return (int32_t)ev_u32(ev, KABI_R_RETCODE);
}

int kernel_create_session(struct kernel *k, uint32_t initial_cmdsn, uint16_t cmds_max,
			  uint16_t queue_depth, uint32_t *sid, uint32_t *host_no)
{
	uint8_t ev[KABI_EV_SIZE] = { 0 };
	int r;

	ev_put_u32(ev, KABI_CSESS_INITIAL_CMDSN, initial_cmdsn);
	ev_put_u16(ev, KABI_CSESS_CMDS_MAX, cmds_max);
	ev_put_u16(ev, KABI_CSESS_QUEUE_DEPTH, queue_depth);
	r = call(k, KABI_UEVENT_CREATE_SESSION, ev, 0);
	if (r < 0)
		return r;
	*sid = ev_u32(ev, KABI_R_SID);
	*host_no = ev_u32(ev, KABI_R_HOST_NO);
	return 0;
}

static int sid_cid_call(struct kernel *k, uint32_t type, uint32_t sid, uint32_t cid)
{
	uint8_t ev[KABI_EV_SIZE] = { 0 };

	ev_put_u32(ev, KABI_U_SID, sid);
	ev_put_u32(ev, KABI_U_CID, cid);
	return call(k, type, ev, 0);
}

int kernel_destroy_session(struct kernel *k, uint32_t sid)
{
	return sid_cid_call(k, KABI_UEVENT_DESTROY_SESSION, sid, 0);
}

int kernel_destroy_session_async(struct kernel *k, uint32_t sid)
{
	return sid_cid_call(k, KABI_UEVENT_DESTROY_SESSION_ASYNC, sid, 0);
}

int kernel_unbind_session(struct kernel *k, uint32_t sid)
{
	return sid_cid_call(k, KABI_UEVENT_UNBIND_SESSION, sid, 0);
}

int kernel_create_conn(struct kernel *k, uint32_t sid, uint32_t cid)
{
	uint8_t ev[KABI_EV_SIZE] = { 0 };
	int r;

	ev_put_u32(ev, KABI_U_SID, sid);
	ev_put_u32(ev, KABI_U_CID, cid);
	r = call(k, KABI_UEVENT_CREATE_CONN, ev, 0);
	if (r < 0)
		return r;
	if (ev_u32(ev, KABI_R_CID) == UINT32_MAX || ev_u32(ev, KABI_R_SID) != sid)
		return -EIO;
	return 0;
}

int kernel_destroy_conn(struct kernel *k, uint32_t sid, uint32_t cid)
{
	return sid_cid_call(k, KABI_UEVENT_DESTROY_CONN, sid, cid);
}

int kernel_bind_conn(struct kernel *k, uint32_t sid, uint32_t cid, int fd, bool leading)
{
	uint8_t ev[KABI_EV_SIZE] = { 0 };

	ev_put_u32(ev, KABI_U_SID, sid);
	ev_put_u32(ev, KABI_U_CID, cid);
	ev_put_u64(ev, KABI_BCONN_TRANSPORT_EPH, (uint64_t)fd);
	ev_put_u32(ev, KABI_BCONN_IS_LEADING, leading ? 1 : 0);
	return call_retcode(k, KABI_UEVENT_BIND_CONN, ev, 0);
}

int kernel_set_param(struct kernel *k, uint32_t sid, uint32_t cid, enum kabi_param param,
		     const char *value)
{
	size_t vlen = strlen(value) + 1;
	_cleanup_free_ uint8_t *ev = calloc(1, KABI_EV_SIZE + vlen);
	int r;

	if (!ev)
		return -ENOMEM;
	ev_put_u32(ev, KABI_U_SID, sid);
	ev_put_u32(ev, KABI_U_CID, cid);
	ev_put_u32(ev, KABI_SETP_PARAM, param);
	ev_put_u32(ev, KABI_SETP_LEN, (uint32_t)vlen);
	memcpy(ev + KABI_EV_SIZE, value, vlen);
	r = call(k, KABI_UEVENT_SET_PARAM, ev, vlen);
	secure_zero(ev, KABI_EV_SIZE + vlen);
	return r;
}

int kernel_set_host_param(struct kernel *k, uint32_t host_no, enum kabi_host_param param,
			  const char *value)
{
	size_t vlen = strlen(value) + 1;
	_cleanup_free_ uint8_t *ev = calloc(1, KABI_EV_SIZE + vlen);

	if (!ev)
		return -ENOMEM;
	ev_put_u32(ev, KABI_SETHP_HOST_NO, host_no);
	ev_put_u32(ev, KABI_SETHP_PARAM, param);
	ev_put_u32(ev, KABI_SETHP_LEN, (uint32_t)vlen);
	memcpy(ev + KABI_EV_SIZE, value, vlen);
	return call(k, KABI_UEVENT_SET_HOST_PARAM, ev, vlen);
}

int kernel_start_conn(struct kernel *k, uint32_t sid, uint32_t cid)
{
	uint8_t ev[KABI_EV_SIZE] = { 0 };

	ev_put_u32(ev, KABI_U_SID, sid);
	ev_put_u32(ev, KABI_U_CID, cid);
	return call_retcode(k, KABI_UEVENT_START_CONN, ev, 0);
}

int kernel_stop_conn(struct kernel *k, uint32_t sid, uint32_t cid, enum kabi_stop_flag flag)
{
	uint8_t ev[KABI_EV_SIZE] = { 0 };

	ev_put_u32(ev, KABI_U_SID, sid);
	ev_put_u32(ev, KABI_U_CID, cid);
	ev_put_u64(ev, KABI_SCONN_CONN_HANDLE, 0);
	ev_put_u32(ev, KABI_SCONN_FLAG, flag);
	return call(k, KABI_UEVENT_STOP_CONN, ev, 0);
}

int kernel_send_pdu(struct kernel *k, uint32_t sid, uint32_t cid, const uint8_t *pdu,
		    size_t hdr_len, size_t data_len)
{
	size_t extra = hdr_len + data_len;
	_cleanup_free_ uint8_t *ev = calloc(1, KABI_EV_SIZE + extra);
	int r;

	if (!ev)
		return -ENOMEM;
	if (extra > MSG_MAX - NL_HDR_LEN - KABI_EV_SIZE)
		return -EMSGSIZE;
	ev_put_u32(ev, KABI_U_SID, sid);
	ev_put_u32(ev, KABI_U_CID, cid);
	ev_put_u32(ev, KABI_SPDU_HDR_SIZE, (uint32_t)hdr_len);
	ev_put_u32(ev, KABI_SPDU_DATA_SIZE, (uint32_t)data_len);
	memcpy(ev + KABI_EV_SIZE, pdu, extra);
	r = call_retcode(k, KABI_UEVENT_SEND_PDU, ev, extra);
	secure_zero(ev, KABI_EV_SIZE + extra);
	return r;
}

int kernel_get_stats(struct kernel *k, uint32_t sid, uint32_t cid, struct ll_conn_stats *out)
{
	uint8_t ev[KABI_EV_SIZE] = { 0 };
	int r;

	ev_put_u32(ev, KABI_U_SID, sid);
	ev_put_u32(ev, KABI_U_CID, cid);
	r = call(k, KABI_UEVENT_GET_STATS, ev, 0);
	if (r < 0)
		return r;
	r = kernel_stats_parse(k->rbuf + NL_HDR_LEN, k->rlen - NL_HDR_LEN, sid, cid, out);
	if (r < 0)
		log_warn("kernel: malformed statistics for session %u (%zu bytes)", sid, k->rlen);
	return r;
}

int kernel_get_host_stats(struct kernel *k, uint32_t host_no)
{
	uint8_t ev[KABI_EV_SIZE] = { 0 };

	ev_put_u32(ev, KABI_GHSTATS_HOST_NO, host_no);
	return call(k, KABI_UEVENT_GET_HOST_STATS, ev, 0);
}

int kernel_open(struct kernel **out, sd_event *event, const struct kernel_ops *ops,
		void *userdata, struct ll_error *err)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = KABI_GRP_ISCSID };
	struct kernel *k;
	int size = 4 * 1024 * 1024, r;

	r = load_module(err);
	if (r < 0)
		return r;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->ops = ops;
	k->userdata = userdata;
	k->event = event;
	k->rbuf = malloc(MSG_MAX);
	k->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, KABI_NETLINK_ISCSI);
	if (!k->rbuf || k->fd < 0) {
		r = k->fd < 0 ? -errno : -ENOMEM;
		ll_error_set(err, ISCSI_ERR_TRANS_NOT_FOUND,
			     "cannot open the NETLINK_ISCSI socket: %s", strerror(-r));
		goto fail;
	}
	if (setsockopt(k->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(k->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(k->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		ll_error_set(err, ISCSI_ERR_TRANS_NOT_FOUND,
			     "cannot bind the NETLINK_ISCSI socket: %s", strerror(-r));
		goto fail;
	}
	r = read_handle(&k->handle, err);
	if (r < 0)
		goto fail;
	r = sd_event_add_io(event, &k->io, k->fd, EPOLLIN, on_io, k);
	if (r >= 0)
		r = sd_event_add_defer(event, &k->defer, on_defer, k);
	if (r < 0) {
		ll_error_set(err, ISCSI_ERR_INTERNAL, "cannot watch the netlink socket");
		goto fail;
	}
	sd_event_source_set_enabled(k->defer, SD_EVENT_OFF);
	*out = k;
	return 0;
fail:
	kernel_close(k);
	return r;
}

void kernel_close(struct kernel *k)
{
	if (!k)
		return;
	sd_event_source_disable_unref(k->io);
	sd_event_source_disable_unref(k->defer);
	while (k->queue) {
		struct kevent *e = k->queue;

		k->queue = e->next;
		free(e);
	}
	closep(&k->fd);
	free(k->rbuf);
	free(k);
}

const char *kernel_conn_error_str(uint32_t error)
{
	static const char *const text[] = {
		[KABI_ERR_DATASN - 1000] = "bad DataSN",
		[KABI_ERR_DATA_OFFSET - 1000] = "bad data offset",
		[KABI_ERR_MAX_CMDSN - 1000] = "bad MaxCmdSN",
		[KABI_ERR_EXP_CMDSN - 1000] = "bad ExpCmdSN",
		[KABI_ERR_BAD_OPCODE - 1000] = "unknown opcode from target",
		[KABI_ERR_DATALEN - 1000] = "bad data segment length",
		[KABI_ERR_AHSLEN - 1000] = "bad AHS length",
		[KABI_ERR_PROTO - 1000] = "protocol error",
		[KABI_ERR_LUN - 1000] = "bad LUN",
		[KABI_ERR_BAD_ITT - 1000] = "bad ITT",
		[KABI_ERR_CONN_FAILED - 1000] = "connection failed",
		[KABI_ERR_R2TSN - 1000] = "bad R2TSN",
		[KABI_ERR_SESSION_FAILED - 1000] = "session failed",
		[KABI_ERR_HDR_DGST - 1000] = "header digest error",
		[KABI_ERR_DATA_DGST - 1000] = "data digest error",
		[KABI_ERR_PARAM_NOT_FOUND - 1000] = "parameter not found",
		[KABI_ERR_NO_SCSI_CMD - 1000] = "no SCSI command",
		[KABI_ERR_INVALID_HOST - 1000] = "invalid host",
		[KABI_ERR_XMIT_FAILED - 1000] = "transmit failed",
		[KABI_ERR_TCP_CONN_CLOSE - 1000] = "TCP connection closed",
		[KABI_ERR_SCSI_EH_SESSION_RST - 1000] = "session reset by SCSI error handling",
		[KABI_ERR_NOP_TIMEDOUT - 1000] = "NOP-Out timed out (path dead?)",
	};

	if (error < 1000 || error - 1000 >= ARRAY_SIZE(text) || !text[error - 1000])
		return "unknown connection error";
	return text[error - 1000];
}

const char *kernel_param_str(enum kabi_param p)
{
	static const char *const names[KABI_PARAM_MAX] = {
		[KABI_PARAM_MAX_RECV_DLENGTH] = "MaxRecvDataSegmentLength",
		[KABI_PARAM_MAX_XMIT_DLENGTH] = "MaxXmitDataSegmentLength",
		[KABI_PARAM_HDRDGST_EN] = "HeaderDigest",
		[KABI_PARAM_DATADGST_EN] = "DataDigest",
		[KABI_PARAM_INITIAL_R2T_EN] = "InitialR2T",
		[KABI_PARAM_MAX_R2T] = "MaxOutstandingR2T",
		[KABI_PARAM_IMM_DATA_EN] = "ImmediateData",
		[KABI_PARAM_FIRST_BURST] = "FirstBurstLength",
		[KABI_PARAM_MAX_BURST] = "MaxBurstLength",
		[KABI_PARAM_PDU_INORDER_EN] = "DataPDUInOrder",
		[KABI_PARAM_DATASEQ_INORDER_EN] = "DataSequenceInOrder",
		[KABI_PARAM_ERL] = "ErrorRecoveryLevel",
		[KABI_PARAM_IFMARKER_EN] = "IFMarker",
		[KABI_PARAM_OFMARKER_EN] = "OFMarker",
		[KABI_PARAM_USERNAME] = "Username",
		[KABI_PARAM_USERNAME_IN] = "UsernameIn",
		[KABI_PARAM_EXP_STATSN] = "ExpStatSN",
		[KABI_PARAM_TARGET_NAME] = "TargetName",
		[KABI_PARAM_TPGT] = "TPGT",
		[KABI_PARAM_PERSISTENT_ADDRESS] = "PersistentAddress",
		[KABI_PARAM_PERSISTENT_PORT] = "PersistentPort",
		[KABI_PARAM_SESS_RECOVERY_TMO] = "RecoveryTimeout",
		[KABI_PARAM_FAST_ABORT] = "FastAbort",
		[KABI_PARAM_ABORT_TMO] = "AbortTimeout",
		[KABI_PARAM_LU_RESET_TMO] = "LUResetTimeout",
		[KABI_PARAM_PING_TMO] = "PingTimeout",
		[KABI_PARAM_RECV_TMO] = "RecvTimeout",
		[KABI_PARAM_IFACE_NAME] = "IfaceName",
		[KABI_PARAM_ISID] = "ISID",
		[KABI_PARAM_INITIATOR_NAME] = "InitiatorName",
		[KABI_PARAM_TGT_RESET_TMO] = "TargetResetTimeout",
		[KABI_PARAM_TARGET_ALIAS] = "TargetAlias",
		[KABI_PARAM_DISCOVERY_SESS] = "DiscoverySession",
		[KABI_PARAM_DEF_TIME2WAIT] = "DefaultTime2Wait",
		[KABI_PARAM_DEF_TIME2RETAIN] = "DefaultTime2Retain",
	};

	if ((unsigned)p >= KABI_PARAM_MAX || !names[p])
		return "param";
	return names[p];
}
