/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_window.c: at most SESSION_LOGIN_WINDOW first logins at once (see session_window.h). */
#include "iscsid/daemon.h"
#include "iscsid/log.h"
#include "iscsid/session_int.h"
#include "iscsid/session_login.h"
#include "iscsid/session_window.h"

/*
 * Starting a login can end it at once (a failure frees the session, which
 * leaves the window and lands here again): the nested call returns, and
 * this loop fills the place that freed.
 */
static void start_waiting(struct daemon *d)
{
	struct login_window *w = &d->window;

	if (w->filling || d->stopping)
		return;
	w->filling = true;
	while (w->head && w->running < SESSION_LOGIN_WINDOW) {
		struct session *s = w->head;

		w->head = s->wait_next;
		if (!w->head)
			w->tail = NULL;
		s->wait_next = NULL;
		s->waiting = false;
		s->in_window = true;
		w->running++;
		session_start_connect(s);
	}
	w->filling = false;
}

void session_window_enter(struct session *s)
{
	struct login_window *w = &s->d->window;

	s->waiting = true;
	if (w->tail)
		w->tail->wait_next = s;
	else
		w->head = s;
	w->tail = s;
	if (w->running >= SESSION_LOGIN_WINDOW)
		log_debug(1, "%s: waiting: %u logins are in progress", s->where, w->running);
	start_waiting(s->d);
}

void session_window_leave(struct session *s)
{
	struct login_window *w = &s->d->window;

	if (s->waiting) {
		struct session **pp = &w->head, *prev = NULL;

		for (; *pp && *pp != s; pp = &(*pp)->wait_next)
			prev = *pp;
		if (*pp)
			*pp = s->wait_next;
		if (w->tail == s)
			w->tail = prev;
		s->wait_next = NULL;
		s->waiting = false;
		return;
	}
	if (!s->in_window)
		return;
	s->in_window = false;
	w->running--;
	start_waiting(s->d);
}
