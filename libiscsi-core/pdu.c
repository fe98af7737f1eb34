/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pdu.c: BHS encode/decode and whole-PDU length checks (RFC 7143 11).
 *
 * Every field is read and written through the named offsets of pdu.h and
 * the big-endian helpers of util.h; nothing is cast onto the buffer.
 */
#include <stdio.h>

#include "libiscsi-core/pdu.h"
#include "libiscsi-core/util.h"

struct opcode_name {
	uint8_t op;
	const char *name;
};

static const struct opcode_name opcode_names[] = {
	{ PDU_OP_NOP_OUT, "NOP-Out" },
	{ PDU_OP_SCSI_CMD, "SCSI Command" },
	{ PDU_OP_TMF_REQ, "Task Management Function Request" },
	{ PDU_OP_LOGIN_REQ, "Login Request" },
	{ PDU_OP_TEXT_REQ, "Text Request" },
	{ PDU_OP_DATA_OUT, "SCSI Data-Out" },
	{ PDU_OP_LOGOUT_REQ, "Logout Request" },
	{ PDU_OP_SNACK_REQ, "SNACK Request" },
	{ PDU_OP_VENDOR_I1, "vendor-specific initiator PDU 0x1c" },
	{ PDU_OP_VENDOR_I2, "vendor-specific initiator PDU 0x1d" },
	{ PDU_OP_VENDOR_I3, "vendor-specific initiator PDU 0x1e" },
	{ PDU_OP_NOP_IN, "NOP-In" },
	{ PDU_OP_SCSI_RSP, "SCSI Response" },
	{ PDU_OP_TMF_RSP, "Task Management Function Response" },
	{ PDU_OP_LOGIN_RSP, "Login Response" },
	{ PDU_OP_TEXT_RSP, "Text Response" },
	{ PDU_OP_DATA_IN, "SCSI Data-In" },
	{ PDU_OP_LOGOUT_RSP, "Logout Response" },
	{ PDU_OP_R2T, "Ready To Transfer" },
	{ PDU_OP_ASYNC_MSG, "Asynchronous Message" },
	{ PDU_OP_VENDOR_T1, "vendor-specific target PDU 0x3c" },
	{ PDU_OP_VENDOR_T2, "vendor-specific target PDU 0x3d" },
	{ PDU_OP_VENDOR_T3, "vendor-specific target PDU 0x3e" },
	{ PDU_OP_REJECT, "Reject" },
};

static const char *const reject_reasons[] = {
	[0x01] = "reserved reason",
	[0x02] = "data (payload) digest error",
	[0x03] = "SNACK reject",
	[0x04] = "protocol error",
	[0x05] = "command not supported",
	[0x06] = "immediate command rejected: too many immediate commands",
	[0x07] = "task in progress",
	[0x08] = "invalid data ACK",
	[0x09] = "invalid PDU field",
	[0x0a] = "long operation rejected: cannot generate target transfer tag",
	[0x0b] = "deprecated negotiation reset",
	[0x0c] = "waiting for logout",
};

static const char *const async_events[] = {
	[PDU_ASYNC_SCSI] = "SCSI asynchronous event",
	[PDU_ASYNC_LOGOUT_REQUEST] = "target requests logout",
	[PDU_ASYNC_DROP_CONNECTION] = "target will drop the connection",
	[PDU_ASYNC_DROP_ALL] = "target will drop all connections of the session",
	[PDU_ASYNC_RENEGOTIATE] = "target requests parameter renegotiation",
};

static const char *const logout_responses[] = {
	[0] = "connection or session closed successfully",
	[1] = "CID not found",
	[2] = "connection recovery is not supported",
	[3] = "cleanup failed",
};

static const char *const stage_names[] = {
	[PDU_STAGE_SECURITY] = "SecurityNegotiation",
	[PDU_STAGE_OPERATIONAL] = "LoginOperationalNegotiation",
	[2] = "reserved stage 2",
	[PDU_STAGE_FULL_FEATURE] = "FullFeaturePhase",
};

bool pdu_opcode_known(uint8_t opcode)
{
	for (size_t i = 0; i < ARRAY_SIZE(opcode_names); i++)
		if (opcode_names[i].op == opcode)
			return true;
	return false;
}

