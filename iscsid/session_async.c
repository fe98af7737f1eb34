/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_async.c: a target's Asynchronous Messages (see session_async.h). */
#include <stdio.h>
#include <string.h>

#include "iscsid/log.h"
#include "iscsid/session_async.h"
#include "iscsid/session_int.h"
#include "iscsid/session_logout.h"
#include "iscsid/session_scan.h"
#include "libiscsi-core/async.h"
#include "libiscsi-core/pdu.h"

void session_ffp_pdu_act(struct session *s, const struct sess_row *row,
			 const struct sess_input *in)
{
	uint8_t op = in->pdu[PDU_OFF_OPCODE] & PDU_OPCODE_MASK;
	struct ll_error err = { 0 };
	struct async_event ev;

	if (op != PDU_OP_ASYNC_MSG) {
		log_warn("%s: ignoring an unexpected %s (opcode 0x%02x) the kernel passed "
			 "up in full feature phase", s->where, pdu_opcode_str(op), op);
		return;
	}
	if (async_event_parse(in->pdu, in->len, &ev, &err) < 0) {
		log_err("%s: ignoring a malformed Asynchronous Message: %s", s->where, err.msg);
		return;
	}
	switch (ev.action) {
	case ASYNC_NOTE:
		if (ev.hdr.event == PDU_ASYNC_SCSI)
			log_notice("%s: %s", s->where, ev.text);
		else
			log_warn("%s: %s", s->where, ev.text);
		return;
	case ASYNC_RESCAN:
		log_notice("%s: %s", s->where, ev.text);
		/* in SCAN the scan under way sees the new LUNs */
		if (s->state == SS_LOGGED_IN)
			session_rescan(s, NULL);
		return;
	case ASYNC_LOGOUT:
		log_warn("%s: %s", s->where, ev.text);
		session_event(s, SE_TARGET_LOGOUT,
			      &(struct sess_input){ .why = ev.text, .target_logout = true });
		return;
	case ASYNC_RECONNECT:
		session_event(s, SE_TARGET_DROP,
			      &(struct sess_input){ .why = ev.text, .target_logout = true,
						    .delay_ms = ev.time2wait_s * 1000u });
		return;
	}
}

/* The Logout comes first: the target may refuse new commands until it has it. */
void session_target_logout_act(struct session *s, const struct sess_row *row,
			       const struct sess_input *in)
{
	char why[LL_ERROR_MSG_MAX];
	int r;

	worker_cancel(s->scan);
	s->scan = NULL;
	r = session_send_logout_pdu(s);
	if (r < 0) {
		snprintf(why, sizeof(why), "cannot send the Logout request: %s", strerror(-r));
		session_event(s, SE_CONN_ERROR, &(struct sess_input){ .why = why });
	}
}

void session_target_logout_pdu_act(struct session *s, const struct sess_row *row,
				   const struct sess_input *in)
{
	uint8_t op = in->pdu[PDU_OFF_OPCODE] & PDU_OPCODE_MASK;
	uint8_t response = in->pdu[PDU_OFF_LOGOUT_RESPONSE];

	if (op != PDU_OP_LOGOUT_RSP) {
		log_info("%s: ignoring an unexpected %s while logging out at the target's request",
			 s->where, pdu_opcode_str(op));
		return;
	}
	if (response != 0)
		log_warn("%s: target answered the Logout with response %u (%s)", s->where,
			 response, pdu_logout_response_str(response));
	session_event(s, SE_LOGGED_OUT, &(struct sess_input){ .why = "Logout answered" });
}
