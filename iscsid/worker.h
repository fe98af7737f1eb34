/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * worker.h: run one blocking job (e.g. writing a SCSI host's "scan" file,
 * which returns only when the kernel has probed every LUN) in a thread and
 * get the result back on the event loop.
 *
 * The job function runs in the thread and must not touch iscsid state; it
 * gets a private argument and returns an int.  done() runs later on the
 * loop thread.  A job can be detached with worker_cancel(): the thread
 * still finishes, but done() is not called.
 */
#ifndef ISCSID_WORKER_H
#define ISCSID_WORKER_H

#include <systemd/sd-event.h>

struct worker;

typedef int (*worker_job_fn)(void *arg);
typedef void (*worker_done_fn)(void *userdata, int result);

/* arg is freed with free() after the job ran (may be NULL). */
int worker_start(struct worker **out, sd_event *event, worker_job_fn job, void *arg,
		 worker_done_fn done, void *userdata);
void worker_cancel(struct worker *w);

#endif
