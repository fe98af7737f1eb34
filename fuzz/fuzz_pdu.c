/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_pdu: the PDU decoder on arbitrary bytes.
 *
 * The input is one received PDU: pdu_total_len() on its BHS, pdu_parse()
 * of the whole buffer (at the login limit and at the 24-bit maximum), and
 * every pdu_<type>_decode().  A header that decodes must survive
 * encode -> decode unchanged, and pdu_assemble() of the BHS with the rest
 * as data must parse again: both would catch an offset or mask mistake.
 * The input is also read as an Asynchronous Message the kernel passed up
 * (async_event_parse()): a refusal must say why, an answer must be one
 * sentence and within the RFC's ranges.
 */
#include <stdlib.h>
#include <string.h>

#include "libiscsi-core/async.h"
#include "libiscsi-core/pdu.h"
#include "libiscsi-core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* decode, and if it worked, encode + decode again and compare. */
#define ROUND_TRIP(type, bhs)                                                   \
	do {                                                                    \
		struct pdu_##type a, b;                                         \
		uint8_t again[PDU_BHS_LEN];                                     \
		struct ll_error e = { 0 };                                      \
                                                                                \
		memset(&a, 0, sizeof(a));                                       \
		memset(&b, 0, sizeof(b));                                       \
		if (pdu_##type##_decode(bhs, &a, &e) == PDU_OK) {               \
			pdu_##type##_encode(again, &a);                         \
			if (pdu_##type##_decode(again, &b, NULL) != PDU_OK ||   \
			    memcmp(&a, &b, sizeof(a)) != 0)                     \
				abort();                                        \
		} else if (!e.msg[0]) {                                         \
			abort(); /* a refusal must say why */                   \
		}                                                               \
	} while (0)

static void decode_all(const uint8_t *bhs)
{
	struct pdu_hdr h;

	pdu_hdr_get(bhs, &h);
	(void)pdu_opcode_known(h.opcode);
	(void)strlen(pdu_opcode_str(h.opcode));
	(void)strlen(pdu_stage_str(bhs[PDU_OFF_FLAGS] & PDU_LOGIN_STAGE_MASK));
	(void)strlen(pdu_reject_reason_str(bhs[PDU_OFF_REJECT_REASON]));
	(void)strlen(pdu_async_event_str(bhs[PDU_OFF_ASYNC_EVENT]));
	(void)strlen(pdu_logout_response_str(bhs[PDU_OFF_LOGOUT_RESPONSE]));
	ROUND_TRIP(login_req, bhs);
	ROUND_TRIP(login_rsp, bhs);
	ROUND_TRIP(text_req, bhs);
	ROUND_TRIP(text_rsp, bhs);
	ROUND_TRIP(logout_req, bhs);
	ROUND_TRIP(logout_rsp, bhs);
	ROUND_TRIP(nop_out, bhs);
	ROUND_TRIP(nop_in, bhs);
	ROUND_TRIP(reject, bhs);
	ROUND_TRIP(async_msg, bhs);
}

static void parse_at(const uint8_t *data, size_t size, uint32_t max)
{
	struct ll_error e = { 0 };
	struct pdu_view v;
	size_t total;
	int r;

	if (size >= PDU_BHS_LEN) {
		r = pdu_total_len(data, max, &total, &e);
		if (r == PDU_OK && total < PDU_BHS_LEN)
			abort();
	}
	memset(&e, 0, sizeof(e));
	r = pdu_parse(data, size, max, &v, &e);
	if (r != PDU_OK && !e.msg[0])
		abort();
	if (r == PDU_OK || r == PDU_E_OPCODE) {
		/* The view must lie inside the buffer. */
		if (v.data_len && (v.data < data || v.data + v.data_len > data + size))
			abort();
		if (v.ahs_len && (v.ahs < data || v.ahs + v.ahs_len > data + size))
			abort();
	}
}

/* The BHS with the rest of the input as its data segment, assembled and re-read. */
static void assemble(const uint8_t *data, size_t size)
{
	uint8_t bhs[PDU_BHS_LEN], *out;
	struct pdu_view v;
	size_t len, dlen = size - PDU_BHS_LEN;
	int r;

	if (dlen > PDU_DSL_MAX)
		return;
	memcpy(bhs, data, PDU_BHS_LEN);
	bhs[PDU_OFF_AHS_LEN] = 0;
	if (pdu_assemble(bhs, data + PDU_BHS_LEN, dlen, &out, &len) < 0)
		return;
	r = pdu_parse(out, len, PDU_DSL_MAX, &v, NULL);
	if ((r != PDU_OK && r != PDU_E_OPCODE) || v.data_len != dlen ||
	    (dlen && memcmp(v.data, data + PDU_BHS_LEN, dlen) != 0))
		abort();
	free(out);
}

static void async_event(const uint8_t *data, size_t size)
{
	struct ll_error e = { 0 };
	struct async_event ev;

	if (async_event_parse(data, size, &ev, &e) != PDU_OK) {
		if (!e.msg[0])
			abort();
		return;
	}
	if (!ev.text[0] || !memchr(ev.text, '\0', sizeof(ev.text)) ||
	    ev.time2wait_s > ASYNC_TIME2WAIT_MAX || ev.time2retain_s > ASYNC_TIME2WAIT_MAX ||
	    (ev.hdr.event == PDU_ASYNC_SCSI) != ev.sense_valid)
		abort();
	(void)strlen(async_action_str(ev.action));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	async_event(data, size);
	parse_at(data, size, 8192);
	parse_at(data, size, PDU_DSL_MAX);
	if (size < PDU_BHS_LEN)
		return 0;
	decode_all(data);
	assemble(data, size);
	return 0;
}
