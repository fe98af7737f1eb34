/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iscsid's session state table, driven alone: no sockets, no netlink, no
 * event loop.  Every event in every state has a row or is ignored out
 * loud, and no sequence of events leaves a session without a way out.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsid/session_fsm.h"
#include "testutil.h"

/* Applies the events in order from state; returns the state reached. */
static enum sess_state run(enum sess_state state, const enum sess_event *ev, size_t n)
{
	char line[128];

	for (size_t i = 0; i < n; i++)
		sess_fsm_step(&state, ev[i], line, sizeof(line));
	return state;
}

#define RUN(from, ...) \
	run(from, (const enum sess_event[]){ __VA_ARGS__ }, \
	    sizeof((const enum sess_event[]){ __VA_ARGS__ }) / sizeof(enum sess_event))

/* States reachable from start by any sequence of events. */
static void reachable(enum sess_state start, bool seen[SS_COUNT_])
{
	enum sess_state queue[SS_COUNT_];
	size_t head = 0, tail = 0;

	memset(seen, 0, SS_COUNT_ * sizeof(seen[0]));
	seen[start] = true;
	queue[tail++] = start;
	while (head < tail) {
		enum sess_state s = queue[head++];

		for (int e = 0; e < SE_COUNT_; e++) {
			const struct sess_row *row = sess_fsm_find(s, (enum sess_event)e);

			if (row && !seen[row->next]) {
				seen[row->next] = true;
				queue[tail++] = row->next;
			}
		}
	}
}

START_TEST(test_fsm_every_event_in_every_state_has_a_row_or_is_ignored)
{
	char line[128], want[128];

	for (int s = 0; s < SS_COUNT_; s++) {
		for (int e = 0; e < SE_COUNT_; e++) {
			enum sess_state st = (enum sess_state)s;
			const struct sess_row *row = sess_fsm_step(&st, (enum sess_event)e, line,
								   sizeof(line));

			if (row) {
				ck_assert_int_eq(row->state, s);
				ck_assert_int_eq(row->event, e);
				ck_assert_int_eq(st, row->next);
				snprintf(want, sizeof(want), "%s --%s--> %s",
					 session_state_str((enum sess_state)s),
					 session_event_str((enum sess_event)e),
					 session_state_str(row->next));
			} else {
				ck_assert_int_eq(st, s);
				snprintf(want, sizeof(want), "%s ignored in state %s",
					 session_event_str((enum sess_event)e),
					 session_state_str((enum sess_state)s));
			}
			ck_assert_str_eq(line, want);
		}
	}
}
END_TEST

START_TEST(test_fsm_table_is_well_formed)
{
	size_t n;
	const struct sess_row *rows = sess_fsm_rows(&n);

	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_lt(rows[i].state, SS_COUNT_);
		ck_assert_int_lt(rows[i].event, SE_COUNT_);
		ck_assert_int_lt(rows[i].next, SS_COUNT_);
		ck_assert_int_lt(rows[i].action, SA_COUNT_);
		/* The end has no way on: the object is freed. */
		ck_assert_int_ne(rows[i].state, SS_GONE);
		for (size_t j = i + 1; j < n; j++)
			ck_assert_msg(rows[i].state != rows[j].state || rows[i].event != rows[j].event,
				      "two rows for %s in %s", session_event_str(rows[i].event),
				      session_state_str(rows[i].state));
	}
	for (int s = 0; s < SS_COUNT_; s++)
		for (int t = s + 1; t < SS_COUNT_; t++)
			ck_assert_str_ne(session_state_str((enum sess_state)s),
					 session_state_str((enum sess_state)t));
	for (int e = 0; e < SE_COUNT_; e++) {
		ck_assert_str_ne(session_event_str((enum sess_event)e), "?");
		for (int f = e + 1; f < SE_COUNT_; f++)
			ck_assert_str_ne(session_event_str((enum sess_event)e),
					 session_event_str((enum sess_event)f));
	}
	ck_assert_str_eq(session_state_str(SS_COUNT_), "?");
	ck_assert_str_eq(session_event_str(SE_COUNT_), "?");
}
END_TEST

