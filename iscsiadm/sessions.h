/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sessions.h: the kernel's iSCSI sessions as iscsiadm works with them.
 *
 * Everything comes from sysfs (sysfs/sysfs.h), so `-m session` works with
 * iscsid down.  The list is in open-iscsi's order: session directories
 * sorted by name as strings (session1, session10, session2), which is what
 * scripts comparing our output with open-iscsi's see.  Addresses are made
 * whole the way open-iscsi reads them: a missing persistent address or port
 * falls back to the current one and the other way round.
 *
 * The sysfs root is $LUNLINK_SYSFS_ROOT when set (a test hook, documented
 * in iscsiadm(8)), else /sys; sessions_sysfs_root() is the only place that
 * reads it.
 *
 * Memory: a session_list owns its array (session_list_free()); pointers
 * handed out by session_select() point into it.
 */
#ifndef ISCSIADM_SESSIONS_H
#define ISCSIADM_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "db/record.h"
#include "sysfs/sysfs.h"

struct session_list {
	struct sysfs_session *s;
	size_t n;
};

/* NULL strings, port -1 and sid 0 match everything. */
struct session_filter {
	const char *target;
	const char *address;   /* persistent address, compared as text */
	int port;              /* persistent port */
	const char *iface;     /* sysfs ifacename ("default" when absent) */
	unsigned sid;
};
#define SESSION_FILTER_ANY ((struct session_filter){ .port = -1 })

const char *sessions_sysfs_root(void);

/* Returns 0 (also when there are none) or an exit code after printing
 * open-iscsi's message. */
int session_list_load(struct session_list *l);
/* The same with only the SYSFS_PART_* parts asked for (matching and the
 * one-line listing need SYSFS_PART_BRIEF only). */
int session_list_load_parts(struct session_list *l, unsigned parts);
/* Session sid alone, every part: l->n is 0 when it does not exist. */
int session_list_load_one(struct session_list *l, unsigned sid);
void session_list_free(struct session_list *l);

bool session_match(const struct sysfs_session *s, const struct session_filter *f);
/* The iface a session was made with: sysfs ifacename, else "default". */
const char *session_iface(const struct sysfs_session *s);
/* The record a session belongs to, as a filter (target, persistent
 * address and port, iface). */
struct session_filter session_filter_of(const struct sysfs_session *s);

/*
 * The matching sessions in out (room for l->n pointers); returns how many.
 * With group set they are ordered the way open-iscsi lists sessions it
 * logs out: each one right after the last earlier one of the same target
 * (or after the first of the same target and portal), else at the end.
 */
size_t session_select(const struct session_list *l, const struct session_filter *f,
		      bool group, const struct sysfs_session **out);

/* Sessions of a record (target, address, port, iface) in sysfs now. */
size_t session_count_for_record(const struct session_list *l, const struct rec *r);

/* Room for session_describe(). */
#define SESSION_DESCR_MAX (2 * SYSFS_VAL_MAX + 64)
/* "[sid: N, target: IQN, portal: ADDR,PORT]" (persistent address, current
 * port: open-iscsi's choice). */
void session_describe(char *buf, size_t len, const struct sysfs_session *s);

#endif
