/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "libiscsi-core/pdu.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

START_TEST(test_pdu_login_req_roundtrip_and_wire_bytes)
{
	struct pdu_login_req in = {
		.transit = true, .cont = false, .csg = PDU_STAGE_OPERATIONAL,
		.nsg = PDU_STAGE_FULL_FEATURE, .vmax = 0, .vmin = 0,
		.isid = { 0x00, 0x02, 0x3d, 0x01, 0x02, 0x03 }, .tsih = 0x1234,
		.itt = 0xa1b2c3d4, .cid = 7, .cmdsn = 99, .expstatsn = 0x01020304,
		.dlength = 300,
	}, out;
	uint8_t bhs[PDU_BHS_LEN];
	struct ll_error err = { 0 };

	pdu_login_req_encode(bhs, &in);
	/* Wire positions from RFC 7143 11.12. */
	ck_assert_uint_eq(bhs[0], 0x43);
	ck_assert_uint_eq(bhs[1], 0x87);
	ck_assert_uint_eq(get_be24(bhs + 5), 300);
	ck_assert_uint_eq(bhs[8], 0x00);
	ck_assert_uint_eq(bhs[10], 0x3d);
	ck_assert_uint_eq(get_be16(bhs + 14), 0x1234);
	ck_assert_uint_eq(get_be32(bhs + 16), 0xa1b2c3d4);
	ck_assert_uint_eq(get_be16(bhs + 20), 7);
	ck_assert_uint_eq(get_be32(bhs + 24), 99);
	ck_assert_uint_eq(get_be32(bhs + 28), 0x01020304);
	ck_assert_int_eq(pdu_login_req_decode(bhs, &out, &err), PDU_OK);
	ck_assert(out.transit && !out.cont);
	ck_assert_uint_eq(out.csg, 1);
	ck_assert_uint_eq(out.nsg, 3);
	ck_assert_mem_eq(out.isid, in.isid, 6);
	ck_assert_uint_eq(out.tsih, in.tsih);
	ck_assert_uint_eq(out.itt, in.itt);
	ck_assert_uint_eq(out.cid, in.cid);
	ck_assert_uint_eq(out.cmdsn, in.cmdsn);
	ck_assert_uint_eq(out.expstatsn, in.expstatsn);
	ck_assert_uint_eq(out.dlength, 300);
}
END_TEST

START_TEST(test_pdu_login_rsp_roundtrip_and_wire_bytes)
{
	struct pdu_login_rsp in = {
		.transit = false, .cont = true, .csg = PDU_STAGE_SECURITY,
		.nsg = PDU_STAGE_OPERATIONAL, .vmax = 0, .vact = 0,
		.isid = { 0x80, 1, 2, 3, 4, 5 }, .tsih = 9, .itt = 5,
		.statsn = 0x11111111, .expcmdsn = 0x22222222, .maxcmdsn = 0x33333333,
		.status_class = 2, .status_detail = 1, .dlength = 8192,
	}, out;
	uint8_t bhs[PDU_BHS_LEN];
	struct ll_error err = { 0 };

	pdu_login_rsp_encode(bhs, &in);
	ck_assert_uint_eq(bhs[0], 0x23);
	ck_assert_uint_eq(bhs[1], 0x41);
	ck_assert_uint_eq(get_be32(bhs + 24), 0x11111111);
	ck_assert_uint_eq(get_be32(bhs + 32), 0x33333333);
	ck_assert_uint_eq(bhs[36], 2);
	ck_assert_uint_eq(bhs[37], 1);
	ck_assert_int_eq(pdu_login_rsp_decode(bhs, &out, &err), PDU_OK);
	ck_assert(!out.transit && out.cont);
	ck_assert_uint_eq(out.csg, 0);
	ck_assert_uint_eq(out.nsg, 1);
	ck_assert_mem_eq(out.isid, in.isid, 6);
	ck_assert_uint_eq(out.tsih, 9);
	ck_assert_uint_eq(out.itt, 5);
	ck_assert_uint_eq(out.statsn, in.statsn);
	ck_assert_uint_eq(out.expcmdsn, in.expcmdsn);
	ck_assert_uint_eq(out.maxcmdsn, in.maxcmdsn);
	ck_assert_uint_eq(out.status_class, 2);
	ck_assert_uint_eq(out.status_detail, 1);
	ck_assert_uint_eq(out.dlength, 8192);
}
END_TEST

