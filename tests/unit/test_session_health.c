/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A session's health driven through the real state table, with made-up clocks. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "iscsid/kernel_abi.h"
#include "iscsid/session_health.h"
#include "testutil.h"

/* A session of the test: its state, history and clocks. */
struct sim {
	enum sess_state state;
	struct session_health h;
	uint64_t mono, real;
	bool changed;
};

/* Fires ev as session_event() does, with the step's extras in tmpl. */
static void fire(struct sim *x, enum sess_event ev, const struct health_step *tmpl)
{
	struct health_step st = tmpl ? *tmpl : (struct health_step){ 0 };
	enum sess_state from = x->state;
	char line[128];
	const struct sess_row *row = sess_fsm_step(&x->state, ev, line, sizeof(line));

	ck_assert_msg(row, "%s", line);
	st.from = from;
	st.row = row;
	st.mono_ms = x->mono;
	st.real_ms = x->real;
	x->changed = health_step(&x->h, &st);
}

static void login(struct sim *x)
{
	memset(x, 0, sizeof(*x));
	x->mono = 1000;
	x->real = 1765000000000ULL;
	health_init(&x->h, x->real, false);
	fire(x, SE_CONNECT, NULL);
	fire(x, SE_CONNECTED, NULL);
	x->real += 50;
	fire(x, SE_LOGGED_IN, NULL);
	fire(x, SE_SCANNED, NULL);
}

static struct ll_health report(const struct sim *x)
{
	struct ll_health r;

	memset(&r, 0, sizeof(r));
	health_report(&x->h, x->mono, &r);
	return r;
}

START_TEST(test_login_sets_login_time_and_no_failure)
{
	struct sim x;
	struct ll_health r;

	login(&x);
	r = report(&x);
	ck_assert_uint_eq(r.since_ms, 1765000000000ULL);
	ck_assert_uint_eq(r.login_ms, 1765000000050ULL);
	ck_assert_int_eq(r.last_kind, LL_FAIL_NONE);
	ck_assert_uint_eq(r.recoveries, 0);
	ck_assert(!r.recovering && !r.adopted);
}
END_TEST

/* Lose the connection, fail one reconnect (refused by status), relogin. */
START_TEST(test_recovery_counts_kind_and_time)
{
	struct health_step kerr = { .kerr = KABI_ERR_TCP_CONN_CLOSE, .msg = "TCP connection closed" };
	struct health_step refused = { .login_status = 0x0301, .msg = "target busy" };
	struct sim x;
	struct ll_health r;

	login(&x);
	x.mono = 5000;
	x.real += 4000;
	fire(&x, SE_CONN_ERROR, &kerr);
	ck_assert(x.changed);
	r = report(&x);
	ck_assert_uint_eq(r.recoveries, 1);
	ck_assert(r.recovering);
	ck_assert_int_eq(r.last_kind, LL_FAIL_CONN_ERROR);
	ck_assert_uint_eq(r.last_code, 1020);
	ck_assert_str_eq(r.last_msg, "connection error 1020: TCP connection closed");
	ck_assert_uint_eq(r.last_ms, x.real);

	x.mono = 7000;
	fire(&x, SE_RECONNECT, NULL);
	fire(&x, SE_CONNECTED, NULL);
	fire(&x, SE_ATTEMPT_FAILED, &refused);
	r = report(&x);
	ck_assert_int_eq(r.last_kind, LL_FAIL_LOGIN_REJECTED);
	ck_assert_uint_eq(r.last_code, 0x0301);
	ck_assert_str_eq(r.last_msg, "target busy");
	/* an ongoing recovery counts up to now */
	ck_assert_uint_eq(r.recovery_last_ms, 2000);
	ck_assert_uint_eq(r.recovery_total_ms, 2000);

	fire(&x, SE_RECONNECT, NULL);
	fire(&x, SE_CONNECT_FAILED, NULL);  /* its action fires the attempt-failed */
	fire(&x, SE_ATTEMPT_FAILED, &(struct health_step){ .msg = "refused" });
	ck_assert_int_eq(report(&x).last_kind, LL_FAIL_CONNECT_FAILED);
	fire(&x, SE_RECONNECT, NULL);
	fire(&x, SE_CONNECTED, NULL);
	x.mono = 9500;
	fire(&x, SE_RELOGGED_IN, NULL);
	r = report(&x);
	ck_assert(!r.recovering);
	ck_assert_uint_eq(r.recovery_last_ms, 4500);
	ck_assert_uint_eq(r.recovery_total_ms, 4500);
	ck_assert_uint_eq(r.failures[LL_FAIL_CONN_ERROR], 1);
	ck_assert_uint_eq(r.failures[LL_FAIL_LOGIN_REJECTED], 1);
	ck_assert_uint_eq(r.failures[LL_FAIL_CONNECT_FAILED], 1);
	/* the first login time stays */
	ck_assert_uint_eq(r.login_ms, 1765000000050ULL);

	/* a second recovery adds up, NOP-Out timeout is its own kind */
	x.mono = 20000;
	fire(&x, SE_CONN_ERROR, &(struct health_step){ .kerr = KABI_ERR_NOP_TIMEDOUT });
	x.mono = 21000;
	r = report(&x);
	ck_assert_int_eq(r.last_kind, LL_FAIL_NOP_TIMEOUT);
	ck_assert_uint_eq(r.recoveries, 2);
	ck_assert_uint_eq(r.recovery_last_ms, 1000);
	ck_assert_uint_eq(r.recovery_total_ms, 5500);
	/* logging out ends the recovery */
	fire(&x, SE_LOGOUT, NULL);
	x.mono = 30000;
	r = report(&x);
	ck_assert(!r.recovering);
	ck_assert_uint_eq(r.recovery_total_ms, 5500);
}
END_TEST

