/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_isids.h: keeping each kernel session's number and ISID in the
 * file of isidfile.h, so that sessions adopted after an iscsid restart
 * log in again with the ISID the target knows them by.
 */
#ifndef ISCSID_SESSION_ISIDS_H
#define ISCSID_SESSION_ISIDS_H

#include <stdbool.h>
#include <stdint.h>

struct daemon;
struct session;

/* Reads the file left by the previous iscsid (a corrupt one is reported
 * now; a missing one when a session needs it).  Before any adoption. */
int session_isids_setup(struct daemon *d);
/* The file recorded sid: sessions_adopt_all() adopts those first. */
bool session_isids_known(struct daemon *d, uint32_t sid);
/* An adopted session takes its recorded number and ISID; without one it
 * keeps the number session_new() derived, and that is said out loud. */
void session_isids_apply(struct session *s);
/* Every kernel session is adopted: what the file still lists that was not
 * adopted is gone from the kernel and is dropped from the file. */
void session_isids_adopted(struct daemon *d);
/* A session got or lost its kernel session: rewrite the file (once per
 * event loop iteration, however many changed). */
void session_isids_changed(struct daemon *d);
/* Writes a pending change, then frees.  Before the sessions are released:
 * those stay in the kernel, so they stay in the file. */
void session_isids_free(struct daemon *d);

#endif
