/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_health.h: iscsid's history of one session (ipc_health.h says
 * what each figure means), kept up to date at the transitions of the
 * session state table and nowhere else: session_event() describes each
 * transition it makes as a struct health_step and health_step() updates
 * the figures.  O(1) per event and a few hundred bytes per session.
 *
 * What counts:
 *   first login done (LOGIN --logged-in-->)       login time
 *   connection lost when logged in (--> RECOVERY) a recovery starts: the
 *   or the target's Async Message asking for a    counter goes up; the
 *   logout or announcing a drop                   failure is the kernel's
 *   (--> TARGET_LOGOUT, --> RECOVERY)             error (NOP-Out timeout
 *                                                 apart) or the target's
 *                                                 request (target_logout)
 *   a connect or login attempt failed             a failure (rejected by
 *                                                 status, login broke,
 *                                                 portal unreachable)
 *   relogin done, or logout during recovery       the recovery ends
 *
 * Pure: no clock, no sockets (the caller passes the times), so the unit
 * test drives it alone with the state table.
 */
#ifndef ISCSID_SESSION_HEALTH_H
#define ISCSID_SESSION_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#include "iscsid/session_fsm.h"
#include "libiscsi-core/ipc_health.h"

#define HEALTH_LOCAL_MAX 48   /* an IPv6 address in text */

struct session_health {
	uint64_t since_ms, login_ms;   /* wall clock */
	uint64_t rec_start;            /* monotonic ms, while recovering */
	uint64_t rec_total_ms, rec_last_ms;  /* finished recoveries */
	uint64_t last_ms;              /* wall clock of the last failure */
	uint32_t recoveries, last_code;
	uint32_t failures[LL_FAIL_N_];
	uint8_t last_kind;             /* enum ll_failure_kind */
	bool recovering, adopted;
	char last_msg[LL_HEALTH_MSG_MAX];
	char local_address[HEALTH_LOCAL_MAX];
};

/* One transition of the state table, as session_event() made it. */
struct health_step {
	enum sess_state from;
	const struct sess_row *row;
	uint32_t kerr;           /* the kernel's connection error code, 0: none */
	bool target_logout;      /* the target asked for it (Async Message) */
	uint16_t login_status;   /* the status a login was refused with, 0: none */
	const char *msg;         /* the failure's words (may be NULL) */
	uint64_t mono_ms, real_ms;
};

/* A new history at real_ms (login request, or adoption when adopted). */
void health_init(struct session_health *h, uint64_t real_ms, bool adopted);

/* Applies one transition; true when it changed what the metrics show. */
bool health_step(struct session_health *h, const struct health_step *st);

/* The figures as reported, at monotonic time now_ms (state, portal and
 * iface are the caller's: health does not know them). */
void health_report(const struct session_health *h, uint64_t now_ms, struct ll_health *out);

#endif
