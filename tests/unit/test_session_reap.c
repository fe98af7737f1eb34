/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iscsid's background destroy of logged-out sessions (session_reap.c),
 * built from its source with the kernel request, the request answer and
 * the timer replaced: a logout is answered only when the kernel reports
 * its session gone (or the timer fires), and a kernel that refuses the
 * background destroy leaves the session to the caller.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "iscsid/daemon.h"
#include "iscsid/kernel.h"
#include "iscsid/session_reap.h"
#include "testutil.h"

static struct daemon d;
static int async_result;               /* what the kernel answers */
static uint32_t asked[8];
static size_t nasked;
static struct request *answered[8];
static size_t nanswered;
static sd_event_time_handler_t timer_cb[8];
static void *timer_ud[8];
static unsigned timer_secs;
static size_t ntimers;

int kernel_destroy_session_async(struct kernel *k, uint32_t sid)
{
	asked[nasked++] = sid;
	return async_result;
}

void request_ok(struct request *req)
{
	answered[nanswered++] = req;
}

void daemon_arm_timer(struct daemon *dd, sd_event_source **src, unsigned seconds,
		      sd_event_time_handler_t cb, void *userdata)
{
	timer_cb[ntimers] = cb;
	timer_ud[ntimers++] = userdata;
	timer_secs = seconds;
}

static struct request req[3];

static void setup(void)
{
	memset(&d, 0, sizeof(d));
	async_result = 0;
	nasked = nanswered = ntimers = 0;
}

START_TEST(test_reap_answers_on_the_kernels_event_only)
{
	setup();
	ck_assert(session_reap(&d, 7, &req[0]));
	ck_assert(session_reap(&d, 9, &req[1]));
	ck_assert_uint_eq(nasked, 2);
	ck_assert_uint_eq(asked[0], 7);
	ck_assert_uint_eq(timer_secs, REAP_TIMEOUT_S);
	/* nothing is answered while the kernel destroys */
	ck_assert_uint_eq(nanswered, 0);
	ck_assert(session_reaping(&d, 7));
	/* another session's event answers nobody */
	session_reaped(&d, 8);
	ck_assert_uint_eq(nanswered, 0);
	session_reaped(&d, 9);
	ck_assert_uint_eq(nanswered, 1);
	ck_assert_ptr_eq(answered[0], &req[1]);
	ck_assert(!session_reaping(&d, 9));
	ck_assert(session_reaping(&d, 7));
	/* a second event for the same session answers nothing twice */
	session_reaped(&d, 9);
	ck_assert_uint_eq(nanswered, 1);
	session_reaped(&d, 7);
	ck_assert_uint_eq(nanswered, 2);
	ck_assert_ptr_eq(answered[1], &req[0]);
	ck_assert_ptr_null(d.reaping);
}
END_TEST

START_TEST(test_reap_refused_by_the_kernel_is_the_callers)
{
	setup();
	async_result = -EINVAL;
	ck_assert(!session_reap(&d, 7, &req[0]));
	ck_assert_uint_eq(nasked, 1);
	ck_assert_uint_eq(nanswered, 0);
	ck_assert(!session_reaping(&d, 7));
	ck_assert_ptr_null(d.reaping);
}
END_TEST

START_TEST(test_reap_timeout_answers_anyway)
{
	setup();
	ck_assert(session_reap(&d, 7, &req[0]));
	ck_assert(session_reap(&d, 9, &req[1]));
	ck_assert_uint_eq(ntimers, 2);
	timer_cb[0](NULL, 0, timer_ud[0]);
	ck_assert_uint_eq(nanswered, 1);
	ck_assert_ptr_eq(answered[0], &req[0]);
	ck_assert(!session_reaping(&d, 7));
	/* the event coming late answers nothing more */
	session_reaped(&d, 7);
	ck_assert_uint_eq(nanswered, 1);
	session_reap_release_all(&d);
	ck_assert_uint_eq(nanswered, 2);
	ck_assert_ptr_eq(answered[1], &req[1]);
}
END_TEST

START_TEST(test_reap_release_answers_every_waiting_logout)
{
	setup();
	ck_assert(session_reap(&d, 7, &req[0]));
	ck_assert(session_reap(&d, 9, NULL));
	ck_assert(session_reap(&d, 11, &req[2]));
	session_reap_release_all(&d);
	ck_assert_uint_eq(nanswered, 2);
	ck_assert_ptr_null(d.reaping);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_reap_answers_on_the_kernels_event_only,
		test_reap_refused_by_the_kernel_is_the_callers,
		test_reap_timeout_answers_anyway,
		test_reap_release_answers_every_waiting_logout,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "session_reap",
		.tests = tests,
	});
}
