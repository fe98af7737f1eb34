/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * discovery.h: SendTargets discovery on request of iscsiadm.
 *
 * Each IPC_DISCOVER request becomes one discovery object that connects,
 * logs in (Discovery session, with discovery CHAP when the record asks),
 * sends SendTargets=All, collects the answer, logs out and replies with
 * the targets and portals.  Every step is an event-loop callback, so any
 * number of discoveries run at once.  No kernel module is needed.
 */
#ifndef ISCSID_DISCOVERY_H
#define ISCSID_DISCOVERY_H

#include "iscsid/control.h"

struct daemon;

void discovery_handle_request(struct daemon *d, struct request *req);
/* Fails every discovery in flight (iscsid is stopping). */
void discovery_cancel_all(struct daemon *d);

#endif