/* The actions that free the session are exactly those of the rows into the end. */
START_TEST(test_fsm_only_rows_into_the_end_tear_down)
{
	static const bool tears_down[SA_COUNT_] = {
		[SA_LOGIN_FAILED] = true, [SA_LOGGED_OUT] = true, [SA_UNBIND_TIMEOUT] = true,
		[SA_LOGOUT_TIMEOUT] = true, [SA_TARGET_CLOSED] = true,
	};
	size_t n;
	const struct sess_row *rows = sess_fsm_rows(&n);

	for (size_t i = 0; i < n; i++)
		ck_assert_msg((rows[i].next == SS_GONE) == tears_down[rows[i].action],
			      "%s --%s--> %s runs action %d", session_state_str(rows[i].state),
			      session_event_str(rows[i].event), session_state_str(rows[i].next),
			      rows[i].action);
}
END_TEST

/* New sessions start in CONNECT, adopted ones in LOGGED_IN. */
START_TEST(test_fsm_the_end_is_reachable_from_every_reachable_state)
{
	static const enum sess_state starts[] = { SS_CONNECT, SS_LOGGED_IN };
	bool from_start[SS_COUNT_], from_s[SS_COUNT_];

	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		reachable(starts[i], from_start);
		ck_assert(from_start[SS_GONE]);
		for (int s = 0; s < SS_COUNT_; s++) {
			if (!from_start[s])
				continue;
			reachable((enum sess_state)s, from_s);
			ck_assert_msg(from_s[SS_GONE], "no way from %s to the end",
				      session_state_str((enum sess_state)s));
		}
	}
	/* Every state is used. */
	reachable(SS_CONNECT, from_start);
	for (int s = 0; s < SS_COUNT_; s++)
		ck_assert_msg(from_start[s], "%s unreachable", session_state_str((enum sess_state)s));
}
END_TEST

/*
 * Logout from anywhere reaches the end: after logout no event brings the
 * session back to life, and the logout timer alone ends it.
 */
START_TEST(test_fsm_logout_always_reaches_the_end)
{
	bool seen[SS_COUNT_], after_logout[SS_COUNT_];

	reachable(SS_CONNECT, seen);
	for (int s = 0; s < SS_COUNT_; s++) {
		enum sess_state st;

		if (!seen[s] || s == SS_GONE)
			continue;
		st = RUN((enum sess_state)s, SE_LOGOUT);
		ck_assert_msg(st == SS_UNBIND || st == SS_LOGOUT, "logout in %s leads to %s",
			      session_state_str((enum sess_state)s), session_state_str(st));
		reachable(st, after_logout);
		for (int t = 0; t < SS_COUNT_; t++)
			ck_assert_msg(!after_logout[t] || t == SS_UNBIND || t == SS_LOGOUT ||
					      t == SS_GONE,
				      "logout in %s can come back to %s",
				      session_state_str((enum sess_state)s),
				      session_state_str((enum sess_state)t));
		for (int t = 0; t < SS_COUNT_; t++) {
			if (!after_logout[t] || t == SS_GONE)
				continue;
			ck_assert_msg(RUN((enum sess_state)t, SE_TIMEOUT) == SS_GONE,
				      "the timer does not end %s", session_state_str((enum sess_state)t));
		}
	}
}
END_TEST

START_TEST(test_fsm_first_login_and_logout)
{
	char line[128];
	enum sess_state st = SS_CONNECT;

	ck_assert_int_eq(RUN(SS_CONNECT, SE_CONNECT, SE_RESOLVED, SE_CONNECTED, SE_PDU, SE_PDU,
			     SE_LOGGED_IN, SE_SCANNED),
			 SS_LOGGED_IN);
	ck_assert_ptr_nonnull(sess_fsm_step(&st, SE_CONNECTED, line, sizeof(line)));
	ck_assert_str_eq(line, "CONNECT --connected--> LOGIN");
	ck_assert_int_eq(sess_fsm_step(&st, SE_PDU, line, sizeof(line))->action, SA_LOGIN_PDU);
	ck_assert_int_eq(sess_fsm_step(&st, SE_LOGGED_IN, line, sizeof(line))->action, SA_SCAN);
	ck_assert_str_eq(line, "LOGIN --logged-in--> SCAN");
	/* A rescan finishing later changes nothing. */
	st = SS_LOGGED_IN;
	ck_assert_ptr_null(sess_fsm_step(&st, SE_SCANNED, line, sizeof(line)));
	ck_assert_str_eq(line, "scanned ignored in state LOGGED_IN");
	ck_assert_int_eq(st, SS_LOGGED_IN);
	ck_assert_int_eq(RUN(SS_LOGGED_IN, SE_LOGOUT, SE_UNBOUND, SE_PDU, SE_LOGGED_OUT), SS_GONE);
	ck_assert_int_eq(RUN(SS_LOGGED_IN, SE_LOGOUT, SE_UNBOUND, SE_CONN_ERROR), SS_GONE);
}
END_TEST

