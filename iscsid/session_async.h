/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_async.h: the PDUs the kernel passes up in full feature phase.
 *
 * The kernel runs the I/O and answers NOP-Ins itself; what it hands iscsid
 * once a session is logged in is mostly a target's Asynchronous Message
 * (RFC 7143 11.9), read by libiscsi-core/async.h.  A logout request (or a
 * renegotiation request, which lunlink answers the same way) is answered
 * with a Logout Request through the kernel, and the session logs in again
 * once the target answers, hangs up, or logout_timeout runs out; an
 * announced connection drop is a recovery that waits the target's
 * Time2Wait.  Both count in the session's health as target_logout.  SCSI
 * events are logged ("reported LUNs changed" also rescans), as are
 * vendor-specific and reserved events, malformed messages and any other
 * PDU: nothing is dropped without a word.
 */
#ifndef ISCSID_SESSION_ASYNC_H
#define ISCSID_SESSION_ASYNC_H

#include "iscsid/session_fsm.h"

sess_action_fn session_ffp_pdu_act;
sess_action_fn session_target_logout_act;
sess_action_fn session_target_logout_pdu_act;

#endif
