/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_scan.h: making the LUNs of a session appear (session_scan.c). */
#ifndef ISCSID_SESSION_SCAN_H
#define ISCSID_SESSION_SCAN_H

#include "iscsid/control.h"
#include "iscsid/session_fsm.h"

struct session;

/* Rescans the SCSI host (no reply wanted: req may be NULL). */
void session_rescan(struct session *s, struct request *req);

/* Actions of the state table: the scan after the first login; after a
 * relogin, the disks it had set running again (no scan). */
sess_action_fn session_scan_act;
sess_action_fn session_online_act;

#endif
