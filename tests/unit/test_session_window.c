/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iscsid's login window (session_window.c), built from its source with
 * session_start_connect() replaced: the test records which sessions start,
 * and in what order.
 */
#include <check.h>
#include <stdlib.h>

#include "iscsid/daemon.h"
#include "iscsid/session_int.h"
#include "iscsid/session_login.h"
#include "iscsid/session_window.h"
#include "testutil.h"

#define N (SESSION_LOGIN_WINDOW + 10)

static struct daemon d;
static struct session sess[N];
static size_t started[N], nstarted;
static struct session *fail_at_start;  /* "fails" at once: leaves the window */

void session_start_connect(struct session *s)
{
	started[nstarted++] = (size_t)(s - sess);
	if (s == fail_at_start)
		session_window_leave(s);
}

static void setup(void)
{
	memset(&d, 0, sizeof(d));
	memset(sess, 0, sizeof(sess));
	nstarted = 0;
	fail_at_start = NULL;
	for (size_t i = 0; i < N; i++)
		sess[i].d = &d;
}

static void enter_all(void)
{
	for (size_t i = 0; i < N; i++)
		session_window_enter(&sess[i]);
}

START_TEST(test_window_starts_the_first_ones_and_keeps_order)
{
	setup();
	enter_all();
	ck_assert_uint_eq(nstarted, SESSION_LOGIN_WINDOW);
	ck_assert_uint_eq(d.window.running, SESSION_LOGIN_WINDOW);
	for (size_t i = 0; i < nstarted; i++)
		ck_assert_uint_eq(started[i], i);
	/* one finishes: the oldest waiting one takes its place */
	session_window_leave(&sess[3]);
	ck_assert_uint_eq(nstarted, SESSION_LOGIN_WINDOW + 1);
	ck_assert_uint_eq(started[SESSION_LOGIN_WINDOW], SESSION_LOGIN_WINDOW);
	/* leaving twice frees one place only */
	session_window_leave(&sess[3]);
	ck_assert_uint_eq(nstarted, SESSION_LOGIN_WINDOW + 1);
	ck_assert_uint_eq(d.window.running, SESSION_LOGIN_WINDOW);
}
END_TEST

START_TEST(test_window_drops_a_waiting_session_that_goes_away)
{
	setup();
	enter_all();
	/* the next to start, one in the middle and the last go away waiting */
	session_window_leave(&sess[SESSION_LOGIN_WINDOW]);
	session_window_leave(&sess[SESSION_LOGIN_WINDOW + 4]);
	session_window_leave(&sess[N - 1]);
	ck_assert_uint_eq(nstarted, SESSION_LOGIN_WINDOW);
	ck_assert_ptr_eq(d.window.tail, &sess[N - 2]);
	for (size_t i = 0; i < SESSION_LOGIN_WINDOW; i++)
		session_window_leave(&sess[i]);
	ck_assert_uint_eq(nstarted, N - 3);
	ck_assert_uint_eq(started[SESSION_LOGIN_WINDOW], SESSION_LOGIN_WINDOW + 1);
	ck_assert_uint_eq(started[SESSION_LOGIN_WINDOW + 3], SESSION_LOGIN_WINDOW + 5);
	ck_assert_uint_eq(started[N - 4], N - 2);
	ck_assert_ptr_null(d.window.head);
	ck_assert_ptr_null(d.window.tail);
	/* a session entering now starts at once: the list was left consistent */
	session_window_enter(&sess[N - 1]);
	ck_assert_uint_eq(started[nstarted - 1], N - 1);
}
END_TEST

START_TEST(test_window_fills_the_place_of_a_login_that_fails_at_start)
{
	setup();
	enter_all();
	fail_at_start = &sess[SESSION_LOGIN_WINDOW];
	session_window_leave(&sess[0]);
	/* the one that failed at once made room for the next */
	ck_assert_uint_eq(nstarted, SESSION_LOGIN_WINDOW + 2);
	ck_assert_uint_eq(started[SESSION_LOGIN_WINDOW + 1], SESSION_LOGIN_WINDOW + 1);
	ck_assert_uint_eq(d.window.running, SESSION_LOGIN_WINDOW);
}
END_TEST

START_TEST(test_window_starts_nothing_while_iscsid_stops)
{
	setup();
	enter_all();
	d.stopping = true;
	session_window_leave(&sess[0]);
	ck_assert_uint_eq(nstarted, SESSION_LOGIN_WINDOW);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_window_starts_the_first_ones_and_keeps_order,
		test_window_drops_a_waiting_session_that_goes_away,
		test_window_fills_the_place_of_a_login_that_fails_at_start,
		test_window_starts_nothing_while_iscsid_stops,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "session_window",
		.tests = tests,
	});
}
