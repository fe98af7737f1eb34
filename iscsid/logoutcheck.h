/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * logoutcheck.h: may this session be logged out safely?
 *
 * The decision of iscsid's safe logout, apart from the daemon: a session
 * is in use when a filesystem on its disks (their partitions, what is
 * stacked on them) is mounted or used as swap (mountcheck.h), or when it
 * is the last active path of a multipath map that is in use
 * (mpathcheck.h).  A path of a map that keeps another active path is free:
 * what is on the map does not depend on it.
 */
#ifndef ISCSID_LOGOUTCHECK_H
#define ISCSID_LOGOUTCHECK_H

#include <stddef.h>

#include "iscsid/mpathcheck.h"

/*
 * disks: the session's block devices ("sdb").  Returns >0 and the user's
 * sentence in msg (naming the session, the map and what uses it), 0 when
 * the logout is safe, negative errno when the mount table cannot be read.
 * env->mc.stop is ignored (maps are judged by mpathcheck).
 */
int logoutcheck_session(const struct mpath_env *env, unsigned sid, const char *target,
			const char *const *disks, size_t n, char *msg, size_t len);

#endif