START_TEST(test_fsm_failed_first_login)
{
	ck_assert_int_eq(RUN(SS_CONNECT, SE_CONNECT, SE_CONNECT_FAILED, SE_RETRY), SS_CONNECT);
	ck_assert_int_eq(RUN(SS_CONNECT, SE_CONNECT, SE_RESOLVED, SE_CONNECTED, SE_PDU, SE_RETRY),
			 SS_CONNECT);
	ck_assert_int_eq(RUN(SS_CONNECT, SE_CONNECT, SE_RESOLVED, SE_CONNECTED, SE_LOGIN_FAILED),
			 SS_GONE);
	ck_assert_int_eq(RUN(SS_CONNECT, SE_CONNECT, SE_TIMEOUT, SE_LOGIN_FAILED), SS_GONE);
	/* A redirect connects again. */
	ck_assert_int_eq(RUN(SS_CONNECT, SE_CONNECT, SE_RESOLVED, SE_CONNECTED, SE_CONNECT),
			 SS_CONNECT);
}
END_TEST

START_TEST(test_fsm_recovery)
{
	char line[128];
	enum sess_state st = SS_LOGGED_IN;

	ck_assert_int_eq(sess_fsm_step(&st, SE_CONN_ERROR, line, sizeof(line))->action, SA_RECOVER);
	ck_assert_str_eq(line, "LOGGED_IN --conn-error--> RECOVERY");
	ck_assert_int_eq(sess_fsm_step(&st, SE_RECONNECT, line, sizeof(line))->action, SA_CONNECT);
	ck_assert_str_eq(line, "RECOVERY --reconnect--> CONNECT");
	ck_assert_int_eq(RUN(st, SE_CONNECT_FAILED, SE_ATTEMPT_FAILED, SE_RECONNECT, SE_RESOLVED,
			     SE_CONNECTED, SE_RELOGGED_IN),
			 SS_LOGGED_IN);
	/* A relogin sets the disks running again and scans nothing (open-iscsi's
	 * one-time scan): N scans made a recovery storm of N sessions slow. */
	ck_assert_int_eq(sess_fsm_find(SS_LOGIN, SE_RELOGGED_IN)->action, SA_ONLINE);
	/* Given up: only logout is left, and it works. */
	st = RUN(SS_LOGGED_IN, SE_CONN_ERROR, SE_RECONNECT, SE_GAVE_UP);
	ck_assert_int_eq(st, SS_RECOVERY);
	ck_assert_int_eq(RUN(st, SE_TIMEOUT, SE_CONN_ERROR, SE_LOGOUT, SE_LOGGED_OUT), SS_GONE);
}
END_TEST

/* The race of t-recovery-logout-race: a connect completing after logout cannot log in. */
START_TEST(test_fsm_logout_during_reconnect)
{
	char line[128];
	enum sess_state st = RUN(SS_LOGGED_IN, SE_CONN_ERROR, SE_RECONNECT);

	ck_assert_int_eq(sess_fsm_step(&st, SE_LOGOUT, line, sizeof(line))->action, SA_LOGOUT);
	ck_assert_str_eq(line, "CONNECT --logout--> UNBIND");
	ck_assert_ptr_null(sess_fsm_step(&st, SE_CONNECTED, line, sizeof(line)));
	ck_assert_ptr_null(sess_fsm_step(&st, SE_RETRY, line, sizeof(line)));
	ck_assert_ptr_null(sess_fsm_step(&st, SE_RECONNECT, line, sizeof(line)));
	ck_assert_int_eq(st, SS_UNBIND);
	ck_assert_int_eq(RUN(st, SE_LOGGED_OUT), SS_GONE);
}
END_TEST

