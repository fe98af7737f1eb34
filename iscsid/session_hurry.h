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
	bool reconnecting;             /* a relogin, not the first login */
	uint64_t attempt_ms;           /* when its connect and login began */
};

/*
 * Whether session o should try now because a session reconnected through
 * portal back at now_ms: o waits out a pause in RECOVERY that is not the
 * target's own Time2Wait, reconnects to the same portal (host compared
 * without case), and was not hurried in the last HURRY_GAP_MS.
 */
bool session_should_hurry(const struct hurry_view *o, const struct iscsi_addr *back,
			  uint64_t now_ms);

/*
 * A relogin whose login began this much earlier than one the same portal
 * has just answered is taken as lost.
 */
#define LOGIN_LOST_GAP_MS 5000

/*
 * Whether session o's relogin is lost: o waits in SS_LOGIN for an answer
 * to a login it began at least LOGIN_LOST_GAP_MS before the login through
 * the same portal that was just answered (began at back_began_ms).  LIO
 * keeps a connection whose login came while it disabled the TPG and never
 * answers it; in a storm of 256 sessions 1-3 such logins waited out the
 * whole login_timeout (30 s) after the others were back within 5 s.  A
 * first login is never cut (its failures count against its retries).
 */
bool session_login_lost(const struct hurry_view *o, const struct iscsi_addr *back,
			uint64_t back_began_ms);

/*
 * Reconnect attempts after a failed one back off 1 s, then 2 s at most:
 * under dm-multipath a path is active again only once its session is, so
 * every second between the target's return and the next attempt is lost
 * redundancy (open-iscsi retries about every 3 s; with 5 s here a
 * returning path took twice as long as open-iscsi's in t-mpath-failover).
 */
#define RETRY_DELAY_FIRST_MS 1000
#define RETRY_DELAY_MAX_MS 2000

/*
 * The pause before reconnect attempt reopen_count + 1, in ms, from a random
 * number rnd: somewhere in the second half of the back-off, never longer.
 * The sessions of a portal that went away together would otherwise try
 * again in step, all at the same instants, and a portal that returns just
 * after one round waited a whole round for its first session (the one
 * that hurries the others); spread out, some session tries within
 * about (back-off / 2) / N of its return.
 */
unsigned session_retry_delay_ms(unsigned reopen_count, uint32_t rnd);

#endif
