/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pdu.h: iSCSI PDU headers (RFC 7143 section 11) encoded byte by byte.
 *
 * A PDU is a 48-byte Basic Header Segment (BHS), optional Additional Header
 * Segments (AHS, TotalAHSLength 4-byte words), and a data segment padded to
 * a multiple of 4.  Login and Text PDUs are never digested, and the kernel
 * handles full-feature-phase PDUs, so digests are not handled here.
 *
 * Receiving: read PDU_BHS_LEN bytes, call pdu_total_len() to validate the
 * lengths against the negotiated maximum and learn how many bytes the whole
 * PDU has, read the rest, then pdu_parse() the full buffer and decode the
 * BHS with the pdu_<type>_decode() function for its opcode.
 *
 * Sending: fill a struct pdu_<type>, pdu_<type>_encode() it into a
 * 48-byte buffer, then pdu_assemble() the BHS with its data segment into
 * one malloc'd buffer the caller frees.
 *
 * No function here allocates except pdu_assemble(); views point into the
 * caller's buffer.
 */
#ifndef LUNLINK_PDU_H
#define LUNLINK_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libiscsi-core/errors.h"

#define PDU_BHS_LEN 48
#define PDU_DSL_MAX 0xffffffu          /* DataSegmentLength is 24 bits */
#define PDU_RESERVED_TAG 0xffffffffu   /* ITT/TTT value meaning "none" */

enum pdu_opcode {
	/* initiator to target */
	PDU_OP_NOP_OUT = 0x00,
	PDU_OP_SCSI_CMD = 0x01,
	PDU_OP_TMF_REQ = 0x02,
	PDU_OP_LOGIN_REQ = 0x03,
	PDU_OP_TEXT_REQ = 0x04,
	PDU_OP_DATA_OUT = 0x05,
	PDU_OP_LOGOUT_REQ = 0x06,
	PDU_OP_SNACK_REQ = 0x10,
	PDU_OP_VENDOR_I1 = 0x1c,
	PDU_OP_VENDOR_I2 = 0x1d,
	PDU_OP_VENDOR_I3 = 0x1e,
	/* target to initiator */
	PDU_OP_NOP_IN = 0x20,
	PDU_OP_SCSI_RSP = 0x21,
	PDU_OP_TMF_RSP = 0x22,
	PDU_OP_LOGIN_RSP = 0x23,
	PDU_OP_TEXT_RSP = 0x24,
	PDU_OP_DATA_IN = 0x25,
	PDU_OP_LOGOUT_RSP = 0x26,
	PDU_OP_R2T = 0x31,
	PDU_OP_ASYNC_MSG = 0x32,
	PDU_OP_VENDOR_T1 = 0x3c,
	PDU_OP_VENDOR_T2 = 0x3d,
	PDU_OP_VENDOR_T3 = 0x3e,
	PDU_OP_REJECT = 0x3f,
};

/* Byte 0 and byte 1 bits. */
#define PDU_OPCODE_MASK 0x3f
#define PDU_I_BIT 0x40          /* byte 0: immediate delivery */
#define PDU_F_BIT 0x80          /* byte 1: final */
#define PDU_LOGIN_T_BIT 0x80    /* byte 1 of Login: transit */
#define PDU_C_BIT 0x40          /* byte 1 of Login/Text: continue */
#define PDU_LOGIN_CSG_SHIFT 2
#define PDU_LOGIN_STAGE_MASK 0x03
#define PDU_LOGOUT_REASON_MASK 0x7f

/* Named byte offsets inside the BHS. */
enum pdu_offset {
	/* every PDU */
	PDU_OFF_OPCODE = 0,
	PDU_OFF_FLAGS = 1,
	PDU_OFF_AHS_LEN = 4,
	PDU_OFF_DSL = 5,
	PDU_OFF_LUN = 8,
	PDU_OFF_ITT = 16,
	PDU_OFF_TTT = 20,       /* Text, NOP */
	/* requests */
	PDU_OFF_CMDSN = 24,
	PDU_OFF_EXPSTATSN = 28,
	/* responses */
	PDU_OFF_STATSN = 24,
	PDU_OFF_EXPCMDSN = 28,
	PDU_OFF_MAXCMDSN = 32,
	/* Login Request / Response */
	PDU_OFF_LOGIN_VMAX = 2,
	PDU_OFF_LOGIN_VMIN = 3,  /* Version-active in the response */
	PDU_OFF_LOGIN_ISID = 8,
	PDU_OFF_LOGIN_TSIH = 14,
	PDU_OFF_LOGIN_CID = 20,
	PDU_OFF_LOGIN_STATUS_CLASS = 36,
	PDU_OFF_LOGIN_STATUS_DETAIL = 37,
	/* Logout Request / Response */
	PDU_OFF_LOGOUT_CID = 20,
	PDU_OFF_LOGOUT_RESPONSE = 2,
	PDU_OFF_LOGOUT_TIME2WAIT = 40,
	PDU_OFF_LOGOUT_TIME2RETAIN = 42,
	/* Reject */
	PDU_OFF_REJECT_REASON = 2,
	PDU_OFF_REJECT_DATASN = 36,
	/* Async Message */
	PDU_OFF_ASYNC_EVENT = 36,
	PDU_OFF_ASYNC_VCODE = 37,
	PDU_OFF_ASYNC_PARAM1 = 38,
	PDU_OFF_ASYNC_PARAM2 = 40,
	PDU_OFF_ASYNC_PARAM3 = 42,
};