/*
 * An Async Message's logout request: one recovery from the request on, not
 * a second one when the Logout is answered; it ends at the relogin.  An
 * announced drop counts the same way.
 */
START_TEST(test_async_logout_request_is_one_recovery)
{
	struct sim x;
	struct ll_health r;

	login(&x);
	x.mono += 1000;
	x.real += 1000;
	fire(&x, SE_TARGET_LOGOUT, &(struct health_step){ .target_logout = true,
							  .msg = "logout within 5 s" });
	ck_assert(x.changed);
	r = report(&x);
	ck_assert_int_eq(r.last_kind, LL_FAIL_TARGET_LOGOUT);
	ck_assert_str_eq(r.last_msg, "logout within 5 s");
	ck_assert_uint_eq(r.last_ms, 1765000001050ULL);
	ck_assert_uint_eq(r.recoveries, 1);
	ck_assert_uint_eq(r.failures[LL_FAIL_TARGET_LOGOUT], 1);
	ck_assert(r.recovering);
	x.mono += 300;
	fire(&x, SE_LOGGED_OUT, &(struct health_step){ .msg = "Logout answered" });
	r = report(&x);
	ck_assert_uint_eq(r.recoveries, 1);
	ck_assert_str_eq(r.last_msg, "logout within 5 s");
	fire(&x, SE_RECONNECT, NULL);
	fire(&x, SE_CONNECTED, NULL);
	x.mono += 2000;
	fire(&x, SE_RELOGGED_IN, NULL);
	r = report(&x);
	ck_assert(!r.recovering);
	ck_assert_uint_eq(r.recovery_last_ms, 2300);
	/* the drop: straight to RECOVERY, the second recovery of the same kind */
	fire(&x, SE_TARGET_DROP, &(struct health_step){ .target_logout = true,
							.msg = "drops connection 0" });
	r = report(&x);
	ck_assert_uint_eq(r.recoveries, 2);
	ck_assert_uint_eq(r.failures[LL_FAIL_TARGET_LOGOUT], 2);
	ck_assert_uint_eq(r.failures[LL_FAIL_CONN_ERROR], 0);
	ck_assert_str_eq(r.last_msg, "drops connection 0");
}
END_TEST

START_TEST(test_target_logout_and_login_failure_kinds)
{
	struct sim x;

	login(&x);
	fire(&x, SE_CONN_ERROR, &(struct health_step){ .target_logout = true,
						       .msg = "the target asked" });
	ck_assert_int_eq(report(&x).last_kind, LL_FAIL_TARGET_LOGOUT);
	ck_assert_str_eq(report(&x).last_msg, "the target asked");
	fire(&x, SE_RECONNECT, NULL);
	fire(&x, SE_CONNECTED, NULL);
	/* a conn error during login is no new recovery; its attempt fails */
	fire(&x, SE_CONN_ERROR, &(struct health_step){ .kerr = 1020 });
	ck_assert_uint_eq(report(&x).recoveries, 1);
	fire(&x, SE_ATTEMPT_FAILED, &(struct health_step){ .msg = "login broke" });
	ck_assert_int_eq(report(&x).last_kind, LL_FAIL_LOGIN_FAILED);
	/* a failure without words still has a sentence */
	fire(&x, SE_RECONNECT, NULL);
	fire(&x, SE_GAVE_UP, NULL);
	ck_assert_str_eq(report(&x).last_msg, "no reason given");
}
END_TEST

START_TEST(test_first_login_failures_count_and_state_changes_are_noticed)
{
	struct sim x;

	memset(&x, 0, sizeof(x));
	health_init(&x.h, 5, false);
	fire(&x, SE_CONNECT, NULL);
	ck_assert(!x.changed);  /* CONNECT -> CONNECT */
	fire(&x, SE_RETRY, &(struct health_step){ .msg = "no route" });
	ck_assert(x.changed);
	ck_assert_int_eq(report(&x).last_kind, LL_FAIL_CONNECT_FAILED);
	fire(&x, SE_CONNECT, NULL);
	fire(&x, SE_CONNECTED, NULL);
	ck_assert(x.changed);  /* CONNECT -> LOGIN */
	fire(&x, SE_LOGIN_FAILED, &(struct health_step){ .login_status = 0x0201 });
	ck_assert_int_eq(report(&x).last_kind, LL_FAIL_LOGIN_REJECTED);
	ck_assert_uint_eq(report(&x).login_ms, 0);
	ck_assert_uint_eq(report(&x).recoveries, 0);
}
END_TEST

START_TEST(test_adopted_history_starts_at_adoption)
{
	struct session_health h;
	struct ll_health r;

	health_init(&h, 1765000000000ULL, true);
	memset(&r, 0, sizeof(r));
	health_report(&h, 1, &r);
	ck_assert(r.adopted);
	ck_assert_uint_eq(r.since_ms, 1765000000000ULL);
	ck_assert_uint_eq(r.login_ms, 0);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_login_sets_login_time_and_no_failure,
		test_recovery_counts_kind_and_time,
		test_target_logout_and_login_failure_kinds,
		test_async_logout_request_is_one_recovery,
		test_first_login_failures_count_and_state_changes_are_noticed,
		test_adopted_history_starts_at_adoption,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "session_health",
		.tests = tests,
	});
}
