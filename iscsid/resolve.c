/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resolve.c: non-blocking name lookup for iscsid (see resolve.h).
 * Numeric addresses are answered on the next loop iteration; host names
 * are looked up by a worker thread (worker.h).
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsid/resolve.h"
#include "iscsid/worker.h"
#include "libiscsi-core/util.h"

/* One lookup's input and output; a worker's argument. */
struct lookup {
	char host[256];
	char port[8];
	int err;
	char msg[512];
	struct sockaddr_storage addr;
	socklen_t addrlen;
};

struct resolve_query {
	struct worker *worker;     /* host names */
	sd_event_source *defer;    /* numeric addresses */
	struct lookup *numeric;
	resolve_cb cb;
	void *userdata;
};

static void lookup(struct lookup *l, int flags)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = flags };
	struct addrinfo *res = NULL;
	int r = getaddrinfo(l->host, l->port, &hints, &res);

	l->err = 0;
	l->msg[0] = '\0';
	if (r != 0 || !res) {
		l->err = -EHOSTUNREACH;
		snprintf(l->msg, sizeof(l->msg), "cannot resolve %s: %s", l->host,
			 r ? gai_strerror(r) : "no address");
	} else {
		memcpy(&l->addr, res->ai_addr, res->ai_addrlen);
		l->addrlen = res->ai_addrlen;
	}
	if (res)
		freeaddrinfo(res);
}

/* Calls back and frees the query (the lookup belongs to whoever made it). */
static void deliver(struct resolve_query *q, const struct lookup *l)
{
	resolve_cb cb = q->cb;
	void *userdata = q->userdata;

	free(q);
	cb(userdata, l->err, l->msg, l->err ? NULL : &l->addr, l->addrlen);
}

static int lookup_job(void *arg)
{
	lookup(arg, AI_ADDRCONFIG);
	return 0;
}

static void lookup_done(void *userdata, void *arg, int result)
{
	deliver(userdata, arg);
}

static int on_numeric(sd_event_source *s, void *userdata)
{
	struct resolve_query *q = userdata;
	struct lookup *l = q->numeric;

	sd_event_source_disable_unref(q->defer);
	deliver(q, l);
	free(l);
	return 0;
}

int resolve_start(struct resolve_query **out, sd_event *event, const char *host,
		  uint16_t port, resolve_cb cb, void *userdata)
{
	struct resolve_query *q = calloc(1, sizeof(*q));
	struct lookup *l = calloc(1, sizeof(*l));
	int r;

	if (!q || !l) {
		free(q);
		free(l);
		return -ENOMEM;
	}
	q->cb = cb;
	q->userdata = userdata;
	snprintf(l->port, sizeof(l->port), "%u", port);
	if (str_copy(l->host, sizeof(l->host), host) < 0) {
		free(q);
		free(l);
		return -ENAMETOOLONG;
	}
	lookup(l, AI_NUMERICHOST);
	if (l->err == 0) {
		q->numeric = l;
		r = sd_event_add_defer(event, &q->defer, on_numeric, q);
	} else {
		r = worker_start(&q->worker, event, lookup_job, l, lookup_done, q);
	}
	if (r < 0) {
		if (q->numeric)
			free(l);
		free(q);
		return r;
	}
	*out = q;
	return 0;
}

void resolve_cancel(struct resolve_query *q)
{
	if (!q)
		return;
	/* A thread still looking up frees its lookup when it is done. */
	worker_cancel(q->worker);
	sd_event_source_disable_unref(q->defer);
	free(q->numeric);
	free(q);
}
