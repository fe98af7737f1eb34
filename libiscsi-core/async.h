/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * async.h: what a target's Asynchronous Message (RFC 7143 11.9) asks of
 * the initiator.
 *
 * In full feature phase the kernel keeps every PDU to itself except the
 * ones only iscsid can answer; an Asynchronous Message is one of them.
 * async_event_parse() reads it as the kernel hands it up (the 48-byte BHS,
 * then the data segment: the kernel drops AHS and digests, and netlink may
 * pad the end, so bytes past the data segment are allowed) and says what
 * to do, in one sentence for the log and the session's health:
 *
 *   0    SCSI event         sense data; "REPORTED LUNS DATA HAS CHANGED"
 *                           (3Fh/0Eh) asks for a rescan, anything else is
 *                           for the log (open-iscsi does the same)
 *   1    logout request     log out within Parameter3 seconds, then log in
 *                           again: the session is the initiator's, not the
 *                           target's, to end
 *   2, 3 connection drop    the target drops the connection (2, CID in
 *                           Parameter1) or all of them (3): reconnect
 *                           after Time2Wait (Parameter2) seconds
 *   4    renegotiation      the RFC allows a Logout instead of a Text
 *                           Request; lunlink negotiates only at login, so
 *                           log out and in again
 *   255  vendor-specific    for the log
 *   other                   reserved: for the log
 *
 * Pure: no I/O, no clock.
 */
#ifndef LUNLINK_ASYNC_H
#define LUNLINK_ASYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libiscsi-core/errors.h"
#include "libiscsi-core/pdu.h"

/* Time2Wait and Time2Retain above this are out of range (RFC 7143 13.15). */
#define ASYNC_TIME2WAIT_MAX 3600

#define ASYNC_TEXT_MAX 224

enum async_action {
	ASYNC_NOTE,       /* nothing to do but tell the log */
	ASYNC_RESCAN,     /* the target's LUN inventory changed: rescan the host */
	ASYNC_LOGOUT,     /* log out (within logout_within_s), then log in again */
	ASYNC_RECONNECT,  /* the connection goes: reconnect after time2wait_s */
};

struct async_event {
	struct pdu_async_msg hdr;
	enum async_action action;
	unsigned logout_within_s;      /* ASYNC_LOGOUT: Parameter3 */
	unsigned time2wait_s;          /* ASYNC_RECONNECT: Parameter2, at most 3600 */
	unsigned time2retain_s;        /* ASYNC_RECONNECT: Parameter3, at most 3600 */
	bool sense_valid;              /* SCSI event with readable sense data */
	uint8_t sense_key, asc, ascq;
	char text[ASYNC_TEXT_MAX];     /* one sentence: what the target said, what we do */
};

/*
 * Reads the Asynchronous Message in pdu[0..len).  0, or a PDU_E_* code
 * with err saying what is wrong: shorter than a BHS or than its data
 * segment (PDU_E_TRUNCATED), another opcode (PDU_E_WRONG_TYPE), a SCSI
 * event without readable sense data (PDU_E_INVAL).
 */
int async_event_parse(const uint8_t *pdu, size_t len, struct async_event *ev,
		      struct ll_error *err);

/* "logout", "reconnect", ...; never NULL. */
const char *async_action_str(enum async_action a);

#endif
