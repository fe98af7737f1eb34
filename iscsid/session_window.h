/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_window.h: how many first logins run at once.
 *
 * `--loginall` of N nodes hands iscsid N login requests at once.  Started
 * all together, 1,024 logins on one LIO portal (bench/run.sh trace 1024)
 * made the target wait so long for its share of the machine that it closed
 * 415 of the connections in mid-login (LIO gives a login 15 s), and each
 * was then tried again from the start: work done twice, and the first disk
 * appeared only after 40 s.  At most SESSION_LOGIN_WINDOW first logins run
 * (connect, login, kernel hand-off, SCSI scan); the others wait in the
 * order they came and start as places free up.  Recovery of a session that
 * was logged in is not held back.
 */
#ifndef ISCSID_SESSION_WINDOW_H
#define ISCSID_SESSION_WINDOW_H

#include <stdbool.h>

struct daemon;
struct session;

#define SESSION_LOGIN_WINDOW 32

struct login_window {
	unsigned running;               /* first logins in progress */
	struct session *head, *tail;    /* waiting, oldest first */
	bool filling;                   /* start_waiting() is on the stack */
};

/* Starts s's first login now, or once a place frees up. */
void session_window_enter(struct session *s);
/* s's first login is over (answered, or the session went away): frees its
 * place, or takes it off the waiting list. */
void session_window_leave(struct session *s);

#endif