const char *pdu_opcode_str(uint8_t opcode)
{
	for (size_t i = 0; i < ARRAY_SIZE(opcode_names); i++)
		if (opcode_names[i].op == opcode)
			return opcode_names[i].name;
	return "unknown opcode";
}

const char *pdu_stage_str(uint8_t stage)
{
	if (stage < ARRAY_SIZE(stage_names))
		return stage_names[stage];
	return "invalid stage";
}

const char *pdu_reject_reason_str(uint8_t reason)
{
	if (reason < ARRAY_SIZE(reject_reasons) && reject_reasons[reason])
		return reject_reasons[reason];
	return "unknown reject reason";
}

const char *pdu_async_event_str(uint8_t event)
{
	if (event < ARRAY_SIZE(async_events) && async_events[event])
		return async_events[event];
	if (event == PDU_ASYNC_VENDOR)
		return "vendor-specific asynchronous event";
	return "reserved asynchronous event";
}

const char *pdu_logout_response_str(uint8_t response)
{
	if (response < ARRAY_SIZE(logout_responses))
		return logout_responses[response];
	return "unknown logout response";
}

void pdu_hdr_get(const uint8_t *bhs, struct pdu_hdr *h)
{
	h->opcode = bhs[PDU_OFF_OPCODE] & PDU_OPCODE_MASK;
	h->immediate = (bhs[PDU_OFF_OPCODE] & PDU_I_BIT) != 0;
	h->flags = bhs[PDU_OFF_FLAGS];
	h->final = (h->flags & PDU_F_BIT) != 0;
	h->ahs_words = bhs[PDU_OFF_AHS_LEN];
	h->dlength = get_be24(bhs + PDU_OFF_DSL);
	h->lun = get_be64(bhs + PDU_OFF_LUN);
	h->itt = get_be32(bhs + PDU_OFF_ITT);
}

int pdu_total_len(const uint8_t *bhs, uint32_t max_data, size_t *total,
		  struct ll_error *err)
{
	struct pdu_hdr h;

	if (!bhs || !total)
		return ll_error_set(err, ISCSI_ERR_INTERNAL,
				    "pdu_total_len called without a header"), PDU_E_INVAL;
	pdu_hdr_get(bhs, &h);
	if (h.dlength > max_data) {
		/* An undefined opcode gets its number: "unknown" alone says nothing. */
		if (!pdu_opcode_known(h.opcode))
			ll_error_set(err, ISCSI_ERR_TRANS,
				     "received a PDU with undefined opcode 0x%02x and a %u-byte data "
				     "segment, more than the %u bytes we accept",
				     h.opcode, h.dlength, max_data);
		else
			ll_error_set(err, ISCSI_ERR_TRANS,
				     "received %s with a %u-byte data segment, more than the %u bytes we accept",
				     pdu_opcode_str(h.opcode), h.dlength, max_data);
		return PDU_E_DATA_TOO_LONG;
	}
	*total = PDU_BHS_LEN + (size_t)h.ahs_words * 4 + ALIGN4((size_t)h.dlength);
	return PDU_OK;
}

/* Each AHS is 2 bytes AHSLength, 1 byte AHSType, AHSLength bytes, padding. */
static int check_ahs(const uint8_t *ahs, size_t len, struct ll_error *err)
{
	size_t off = 0;

	while (off < len) {
		size_t one;

		if (len - off < 4)
			return ll_error_set(err, ISCSI_ERR_TRANS,
					    "additional header segment at offset %zu is cut short",
					    off), PDU_E_AHS;
		one = ALIGN4(3 + (size_t)get_be16(ahs + off));
		if (one > len - off)
			return ll_error_set(err, ISCSI_ERR_TRANS,
					    "additional header segment at offset %zu claims %zu bytes but only %zu remain",
					    off, one, len - off), PDU_E_AHS;
		off += one;
	}
	return PDU_OK;
}

int pdu_parse(const uint8_t *buf, size_t len, uint32_t max_data,
	      struct pdu_view *v, struct ll_error *err)
{
	size_t total;
	int r;

