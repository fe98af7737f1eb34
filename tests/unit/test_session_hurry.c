/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which sessions a returning portal hurries (iscsid/session_hurry.c): only
 * those waiting out a reconnect pause to that very portal, at most once a
 * HURRY_GAP_MS; and the spread pause between reconnect attempts.
 */
#include <check.h>
#include <stdbool.h>
#include <string.h>

#include "iscsid/session_hurry.h"
#include "testutil.h"

static struct iscsi_addr addr(const char *host, uint16_t port)
{
	struct iscsi_addr a = { .port = port, .tpgt = -1 };

	strcpy(a.host, host);
	return a;
}

START_TEST(test_hurry_same_portal_waiting)
{
	struct iscsi_addr back = addr("10.0.0.1", 3260), mine = addr("10.0.0.1", 3260);
	struct hurry_view v = { .state = SS_RECOVERY, .waiting = true, .cur = &mine };

	ck_assert(session_should_hurry(&v, &back, 5000));
	/* a host name's case does not make another portal */
	back = addr("Target.Example", 3260);
	mine = addr("target.example", 3260);
	ck_assert(session_should_hurry(&v, &back, 5000));
}
END_TEST

START_TEST(test_hurry_not_others)
{
	struct iscsi_addr back = addr("10.0.0.1", 3260), mine = addr("10.0.0.1", 3260);
	struct hurry_view v = { .state = SS_RECOVERY, .waiting = true, .cur = &mine };

	mine.port = 3261;
	ck_assert(!session_should_hurry(&v, &back, 5000));
	mine = addr("10.0.0.2", 3260);
	ck_assert(!session_should_hurry(&v, &back, 5000));
	mine = addr("10.0.0.1", 3260);
	/* a connect or login under way, a logged-in session, no pause armed */
	v.state = SS_CONNECT;
	ck_assert(!session_should_hurry(&v, &back, 5000));
	v.state = SS_LOGGED_IN;
	ck_assert(!session_should_hurry(&v, &back, 5000));
	v.state = SS_RECOVERY;
	v.waiting = false;
	ck_assert(!session_should_hurry(&v, &back, 5000));
	/* the pause is the Time2Wait the target named in an Async Message */
	v.waiting = true;
	v.target_wait = true;
	ck_assert(!session_should_hurry(&v, &back, 5000));
}
END_TEST

START_TEST(test_hurry_once_per_gap)
{
	struct iscsi_addr back = addr("10.0.0.1", 3260), mine = back;
	struct hurry_view v = { .state = SS_RECOVERY, .waiting = true, .cur = &mine,
				.hurried_ms = 5000 };

	ck_assert(!session_should_hurry(&v, &back, 5000));
	ck_assert(!session_should_hurry(&v, &back, 5000 + HURRY_GAP_MS - 1));
	ck_assert(session_should_hurry(&v, &back, 5000 + HURRY_GAP_MS));
}
END_TEST

/*
 * A relogin still waiting in SS_LOGIN counts as lost once the same portal
 * answered a login begun LOGIN_LOST_GAP_MS or more after it; never a first
 * login, another portal's, or one in another state.
 */
START_TEST(test_login_lost)
{
	struct iscsi_addr back = addr("10.0.0.1", 3260), mine = addr("10.0.0.1", 3260);
	struct hurry_view v = { .state = SS_LOGIN, .cur = &mine, .reconnecting = true,
				.attempt_ms = 10000 };

	ck_assert(session_login_lost(&v, &back, 10000 + LOGIN_LOST_GAP_MS));
	ck_assert(session_login_lost(&v, &back, 40000));
	ck_assert(!session_login_lost(&v, &back, 10000 + LOGIN_LOST_GAP_MS - 1));
	ck_assert(!session_login_lost(&v, &back, 9000));
	mine.port = 3261;
	ck_assert(!session_login_lost(&v, &back, 40000));
	mine.port = 3260;
	v.reconnecting = false;
	ck_assert(!session_login_lost(&v, &back, 40000));
	v.reconnecting = true;
	v.state = SS_CONNECT;
	ck_assert(!session_login_lost(&v, &back, 40000));
	v.state = SS_RECOVERY;
	ck_assert(!session_login_lost(&v, &back, 40000));
	v.state = SS_LOGIN;
	v.attempt_ms = 0;
	ck_assert(!session_login_lost(&v, &back, 40000));
}
END_TEST

/*
 * The pause after a failed attempt: never longer than the back-off, never
 * shorter than half of it, and spread over that half by the random number
 * (sessions that failed together must not retry in step).
 */
START_TEST(test_retry_delay_spread)
{
	static const struct {
		unsigned reopen_count, full;
	} rows[] = { { 0, RETRY_DELAY_FIRST_MS }, { 1, RETRY_DELAY_MAX_MS },
		     { 7, RETRY_DELAY_MAX_MS } };

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned full = rows[i].full, lo = full, hi = 0;
		static bool seen[RETRY_DELAY_MAX_MS + 1];

		memset(seen, 0, sizeof(seen));
		ck_assert_uint_eq(session_retry_delay_ms(rows[i].reopen_count, 0), full);
		for (uint32_t r = 0; r < 20000; r++) {
			unsigned d = session_retry_delay_ms(rows[i].reopen_count, r * 2654435761u);

			ck_assert_uint_ge(d, full / 2);
			ck_assert_uint_le(d, full);
			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
			seen[d] = true;
		}
		ck_assert_uint_eq(lo, full / 2);
		ck_assert_uint_eq(hi, full);
		for (unsigned d = full / 2; d <= full; d += 50)
			ck_assert_msg(seen[d], "no pause of %u ms among 20000", d);
	}
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_hurry_same_portal_waiting,
		test_hurry_not_others,
		test_hurry_once_per_gap,
		test_retry_delay_spread,
		test_login_lost,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "session_hurry",
		.tcase = "rule",
		.tests = tests,
	});
}
