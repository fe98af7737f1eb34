/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "libiscsi-core/pdu.h"
#include "libiscsi-core/sendtargets.h"
#include "libiscsi-core/text.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

#define ITT 0x1000
#define LIT(s) (const uint8_t *)(s), sizeof(s) - 1

static struct st_config config(void)
{
	struct st_config c = {
		.itt = ITT, .cmdsn = 5, .expstatsn = 2, .max_recv_data = 8192,
		.discovery = { .host = "127.0.0.1", .port = 3260, .tpgt = -1, .family = AF_INET },
	};
	return c;
}

/* The fake target's Text Response. */
static uint8_t *text_rsp(uint32_t itt, uint32_t ttt, bool final, bool cont, uint32_t statsn,
			 const uint8_t *data, size_t dlen, size_t *len)
{
	struct pdu_text_rsp rs = {
		.final = final, .cont = cont, .itt = itt, .ttt = ttt, .statsn = statsn,
		.expcmdsn = 6, .maxcmdsn = 20,
	};
	uint8_t bhs[PDU_BHS_LEN], *out;

	pdu_text_rsp_encode(bhs, &rs);
	ck_assert_int_eq(pdu_assemble(bhs, data, dlen, &out, len), 0);
	return out;
}

static enum st_step feed(struct st_exchange *x, uint32_t itt, uint32_t ttt, bool final, bool cont,
			 uint32_t statsn, const uint8_t *data, size_t dlen, struct ll_error *err)
{
	size_t len;
	uint8_t *p = text_rsp(itt, ttt, final, cont, statsn, data, dlen, &len);
	enum st_step s = st_handle_response(x, p, len, err);

	free(p);
	return s;
}

static void send_one(struct st_exchange *x, struct pdu_text_req *rq, struct pdu_view *v, uint8_t **keep)
{
	struct ll_error err = { 0 };
	uint8_t *p;
	size_t len;

	ck_assert_int_eq(st_next_request(x, &p, &len, &err), 0);
	ck_assert_int_eq(pdu_parse(p, len, 8192, v, &err), PDU_OK);
	ck_assert_int_eq(pdu_text_req_decode(p, rq, &err), PDU_OK);
	*keep = p;
}

static struct st_result run_single(const uint8_t *data, size_t dlen)
{
	struct st_config c = config();
	struct ll_error err = { 0 };
	struct st_exchange *x = st_exchange_new(&c, &err);
	struct pdu_text_req rq;
	struct pdu_view v;
	struct st_result res;
	uint8_t *p;

	ck_assert_ptr_nonnull(x);
	send_one(x, &rq, &v, &p);
	free(p);
	ck_assert_int_eq(feed(x, ITT, PDU_RESERVED_TAG, true, false, 2, data, dlen, &err), ST_DONE);
	ck_assert_int_eq(st_take_result(x, &res), 0);
	st_exchange_free(x);
	return res;
}

START_TEST(test_st_first_request_asks_for_all_targets)
{
	struct st_config c = config();
	struct ll_error err = { 0 };
	struct st_exchange *x = st_exchange_new(&c, &err);
	struct pdu_text_req rq;
	struct pdu_view v;
	uint8_t *p;

	send_one(x, &rq, &v, &p);
	ck_assert_uint_eq(v.hdr.opcode, PDU_OP_TEXT_REQ);
	ck_assert(rq.final && !rq.cont && !rq.immediate);
	ck_assert_uint_eq(rq.itt, ITT);
	ck_assert_uint_eq(rq.ttt, PDU_RESERVED_TAG);
	ck_assert_uint_eq(rq.cmdsn, 5);
	ck_assert_uint_eq(rq.expstatsn, 2);
	ck_assert_uint_eq(v.data_len, 16);
	ck_assert_mem_eq(v.data, "SendTargets=All\0", 16);
	free(p);
	ck_assert_uint_eq(st_cmdsn(x), 6);
	/* Nothing more is due until a response arrives. */
	ck_assert_int_eq(st_next_request(x, &p, &v.data_len, &err), -EINVAL);
	st_exchange_free(x);
}
END_TEST