START_TEST(test_pdu_text_req_and_rsp_roundtrip)
{
	struct pdu_text_req rq = {
		.immediate = true, .final = true, .cont = false, .lun = 0x0001000000000000ull,
		.itt = 1, .ttt = PDU_RESERVED_TAG, .cmdsn = 2, .expstatsn = 3, .dlength = 16,
	}, rq2;
	struct pdu_text_rsp rs = {
		.final = false, .cont = true, .lun = 0, .itt = 1, .ttt = 0x77,
		.statsn = 4, .expcmdsn = 5, .maxcmdsn = 6, .dlength = 100,
	}, rs2;
	uint8_t bhs[PDU_BHS_LEN];
	struct ll_error err = { 0 };

	pdu_text_req_encode(bhs, &rq);
	ck_assert_uint_eq(bhs[0], 0x44);
	ck_assert_uint_eq(bhs[1], 0x80);
	ck_assert_uint_eq(get_be32(bhs + 20), PDU_RESERVED_TAG);
	ck_assert_int_eq(pdu_text_req_decode(bhs, &rq2, &err), PDU_OK);
	ck_assert(rq2.immediate && rq2.final && !rq2.cont);
	ck_assert_uint_eq(rq2.lun, rq.lun);
	ck_assert_uint_eq(rq2.ttt, rq.ttt);
	ck_assert_uint_eq(rq2.cmdsn, 2);
	ck_assert_uint_eq(rq2.expstatsn, 3);
	ck_assert_uint_eq(rq2.dlength, 16);

	pdu_text_rsp_encode(bhs, &rs);
	ck_assert_uint_eq(bhs[0], 0x24);
	ck_assert_uint_eq(bhs[1], 0x40);
	ck_assert_int_eq(pdu_text_rsp_decode(bhs, &rs2, &err), PDU_OK);
	ck_assert(!rs2.final && rs2.cont);
	ck_assert_uint_eq(rs2.ttt, 0x77);
	ck_assert_uint_eq(rs2.statsn, 4);
	ck_assert_uint_eq(rs2.expcmdsn, 5);
	ck_assert_uint_eq(rs2.maxcmdsn, 6);
	ck_assert_uint_eq(rs2.dlength, 100);
}
END_TEST

START_TEST(test_pdu_logout_req_and_rsp_roundtrip)
{
	struct pdu_logout_req rq = {
		.immediate = true, .reason = PDU_LOGOUT_CLOSE_SESSION, .itt = 9, .cid = 3,
		.cmdsn = 10, .expstatsn = 11,
	}, rq2;
	struct pdu_logout_rsp rs = {
		.response = 0, .itt = 9, .statsn = 11, .expcmdsn = 11, .maxcmdsn = 12,
		.time2wait = 2, .time2retain = 20,
	}, rs2;
	uint8_t bhs[PDU_BHS_LEN];
	struct ll_error err = { 0 };

	pdu_logout_req_encode(bhs, &rq);
	ck_assert_uint_eq(bhs[0], 0x46);
	ck_assert_uint_eq(bhs[1], 0x80);
	ck_assert_uint_eq(get_be16(bhs + 20), 3);
	ck_assert_int_eq(pdu_logout_req_decode(bhs, &rq2, &err), PDU_OK);
	ck_assert(rq2.immediate);
	ck_assert_uint_eq(rq2.reason, 0);
	ck_assert_uint_eq(rq2.cid, 3);
	ck_assert_uint_eq(rq2.cmdsn, 10);
	ck_assert_uint_eq(rq2.expstatsn, 11);
	rq.reason = PDU_LOGOUT_REMOVE_FOR_RECOVERY;
	pdu_logout_req_encode(bhs, &rq);
	ck_assert_uint_eq(bhs[1], 0x82);

	pdu_logout_rsp_encode(bhs, &rs);
	ck_assert_uint_eq(bhs[0], 0x26);
	ck_assert_uint_eq(get_be16(bhs + 40), 2);
	ck_assert_uint_eq(get_be16(bhs + 42), 20);
	ck_assert_int_eq(pdu_logout_rsp_decode(bhs, &rs2, &err), PDU_OK);
	ck_assert_uint_eq(rs2.response, 0);
	ck_assert_uint_eq(rs2.itt, 9);
	ck_assert_uint_eq(rs2.statsn, 11);
	ck_assert_uint_eq(rs2.maxcmdsn, 12);
	ck_assert_uint_eq(rs2.time2wait, 2);
	ck_assert_uint_eq(rs2.time2retain, 20);
	ck_assert_str_eq(pdu_logout_response_str(1), "CID not found");
}
END_TEST