	if (!buf || !v)
		return ll_error_set(err, ISCSI_ERR_INTERNAL,
				    "pdu_parse called without a buffer"), PDU_E_INVAL;
	if (len < PDU_BHS_LEN)
		return ll_error_set(err, ISCSI_ERR_TRANS,
				    "received a PDU of %zu bytes, shorter than the 48-byte header",
				    len), PDU_E_TRUNCATED;
	r = pdu_total_len(buf, max_data, &total, err);
	if (r < 0)
		return r;
	pdu_hdr_get(buf, &v->hdr);
	if (len < total)
		return ll_error_set(err, ISCSI_ERR_TRANS,
				    "received %s is truncated: %zu of %zu bytes",
				    pdu_opcode_str(v->hdr.opcode), len, total), PDU_E_TRUNCATED;
	if (len > total)
		return ll_error_set(err, ISCSI_ERR_TRANS,
				    "received %s has %zu bytes after its %zu-byte end",
				    pdu_opcode_str(v->hdr.opcode), len - total, total), PDU_E_TRAILING;
	v->bhs = buf;
	v->ahs_len = (size_t)v->hdr.ahs_words * 4;
	v->ahs = v->ahs_len ? buf + PDU_BHS_LEN : NULL;
	v->data_len = v->hdr.dlength;
	v->data = buf + PDU_BHS_LEN + v->ahs_len;
	r = check_ahs(buf + PDU_BHS_LEN, v->ahs_len, err);
	if (r < 0)
		return r;
	if (!pdu_opcode_known(v->hdr.opcode))
		return ll_error_set(err, ISCSI_ERR_TRANS,
				    "received a PDU with opcode 0x%02x, which iSCSI does not define",
				    v->hdr.opcode), PDU_E_OPCODE;
	return PDU_OK;
}

int pdu_assemble(const uint8_t *bhs, const uint8_t *data, size_t dlen,
		 uint8_t **out, size_t *len)
{
	size_t total;
	uint8_t *b;

	if (!bhs || !out || !len || (dlen && !data) || dlen > PDU_DSL_MAX)
		return -EINVAL;
	total = PDU_BHS_LEN + ALIGN4(dlen);
	b = calloc(1, total);
	if (!b)
		return -ENOMEM;
	memcpy(b, bhs, PDU_BHS_LEN);
	b[PDU_OFF_AHS_LEN] = 0;
	put_be24(b + PDU_OFF_DSL, (uint32_t)dlen);
	if (dlen)
		memcpy(b + PDU_BHS_LEN, data, dlen);
	*out = b;
	*len = total;
	return 0;
}

/* Writes the fields every BHS has and zeroes the rest. */
static void put_common(uint8_t *bhs, uint8_t opcode, bool immediate,
		       uint8_t flags, uint32_t dlength, uint64_t lun, uint32_t itt)
{
	memset(bhs, 0, PDU_BHS_LEN);
	bhs[PDU_OFF_OPCODE] = (uint8_t)((opcode & PDU_OPCODE_MASK) | (immediate ? PDU_I_BIT : 0));
	bhs[PDU_OFF_FLAGS] = flags;
	put_be24(bhs + PDU_OFF_DSL, dlength & PDU_DSL_MAX);
	put_be64(bhs + PDU_OFF_LUN, lun);
	put_be32(bhs + PDU_OFF_ITT, itt);
}

static int check_opcode(const uint8_t *bhs, uint8_t want, struct ll_error *err)
{
	uint8_t got;

	if (!bhs)
		return ll_error_set(err, ISCSI_ERR_INTERNAL,
				    "PDU decoder called without a header"), PDU_E_INVAL;
	got = bhs[PDU_OFF_OPCODE] & PDU_OPCODE_MASK;
	if (got != want)
		return ll_error_set(err, ISCSI_ERR_TRANS,
				    "expected a %s but received a %s (opcode 0x%02x)",
				    pdu_opcode_str(want), pdu_opcode_str(got), got), PDU_E_WRONG_TYPE;
	return PDU_OK;
}

static uint8_t login_flags(bool transit, bool cont, uint8_t csg, uint8_t nsg)
{
	return (uint8_t)((transit ? PDU_LOGIN_T_BIT : 0) | (cont ? PDU_C_BIT : 0) |
			 ((csg & PDU_LOGIN_STAGE_MASK) << PDU_LOGIN_CSG_SHIFT) |
			 (nsg & PDU_LOGIN_STAGE_MASK));
}

