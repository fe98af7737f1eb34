/* SPDX-License-Identifier: GPL-2.0-or-later */
/* resolve.c: non-blocking name lookup for iscsid (see resolve.h). */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "iscsid/resolve.h"
#include "libiscsi-core/util.h"

/*
 * The query is shared by the loop and the thread; whoever drops the last
 * reference frees it (the thread holds one until it has written its answer).
 */
struct resolve_query {
	atomic_int refs;
	int efd;
	sd_event_source *src;
	resolve_cb cb;
	void *userdata;
	char host[256];
	char port[8];
	int err;
	char msg[512];
	struct sockaddr_storage addr;
	socklen_t addrlen;
};

static void query_unref(struct resolve_query *q)
{
	if (atomic_fetch_sub(&q->refs, 1) != 1)
		return;
	sd_event_source_disable_unref(q->src);
	closep(&q->efd);
	free(q);
}

static void lookup(struct resolve_query *q, int flags)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = flags };
	struct addrinfo *res = NULL;
	int r = getaddrinfo(q->host, q->port, &hints, &res);

	if (r != 0 || !res) {
		q->err = -EHOSTUNREACH;
		snprintf(q->msg, sizeof(q->msg), "cannot resolve %s: %s", q->host,
			 r ? gai_strerror(r) : "no address");
	} else {
		memcpy(&q->addr, res->ai_addr, res->ai_addrlen);
		q->addrlen = res->ai_addrlen;
	}
	if (res)
		freeaddrinfo(res);
}

static void *thread_main(void *arg)
{
	struct resolve_query *q = arg;
	uint64_t one = 1;

	lookup(q, AI_ADDRCONFIG);
	if (write(q->efd, &one, sizeof(one)) != sizeof(one)) {
		/* the loop side is gone or broken; nothing else to do */
	}
	query_unref(q);
	return NULL;
}

static int on_done(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct resolve_query *q = userdata;
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0) {
		/* spurious wakeup */
	}
	q->src = sd_event_source_disable_unref(q->src);
	q->cb(q->userdata, q->err, q->msg, q->err ? NULL : &q->addr, q->addrlen);
	query_unref(q);
	return 0;
}

int resolve_start(struct resolve_query **out, sd_event *event, const char *host,
		  uint16_t port, resolve_cb cb, void *userdata)
{
	struct resolve_query *q = calloc(1, sizeof(*q));
	pthread_attr_t attr;
	pthread_t tid;
	uint64_t one = 1;
	int r;

	if (!q)
		return -ENOMEM;
	atomic_init(&q->refs, 1);
	q->cb = cb;
	q->userdata = userdata;
	snprintf(q->port, sizeof(q->port), "%u", port);
	if (str_copy(q->host, sizeof(q->host), host) < 0) {
		free(q);
		return -ENAMETOOLONG;
	}
	q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->efd < 0) {
		free(q);
		return -errno;
	}
	r = sd_event_add_io(event, &q->src, q->efd, EPOLLIN, on_done, q);
	if (r < 0) {
		query_unref(q);
		return r;
	}
	/* Numeric hosts need no thread; answer through the eventfd all the same. */
	lookup(q, AI_NUMERICHOST);
	if (q->err == 0) {
		if (write(q->efd, &one, sizeof(one)) != sizeof(one)) {
			query_unref(q);
			return -EIO;
		}
		*out = q;
		return 0;
	}
	q->err = 0;
	q->msg[0] = '\0';
	atomic_fetch_add(&q->refs, 1);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&tid, &attr, thread_main, q);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		atomic_fetch_sub(&q->refs, 1);
		query_unref(q);
		return -r;
	}
	*out = q;
	return 0;
}

void resolve_cancel(struct resolve_query *q)
{
	if (!q)
		return;
	/* The thread may still be running; it frees q when it is done. */
	q->src = sd_event_source_disable_unref(q->src);
	query_unref(q);
}