START_TEST(test_pdu_nop_out_and_in_roundtrip)
{
	struct pdu_nop_out o = {
		.immediate = true, .lun = 7, .itt = PDU_RESERVED_TAG, .ttt = 0x1234,
		.cmdsn = 50, .expstatsn = 51,
	}, o2;
	struct pdu_nop_in i = {
		.lun = 7, .itt = PDU_RESERVED_TAG, .ttt = 0x99, .statsn = 51,
		.expcmdsn = 50, .maxcmdsn = 80, .dlength = 4,
	}, i2;
	uint8_t bhs[PDU_BHS_LEN];
	struct ll_error err = { 0 };

	pdu_nop_out_encode(bhs, &o);
	ck_assert_uint_eq(bhs[0], 0x40);
	ck_assert_uint_eq(bhs[1], 0x80);
	ck_assert_int_eq(pdu_nop_out_decode(bhs, &o2, &err), PDU_OK);
	ck_assert(o2.immediate);
	ck_assert_uint_eq(o2.lun, 7);
	ck_assert_uint_eq(o2.itt, PDU_RESERVED_TAG);
	ck_assert_uint_eq(o2.ttt, 0x1234);
	ck_assert_uint_eq(o2.cmdsn, 50);
	ck_assert_uint_eq(o2.expstatsn, 51);

	pdu_nop_in_encode(bhs, &i);
	ck_assert_uint_eq(bhs[0], 0x20);
	ck_assert_int_eq(pdu_nop_in_decode(bhs, &i2, &err), PDU_OK);
	ck_assert_uint_eq(i2.ttt, 0x99);
	ck_assert_uint_eq(i2.statsn, 51);
	ck_assert_uint_eq(i2.expcmdsn, 50);
	ck_assert_uint_eq(i2.maxcmdsn, 80);
	ck_assert_uint_eq(i2.dlength, 4);
}
END_TEST

START_TEST(test_pdu_reject_and_async_roundtrip)
{
	struct pdu_reject rj = {
		.reason = 0x09, .statsn = 1, .expcmdsn = 2, .maxcmdsn = 3, .datasn = 4,
		.dlength = PDU_BHS_LEN,
	}, rj2;
	struct pdu_async_msg am = {
		.lun = 0, .statsn = 8, .expcmdsn = 9, .maxcmdsn = 10,
		.event = PDU_ASYNC_LOGOUT_REQUEST, .vcode = 0, .param1 = 0, .param2 = 0,
		.param3 = 15,
	}, am2;
	uint8_t bhs[PDU_BHS_LEN];
	struct ll_error err = { 0 };

	pdu_reject_encode(bhs, &rj);
	ck_assert_uint_eq(bhs[0], 0x3f);
	ck_assert_uint_eq(bhs[2], 0x09);
	ck_assert_uint_eq(get_be32(bhs + 16), PDU_RESERVED_TAG);
	ck_assert_int_eq(pdu_reject_decode(bhs, &rj2, &err), PDU_OK);
	ck_assert_uint_eq(rj2.reason, 0x09);
	ck_assert_uint_eq(rj2.datasn, 4);
	ck_assert_uint_eq(rj2.dlength, 48);
	ck_assert_str_eq(pdu_reject_reason_str(rj2.reason), "invalid PDU field");

	pdu_async_msg_encode(bhs, &am);
	ck_assert_uint_eq(bhs[0], 0x32);
	ck_assert_uint_eq(bhs[36], 1);
	ck_assert_uint_eq(get_be16(bhs + 42), 15);
	ck_assert_int_eq(pdu_async_msg_decode(bhs, &am2, &err), PDU_OK);
	ck_assert_uint_eq(am2.event, PDU_ASYNC_LOGOUT_REQUEST);
	ck_assert_uint_eq(am2.param3, 15);
	ck_assert_uint_eq(am2.statsn, 8);
	ck_assert_str_eq(pdu_async_event_str(am2.event), "target requests logout");
	ck_assert_str_eq(pdu_async_event_str(77), "reserved asynchronous event");
}
END_TEST

