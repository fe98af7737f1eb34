/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * metrics.h: the Prometheus textfile iscsid keeps when iscsid.conf names
 * one (iscsid.metrics_file; off by default).
 *
 * The file holds every kernel session's health and the kernel's
 * statistics of its connection (metrics_text.h).  It is rewritten
 * atomically (a temporary file in the same directory, then rename) so
 * node_exporter never reads half a file:
 *   - after every change of a session's state or a failure, at most once
 *     a second (changes within that second are written together);
 *   - every METRICS_REFRESH_S seconds otherwise, so the counters and the
 *     time spent in a recovery stay current.
 * A write that fails is logged once (then again after a success); iscsid
 * goes on.  O(1) per session event: the write itself visits every session.
 */
#ifndef ISCSID_METRICS_H
#define ISCSID_METRICS_H

#define METRICS_REFRESH_S 15
#define METRICS_MIN_INTERVAL_MS 1000

struct daemon;

/* Starts writing path (absolute); NULL or "" leaves metrics off.  A bad
 * path is reported and refused (metrics stay off). */
int metrics_setup(struct daemon *d, const char *path);

/* Something the file shows changed: write soon (coalesced, see above). */
void metrics_changed(struct daemon *d);

/* Stops (iscsid exit); the file stays with the last figures. */
void metrics_free(struct daemon *d);

#endif
