/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemon.h: the state iscsid's handlers share (one per process, owned by
 * main()) and the request dispatcher.
 */
#ifndef ISCSID_DAEMON_H
#define ISCSID_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "iscsid/control.h"
#include "iscsid/session_window.h"
#include "libiscsi-core/errors.h"

struct discovery;
struct kernel;
struct metrics;
struct reaping;
struct session;
struct session_isids;

struct daemon {
	sd_event *event;
	struct control *control;
	struct kernel *kernel;          /* NULL until the first kernel session */
	struct session *sessions;
	struct reaping *reaping;        /* logged out, the kernel still destroying */
	struct login_window window;     /* first logins running and waiting */
	struct discovery *discoveries;  /* in flight */
	unsigned ndiscoveries;
	bool stopping;
	/* iscsid.safe_logout: refuse to log out a session whose disks are
	 * mounted or swap (unless the request is forced).  lunlink's default
	 * is Yes; an explicit No logs out regardless, as open-iscsi does. */
	bool safe_logout;
	struct mounttab *mounts;        /* the safe logout's mount table, once needed */
	struct metrics *metrics;        /* iscsid.metrics_file; NULL: off */
	struct session_isids *isids;    /* each session's number and ISID on file */
};

/*
 * Arms the one-shot timer *src (made on first use) to call cb after
 * seconds; re-arming moves it.
 */
void daemon_arm_timer(struct daemon *d, sd_event_source **src, unsigned seconds,
		      sd_event_time_handler_t cb, void *userdata);

/*
 * The loop's monotonic time in microseconds: the instant the current event
 * was dispatched (the same for every handler of one iteration).
 */
uint64_t daemon_now_us(struct daemon *d);

/* Opens the kernel interface on first use (loads iscsi_tcp). */
int daemon_kernel(struct daemon *d, struct ll_error *err);

/* request_handler_t for control_new(): routes a request by type. */
void daemon_handle_request(void *userdata, struct request *req);

#endif
