/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * health_req.h: iscsiadm's IPC_SESSION_HEALTH request, answered from
 * iscsid's own history of the session (session_health.h).  A session the
 * kernel has but iscsid does not manage has no history: not found.
 */
#ifndef ISCSID_HEALTH_REQ_H
#define ISCSID_HEALTH_REQ_H

#include "iscsid/control.h"

struct daemon;

void health_handle_session(struct daemon *d, struct request *req);

#endif
