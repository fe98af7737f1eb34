/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mounttab.h: the process's mount table, parsed again only after it changed.
 *
 * The safe-logout check looks every session's disks up in the mount table.
 * A --logoutall of N sessions parsed the table N times although it rarely
 * changes in between; here libmount's kernel monitor (an epoll descriptor
 * woken by every mount and umount in iscsid's namespace) says when the kept
 * copy is stale.  Without the monitor (it could not be set up) every call
 * parses the table, as before.  A mount that returned before a call is
 * always seen: the kernel raises the event inside the mount system call.
 */
#ifndef ISCSID_MOUNTTAB_H
#define ISCSID_MOUNTTAB_H

#include <stdbool.h>

struct libmnt_table;
struct mounttab;

/* NULL only without memory. */
struct mounttab *mounttab_new(void);
void mounttab_free(struct mounttab *t);

/*
 * The current table with a reference for the caller (mnt_unref_table() it),
 * or NULL and *err = -errno when it cannot be read.
 */
struct libmnt_table *mounttab_get(struct mounttab *t, int *err);

/* false when changes are not watched (every mounttab_get() parses). */
bool mounttab_watching(const struct mounttab *t);

/* How many times the table was parsed (tests and the debug log). */
unsigned long mounttab_parses(const struct mounttab *t);

#endif
