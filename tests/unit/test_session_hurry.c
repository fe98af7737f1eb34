/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which sessions a returning portal hurries (iscsid/session_hurry.c): only
 * those waiting out a reconnect pause to that very portal, at most once a
 * HURRY_GAP_MS.
 */
#include <check.h>
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

int main(void)
{
	const TTest *const tests[] = {
		test_hurry_same_portal_waiting,
		test_hurry_not_others,
		test_hurry_once_per_gap,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "session_hurry",
		.tcase = "rule",
		.tests = tests,
	});
}
