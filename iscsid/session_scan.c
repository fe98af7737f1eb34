/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_scan.c: making the LUNs of a session appear.
 *
 * iscsi_tcp does not scan by itself: after START_CONN we write "- - -" to
 * the SCSI host's scan file.  That write returns only when the kernel has
 * probed every LUN (INQUIRY, REPORT LUNS, ...), which can take long on a
 * slow target, so it runs in a worker thread; the login is answered when
 * the scan is done, so the disks exist when iscsiadm returns.
 *
 * A reconnect does not scan (as open-iscsi: the scan is a one-time deal):
 * the kernel unblocks the disks it had, and a host scan per session made a
 * recovery storm of N sessions N scans of kernel work on the critical
 * path.  It only sets the session's disks back to running, which undoes
 * a SCSI error handler's "offline" during the outage (open-iscsi does the
 * same); -R rescans on demand.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsid/daemon.h"
#include "iscsid/log.h"
#include "iscsid/session_int.h"
#include "iscsid/session_scan.h"
#include "libiscsi-core/util.h"
#include "sysfs/sysfs.h"

enum scan_kind {
	SCAN_HOST,     /* the first login: find the LUNs */
	SCAN_RESCAN,   /* -R: re-read every known LUN's size, then find new ones */
	SCAN_ONLINE,   /* a reconnect: known LUNs back to running, no scan */
};

struct scan_job {
	unsigned sid;
	unsigned host_no;
	enum scan_kind kind;
};

/* Writes value to attr of every LUN of the session. */
static void each_lun(unsigned sid, const char *attr, const char *value)
{
	struct sysfs_lun *luns;
	size_t n;
	char path[128];

	if (sysfs_session_luns(SYSFS_ROOT, sid, &luns, &n) < 0)
		return;
	for (size_t j = 0; j < n; j++) {
		const struct sysfs_lun *l = &luns[j];

		snprintf(path, sizeof(path), "bus/scsi/devices/%u:%u:%u:%u/%s", l->host,
			 l->channel, l->target, l->lun, attr);
		/* A disk in another state (being deleted) refuses; that is fine. */
		sysfs_write(SYSFS_ROOT, path, value);
	}
	free(luns);
}

static int scan_job(void *arg)
{
	struct scan_job *j = arg;
	char path[64];

	if (j->kind == SCAN_ONLINE) {
		each_lun(j->sid, "state", "running");
		return 0;
	}
	if (j->kind == SCAN_RESCAN)
		each_lun(j->sid, "rescan", "1");
	snprintf(path, sizeof(path), "class/scsi_host/host%u/scan", j->host_no);
	return sysfs_write(SYSFS_ROOT, path, "- - -");
}

static void scan_done(void *userdata, void *arg, int result)
{
	struct session *s = userdata;

	s->scan = NULL;
	if (result < 0)
		log_warn("%s: scanning host %u failed: %s", s->where, s->host_no,
			 strerror(-result));
	else
		log_debug(1, "%s: host %u scanned", s->where, s->host_no);
	session_event(s, SE_SCANNED, NULL);
	session_reply_login(s, 0, NULL);
}

static void start_job(struct session *s, enum scan_kind kind)
{
	struct scan_job *j = calloc(1, sizeof(*j));
	int r;

	if (!j) {
		scan_done(s, NULL, -ENOMEM);
		return;
	}
	j->sid = s->sid;
	j->host_no = s->host_no;
	j->kind = kind;
	worker_cancel(s->scan);
	s->scan = NULL;
	r = worker_start(&s->scan, s->d->event, scan_job, j, scan_done, s);
	if (r < 0)
		scan_done(s, NULL, r);
}

void session_scan_act(struct session *s, const struct sess_row *row,
		      const struct sess_input *in)
{
	if (s->kept.scan_manual) {
		scan_done(s, NULL, 0);
		return;
	}
	start_job(s, SCAN_HOST);
}

void session_rescan(struct session *s, struct request *req)
{
	if (req) {
		/* A rescan request is answered at once; the scan goes on behind it. */
		request_ok(req);
	}
	start_job(s, SCAN_RESCAN);
}

void session_online_act(struct session *s, const struct sess_row *row,
			const struct sess_input *in)
{
	start_job(s, SCAN_ONLINE);
}