START_TEST(test_pdu_decoder_rejects_other_opcode)
{
	struct pdu_nop_in n = { .itt = 1 };
	struct pdu_login_rsp r;
	uint8_t bhs[PDU_BHS_LEN];
	struct ll_error err = { 0 };

	pdu_nop_in_encode(bhs, &n);
	ck_assert_int_eq(pdu_login_rsp_decode(bhs, &r, &err), PDU_E_WRONG_TYPE);
	ck_assert_ptr_nonnull(strstr(err.msg, "expected a Login Response but received a NOP-In"));
}
END_TEST

static uint8_t *build(uint8_t opcode, uint8_t ahs_words, uint32_t dlen, size_t *total)
{
	size_t n = PDU_BHS_LEN + ahs_words * 4u + ALIGN4(dlen);
	uint8_t *b = calloc(1, n);

	b[0] = opcode;
	b[1] = 0x80;
	b[4] = ahs_words;
	put_be24(b + 5, dlen);
	*total = n;
	return b;
}

START_TEST(test_pdu_total_len_counts_ahs_and_padding)
{
	struct ll_error err = { 0 };
	size_t total, n;
	uint8_t *b = build(PDU_OP_TEXT_RSP, 2, 5, &n);

	ck_assert_int_eq(pdu_total_len(b, 8192, &total, &err), PDU_OK);
	ck_assert_uint_eq(total, 48 + 8 + 8);
	ck_assert_uint_eq(total, n);
	free(b);
}
END_TEST

START_TEST(test_pdu_parse_accepts_well_formed_pdu)
{
	struct ll_error err = { 0 };
	struct pdu_view v;
	size_t n;
	uint8_t *b = build(PDU_OP_LOGIN_RSP, 0, 6, &n);

	memcpy(b + 48, "A=1\0B=", 6);
	ck_assert_int_eq(pdu_parse(b, n, 8192, &v, &err), PDU_OK);
	ck_assert_uint_eq(v.hdr.opcode, PDU_OP_LOGIN_RSP);
	ck_assert_uint_eq(v.data_len, 6);
	ck_assert_ptr_eq(v.data, b + 48);
	ck_assert_ptr_null(v.ahs);
	free(b);
}
END_TEST

START_TEST(test_pdu_parse_rejects_truncated_and_trailing_bytes)
{
	struct ll_error err = { 0 };
	struct pdu_view v;
	size_t n;
	uint8_t *b = build(PDU_OP_TEXT_RSP, 0, 10, &n);

	ck_assert_int_eq(pdu_parse(b, 20, 8192, &v, &err), PDU_E_TRUNCATED);
	ck_assert_ptr_nonnull(strstr(err.msg, "shorter than the 48-byte header"));
	ck_assert_int_eq(pdu_parse(b, n - 1, 8192, &v, &err), PDU_E_TRUNCATED);
	ck_assert_ptr_nonnull(strstr(err.msg, "truncated"));
	/* Missing padding counts as truncation: 48 + 10 of 60 bytes. */
	ck_assert_int_eq(pdu_parse(b, 58, 8192, &v, &err), PDU_E_TRUNCATED);
	b = realloc(b, n + 4);
	ck_assert_int_eq(pdu_parse(b, n + 4, 8192, &v, &err), PDU_E_TRAILING);
	free(b);
}
END_TEST

START_TEST(test_pdu_parse_rejects_data_longer_than_negotiated)
{
	struct ll_error err = { 0 };
	struct pdu_view v;
	size_t n, total;
	uint8_t *b = build(PDU_OP_TEXT_RSP, 0, 8193, &n);

	ck_assert_int_eq(pdu_total_len(b, 8192, &total, &err), PDU_E_DATA_TOO_LONG);
	ck_assert_int_eq(pdu_parse(b, n, 8192, &v, &err), PDU_E_DATA_TOO_LONG);
	ck_assert_ptr_nonnull(strstr(err.msg, "8193-byte data segment"));
	ck_assert_int_eq(pdu_parse(b, n, 8193, &v, &err), PDU_OK);
	free(b);
}
END_TEST