static void get_login_flags(uint8_t f, bool *transit, bool *cont, uint8_t *csg, uint8_t *nsg)
{
	*transit = (f & PDU_LOGIN_T_BIT) != 0;
	*cont = (f & PDU_C_BIT) != 0;
	*csg = (f >> PDU_LOGIN_CSG_SHIFT) & PDU_LOGIN_STAGE_MASK;
	*nsg = f & PDU_LOGIN_STAGE_MASK;
}

/* The Login ISID and TSIH sit where other PDUs carry the LUN. */
/* StatSN, ExpCmdSN and MaxCmdSN sit at the same offsets in every response. */
static void put_rsp_sn(uint8_t *bhs, uint32_t statsn, uint32_t expcmdsn, uint32_t maxcmdsn)
{
	put_be32(bhs + PDU_OFF_STATSN, statsn);
	put_be32(bhs + PDU_OFF_EXPCMDSN, expcmdsn);
	put_be32(bhs + PDU_OFF_MAXCMDSN, maxcmdsn);
}

static void get_rsp_sn(const uint8_t *bhs, uint32_t *statsn, uint32_t *expcmdsn,
		       uint32_t *maxcmdsn)
{
	*statsn = get_be32(bhs + PDU_OFF_STATSN);
	*expcmdsn = get_be32(bhs + PDU_OFF_EXPCMDSN);
	*maxcmdsn = get_be32(bhs + PDU_OFF_MAXCMDSN);
}

void pdu_login_req_encode(uint8_t *bhs, const struct pdu_login_req *r)
{
	/* RFC 7143 11.12: the I bit is always 1 in a Login Request. */
	put_common(bhs, PDU_OP_LOGIN_REQ, true,
		   login_flags(r->transit, r->cont, r->csg, r->nsg), r->dlength, 0, r->itt);
	bhs[PDU_OFF_LOGIN_VMAX] = r->vmax;
	bhs[PDU_OFF_LOGIN_VMIN] = r->vmin;
	memcpy(bhs + PDU_OFF_LOGIN_ISID, r->isid, PDU_ISID_LEN);
	put_be16(bhs + PDU_OFF_LOGIN_TSIH, r->tsih);
	put_be16(bhs + PDU_OFF_LOGIN_CID, r->cid);
	put_be32(bhs + PDU_OFF_CMDSN, r->cmdsn);
	put_be32(bhs + PDU_OFF_EXPSTATSN, r->expstatsn);
}

int pdu_login_req_decode(const uint8_t *bhs, struct pdu_login_req *r, struct ll_error *err)
{
	int e = check_opcode(bhs, PDU_OP_LOGIN_REQ, err);

	if (e < 0)
		return e;
	get_login_flags(bhs[PDU_OFF_FLAGS], &r->transit, &r->cont, &r->csg, &r->nsg);
	r->vmax = bhs[PDU_OFF_LOGIN_VMAX];
	r->vmin = bhs[PDU_OFF_LOGIN_VMIN];
	memcpy(r->isid, bhs + PDU_OFF_LOGIN_ISID, PDU_ISID_LEN);
	r->tsih = get_be16(bhs + PDU_OFF_LOGIN_TSIH);
	r->itt = get_be32(bhs + PDU_OFF_ITT);
	r->cid = get_be16(bhs + PDU_OFF_LOGIN_CID);
	r->cmdsn = get_be32(bhs + PDU_OFF_CMDSN);
	r->expstatsn = get_be32(bhs + PDU_OFF_EXPSTATSN);
	r->dlength = get_be24(bhs + PDU_OFF_DSL);
	return PDU_OK;
}

void pdu_login_rsp_encode(uint8_t *bhs, const struct pdu_login_rsp *r)
{
	put_common(bhs, PDU_OP_LOGIN_RSP, false,
		   login_flags(r->transit, r->cont, r->csg, r->nsg), r->dlength, 0, r->itt);
	bhs[PDU_OFF_LOGIN_VMAX] = r->vmax;
	bhs[PDU_OFF_LOGIN_VMIN] = r->vact;
	memcpy(bhs + PDU_OFF_LOGIN_ISID, r->isid, PDU_ISID_LEN);
	put_be16(bhs + PDU_OFF_LOGIN_TSIH, r->tsih);
	put_rsp_sn(bhs, r->statsn, r->expcmdsn, r->maxcmdsn);
	bhs[PDU_OFF_LOGIN_STATUS_CLASS] = r->status_class;
	bhs[PDU_OFF_LOGIN_STATUS_DETAIL] = r->status_detail;
}

