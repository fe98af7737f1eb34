/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_recovery.c: reconnecting a failed session (see session_recovery.h). */
#include <stdio.h>
#include <sys/random.h>

#include "iscsid/daemon.h"
#include "iscsid/log.h"
#include "iscsid/session_hurry.h"
#include "iscsid/session_int.h"
#include "iscsid/session_kernel.h"
#include "iscsid/session_login.h"
#include "iscsid/session_recovery.h"

/*
 * The first attempt waits DefaultTime2Wait, at most this long (a Time2Wait
 * the target names in an Async Message is waited in full).
 */
#define TIME2WAIT_MAX_S 5
/* Later attempts: session_retry_delay_ms(). An attempt is one TCP connect. */

static int on_retry_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct session *s = userdata;

	sd_event_source_disable_unref(src);
	s->retry_src = NULL;
	s->target_wait = false;
	session_start_connect(s);
	return 0;
}

static void schedule_connect_ms(struct session *s, unsigned delay_ms)
{
	session_stop_timer(s);
	sd_event_source_disable_unref(s->retry_src);
	s->retry_src = NULL;
	s->target_wait = false;
	sd_event_add_time_relative(s->d->event, &s->retry_src, CLOCK_MONOTONIC,
				   (uint64_t)delay_ms * 1000ULL, 0, on_retry_timer, s);
}

void session_schedule_connect_act(struct session *s, const struct sess_row *row,
				  const struct sess_input *in)
{
	schedule_connect_ms(s, in->delay_ms);
}

void session_gave_up_act(struct session *s, const struct sess_row *row,
			 const struct sess_input *in)
{
	session_stop_timer(s);
}

void session_reconnect_failed(struct session *s, const struct sess_input *failed)
{
	struct sess_input in = *failed;
	uint32_t rnd = 0;
	unsigned delay;

	/* only a spread, not a secret: a failed read leaves the full pause */
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
		rnd = 0;
	delay = session_retry_delay_ms(s->reopen_count, rnd);

	s->reopen_count++;
	if (s->lp.reopen_max && s->reopen_count > s->lp.reopen_max) {
		log_err("%s: giving up after %u reconnect attempts (reopen_max); "
			"the session stays failed until it is logged out",
			s->where, s->reopen_count - 1);
		session_event(s, SE_GAVE_UP, &in);
		return;
	}
	log_warn("%s: reconnect attempt %u failed: %s; next try in %u.%u s", s->where,
		 s->reopen_count, in.err->msg, delay / 1000, delay % 1000 / 100);
	in.delay_ms = delay;
	session_event(s, SE_ATTEMPT_FAILED, &in);
}

/*
 * s logged in again through its portal, so the portal is back: the other
 * sessions to it that wait out a pause try now instead of up to
 * RETRY_DELAY_MAX_S later, and the sessions of a portal that returns come
 * back within their logins of each other, not spread over the retry period
 * (an outage of every session of a host took ~2 s more than one session's).
 * Each is hurried at most once per HURRY_GAP_MS (session_hurry.h): where
 * the targets behind one portal return one by one, that is one extra
 * attempt a second.
 */
void session_portal_back(struct session *s)
{
	uint64_t now_us = daemon_now_us(s->d), now_ms = now_us / 1000;

	for (struct session *o = s->d->sessions, *next; o; o = next) {
		const struct hurry_view v = { .state = o->state, .waiting = o->retry_src != NULL,
					      .cur = &o->cur, .hurried_ms = o->hurried_ms,
					      .target_wait = o->target_wait,
					      .reconnecting = o->ever_started,
					      .attempt_ms = o->attempt_ms };

		next = o->next;
		if (o == s)
			continue;
		if (session_login_lost(&v, &s->cur, s->attempt_ms)) {
			/* the same path as a login timeout: a pause, then (hurried) again */
			session_fail(o, ISCSI_ERR_PDU_TIMEOUT, true, "no answer to the login "
				     "for %llu s while the portal answered a later one: taken as "
				     "lost", (unsigned long long)(now_ms - o->attempt_ms) / 1000);
			continue;
		}
		if (!session_should_hurry(&v, &s->cur, now_ms))
			continue;
		o->hurried_ms = now_ms;
		sd_event_source_set_time(o->retry_src, now_us);
	}
}

void session_cancel_reconnect(struct session *s)
{
	session_close_transport(s);
	login_free(s->login);
	s->login = NULL;
	sd_event_source_disable_unref(s->retry_src);
	s->retry_src = NULL;
}

/* Says why the session reconnects; returns the seconds to wait first. */
static unsigned recover_why(struct session *s, const struct sess_row *row,
			    const struct sess_input *in)
{
	unsigned wait = s->params.default_time2wait;

	wait = wait > TIME2WAIT_MAX_S ? TIME2WAIT_MAX_S : wait;
	switch (row->event) {
	case SE_TARGET_DROP:
		/* the target said how long; it may be longer than ours */
		log_warn("%s: %s", s->where, in->why);
		return in->delay_ms / 1000;
	case SE_LOGGED_OUT:
		log_warn("%s: logged out at the target's request; logging in again", s->where);
		return wait;
	case SE_TIMEOUT:
		log_warn("%s: no answer to the Logout request within %u s; dropping the "
			 "connection and logging in again", s->where, s->timer_secs);
		return wait;
	default:
		log_warn("%s: connection failed (%s); recovering", s->where, in->why);
		return wait;
	}
}

void session_recover_act(struct session *s, const struct sess_row *row,
			 const struct sess_input *in)
{
	unsigned wait = recover_why(s, row, in);

	worker_cancel(s->scan);
	s->scan = NULL;
	session_kernel_stop_for_recovery(s);
	s->reopen_count = 0;
	s->cur = s->lp.cfg.portal;
	schedule_connect_ms(s, wait * 1000);
	/* a returning portal must not cut the target's Time2Wait short */
	s->target_wait = row->event == SE_TARGET_DROP;
}
