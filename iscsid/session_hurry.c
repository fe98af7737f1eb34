/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_hurry.c: which waiting sessions a returning portal hurries (see session_hurry.h). */
#include <strings.h>

#include "iscsid/session_hurry.h"

static bool same_portal(const struct iscsi_addr *a, const struct iscsi_addr *b)
{
	return a->port == b->port && !strcasecmp(a->host, b->host);
}

bool session_should_hurry(const struct hurry_view *o, const struct iscsi_addr *back,
			  uint64_t now_ms)
{
	if (o->state != SS_RECOVERY || !o->waiting || o->target_wait)
		return false;
	if (o->hurried_ms && now_ms - o->hurried_ms < HURRY_GAP_MS)
		return false;
	return same_portal(o->cur, back);
}

bool session_login_lost(const struct hurry_view *o, const struct iscsi_addr *back,
			uint64_t back_began_ms)
{
	if (o->state != SS_LOGIN || !o->reconnecting || !o->attempt_ms)
		return false;
	if (o->attempt_ms + LOGIN_LOST_GAP_MS > back_began_ms)
		return false;
	return same_portal(o->cur, back);
}

unsigned session_retry_delay_ms(unsigned reopen_count, uint32_t rnd)
{
	unsigned full = reopen_count < 1 ? RETRY_DELAY_FIRST_MS : RETRY_DELAY_MAX_MS;

	return full - rnd % (full / 2 + 1);
}
