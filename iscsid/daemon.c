/* SPDX-License-Identifier: GPL-2.0-or-later */
/* daemon.c: routes decoded iscsiadm requests to their handlers; opens the kernel interface. */
#include <stddef.h>

#include "iscsid/daemon.h"
#include "iscsid/discovery.h"
#include "iscsid/health_req.h"
#include "iscsid/kernel.h"
#include "iscsid/log.h"
#include "iscsid/session_kernel.h"
#include "iscsid/session_req.h"
#include "iscsid/stats_req.h"
#include "libiscsi-core/util.h"

void daemon_arm_timer(struct daemon *d, sd_event_source **src, unsigned seconds,
		      sd_event_time_handler_t cb, void *userdata)
{
	uint64_t usec = (uint64_t)seconds * 1000000ULL;

	if (*src) {
		sd_event_source_set_time_relative(*src, usec);
		sd_event_source_set_enabled(*src, SD_EVENT_ONESHOT);
	} else {
		sd_event_add_time_relative(d->event, src, CLOCK_MONOTONIC, usec, 0, cb, userdata);
	}
}

uint64_t daemon_now_us(struct daemon *d)
{
	uint64_t t = 0;

	sd_event_now(d->event, CLOCK_MONOTONIC, &t);
	return t;
}

int daemon_kernel(struct daemon *d, struct ll_error *err)
{
	if (d->kernel)
		return 0;
	return kernel_open(&d->kernel, d->event, &session_kernel_ops, d, err);
}

typedef void (*handler_fn)(struct daemon *d, struct request *req);

static void handle_ping(struct daemon *d, struct request *req)
{
	request_ok(req);
}

static int on_stop_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct daemon *d = userdata;

	sd_event_exit(d->event, 0);
	return 0;
}

static void handle_stop(struct daemon *d, struct request *req)
{
	log_info("stopping on request (iscsiadm -k 0); kernel sessions stay as they are");
	request_ok(req);
	d->stopping = true;
	/* Leave the loop a moment later so the reply reaches the client. */
	sd_event_add_time_relative(d->event, NULL, CLOCK_MONOTONIC, 100 * 1000, 0,
				   on_stop_timer, d);
}

static const handler_fn handlers[IPC_TYPE_MAX_] = {
	[IPC_PING] = handle_ping,
	[IPC_DISCOVER] = discovery_handle_request,
	[IPC_LOGIN] = session_handle_login,
	[IPC_LOGOUT] = session_handle_logout,
	[IPC_SESSION_INFO] = session_handle_info,
	[IPC_RESCAN] = session_handle_rescan,
	[IPC_STOP] = handle_stop,
	[IPC_SESSION_STATS] = stats_handle_session,
	[IPC_HOST_STATS] = stats_handle_host,
	[IPC_SESSION_HEALTH] = health_handle_session,
};

void daemon_handle_request(void *userdata, struct request *req)
{
	struct daemon *d = userdata;
	uint16_t type = req->msg.type;

	if (d->stopping) {
		request_fail(req, ISCSI_ERR_AGAIN, "iscsid is stopping");
		return;
	}
	if (type >= ARRAY_SIZE(handlers) || !handlers[type]) {
		request_fail(req, ISCSI_ERR_INVALID_MGMT_REQ,
			     "iscsid does not know request type %u (%s)", type, ipc_type_str(type));
		return;
	}
	handlers[type](d, req);
}