int pdu_login_rsp_decode(const uint8_t *bhs, struct pdu_login_rsp *r, struct ll_error *err)
{
	int e = check_opcode(bhs, PDU_OP_LOGIN_RSP, err);

	if (e < 0)
		return e;
	get_login_flags(bhs[PDU_OFF_FLAGS], &r->transit, &r->cont, &r->csg, &r->nsg);
	r->vmax = bhs[PDU_OFF_LOGIN_VMAX];
	r->vact = bhs[PDU_OFF_LOGIN_VMIN];
	memcpy(r->isid, bhs + PDU_OFF_LOGIN_ISID, PDU_ISID_LEN);
	r->tsih = get_be16(bhs + PDU_OFF_LOGIN_TSIH);
	r->itt = get_be32(bhs + PDU_OFF_ITT);
	get_rsp_sn(bhs, &r->statsn, &r->expcmdsn, &r->maxcmdsn);
	r->status_class = bhs[PDU_OFF_LOGIN_STATUS_CLASS];
	r->status_detail = bhs[PDU_OFF_LOGIN_STATUS_DETAIL];
	r->dlength = get_be24(bhs + PDU_OFF_DSL);
	return PDU_OK;
}

static uint8_t text_flags(bool final, bool cont)
{
	return (uint8_t)((final ? PDU_F_BIT : 0) | (cont ? PDU_C_BIT : 0));
}

void pdu_text_req_encode(uint8_t *bhs, const struct pdu_text_req *r)
{
	put_common(bhs, PDU_OP_TEXT_REQ, r->immediate, text_flags(r->final, r->cont),
		   r->dlength, r->lun, r->itt);
	put_be32(bhs + PDU_OFF_TTT, r->ttt);
	put_be32(bhs + PDU_OFF_CMDSN, r->cmdsn);
	put_be32(bhs + PDU_OFF_EXPSTATSN, r->expstatsn);
}

int pdu_text_req_decode(const uint8_t *bhs, struct pdu_text_req *r, struct ll_error *err)
{
	int e = check_opcode(bhs, PDU_OP_TEXT_REQ, err);

	if (e < 0)
		return e;
	r->immediate = (bhs[PDU_OFF_OPCODE] & PDU_I_BIT) != 0;
	r->final = (bhs[PDU_OFF_FLAGS] & PDU_F_BIT) != 0;
	r->cont = (bhs[PDU_OFF_FLAGS] & PDU_C_BIT) != 0;
	r->lun = get_be64(bhs + PDU_OFF_LUN);
	r->itt = get_be32(bhs + PDU_OFF_ITT);
	r->ttt = get_be32(bhs + PDU_OFF_TTT);
	r->cmdsn = get_be32(bhs + PDU_OFF_CMDSN);
	r->expstatsn = get_be32(bhs + PDU_OFF_EXPSTATSN);
	r->dlength = get_be24(bhs + PDU_OFF_DSL);
	return PDU_OK;
}

void pdu_text_rsp_encode(uint8_t *bhs, const struct pdu_text_rsp *r)
{
	put_common(bhs, PDU_OP_TEXT_RSP, false, text_flags(r->final, r->cont),
		   r->dlength, r->lun, r->itt);
	put_be32(bhs + PDU_OFF_TTT, r->ttt);
	put_rsp_sn(bhs, r->statsn, r->expcmdsn, r->maxcmdsn);
}

int pdu_text_rsp_decode(const uint8_t *bhs, struct pdu_text_rsp *r, struct ll_error *err)
{
	int e = check_opcode(bhs, PDU_OP_TEXT_RSP, err);

	if (e < 0)
		return e;
	r->final = (bhs[PDU_OFF_FLAGS] & PDU_F_BIT) != 0;
	r->cont = (bhs[PDU_OFF_FLAGS] & PDU_C_BIT) != 0;
	r->lun = get_be64(bhs + PDU_OFF_LUN);
	r->itt = get_be32(bhs + PDU_OFF_ITT);
	r->ttt = get_be32(bhs + PDU_OFF_TTT);
	get_rsp_sn(bhs, &r->statsn, &r->expcmdsn, &r->maxcmdsn);
	r->dlength = get_be24(bhs + PDU_OFF_DSL);
	return PDU_OK;
}