#define PDU_ISID_LEN 6

/* Login stages (CSG/NSG). */
enum pdu_stage {
	PDU_STAGE_SECURITY = 0,
	PDU_STAGE_OPERATIONAL = 1,
	PDU_STAGE_FULL_FEATURE = 3,
};

enum pdu_logout_reason {
	PDU_LOGOUT_CLOSE_SESSION = 0,
	PDU_LOGOUT_CLOSE_CONNECTION = 1,
	PDU_LOGOUT_REMOVE_FOR_RECOVERY = 2,
};

enum pdu_async_event {
	PDU_ASYNC_SCSI = 0,
	PDU_ASYNC_LOGOUT_REQUEST = 1,
	PDU_ASYNC_DROP_CONNECTION = 2,
	PDU_ASYNC_DROP_ALL = 3,
	PDU_ASYNC_RENEGOTIATE = 4,
	PDU_ASYNC_VENDOR = 255,
};

/* Result of pdu_total_len()/pdu_parse()/decoders: 0 or one of these. */
enum pdu_err {
	PDU_OK = 0,
	PDU_E_TRUNCATED = -1,      /* buffer shorter than the header says */
	PDU_E_TRAILING = -2,       /* buffer longer than the header says */
	PDU_E_AHS = -3,            /* AHS lengths do not add up */
	PDU_E_DATA_TOO_LONG = -4,  /* data segment above the negotiated maximum */
	PDU_E_OPCODE = -5,         /* opcode not defined by RFC 7143 */
	PDU_E_WRONG_TYPE = -6,     /* decoder called on another opcode */
	PDU_E_INVAL = -7,          /* bad argument from the caller */
};

/* Fields present in every BHS. */
struct pdu_hdr {
	uint8_t opcode;
	bool immediate;
	bool final;          /* F bit (byte 1, bit 7); T bit for Login */
	uint8_t flags;       /* byte 1 as sent */
	uint8_t ahs_words;   /* TotalAHSLength in 4-byte words */
	uint32_t dlength;    /* DataSegmentLength, without padding */
	uint64_t lun;
	uint32_t itt;
};

/* A validated PDU inside the caller's buffer. */
struct pdu_view {
	struct pdu_hdr hdr;
	const uint8_t *bhs;
	const uint8_t *ahs;
	size_t ahs_len;
	const uint8_t *data;
	size_t data_len;     /* DataSegmentLength (padding excluded) */
};

struct pdu_login_req {
	bool transit, cont;
	uint8_t csg, nsg;
	uint8_t vmax, vmin;
	uint8_t isid[PDU_ISID_LEN];
	uint16_t tsih;
	uint32_t itt;
	uint16_t cid;
	uint32_t cmdsn, expstatsn;
	uint32_t dlength;
};

struct pdu_login_rsp {
	bool transit, cont;
	uint8_t csg, nsg;
	uint8_t vmax, vact;
	uint8_t isid[PDU_ISID_LEN];
	uint16_t tsih;
	uint32_t itt;
	uint32_t statsn, expcmdsn, maxcmdsn;
	uint8_t status_class, status_detail;
	uint32_t dlength;
};

struct pdu_text_req {
	bool immediate, final, cont;
	uint64_t lun;
	uint32_t itt, ttt;
	uint32_t cmdsn, expstatsn;
	uint32_t dlength;
};

struct pdu_text_rsp {
	bool final, cont;
	uint64_t lun;
	uint32_t itt, ttt;
	uint32_t statsn, expcmdsn, maxcmdsn;
	uint32_t dlength;
};

struct pdu_logout_req {
	bool immediate;
	uint8_t reason;      /* enum pdu_logout_reason */
	uint32_t itt;
	uint16_t cid;
	uint32_t cmdsn, expstatsn;
};

struct pdu_logout_rsp {
	uint8_t response;    /* 0 closed, 1 CID not found, 2 no recovery, 3 cleanup failed */
	uint32_t itt;
	uint32_t statsn, expcmdsn, maxcmdsn;
	uint16_t time2wait, time2retain;
	uint32_t dlength;
};

