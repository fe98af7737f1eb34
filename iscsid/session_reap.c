/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_reap.c: sessions the kernel destroys in the background (see session_reap.h). */
#include <stdlib.h>

#include "iscsid/daemon.h"
#include "iscsid/kernel.h"
#include "iscsid/log.h"
#include "iscsid/session_reap.h"

struct reaping {
	struct reaping *next;
	struct daemon *d;
	uint32_t sid;
	struct request *req;
	sd_event_source *timer;
};

static struct reaping **find(struct reaping **head, uint32_t sid)
{
	for (; *head; head = &(*head)->next)
		if ((*head)->sid == sid)
			return head;
	return NULL;
}

/* Unlinks *pp and frees it, answering its request. */
static void finish(struct reaping **pp)
{
	struct reaping *r = *pp;

	*pp = r->next;
	sd_event_source_disable_unref(r->timer);
	if (r->req)
		request_ok(r->req);
	free(r);
}

static int on_timeout(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct reaping *r = userdata;
	struct reaping **pp = find(&r->d->reaping, r->sid);

	log_warn("kernel: session %u not reported destroyed within %d s; answering its "
		 "logout anyway", r->sid, REAP_TIMEOUT_S);
	if (pp)
		finish(pp);
	return 0;
}

bool session_reap(struct daemon *d, uint32_t sid, struct request *req)
{
	struct reaping *r = calloc(1, sizeof(*r));
	int e;

	if (!r)
		return false;
	e = kernel_destroy_session_async(d->kernel, sid);
	if (e < 0) {
		log_debug(1, "kernel: session %u not destroyed in the background (error %d); "
			  "destroying it now", sid, e);
		free(r);
		return false;
	}
	*r = (struct reaping){ .next = d->reaping, .d = d, .sid = sid, .req = req };
	d->reaping = r;
	daemon_arm_timer(d, &r->timer, REAP_TIMEOUT_S, on_timeout, r);
	return true;
}

bool session_reaping(struct daemon *d, uint32_t sid)
{
	return find(&d->reaping, sid) != NULL;
}

void session_reaped(struct daemon *d, uint32_t sid)
{
	struct reaping **pp = find(&d->reaping, sid);

	if (pp)
		finish(pp);
}

void session_reap_release_all(struct daemon *d)
{
	while (d->reaping)
		finish(&d->reaping);
}