void pdu_logout_req_encode(uint8_t *bhs, const struct pdu_logout_req *r)
{
	put_common(bhs, PDU_OP_LOGOUT_REQ, r->immediate,
		   (uint8_t)(PDU_F_BIT | (r->reason & PDU_LOGOUT_REASON_MASK)), 0, 0, r->itt);
	put_be16(bhs + PDU_OFF_LOGOUT_CID, r->cid);
	put_be32(bhs + PDU_OFF_CMDSN, r->cmdsn);
	put_be32(bhs + PDU_OFF_EXPSTATSN, r->expstatsn);
}

int pdu_logout_req_decode(const uint8_t *bhs, struct pdu_logout_req *r, struct ll_error *err)
{
	int e = check_opcode(bhs, PDU_OP_LOGOUT_REQ, err);

	if (e < 0)
		return e;
	r->immediate = (bhs[PDU_OFF_OPCODE] & PDU_I_BIT) != 0;
	r->reason = bhs[PDU_OFF_FLAGS] & PDU_LOGOUT_REASON_MASK;
	r->itt = get_be32(bhs + PDU_OFF_ITT);
	r->cid = get_be16(bhs + PDU_OFF_LOGOUT_CID);
	r->cmdsn = get_be32(bhs + PDU_OFF_CMDSN);
	r->expstatsn = get_be32(bhs + PDU_OFF_EXPSTATSN);
	return PDU_OK;
}

void pdu_logout_rsp_encode(uint8_t *bhs, const struct pdu_logout_rsp *r)
{
	put_common(bhs, PDU_OP_LOGOUT_RSP, false, PDU_F_BIT, r->dlength, 0, r->itt);
	bhs[PDU_OFF_LOGOUT_RESPONSE] = r->response;
	put_rsp_sn(bhs, r->statsn, r->expcmdsn, r->maxcmdsn);
	put_be16(bhs + PDU_OFF_LOGOUT_TIME2WAIT, r->time2wait);
	put_be16(bhs + PDU_OFF_LOGOUT_TIME2RETAIN, r->time2retain);
}

int pdu_logout_rsp_decode(const uint8_t *bhs, struct pdu_logout_rsp *r, struct ll_error *err)
{
	int e = check_opcode(bhs, PDU_OP_LOGOUT_RSP, err);

	if (e < 0)
		return e;
	r->response = bhs[PDU_OFF_LOGOUT_RESPONSE];
	r->itt = get_be32(bhs + PDU_OFF_ITT);
	get_rsp_sn(bhs, &r->statsn, &r->expcmdsn, &r->maxcmdsn);
	r->time2wait = get_be16(bhs + PDU_OFF_LOGOUT_TIME2WAIT);
	r->time2retain = get_be16(bhs + PDU_OFF_LOGOUT_TIME2RETAIN);
	r->dlength = get_be24(bhs + PDU_OFF_DSL);
	return PDU_OK;
}

void pdu_nop_out_encode(uint8_t *bhs, const struct pdu_nop_out *r)
{
	put_common(bhs, PDU_OP_NOP_OUT, r->immediate, PDU_F_BIT, r->dlength, r->lun, r->itt);
	put_be32(bhs + PDU_OFF_TTT, r->ttt);
	put_be32(bhs + PDU_OFF_CMDSN, r->cmdsn);
	put_be32(bhs + PDU_OFF_EXPSTATSN, r->expstatsn);
}

int pdu_nop_out_decode(const uint8_t *bhs, struct pdu_nop_out *r, struct ll_error *err)
{
	int e = check_opcode(bhs, PDU_OP_NOP_OUT, err);

	if (e < 0)
		return e;
	r->immediate = (bhs[PDU_OFF_OPCODE] & PDU_I_BIT) != 0;
	r->lun = get_be64(bhs + PDU_OFF_LUN);
	r->itt = get_be32(bhs + PDU_OFF_ITT);
	r->ttt = get_be32(bhs + PDU_OFF_TTT);
	r->cmdsn = get_be32(bhs + PDU_OFF_CMDSN);
	r->expstatsn = get_be32(bhs + PDU_OFF_EXPSTATSN);
	r->dlength = get_be24(bhs + PDU_OFF_DSL);
	return PDU_OK;
}

