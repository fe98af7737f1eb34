/* SPDX-License-Identifier: GPL-2.0-or-later */
/* worker.c: one blocking job in a thread, result on the loop (see worker.h). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "iscsid/worker.h"
#include "libiscsi-core/util.h"

/*
 * A job's stack.  The default (RLIMIT_STACK, 8 MB) spans aligned 2 MB
 * ranges, and where transparent huge pages are "always" (Debian's kernels)
 * the kernel may back one with a whole huge page, at the first touch or
 * when khugepaged collapses it: 2 MB of memory for a stack that uses a few
 * kB, kept in glibc's stack cache.  A mapping below 2 MB cannot hold a huge
 * page; 1 MB is still ample for a sysfs scan or getaddrinfo().
 */
#define WORKER_STACK_SIZE (1u << 20)

/* Shared by the loop and the thread; the last reference frees it. */
struct worker {
	atomic_int refs;
	int efd;
	sd_event_source *src;
	worker_job_fn job;
	void *arg;
	worker_done_fn done;
	void *userdata;
	int result;
};

static void worker_unref(struct worker *w)
{
	if (atomic_fetch_sub(&w->refs, 1) != 1)
		return;
	sd_event_source_disable_unref(w->src);
	closep(&w->efd);
	free(w->arg);
	free(w);
}

static void *thread_main(void *p)
{
	struct worker *w = p;
	uint64_t one = 1;

	w->result = w->job(w->arg);
	if (write(w->efd, &one, sizeof(one)) != sizeof(one)) {
		/* nobody can be told; the loop side will never fire */
	}
	worker_unref(w);
	return NULL;
}

static int on_done(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct worker *w = userdata;
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0) {
		/* spurious */
	}
	w->src = sd_event_source_disable_unref(w->src);
	w->done(w->userdata, w->arg, w->result);
	worker_unref(w);
	return 0;
}

int worker_start(struct worker **out, sd_event *event, worker_job_fn job, void *arg,
		 worker_done_fn done, void *userdata)
{
	struct worker *w = calloc(1, sizeof(*w));
	pthread_attr_t attr;
	pthread_t tid;
	int r;

	if (!w) {
		free(arg);
		return -ENOMEM;
	}
	atomic_init(&w->refs, 2);  /* loop side + thread */
	w->job = job;
	w->arg = arg;
	w->done = done;
	w->userdata = userdata;
	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->efd < 0) {
		free(arg);
		free(w);
		return -errno;
	}
	r = sd_event_add_io(event, &w->src, w->efd, EPOLLIN, on_done, w);
	if (r < 0) {
		closep(&w->efd);
		free(arg);
		free(w);
		return r;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE);
	if (r == 0)
		r = pthread_create(&tid, &attr, thread_main, w);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		atomic_store(&w->refs, 1);
		worker_unref(w);
		return -r;
	}
	*out = w;
	return 0;
}

void worker_cancel(struct worker *w)
{
	if (!w)
		return;
	w->src = sd_event_source_disable_unref(w->src);
	worker_unref(w);
}