/*
 * Async Messages (RFC 7143 11.9): a target's logout request is answered
 * with a Logout and ends in a reconnect, never in the end; a connection
 * drop the target announces is a recovery.
 */
START_TEST(test_fsm_target_logout_and_drop_reconnect)
{
	char line[128];
	enum sess_state st = SS_LOGGED_IN;

	ck_assert_int_eq(sess_fsm_step(&st, SE_PDU, line, sizeof(line))->action, SA_FFP_PDU);
	ck_assert_str_eq(line, "LOGGED_IN --pdu--> LOGGED_IN");
	ck_assert_int_eq(sess_fsm_step(&st, SE_TARGET_LOGOUT, line, sizeof(line))->action,
			 SA_TARGET_LOGOUT);
	ck_assert_str_eq(line, "LOGGED_IN --target-logout--> TARGET_LOGOUT");
	ck_assert_int_eq(sess_fsm_step(&st, SE_PDU, line, sizeof(line))->action,
			 SA_TARGET_LOGOUT_PDU);
	/* the Logout is the target's request: no second one, no rescan */
	ck_assert_ptr_null(sess_fsm_step(&st, SE_TARGET_LOGOUT, line, sizeof(line)));
	ck_assert_int_eq(sess_fsm_step(&st, SE_LOGGED_OUT, line, sizeof(line))->action, SA_RECOVER);
	ck_assert_str_eq(line, "TARGET_LOGOUT --logged-out--> RECOVERY");
	ck_assert_int_eq(RUN(st, SE_RECONNECT, SE_RESOLVED, SE_CONNECTED, SE_PDU, SE_RELOGGED_IN),
			 SS_LOGGED_IN);
	/* no answer, or the target hung up first: a reconnect all the same */
	ck_assert_int_eq(RUN(SS_LOGGED_IN, SE_TARGET_LOGOUT, SE_TIMEOUT), SS_RECOVERY);
	ck_assert_int_eq(RUN(SS_SCAN, SE_TARGET_LOGOUT, SE_CONN_ERROR), SS_RECOVERY);
	/* the user's logout still wins */
	ck_assert_int_eq(RUN(SS_LOGGED_IN, SE_TARGET_LOGOUT, SE_LOGOUT, SE_LOGGED_OUT), SS_GONE);
	/* an announced drop */
	st = SS_SCAN;
	ck_assert_int_eq(sess_fsm_step(&st, SE_PDU, line, sizeof(line))->action, SA_FFP_PDU);
	ck_assert_int_eq(sess_fsm_step(&st, SE_TARGET_DROP, line, sizeof(line))->action, SA_RECOVER);
	ck_assert_str_eq(line, "SCAN --target-drop--> RECOVERY");
	ck_assert_int_eq(RUN(SS_LOGGED_IN, SE_TARGET_DROP), SS_RECOVERY);
	/* outside full feature phase the kernel's PDUs are the login's, or ignored */
	st = SS_RECOVERY;
	ck_assert_ptr_null(sess_fsm_step(&st, SE_PDU, line, sizeof(line)));
	ck_assert_ptr_null(sess_fsm_step(&st, SE_TARGET_DROP, line, sizeof(line)));
	ck_assert_ptr_null(sess_fsm_step(&st, SE_TARGET_LOGOUT, line, sizeof(line)));
	ck_assert_int_eq(st, SS_RECOVERY);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_fsm_every_event_in_every_state_has_a_row_or_is_ignored,
		test_fsm_table_is_well_formed,
		test_fsm_only_rows_into_the_end_tear_down,
		test_fsm_the_end_is_reachable_from_every_reachable_state,
		test_fsm_logout_always_reaches_the_end,
		test_fsm_first_login_and_logout,
		test_fsm_failed_first_login,
		test_fsm_recovery,
		test_fsm_logout_during_reconnect,
		test_fsm_target_logout_and_drop_reconnect,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "session_fsm",
		.tcase = "table",
		.tests = tests,
	});
}