void pdu_nop_in_encode(uint8_t *bhs, const struct pdu_nop_in *r)
{
	put_common(bhs, PDU_OP_NOP_IN, false, PDU_F_BIT, r->dlength, r->lun, r->itt);
	put_be32(bhs + PDU_OFF_TTT, r->ttt);
	put_rsp_sn(bhs, r->statsn, r->expcmdsn, r->maxcmdsn);
}

int pdu_nop_in_decode(const uint8_t *bhs, struct pdu_nop_in *r, struct ll_error *err)
{
	int e = check_opcode(bhs, PDU_OP_NOP_IN, err);

	if (e < 0)
		return e;
	r->lun = get_be64(bhs + PDU_OFF_LUN);
	r->itt = get_be32(bhs + PDU_OFF_ITT);
	r->ttt = get_be32(bhs + PDU_OFF_TTT);
	get_rsp_sn(bhs, &r->statsn, &r->expcmdsn, &r->maxcmdsn);
	r->dlength = get_be24(bhs + PDU_OFF_DSL);
	return PDU_OK;
}

void pdu_reject_encode(uint8_t *bhs, const struct pdu_reject *r)
{
	put_common(bhs, PDU_OP_REJECT, false, PDU_F_BIT, r->dlength, 0, PDU_RESERVED_TAG);
	bhs[PDU_OFF_REJECT_REASON] = r->reason;
	put_rsp_sn(bhs, r->statsn, r->expcmdsn, r->maxcmdsn);
	put_be32(bhs + PDU_OFF_REJECT_DATASN, r->datasn);
}

int pdu_reject_decode(const uint8_t *bhs, struct pdu_reject *r, struct ll_error *err)
{
	int e = check_opcode(bhs, PDU_OP_REJECT, err);

	if (e < 0)
		return e;
	r->reason = bhs[PDU_OFF_REJECT_REASON];
	get_rsp_sn(bhs, &r->statsn, &r->expcmdsn, &r->maxcmdsn);
	r->datasn = get_be32(bhs + PDU_OFF_REJECT_DATASN);
	r->dlength = get_be24(bhs + PDU_OFF_DSL);
	return PDU_OK;
}

void pdu_async_msg_encode(uint8_t *bhs, const struct pdu_async_msg *r)
{
	put_common(bhs, PDU_OP_ASYNC_MSG, false, PDU_F_BIT, r->dlength, r->lun, PDU_RESERVED_TAG);
	put_rsp_sn(bhs, r->statsn, r->expcmdsn, r->maxcmdsn);
	bhs[PDU_OFF_ASYNC_EVENT] = r->event;
	bhs[PDU_OFF_ASYNC_VCODE] = r->vcode;
	put_be16(bhs + PDU_OFF_ASYNC_PARAM1, r->param1);
	put_be16(bhs + PDU_OFF_ASYNC_PARAM2, r->param2);
	put_be16(bhs + PDU_OFF_ASYNC_PARAM3, r->param3);
}

int pdu_async_msg_decode(const uint8_t *bhs, struct pdu_async_msg *r, struct ll_error *err)
{
	int e = check_opcode(bhs, PDU_OP_ASYNC_MSG, err);

	if (e < 0)
		return e;
	r->lun = get_be64(bhs + PDU_OFF_LUN);
	get_rsp_sn(bhs, &r->statsn, &r->expcmdsn, &r->maxcmdsn);
	r->event = bhs[PDU_OFF_ASYNC_EVENT];
	r->vcode = bhs[PDU_OFF_ASYNC_VCODE];
	r->param1 = get_be16(bhs + PDU_OFF_ASYNC_PARAM1);
	r->param2 = get_be16(bhs + PDU_OFF_ASYNC_PARAM2);
	r->param3 = get_be16(bhs + PDU_OFF_ASYNC_PARAM3);
	r->dlength = get_be24(bhs + PDU_OFF_DSL);
	return PDU_OK;
}
