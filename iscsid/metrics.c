/* SPDX-License-Identifier: GPL-2.0-or-later */
/* metrics.c: writing the Prometheus textfile (see metrics.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iscsid/atomicfile.h"
#include "iscsid/daemon.h"
#include "iscsid/kernel.h"
#include "iscsid/log.h"
#include "iscsid/metrics.h"
#include "iscsid/metrics_text.h"
#include "iscsid/session.h"
#include "libiscsi-core/util.h"

struct metrics {
	char path[PATH_MAX];
	sd_event_source *timer;      /* the next write (CLOCK_MONOTONIC) */
	uint64_t last_write_us;
	bool failing;                /* the last write failed (logged once) */
};

/* The snapshot of every kernel session; the kernel's counters where it has them. */
static struct metrics_session *snapshot(struct daemon *d, size_t *n)
{
	struct metrics_session *v;
	size_t count = 0, i = 0;

	for (struct session *s = session_next(d, NULL); s; s = session_next(d, s))
		count += session_in_kernel(s);
	v = calloc(count ? count : 1, sizeof(*v));
	if (!v)
		return NULL;
	for (struct session *s = session_next(d, NULL); s && i < count; s = session_next(d, s)) {
		if (!session_in_kernel(s))
			continue;
		v[i].sid = session_sid(s);
		v[i].target = session_target_name(s);
		session_health_get(s, &v[i].health);
		v[i].has_stats = d->kernel && kernel_get_stats(d->kernel, v[i].sid, 0,
								&v[i].stats) == 0;
		i++;
	}
	*n = i;
	return v;
}

static void write_now(struct daemon *d)
{
	struct metrics *m = d->metrics;
	_cleanup_free_ struct metrics_session *v = NULL;
	_cleanup_free_ char *text = NULL;
	size_t n = 0, len = 0;
	int r = -ENOMEM;

	v = snapshot(d, &n);
	if (v)
		r = metrics_render(v, n, &text, &len);
	if (r == 0)
		/* node_exporter runs as its own user; iscsid's umask is 077 */
		r = atomic_write_file(m->path, text, len, 0644);
	if (r < 0 && !m->failing)
		log_err("cannot write the metrics file %s: %s (will retry)", m->path, strerror(-r));
	else if (r == 0 && m->failing)
		log_info("metrics file %s written again", m->path);
	m->failing = r < 0;
}

static int on_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct daemon *d = userdata;

	write_now(d);
	d->metrics->last_write_us = daemon_now_us(d);
	sd_event_source_set_time(src, d->metrics->last_write_us + METRICS_REFRESH_S * 1000000ULL);
	sd_event_source_set_enabled(src, SD_EVENT_ONESHOT);
	return 0;
}

void metrics_changed(struct daemon *d)
{
	struct metrics *m = d->metrics;
	uint64_t due, now, armed = 0;

	if (!m || !m->timer)
		return;
	due = m->last_write_us + METRICS_MIN_INTERVAL_MS * 1000ULL;
	now = daemon_now_us(d);
	if (due < now)
		due = now;
	/* an earlier write already armed covers this change too */
	if (sd_event_source_get_time(m->timer, &armed) >= 0 && armed <= due)
		return;
	sd_event_source_set_time(m->timer, due);
	sd_event_source_set_enabled(m->timer, SD_EVENT_ONESHOT);
}

int metrics_setup(struct daemon *d, const char *path)
{
	struct metrics *m;
	int r;

	if (!path || !path[0])
		return 0;
	if (path[0] != '/' || strlen(path) + 16 > sizeof(m->path)) {
		log_err("iscsid.metrics_file = %s: not an absolute path; metrics stay off", path);
		return -EINVAL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	str_copy(m->path, sizeof(m->path), path);
	r = sd_event_add_time(d->event, &m->timer, CLOCK_MONOTONIC, daemon_now_us(d), 0, on_timer, d);
	if (r < 0) {
		free(m);
		return r;
	}
	d->metrics = m;
	log_info("writing metrics to %s", path);
	return 0;
}

void metrics_free(struct daemon *d)
{
	if (!d->metrics)
		return;
	sd_event_source_disable_unref(d->metrics->timer);
	free(d->metrics);
	d->metrics = NULL;
}
