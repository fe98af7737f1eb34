/* SPDX-License-Identifier: GPL-2.0-or-later */
/* logoutcheck.c: iscsid's safe logout decision (see logoutcheck.h). */
#include <stdio.h>

#include "iscsid/logoutcheck.h"
#include "iscsid/mountcheck.h"
#include "libiscsi-core/util.h"

#define MAX_MAPS 8

/* A map that would lose its last active path and is in use: >0 and msg. */
static int map_in_use(const struct mpath_env *env, unsigned sid, const char *target,
		      const char *const *disks, size_t n, char *msg, size_t len)
{
	struct mpath_map maps[MAX_MAPS];
	size_t nmaps = mpath_maps_of(env, disks, n, maps, ARRAY_SIZE(maps));
	char what[512];

	for (size_t i = 0; i < nmaps; i++) {
		int r;

		if (maps[i].others > 0)
			continue;
		r = mpath_map_in_use(env, &maps[i], what, sizeof(what));
		if (r <= 0) {
			if (r < 0)
				return r;
			continue;
		}
		snprintf(msg, len, "session %u (%s) is the last active path of multipath map %s "
			 "(WWID %s), which is in use: %s; unmount it first, or force the "
			 "logout with --force", sid, target, maps[i].name, maps[i].wwid, what);
		return r;
	}
	return 0;
}

int logoutcheck_session(const struct mpath_env *env, unsigned sid, const char *target,
			const char *const *disks, size_t n, char *msg, size_t len)
{
	struct mountcheck_env plain = env->mc;
	char where[512];
	int r;

	/* What is stacked on a map is the map's business (map_in_use). */
	plain.stop = mpath_is_map;
	r = mountcheck_disks(&plain, disks, n, where, sizeof(where));
	if (r > 0)
		snprintf(msg, len, "session %u (%s) is in use: %s; unmount it first, or force "
			 "the logout with --force", sid, target, where);
	if (r != 0)
		return r;
	return map_in_use(env, sid, target, disks, n, msg, len);
}