START_TEST(test_st_parses_ipv4_ipv6_hostname_and_tpgt)
{
	struct st_result r = run_single(LIT(
		"TargetName=iqn.2001-04.com.example:disk1\0"
		"TargetAddress=10.0.0.5:3260,1\0"
		"TargetAddress=[2001:db8::5]:3261,2\0"
		"TargetName=iqn.2001-04.com.example:disk2\0"
		"TargetAddress=san.example.com,7\0"));

	ck_assert_uint_eq(r.ntargets, 2);
	ck_assert_uint_eq(r.nwarnings, 0);
	ck_assert_str_eq(r.targets[0].name, "iqn.2001-04.com.example:disk1");
	ck_assert_uint_eq(r.targets[0].nportals, 2);
	ck_assert_str_eq(r.targets[0].portals[0].host, "10.0.0.5");
	ck_assert_int_eq(r.targets[0].portals[0].tpgt, 1);
	ck_assert_str_eq(r.targets[0].portals[1].host, "2001:db8::5");
	ck_assert_uint_eq(r.targets[0].portals[1].port, 3261);
	ck_assert_int_eq(r.targets[0].portals[1].family, AF_INET6);
	ck_assert_str_eq(r.targets[1].portals[0].host, "san.example.com");
	ck_assert_uint_eq(r.targets[1].portals[0].port, 3260);
	ck_assert_int_eq(r.targets[1].portals[0].tpgt, 7);
	ck_assert(!r.targets[1].via_discovery_portal);
	st_result_free(&r);
}
END_TEST

START_TEST(test_st_target_without_address_uses_discovery_portal)
{
	struct st_result r = run_single(LIT("TargetName=iqn.2001-04.com.example:only\0"));

	ck_assert_uint_eq(r.ntargets, 1);
	ck_assert_uint_eq(r.targets[0].nportals, 1);
	ck_assert_str_eq(r.targets[0].portals[0].host, "127.0.0.1");
	ck_assert_uint_eq(r.targets[0].portals[0].port, 3260);
	ck_assert_int_eq(r.targets[0].portals[0].tpgt, -1);
	ck_assert(r.targets[0].via_discovery_portal);
	st_result_free(&r);
}
END_TEST

START_TEST(test_st_empty_response_means_no_targets)
{
	struct st_result r = run_single(NULL, 0);

	ck_assert_uint_eq(r.ntargets, 0);
	ck_assert_uint_eq(r.nwarnings, 0);
	st_result_free(&r);
}
END_TEST

START_TEST(test_st_follows_continuation_across_pdus)
{
	struct st_config c = config();
	struct ll_error err = { 0 };
	struct st_exchange *x = st_exchange_new(&c, &err);
	struct pdu_text_req rq;
	struct pdu_view v;
	struct st_result r;
	uint8_t *p;

	send_one(x, &rq, &v, &p);
	free(p);
	/* The value of the second key is split in the middle (C bit). */
	ck_assert_int_eq(feed(x, ITT, 0xabc, false, true, 2,
			      LIT("TargetName=iqn.2001-04.com.example:a\0TargetAddress=10.0.0"), &err), ST_MORE);
	send_one(x, &rq, &v, &p);
	ck_assert_uint_eq(v.data_len, 0);
	ck_assert_uint_eq(rq.ttt, 0xabc);
	ck_assert_uint_eq(rq.itt, ITT);
	ck_assert_uint_eq(rq.cmdsn, 6);
	ck_assert_uint_eq(rq.expstatsn, 3);
	ck_assert(rq.final);
	free(p);
	/* F=0 without C: the target just has more entries. */
	ck_assert_int_eq(feed(x, ITT, 0xabd, false, false, 3, LIT(".9:3260,1\0"), &err), ST_MORE);
	send_one(x, &rq, &v, &p);
	ck_assert_uint_eq(rq.ttt, 0xabd);
	free(p);
	/* The last PDU lacks its NUL: it still ends on a key boundary. */
	ck_assert_int_eq(feed(x, ITT, PDU_RESERVED_TAG, true, false, 4,
			      LIT("TargetName=iqn.2001-04.com.example:b"), &err), ST_DONE);
	ck_assert_uint_eq(st_expstatsn(x), 5);
	ck_assert_uint_eq(st_cmdsn(x), 8);
	ck_assert_int_eq(st_take_result(x, &r), 0);
	ck_assert_int_eq(st_take_result(x, &r), -EINVAL);
	ck_assert_uint_eq(r.ntargets, 2);
	ck_assert_str_eq(r.targets[0].portals[0].host, "10.0.0.9");
	ck_assert_int_eq(r.targets[0].portals[0].tpgt, 1);
	ck_assert_str_eq(r.targets[1].name, "iqn.2001-04.com.example:b");
	st_result_free(&r);
	st_exchange_free(x);
}
END_TEST

