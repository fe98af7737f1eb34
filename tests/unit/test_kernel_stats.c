/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's GET_STATS answer, built byte by byte at the offsets of the
 * 6.1 kernel's iscsi_if.h (uevent, struct iscsi_stats, custom records),
 * read back by iscsid's parser: no kernel needed.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iscsid/kernel_abi.h"
#include "iscsid/kernel_stats.h"
#include "testutil.h"

#define EV 56        /* sizeof(struct iscsi_uevent) */
#define STATS 96     /* sizeof(struct iscsi_stats) without customs */
#define REC 72       /* sizeof(struct iscsi_stats_custom) */

static uint8_t buf[EV + STATS + 40 * REC];

static void put32(size_t off, uint32_t v) { memcpy(buf + off, &v, 4); }
static void put64(size_t off, uint64_t v) { memcpy(buf + off, &v, 8); }

/* A reply for sid 3 cid 0 with iscsi_tcp's three custom counters. */
static size_t reply(uint32_t ncustom)
{
	static const char *const names[] = { "tx_sendpage_failures", "rx_discontiguous_hdr",
					     "eh_abort_cnt" };

	memset(buf, 0, sizeof(buf));
	put32(0, 20);                         /* type: GET_STATS */
	put32(16, 3);                         /* u.get_stats.sid */
	put32(20, 0);                         /* u.get_stats.cid */
	put64(EV + 0, 16783340);              /* txdata_octets */
	put64(EV + 8, 0x100000000ULL + 5);    /* rxdata_octets: above 32 bits */
	for (uint32_t i = 0; i < 19; i++)     /* noptx_pdus .. timeout_err */
		put32(EV + 16 + 4 * i, 100 + i);
	put32(EV + 92, ncustom);
	for (uint32_t i = 0; i < ncustom && i < 40; i++) {
		size_t rec = EV + STATS + (size_t)i * REC;

		strcpy((char *)buf + rec, names[i % 3]);
		put64(rec + 64, 1000 + i);
	}
	return EV + STATS + (size_t)ncustom * REC;
}

START_TEST(test_parse_reads_every_counter_at_its_offset)
{
	struct ll_conn_stats st;
	size_t len = reply(3);

	ck_assert_int_eq(kernel_stats_parse(buf, len, 3, 0, &st), 0);
	ck_assert_uint_eq(st.std[LL_STAT_TXDATA_OCTETS], 16783340);
	ck_assert_uint_eq(st.std[LL_STAT_RXDATA_OCTETS], 0x100000005ULL);
	ck_assert_uint_eq(st.std[LL_STAT_NOPTX_PDUS], 100);
	ck_assert_uint_eq(st.std[LL_STAT_SCSICMD_PDUS], 101);
	ck_assert_uint_eq(st.std[LL_STAT_SNACK_PDUS], 107);
	ck_assert_uint_eq(st.std[LL_STAT_NOPRX_PDUS], 108);
	ck_assert_uint_eq(st.std[LL_STAT_R2T_PDUS], 114);
	ck_assert_uint_eq(st.std[LL_STAT_RJT_PDUS], 116);
	ck_assert_uint_eq(st.std[LL_STAT_DIGEST_ERR], 117);
	ck_assert_uint_eq(st.std[LL_STAT_TIMEOUT_ERR], 118);
	ck_assert_uint_eq(st.n_custom, 3);
	ck_assert_str_eq(st.custom[0].name, "tx_sendpage_failures");
	ck_assert_uint_eq(st.custom[0].value, 1000);
	ck_assert_str_eq(st.custom[2].name, "eh_abort_cnt");
	ck_assert_uint_eq(st.custom[2].value, 1002);
}
END_TEST

START_TEST(test_parse_accepts_netlink_padding_and_no_customs)
{
	struct ll_conn_stats st;
	size_t len = reply(0);

	ck_assert_int_eq(kernel_stats_parse(buf, len + 4, 3, 0, &st), 0);
	ck_assert_uint_eq(st.n_custom, 0);
	ck_assert_uint_eq(st.std[LL_STAT_TIMEOUT_ERR], 118);
}
END_TEST

START_TEST(test_parse_refuses_short_or_foreign_answers)
{
	struct ll_conn_stats st;
	size_t len = reply(3);

	ck_assert_int_eq(kernel_stats_parse(buf, EV + STATS - 1, 3, 0, &st), -EPROTO);
	ck_assert_int_eq(kernel_stats_parse(buf, len - 1, 3, 0, &st), -EPROTO);
	ck_assert_int_eq(kernel_stats_parse(buf, len, 4, 0, &st), -EPROTO);
	ck_assert_int_eq(kernel_stats_parse(buf, len, 3, 1, &st), -EPROTO);
	put32(0, 103);   /* an IF_ERROR uevent is no answer */
	ck_assert_int_eq(kernel_stats_parse(buf, len, 3, 0, &st), -EPROTO);
}
END_TEST

START_TEST(test_parse_refuses_too_many_or_unnamed_records)
{
	struct ll_conn_stats st;
	size_t len = reply(33);

	ck_assert_int_eq(kernel_stats_parse(buf, len, 3, 0, &st), -EPROTO);
	len = reply(32);
	ck_assert_int_eq(kernel_stats_parse(buf, len, 3, 0, &st), 0);
	ck_assert_uint_eq(st.n_custom, 32);
	len = reply(3);
	buf[EV + STATS + REC] = '\0';   /* the second record has no name */
	ck_assert_int_eq(kernel_stats_parse(buf, len, 3, 0, &st), -EPROTO);
	/* a huge count must not overflow the length check */
	len = reply(3);
	put32(EV + 92, UINT32_MAX);
	ck_assert_int_eq(kernel_stats_parse(buf, len, 3, 0, &st), -EPROTO);
}
END_TEST

START_TEST(test_parse_bounds_a_name_without_nul)
{
	struct ll_conn_stats st;
	size_t len = reply(1);

	memset(buf + EV + STATS, 'n', 64);   /* 64 bytes, no NUL, then the value */
	ck_assert_int_eq(kernel_stats_parse(buf, len, 3, 0, &st), 0);
	ck_assert_uint_eq(strlen(st.custom[0].name), LL_STATS_NAME_MAX - 1);
	ck_assert_uint_eq(st.custom[0].value, 1000);
}
END_TEST

START_TEST(test_abi_offsets_match_the_kernel_header)
{
	/* the numbers above are the kernel's; the enum must say the same */
	ck_assert_int_eq(KABI_EV_SIZE, EV);
	ck_assert_int_eq(KABI_STATS_SIZE, STATS);
	ck_assert_int_eq(KABI_STATS_CUSTOM_SIZE, REC);
	ck_assert_int_eq(KABI_STATS_CUSTOM_LENGTH, 92);
	ck_assert_int_eq(KABI_STATS_TIMEOUT_ERR, 88);
	ck_assert_int_eq(KABI_UEVENT_GET_STATS, 20);
	ck_assert_int_eq(KABI_UEVENT_GET_HOST_STATS, 42);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_parse_reads_every_counter_at_its_offset,
		test_parse_accepts_netlink_padding_and_no_customs,
		test_parse_refuses_short_or_foreign_answers,
		test_parse_refuses_too_many_or_unnamed_records,
		test_parse_bounds_a_name_without_nul,
		test_abi_offsets_match_the_kernel_header,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "kernel_stats",
		.tests = tests,
	});
}