START_TEST(test_pdu_parse_rejects_inconsistent_ahs)
{
	struct ll_error err = { 0 };
	struct pdu_view v;
	size_t n;
	uint8_t *b = build(PDU_OP_SCSI_RSP, 2, 0, &n);

	/* One AHS of 5 bytes (3 + 5 = 8, fits two words): fine. */
	put_be16(b + 48, 5);
	b[50] = 2;
	ck_assert_int_eq(pdu_parse(b, n, 8192, &v, &err), PDU_OK);
	ck_assert_uint_eq(v.ahs_len, 8);
	/* AHSLength 6 needs 12 bytes, only 8 are there. */
	put_be16(b + 48, 6);
	ck_assert_int_eq(pdu_parse(b, n, 8192, &v, &err), PDU_E_AHS);
	ck_assert_ptr_nonnull(strstr(err.msg, "claims 12 bytes"));
	free(b);
}
END_TEST

START_TEST(test_pdu_parse_reports_unknown_opcode_with_view)
{
	struct ll_error err = { 0 };
	struct pdu_view v;
	size_t n;
	uint8_t *b = build(0x2a, 0, 0, &n);

	put_be32(b + 16, 0x55);
	ck_assert_int_eq(pdu_parse(b, n, 8192, &v, &err), PDU_E_OPCODE);
	ck_assert_uint_eq(v.hdr.opcode, 0x2a);
	ck_assert_uint_eq(v.hdr.itt, 0x55);
	ck_assert_ptr_nonnull(strstr(err.msg, "opcode 0x2a"));
	ck_assert(!pdu_opcode_known(0x2a));
	ck_assert(pdu_opcode_known(PDU_OP_REJECT));
	ck_assert_str_eq(pdu_opcode_str(0x2a), "unknown opcode");
	free(b);
}
END_TEST

START_TEST(test_pdu_assemble_pads_data_and_sets_length)
{
	struct pdu_text_req rq = { .final = true, .itt = 3, .ttt = PDU_RESERVED_TAG, .dlength = 999 };
	struct ll_error err = { 0 };
	struct pdu_view v;
	uint8_t bhs[PDU_BHS_LEN];
	uint8_t *out;
	size_t len;

	pdu_text_req_encode(bhs, &rq);
	ck_assert_int_eq(pdu_assemble(bhs, (const uint8_t *)"SendTargets=All", 16, &out, &len), 0);
	ck_assert_uint_eq(len, 64);
	ck_assert_uint_eq(get_be24(out + 5), 16);
	ck_assert_int_eq(pdu_parse(out, len, 8192, &v, &err), PDU_OK);
	ck_assert_str_eq((const char *)v.data, "SendTargets=All");
	free(out);
	ck_assert_int_eq(pdu_assemble(bhs, (const uint8_t *)"abcde", 5, &out, &len), 0);
	ck_assert_uint_eq(len, 56);
	ck_assert_uint_eq(out[53], 0);
	ck_assert_uint_eq(out[55], 0);
	free(out);
	ck_assert_int_eq(pdu_assemble(bhs, NULL, 0, &out, &len), 0);
	ck_assert_uint_eq(len, 48);
	free(out);
	ck_assert_int_eq(pdu_assemble(bhs, NULL, 4, &out, &len), -EINVAL);
}
END_TEST

START_TEST(test_pdu_stage_names)
{
	ck_assert_str_eq(pdu_stage_str(PDU_STAGE_SECURITY), "SecurityNegotiation");
	ck_assert_str_eq(pdu_stage_str(PDU_STAGE_FULL_FEATURE), "FullFeaturePhase");
	ck_assert_str_eq(pdu_stage_str(9), "invalid stage");
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_pdu_login_req_roundtrip_and_wire_bytes,
		test_pdu_login_rsp_roundtrip_and_wire_bytes,
		test_pdu_text_req_and_rsp_roundtrip,
		test_pdu_logout_req_and_rsp_roundtrip,
		test_pdu_nop_out_and_in_roundtrip,
		test_pdu_reject_and_async_roundtrip,
		test_pdu_decoder_rejects_other_opcode,
		test_pdu_total_len_counts_ahs_and_padding,
		test_pdu_parse_accepts_well_formed_pdu,
		test_pdu_parse_rejects_truncated_and_trailing_bytes,
		test_pdu_parse_rejects_data_longer_than_negotiated,
		test_pdu_parse_rejects_inconsistent_ahs,
		test_pdu_parse_reports_unknown_opcode_with_view,
		test_pdu_assemble_pads_data_and_sets_length,
		test_pdu_stage_names,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "pdu",
		.tests = tests,
	});
}