START_TEST(test_st_drops_hostile_target_name_but_keeps_others)
{
	struct st_result r = run_single(LIT(
		"TargetName=iqn.2001-01.com.x/../../etc\0"
		"TargetAddress=10.0.0.1:3260,1\0"
		"TargetName=iqn.2001-04.com.example:good\0"
		"TargetAddress=10.0.0.2:3260,1\0"
		"TargetName=iqn.2001-04.com.example:evil\nnode.startup=automatic\0"
		"TargetAddress=10.0.0.3:3260,1\0"));

	ck_assert_uint_eq(r.ntargets, 1);
	ck_assert_str_eq(r.targets[0].name, "iqn.2001-04.com.example:good");
	ck_assert_uint_eq(r.targets[0].nportals, 1);
	ck_assert_str_eq(r.targets[0].portals[0].host, "10.0.0.2");
	ck_assert_uint_eq(r.nwarnings, 2);
	ck_assert_ptr_nonnull(strstr(r.warnings[0], "SendTargets discovery at 127.0.0.1:3260"));
	ck_assert_ptr_nonnull(strstr(r.warnings[0], "iqn.2001-01.com.x/../../etc"));
	ck_assert_ptr_nonnull(strstr(r.warnings[0], "contains '/'"));
	ck_assert_ptr_null(strchr(r.warnings[1], '\n'));
	ck_assert_ptr_nonnull(strstr(r.warnings[1], "evil\\x0anode.startup"));
	st_result_free(&r);
}
END_TEST

START_TEST(test_st_drops_bad_address_but_keeps_target)
{
	struct st_result r = run_single(LIT(
		"TargetAddress=10.9.9.9\0"
		"TargetName=iqn.2001-04.com.example:t\0"
		"TargetAddress=fe80::1:3260,1\0"
		"TargetAddress=10.0.0.1:99999,1\0"
		"TargetAddress=10.0.0.1:3260,1\0"
		"TargetAddress=10.0.0.1:3260,1\0"));

	ck_assert_uint_eq(r.ntargets, 1);
	ck_assert_uint_eq(r.targets[0].nportals, 1);
	ck_assert_str_eq(r.targets[0].portals[0].host, "10.0.0.1");
	ck_assert(!r.targets[0].via_discovery_portal);
	ck_assert_uint_eq(r.nwarnings, 3);
	ck_assert_ptr_nonnull(strstr(r.warnings[0], "no TargetName precedes it"));
	ck_assert_ptr_nonnull(strstr(r.warnings[1], "brackets"));
	ck_assert_ptr_nonnull(strstr(r.warnings[1], "iqn.2001-04.com.example:t"));
	ck_assert_ptr_nonnull(strstr(r.warnings[2], "between 1 and 65535"));
	st_result_free(&r);
}
END_TEST

START_TEST(test_st_merges_repeated_target_names)
{
	struct st_result r = run_single(LIT(
		"TargetName=iqn.2001-04.com.example:t\0TargetAddress=10.0.0.1,1\0"
		"TargetName=iqn.2001-04.com.example:t\0TargetAddress=10.0.0.2,2\0"));

	ck_assert_uint_eq(r.ntargets, 1);
	ck_assert_uint_eq(r.targets[0].nportals, 2);
	st_result_free(&r);
}
END_TEST

