/* SPDX-License-Identifier: GPL-2.0-or-later */
/* async.c: reading a target's Asynchronous Message (see async.h). */
#include <stdio.h>

#include "libiscsi-core/async.h"
#include "libiscsi-core/util.h"

/* SCSI sense data (SPC-4 4.5): what the SCSI event needs of it. */
#define SENSE_FIXED 0x70          /* and 0x71 (deferred) */
#define SENSE_DESCRIPTOR 0x72     /* and 0x73 (deferred) */
#define SENSE_FIXED_MIN 14        /* through ASCQ, byte 13 */
#define SENSE_DESCRIPTOR_MIN 4    /* through ASCQ, byte 3 */
/* REPORTED LUNS DATA HAS CHANGED */
#define ASC_LUNS_CHANGED 0x3f
#define ASCQ_LUNS_CHANGED 0x0e

static const char *const action_names[] = {
	[ASYNC_NOTE] = "note",
	[ASYNC_RESCAN] = "rescan",
	[ASYNC_LOGOUT] = "logout",
	[ASYNC_RECONNECT] = "reconnect",
};

const char *async_action_str(enum async_action a)
{
	return (unsigned)a < ARRAY_SIZE(action_names) ? action_names[a] : "?";
}

static unsigned clamp_time(uint16_t v)
{
	return v > ASYNC_TIME2WAIT_MAX ? ASYNC_TIME2WAIT_MAX : v;
}

/* The LUN of a SCSI event in SAM's single-level form, the one iSCSI targets use. */
static unsigned event_lun(const uint8_t *bhs)
{
	return ((unsigned)(bhs[PDU_OFF_LUN] & 0x3f) << 8) | bhs[PDU_OFF_LUN + 1];
}

/* Sense key, ASC and ASCQ from the data segment: SenseLength (2 bytes), sense data. */
static int read_sense(const uint8_t *data, size_t dlen, struct async_event *ev,
		      struct ll_error *err)
{
	size_t slen;
	uint8_t code;

	if (dlen < 2)
		return ll_error_set(err, ISCSI_ERR_TRANS, "SCSI asynchronous event without sense "
				    "data (data segment of %zu bytes)", dlen), PDU_E_INVAL;
	slen = get_be16(data);
	if (slen > dlen - 2)
		return ll_error_set(err, ISCSI_ERR_TRANS, "SCSI asynchronous event with SenseLength "
				    "%zu but %zu bytes of sense data", slen, dlen - 2), PDU_E_INVAL;
	data += 2;
	code = slen ? data[0] & 0x7e : 0;
	if (code == SENSE_FIXED && slen >= SENSE_FIXED_MIN) {
		ev->sense_key = data[2] & 0x0f;
		ev->asc = data[12];
		ev->ascq = data[13];
	} else if (code == SENSE_DESCRIPTOR && slen >= SENSE_DESCRIPTOR_MIN) {
		ev->sense_key = data[1] & 0x0f;
		ev->asc = data[2];
		ev->ascq = data[3];
	} else {
		return ll_error_set(err, ISCSI_ERR_TRANS, "SCSI asynchronous event with unreadable "
				    "sense data (%zu bytes, response code 0x%02x)", slen,
				    slen ? data[0] : 0), PDU_E_INVAL;
	}
	ev->sense_valid = true;
	return PDU_OK;
}

static int scsi_event(const uint8_t *pdu, const uint8_t *data, size_t dlen,
		      struct async_event *ev, struct ll_error *err)
{
	bool luns_changed;

	if (read_sense(data, dlen, ev, err) < 0)
		return PDU_E_INVAL;
	luns_changed = ev->asc == ASC_LUNS_CHANGED && ev->ascq == ASCQ_LUNS_CHANGED;
	ev->action = luns_changed ? ASYNC_RESCAN : ASYNC_NOTE;
	snprintf(ev->text, sizeof(ev->text), "SCSI asynchronous event for LUN %u: sense key "
		 "0x%x, ASC/ASCQ 0x%02x/0x%02x%s", event_lun(pdu), ev->sense_key, ev->asc, ev->ascq,
		 luns_changed ? " (reported LUNs changed): rescanning" : "");
	return PDU_OK;
}

/* Events 1 to 255: what the target asked in the header's parameters. */
static void iscsi_event(struct async_event *ev)
{
	const struct pdu_async_msg *h = &ev->hdr;

	switch (h->event) {
	case PDU_ASYNC_LOGOUT_REQUEST:
		ev->action = ASYNC_LOGOUT;
		ev->logout_within_s = h->param3;
		snprintf(ev->text, sizeof(ev->text), "the target asked for a logout within %u s "
			 "(Async Message): logging out and in again", ev->logout_within_s);
		return;
	case PDU_ASYNC_DROP_CONNECTION:
	case PDU_ASYNC_DROP_ALL:
		ev->action = ASYNC_RECONNECT;
		ev->time2wait_s = clamp_time(h->param2);
		ev->time2retain_s = clamp_time(h->param3);
		if (h->event == PDU_ASYNC_DROP_CONNECTION)
			snprintf(ev->text, sizeof(ev->text), "the target announced it drops "
				 "connection %u (Async Message): reconnecting after Time2Wait %u s",
				 h->param1, ev->time2wait_s);
		else
			snprintf(ev->text, sizeof(ev->text), "the target announced it drops every "
				 "connection of the session (Async Message): reconnecting after "
				 "Time2Wait %u s", ev->time2wait_s);
		return;
	case PDU_ASYNC_RENEGOTIATE:
		ev->action = ASYNC_LOGOUT;
		ev->logout_within_s = h->param3;
		snprintf(ev->text, sizeof(ev->text), "the target asked to renegotiate parameters "
			 "within %u s (Async Message), which lunlink does only at login: logging "
			 "out and in again", ev->logout_within_s);
		return;
	case PDU_ASYNC_VENDOR:
		snprintf(ev->text, sizeof(ev->text), "vendor-specific asynchronous event (vendor "
			 "code 0x%02x, parameters %u, %u, %u) ignored", h->vcode, h->param1,
			 h->param2, h->param3);
		return;
	default:
		snprintf(ev->text, sizeof(ev->text), "reserved asynchronous event %u ignored",
			 h->event);
		return;
	}
}

int async_event_parse(const uint8_t *pdu, size_t len, struct async_event *ev,
		      struct ll_error *err)
{
	int e;

	memset(ev, 0, sizeof(*ev));
	if (!pdu || len < PDU_BHS_LEN)
		return ll_error_set(err, ISCSI_ERR_TRANS, "Asynchronous Message of %zu bytes, "
				    "shorter than its %d-byte header", pdu ? len : 0, PDU_BHS_LEN),
		       PDU_E_TRUNCATED;
	e = pdu_async_msg_decode(pdu, &ev->hdr, err);
	if (e < 0)
		return e;
	if (ev->hdr.dlength > len - PDU_BHS_LEN)
		return ll_error_set(err, ISCSI_ERR_TRANS, "Asynchronous Message with a %u-byte "
				    "data segment but %zu bytes after its header", ev->hdr.dlength,
				    len - PDU_BHS_LEN), PDU_E_TRUNCATED;
	if (ev->hdr.event == PDU_ASYNC_SCSI)
		return scsi_event(pdu, pdu + PDU_BHS_LEN, ev->hdr.dlength, ev, err);
	iscsi_event(ev);
	return PDU_OK;
}
