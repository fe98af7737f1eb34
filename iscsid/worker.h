/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * worker.h: run one blocking job (e.g. writing a SCSI host's "scan" file,
 * which returns only when the kernel has probed every LUN) in a thread and
 * get the result back on the event loop.
 *
 * The job function runs in the thread and must not touch iscsid state; it
 * gets a private argument (where it may also leave results) and returns an
 * int.  done() runs later on the loop thread with the same argument.  A job
 * can be detached with worker_cancel(): the thread still finishes, but
 * done() is not called.
 */
#ifndef ISCSID_WORKER_H
#define ISCSID_WORKER_H

#include <systemd/sd-event.h>

struct worker;

typedef int (*worker_job_fn)(void *arg);
typedef void (*worker_done_fn)(void *userdata, void *arg, int result);

/* arg (may be NULL) is freed with free() after done(), or after the job
 * when the worker was cancelled. */
int worker_start(struct worker **out, sd_event *event, worker_job_fn job, void *arg,
		 worker_done_fn done, void *userdata);
void worker_cancel(struct worker *w);

#endif