START_TEST(test_st_bounds_warnings_and_portals)
{
	size_t cap = 200 * 64, len = 0;
	uint8_t *buf = malloc(cap);
	struct st_result r;

	len += (size_t)sprintf((char *)buf + len, "TargetName=iqn.2001-04.com.example:t") + 1;
	for (int i = 0; i < 100; i++)
		len += (size_t)sprintf((char *)buf + len, "TargetAddress=10.0.%d.1", i) + 1;
	for (int i = 0; i < 50; i++)
		len += (size_t)sprintf((char *)buf + len, "TargetName=bad%d", i) + 1;
	r = run_single(buf, len);
	ck_assert_uint_eq(r.targets[0].nportals, ST_MAX_PORTALS);
	ck_assert_uint_eq(r.nwarnings, ST_MAX_WARNINGS);
	ck_assert_uint_eq(r.nwarnings + r.nwarnings_dropped, 36 + 50);
	st_result_free(&r);
	free(buf);
}
END_TEST

START_TEST(test_st_rejects_oversized_pdu_and_total)
{
	struct st_config c = config();
	struct ll_error err = { 0 };
	struct st_exchange *x;
	struct pdu_text_req rq;
	struct pdu_view v;
	uint8_t *p, *big = malloc(8192);
	int n = 0;

	memset(big, 'a', 8192);
	/* More than our MaxRecvDataSegmentLength in one PDU. */
	x = st_exchange_new(&c, &err);
	send_one(x, &rq, &v, &p);
	free(p);
	ck_assert_int_eq(feed(x, ITT, 1, false, true, 2, big, 4096, &err), ST_MORE);
	c.max_recv_data = 1024;
	st_exchange_free(x);
	x = st_exchange_new(&c, &err);
	send_one(x, &rq, &v, &p);
	free(p);
	ck_assert_int_eq(feed(x, ITT, 1, false, true, 2, big, 4096, &err), ST_ERROR);
	ck_assert_ptr_nonnull(strstr(err.msg, "SendTargets discovery at 127.0.0.1:3260 failed"));
	ck_assert_ptr_nonnull(strstr(err.msg, "more than the 1024 bytes"));
	st_exchange_free(x);
	/* Endless continuation: the total is bounded. */
	c.max_recv_data = 8192;
	x = st_exchange_new(&c, &err);
	for (;;) {
		enum st_step s;

		send_one(x, &rq, &v, &p);
		free(p);
		s = feed(x, ITT, 1, false, true, 2, big, 8192, &err);
		if (s == ST_ERROR)
			break;
		ck_assert_int_lt(++n, 100);
	}
	ck_assert_int_eq(n, TEXT_ACCUM_MAX / 8192);
	ck_assert_ptr_nonnull(strstr(err.msg, "longer than 262144 bytes"));
	ck_assert_int_eq(err.code, ISCSI_ERR_TRANS);
	st_exchange_free(x);
	free(big);
}
END_TEST

START_TEST(test_st_bounds_number_of_pdus)
{
	struct st_config c = config();
	struct ll_error err = { 0 };
	struct st_exchange *x = st_exchange_new(&c, &err);
	struct pdu_text_req rq;
	struct pdu_view v;
	uint8_t *p;
	enum st_step s;
	int n = 0;

	do {
		send_one(x, &rq, &v, &p);
		free(p);
		s = feed(x, ITT, 7, false, false, 2, NULL, 0, &err);
		n++;
	} while (s == ST_MORE);
	ck_assert_int_eq(s, ST_ERROR);
	ck_assert_int_eq(n, ST_MAX_PDUS + 1);
	ck_assert_ptr_nonnull(strstr(err.msg, "more than 1024 Text Responses"));
	st_exchange_free(x);
}
END_TEST

