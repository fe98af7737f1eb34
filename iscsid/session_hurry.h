/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_hurry.h: which waiting sessions a returning portal hurries
 * (session_portal_back() in session_recovery.c); pure, so its unit test
 * links it alone.
 */
#ifndef ISCSID_SESSION_HURRY_H
#define ISCSID_SESSION_HURRY_H

#include <stdbool.h>
#include <stdint.h>

#include "iscsid/session_fsm.h"
#include "libiscsi-core/iqn.h"

/* A session is hurried at most once in this long. */
#define HURRY_GAP_MS 1000

/* What the rule looks at of a session that might be hurried. */
struct hurry_view {
	enum sess_state state;
	bool waiting;                  /* a reconnect pause is armed */
	const struct iscsi_addr *cur;  /* the portal it reconnects to */
	uint64_t hurried_ms;           /* when it was last hurried, 0 never */
	bool target_wait;              /* the pause is the target's Time2Wait (Async
					  Message): never cut short */
};

/*
 * Whether session o should try now because a session reconnected through
 * portal back at now_ms: o waits out a pause in RECOVERY that is not the
 * target's own Time2Wait, reconnects to the same portal (host compared
 * without case), and was not hurried in the last HURRY_GAP_MS.
 */
bool session_should_hurry(const struct hurry_view *o, const struct iscsi_addr *back,
			  uint64_t now_ms);

#endif