struct pdu_nop_out {
	bool immediate;
	uint64_t lun;
	uint32_t itt, ttt;
	uint32_t cmdsn, expstatsn;
	uint32_t dlength;
};

struct pdu_nop_in {
	uint64_t lun;
	uint32_t itt, ttt;
	uint32_t statsn, expcmdsn, maxcmdsn;
	uint32_t dlength;
};

struct pdu_reject {
	uint8_t reason;
	uint32_t statsn, expcmdsn, maxcmdsn;
	uint32_t datasn;
	uint32_t dlength;    /* data segment holds the rejected header */
};

struct pdu_async_msg {
	uint64_t lun;
	uint32_t statsn, expcmdsn, maxcmdsn;
	uint8_t event;       /* enum pdu_async_event */
	uint8_t vcode;
	uint16_t param1, param2, param3;
	uint32_t dlength;
};

/* Reads the fields common to every BHS. */
void pdu_hdr_get(const uint8_t *bhs, struct pdu_hdr *h);

/*
 * From a received BHS, computes the full PDU length: 48 + AHS + data padded
 * to 4.  Fails with PDU_E_DATA_TOO_LONG when DataSegmentLength exceeds
 * max_data (the MaxRecvDataSegmentLength we declared), so the caller never
 * reads or allocates more than it agreed to.  The opcode is not checked
 * here: an unknown PDU can still be read whole and answered.
 */
int pdu_total_len(const uint8_t *bhs, uint32_t max_data, size_t *total,
		  struct ll_error *err);

/*
 * Validates one whole PDU (len must equal its total length, padding
 * included) and fills view.  On PDU_E_OPCODE the view is filled too, so
 * the caller can log or answer the header.
 */
int pdu_parse(const uint8_t *buf, size_t len, uint32_t max_data,
	      struct pdu_view *view, struct ll_error *err);

/*
 * Builds bhs + AHS-free data segment + zero padding into one malloc'd
 * buffer; DataSegmentLength in the copy is set to dlen.
 */
int pdu_assemble(const uint8_t *bhs, const uint8_t *data, size_t dlen,
		 uint8_t **out, size_t *len);

/* Per-type encoders write all 48 bytes (reserved ones zeroed). */
void pdu_login_req_encode(uint8_t *bhs, const struct pdu_login_req *r);
void pdu_login_rsp_encode(uint8_t *bhs, const struct pdu_login_rsp *r);
void pdu_text_req_encode(uint8_t *bhs, const struct pdu_text_req *r);
void pdu_text_rsp_encode(uint8_t *bhs, const struct pdu_text_rsp *r);
void pdu_logout_req_encode(uint8_t *bhs, const struct pdu_logout_req *r);
void pdu_logout_rsp_encode(uint8_t *bhs, const struct pdu_logout_rsp *r);
void pdu_nop_out_encode(uint8_t *bhs, const struct pdu_nop_out *r);
void pdu_nop_in_encode(uint8_t *bhs, const struct pdu_nop_in *r);
void pdu_reject_encode(uint8_t *bhs, const struct pdu_reject *r);
void pdu_async_msg_encode(uint8_t *bhs, const struct pdu_async_msg *r);

/* Per-type decoders: PDU_E_WRONG_TYPE (and err set) when the opcode differs. */
int pdu_login_req_decode(const uint8_t *bhs, struct pdu_login_req *r, struct ll_error *err);
int pdu_login_rsp_decode(const uint8_t *bhs, struct pdu_login_rsp *r, struct ll_error *err);
int pdu_text_req_decode(const uint8_t *bhs, struct pdu_text_req *r, struct ll_error *err);
int pdu_text_rsp_decode(const uint8_t *bhs, struct pdu_text_rsp *r, struct ll_error *err);
int pdu_logout_req_decode(const uint8_t *bhs, struct pdu_logout_req *r, struct ll_error *err);
int pdu_logout_rsp_decode(const uint8_t *bhs, struct pdu_logout_rsp *r, struct ll_error *err);
int pdu_nop_out_decode(const uint8_t *bhs, struct pdu_nop_out *r, struct ll_error *err);
int pdu_nop_in_decode(const uint8_t *bhs, struct pdu_nop_in *r, struct ll_error *err);
int pdu_reject_decode(const uint8_t *bhs, struct pdu_reject *r, struct ll_error *err);
int pdu_async_msg_decode(const uint8_t *bhs, struct pdu_async_msg *r, struct ll_error *err);

/* Names for logs and messages; never NULL. */
bool pdu_opcode_known(uint8_t opcode);
const char *pdu_opcode_str(uint8_t opcode);
const char *pdu_stage_str(uint8_t stage);
const char *pdu_reject_reason_str(uint8_t reason);
const char *pdu_async_event_str(uint8_t event);
const char *pdu_logout_response_str(uint8_t response);

#endif
