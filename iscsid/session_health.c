/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_health.c: a session's history, kept at its transitions (see session_health.h). */
#include <stdio.h>
#include <string.h>

#include "iscsid/kernel_abi.h"
#include "iscsid/session_health.h"

void health_init(struct session_health *h, uint64_t real_ms, bool adopted)
{
	memset(h, 0, sizeof(*h));
	h->since_ms = real_ms;
	h->adopted = adopted;
}

static void fail(struct session_health *h, const struct health_step *st,
		 enum ll_failure_kind kind, uint32_t code)
{
	const char *msg = st->msg && st->msg[0] ? st->msg : "no reason given";

	h->last_kind = (uint8_t)kind;
	h->last_code = code;
	h->last_ms = st->real_ms;
	h->failures[kind]++;
	if (kind == LL_FAIL_CONN_ERROR && code)
		snprintf(h->last_msg, sizeof(h->last_msg), "connection error %u: %s", code, msg);
	else
		snprintf(h->last_msg, sizeof(h->last_msg), "%s", msg);
}

/* The connection of a logged-in session failed: a recovery starts. */
static void lost(struct session_health *h, const struct health_step *st)
{
	enum ll_failure_kind kind = LL_FAIL_CONN_ERROR;

	if (st->target_logout)
		kind = LL_FAIL_TARGET_LOGOUT;
	else if (st->kerr == KABI_ERR_NOP_TIMEDOUT)
		kind = LL_FAIL_NOP_TIMEOUT;
	fail(h, st, kind, st->kerr);
	h->recoveries++;
	h->recovering = true;
	h->rec_start = st->mono_ms;
}

/*
 * A logged-in session stops serving I/O: its connection failed, or the
 * target asked it to go (an Async Message's logout request starts the
 * recovery at once, its Logout and reconnect are part of it).  A failed
 * connection in LOGIN is a failed attempt instead, and in LOGOUT the end.
 */
static bool leaves_service(const struct health_step *st)
{
	enum sess_state next = st->row->next;

	return (st->from == SS_LOGGED_IN || st->from == SS_SCAN) &&
	       (next == SS_RECOVERY || next == SS_TARGET_LOGOUT);
}

/* A connect or login attempt failed (first login or reconnect). */
static void attempt_failed(struct session_health *h, const struct health_step *st)
{
	enum ll_failure_kind kind = LL_FAIL_CONNECT_FAILED;

	if (st->login_status)
		kind = LL_FAIL_LOGIN_REJECTED;
	else if (st->from == SS_LOGIN)
		kind = LL_FAIL_LOGIN_FAILED;
	fail(h, st, kind, st->login_status);
}

static void recovered(struct session_health *h, uint64_t now_ms)
{
	if (!h->recovering)
		return;
	h->rec_last_ms = now_ms >= h->rec_start ? now_ms - h->rec_start : 0;
	h->rec_total_ms += h->rec_last_ms;
	h->recovering = false;
}

bool health_step(struct session_health *h, const struct health_step *st)
{
	bool changed = st->from != st->row->next;

	if (leaves_service(st)) {
		lost(h, st);
		return true;
	}
	switch (st->row->event) {
	case SE_LOGGED_IN:
		h->login_ms = st->real_ms;
		break;
	case SE_RETRY:
	case SE_ATTEMPT_FAILED:
	case SE_GAVE_UP:
	case SE_LOGIN_FAILED:
		attempt_failed(h, st);
		changed = true;
		break;
	case SE_RELOGGED_IN:
	case SE_LOGOUT:
		recovered(h, st->mono_ms);
		break;
	default:
		break;
	}
	return changed;
}

void health_report(const struct session_health *h, uint64_t now_ms, struct ll_health *out)
{
	uint64_t cur = h->recovering && now_ms >= h->rec_start ? now_ms - h->rec_start : 0;

	out->adopted = h->adopted;
	out->recovering = h->recovering;
	out->since_ms = h->since_ms;
	out->login_ms = h->login_ms;
	out->recoveries = h->recoveries;
	out->recovery_total_ms = h->rec_total_ms + cur;
	out->recovery_last_ms = h->recovering ? cur : h->rec_last_ms;
	memcpy(out->failures, h->failures, sizeof(out->failures));
	out->last_kind = (enum ll_failure_kind)h->last_kind;
	out->last_code = h->last_code;
	out->last_ms = h->last_ms;
	snprintf(out->last_msg, sizeof(out->last_msg), "%s", h->last_msg);
	snprintf(out->local_address, sizeof(out->local_address), "%s", h->local_address);
}
