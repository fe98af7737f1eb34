/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mounttab.c: see mounttab.h. */
#include <errno.h>
#include <libmount.h>
#include <stdlib.h>

#include "iscsid/mounttab.h"

struct mounttab {
	struct libmnt_monitor *mon;  /* NULL: not watching */
	struct libmnt_table *tb;     /* the last parse; NULL: none yet or stale */
	unsigned long parses;
};

static struct libmnt_monitor *watch(void)
{
	struct libmnt_monitor *mon = mnt_new_monitor();

	/* the descriptor is made here, so changes from now on are queued */
	if (mon && mnt_monitor_enable_kernel(mon, 1) == 0 && mnt_monitor_get_fd(mon) >= 0)
		return mon;
	mnt_unref_monitor(mon);
	return NULL;
}

struct mounttab *mounttab_new(void)
{
	struct mounttab *t = calloc(1, sizeof(*t));

	if (t)
		t->mon = watch();
	return t;
}

void mounttab_free(struct mounttab *t)
{
	if (!t)
		return;
	mnt_unref_table(t->tb);
	mnt_unref_monitor(t->mon);
	free(t);
}

/* Drains the monitor; true when anything changed (or it cannot tell). */
static bool changed(struct mounttab *t)
{
	bool any = false;
	int r;

	if (!t->mon)
		return true;
	while ((r = mnt_monitor_next_change(t->mon, NULL, NULL)) == 0)
		any = true;
	return any || r < 0;
}

struct libmnt_table *mounttab_get(struct mounttab *t, int *err)
{
	/* drained before parsing: a change during the parse shows next time */
	if (changed(t) && t->tb) {
		mnt_unref_table(t->tb);
		t->tb = NULL;
	}
	if (!t->tb) {
		struct libmnt_table *tb = mnt_new_table();
		int r;

		if (!tb) {
			*err = -ENOMEM;
			return NULL;
		}
		r = mnt_table_parse_mtab(tb, NULL);
		t->parses++;
		if (r < 0) {
			mnt_unref_table(tb);
			*err = r;
			return NULL;
		}
		t->tb = tb;
	}
	mnt_ref_table(t->tb);
	return t->tb;
}

bool mounttab_watching(const struct mounttab *t)
{
	return t->mon != NULL;
}

unsigned long mounttab_parses(const struct mounttab *t)
{
	return t->parses;
}