static void expect_error(uint32_t itt, uint32_t ttt, bool final, bool cont, const char *why)
{
	struct st_config c = config();
	struct ll_error err = { 0 };
	struct st_exchange *x = st_exchange_new(&c, &err);
	struct pdu_text_req rq;
	struct pdu_view v;
	uint8_t *p;

	send_one(x, &rq, &v, &p);
	free(p);
	ck_assert_int_eq(feed(x, itt, ttt, final, cont, 2, NULL, 0, &err), ST_ERROR);
	ck_assert_msg(strstr(err.msg, why) != NULL, "\"%s\" lacks \"%s\"", err.msg, why);
	/* A failed exchange neither sends nor accepts anything more. */
	ck_assert_int_eq(st_next_request(x, &p, &v.data_len, &err), -EINVAL);
	st_exchange_free(x);
}

START_TEST(test_st_rejects_protocol_violations)
{
	expect_error(ITT + 1, PDU_RESERVED_TAG, true, false, "task tag 0x00001001");
	expect_error(ITT, PDU_RESERVED_TAG, true, true, "both the F and the C bit");
	expect_error(ITT, PDU_RESERVED_TAG, false, false, "no target transfer tag");
}
END_TEST

START_TEST(test_st_explains_reject_and_unexpected_pdus)
{
	struct st_config c = config();
	struct ll_error err = { 0 };
	struct st_exchange *x = st_exchange_new(&c, &err);
	struct pdu_reject rj = { .reason = 0x04, .dlength = PDU_BHS_LEN };
	struct pdu_nop_in ni = { .itt = PDU_RESERVED_TAG, .ttt = 1 };
	uint8_t bhs[PDU_BHS_LEN], hdr[PDU_BHS_LEN] = { 0 }, *p, *r;
	struct pdu_text_req rq;
	struct pdu_view v;
	size_t len;

	send_one(x, &rq, &v, &p);
	free(p);
	pdu_reject_encode(bhs, &rj);
	ck_assert_int_eq(pdu_assemble(bhs, hdr, sizeof(hdr), &r, &len), 0);
	ck_assert_int_eq(st_handle_response(x, r, len, &err), ST_ERROR);
	ck_assert_ptr_nonnull(strstr(err.msg, "rejected our Text Request (protocol error"));
	free(r);
	st_exchange_free(x);

	x = st_exchange_new(&c, &err);
	send_one(x, &rq, &v, &p);
	free(p);
	pdu_nop_in_encode(bhs, &ni);
	ck_assert_int_eq(pdu_assemble(bhs, NULL, 0, &r, &len), 0);
	ck_assert_int_eq(st_handle_response(x, r, len, &err), ST_ERROR);
	ck_assert_ptr_nonnull(strstr(err.msg, "expected a Text Response but received a NOP-In"));
	free(r);
	/* Truncated garbage. */
	ck_assert_int_eq(st_handle_response(x, hdr, 10, &err), ST_ERROR);
	st_exchange_free(x);
}
END_TEST

START_TEST(test_st_validates_query)
{
	struct st_config c = config();
	struct ll_error err = { 0 };
	struct st_exchange *x;
	struct pdu_text_req rq;
	struct pdu_view v;
	uint8_t *p;

	c.query = "iqn.2001-04.com.example:one";
	x = st_exchange_new(&c, &err);
	ck_assert_ptr_nonnull(x);
	send_one(x, &rq, &v, &p);
	ck_assert_str_eq((const char *)v.data, "SendTargets=iqn.2001-04.com.example:one");
	free(p);
	st_exchange_free(x);
	c.query = "x\nSendTargets=All";
	ck_assert_ptr_null(st_exchange_new(&c, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "not a valid iSCSI name"));
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_st_first_request_asks_for_all_targets,
		test_st_parses_ipv4_ipv6_hostname_and_tpgt,
		test_st_target_without_address_uses_discovery_portal,
		test_st_empty_response_means_no_targets,
		test_st_follows_continuation_across_pdus,
		test_st_drops_hostile_target_name_but_keeps_others,
		test_st_drops_bad_address_but_keeps_target,
		test_st_merges_repeated_target_names,
		test_st_bounds_warnings_and_portals,
		test_st_rejects_oversized_pdu_and_total,
		test_st_bounds_number_of_pdus,
		test_st_rejects_protocol_violations,
		test_st_explains_reject_and_unexpected_pdus,
		test_st_validates_query,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "sendtargets",
		.tests = tests,
	});
}
