/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPC_SESSION_STATS replies: counters through the encoder, the wire and back. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libiscsi-core/ipc.h"
#include "libiscsi-core/ipc_stats.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

static void sample(struct ll_conn_stats *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < LL_STAT_N_; i++)
		s->std[i] = 1000u + (uint64_t)i;
	s->std[LL_STAT_TXDATA_OCTETS] = 0x123456789abcULL;   /* needs 64 bits */
	s->n_custom = 3;
	str_copy(s->custom[0].name, LL_STATS_NAME_MAX, "tx_sendpage_failures");
	s->custom[0].value = 7;
	str_copy(s->custom[1].name, LL_STATS_NAME_MAX, "rx_discontiguous_hdr");
	s->custom[1].value = 0;
	str_copy(s->custom[2].name, LL_STATS_NAME_MAX, "eh_abort_cnt");
	s->custom[2].value = UINT64_MAX;
}

START_TEST(test_stats_roundtrip_keeps_values_and_custom_order)
{
	struct ll_error err = { 0 };
	struct ll_conn_stats in, out;
	struct ipc_msg m, d;

	sample(&in);
	ipc_msg_init(&m, IPC_SESSION_STATS | IPC_REPLY, 5);
	ck_assert_int_eq(ipc_msg_add_u32(&m, IPC_A_STATUS, 0), 0);
	ck_assert_int_eq(ipc_stats_encode(&m, &in), 0);
	ck_assert_uint_eq(m.n, 1 + LL_STAT_N_ + 3);
	ck_assert_int_eq(tu_ipc_over_the_wire(&m, &d, &err), 0);
	ck_assert_int_eq(ipc_stats_decode(&d, &out, &err), 0);
	for (int i = 0; i < LL_STAT_N_; i++)
		ck_assert_uint_eq(out.std[i], in.std[i]);
	ck_assert_uint_eq(out.n_custom, 3);
	ck_assert_str_eq(out.custom[0].name, "tx_sendpage_failures");
	ck_assert_uint_eq(out.custom[0].value, 7);
	ck_assert_str_eq(out.custom[2].name, "eh_abort_cnt");
	ck_assert_uint_eq(out.custom[2].value, UINT64_MAX);
	ipc_msg_free(&m);
	ipc_msg_free(&d);
}
END_TEST

START_TEST(test_stats_names_are_open_iscsis_in_its_order)
{
	ck_assert_str_eq(ll_stat_name(LL_STAT_TXDATA_OCTETS), "txdata_octets");
	ck_assert_str_eq(ll_stat_name(LL_STAT_NOPTX_PDUS), "noptx_pdus");
	ck_assert_str_eq(ll_stat_name(LL_STAT_SNACK_PDUS), "snack_pdus");
	ck_assert_str_eq(ll_stat_name(LL_STAT_NOPRX_PDUS), "noprx_pdus");
	ck_assert_str_eq(ll_stat_name(LL_STAT_RJT_PDUS), "rjt_pdus");
	ck_assert_str_eq(ll_stat_name(LL_STAT_TIMEOUT_ERR), "timeout_err");
	ck_assert_ptr_null(ll_stat_name(LL_STAT_N_));
}
END_TEST

/* A reply built by hand: the standard counters, minus or plus one. */
static void build(struct ipc_msg *m, int skip, int twice)
{
	uint8_t v[8 + LL_STATS_NAME_MAX];

	ipc_msg_init(m, IPC_SESSION_STATS | IPC_REPLY, 1);
	for (int i = 0; i < LL_STAT_N_; i++) {
		const char *n = ll_stat_name(i);

		if (i == skip)
			continue;
		put_be64(v, (uint64_t)i);
		memcpy(v + 8, n, strlen(n));
		ck_assert_int_eq(ipc_msg_add_raw(m, IPC_A_COUNTER, v, 8 + strlen(n)), 0);
		if (i == twice)
			ck_assert_int_eq(ipc_msg_add_raw(m, IPC_A_COUNTER, v, 8 + strlen(n)), 0);
	}
}

START_TEST(test_stats_decode_refuses_missing_or_repeated_counter)
{
	struct ll_error err = { 0 };
	struct ll_conn_stats out;
	struct ipc_msg m;

	build(&m, LL_STAT_DIGEST_ERR, -1);
	ck_assert_int_eq(ipc_stats_decode(&m, &out, &err), -EBADMSG);
	ck_assert_int_eq(err.code, ISCSI_ERR_ISCSID_COMM_ERR);
	ck_assert_ptr_nonnull(strstr(err.msg, "digest_err is missing"));
	ipc_msg_free(&m);

	build(&m, -1, LL_STAT_R2T_PDUS);
	ck_assert_int_eq(ipc_stats_decode(&m, &out, &err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err.msg, "r2t_pdus given twice"));
	ipc_msg_free(&m);

	build(&m, -1, -1);
	ck_assert_int_eq(ipc_stats_decode(&m, &out, &err), 0);
	ck_assert_uint_eq(out.std[LL_STAT_R2T_PDUS], LL_STAT_R2T_PDUS);
	ipc_msg_free(&m);
}
END_TEST

START_TEST(test_stats_decode_ignores_unknown_standard_name_but_caps_customs)
{
	struct ll_error err = { 0 };
	struct ll_conn_stats out;
	struct ipc_msg m;
	uint8_t v[8 + 16] = { 0 };

	build(&m, -1, -1);
	memcpy(v + 8, "future_counter", 14);
	ck_assert_int_eq(ipc_msg_add_raw(&m, IPC_A_COUNTER, v, 8 + 14), 0);
	ck_assert_int_eq(ipc_stats_decode(&m, &out, &err), 0);
	ck_assert_uint_eq(out.n_custom, 0);
	memcpy(v + 8, "c", 1);
	for (int i = 0; i < LL_STATS_CUSTOM_MAX; i++)
		ck_assert_int_eq(ipc_msg_add_raw(&m, IPC_A_CUSTOM, v, 9), 0);
	ck_assert_int_eq(ipc_stats_decode(&m, &out, &err), 0);
	ck_assert_uint_eq(out.n_custom, LL_STATS_CUSTOM_MAX);
	ck_assert_int_eq(ipc_msg_add_raw(&m, IPC_A_CUSTOM, v, 9), 0);
	ck_assert_int_eq(ipc_stats_decode(&m, &out, &err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err.msg, "more than 32"));
	ipc_msg_free(&m);
}
END_TEST

START_TEST(test_ipc_decode_checks_counter_layout)
{
	struct ll_error err = { 0 };
	struct ipc_msg d;
	/* count only, no name */
	uint8_t noname[12] = { 0, IPC_A_COUNTER, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1 };
	/* NUL inside the name */
	uint8_t nul[15] = { 0, IPC_A_CUSTOM, 0, 11, 0, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 'b' };
	uint8_t longname[4 + 8 + 64];
	uint8_t good[13] = { 0, IPC_A_CUSTOM, 0, 9, 0, 0, 0, 0, 0, 0, 0, 2, 'x' };

	ck_assert_int_eq(ipc_msg_decode(&d, 0x8008, 1, noname, sizeof(noname), &err), -EBADMSG);
	ck_assert_int_eq(ipc_msg_decode(&d, 0x8008, 1, nul, sizeof(nul), &err), -EBADMSG);
	memset(longname, 'n', sizeof(longname));
	put_be16(longname, IPC_A_COUNTER);
	put_be16(longname + 2, 8 + 64);
	ck_assert_int_eq(ipc_msg_decode(&d, 0x8008, 1, longname, sizeof(longname), &err),
			 -EBADMSG);
	put_be16(longname + 2, 8 + 63);
	ck_assert_int_eq(ipc_msg_decode(&d, 0x8008, 1, longname, sizeof(longname) - 1, &err), 0);
	ipc_msg_free(&d);
	ck_assert_int_eq(ipc_msg_decode(&d, 0x8008, 1, good, sizeof(good), &err), 0);
	ipc_msg_free(&d);
}
END_TEST

START_TEST(test_stats_encode_refuses_unnamed_or_long_custom)
{
	struct ll_conn_stats in;
	struct ipc_msg m;

	sample(&in);
	in.custom[1].name[0] = '\0';
	ipc_msg_init(&m, IPC_SESSION_STATS | IPC_REPLY, 1);
	ck_assert_int_eq(ipc_stats_encode(&m, &in), -EINVAL);
	ipc_msg_free(&m);
	sample(&in);
	in.n_custom = LL_STATS_CUSTOM_MAX + 1;
	ck_assert_int_eq(ipc_stats_encode(&m, &in), -E2BIG);
	ipc_msg_free(&m);
}
END_TEST

START_TEST(test_stats_request_types_have_names)
{
	ck_assert_str_eq(ipc_type_str(IPC_SESSION_STATS), "SESSION_STATS");
	ck_assert_str_eq(ipc_type_str(IPC_HOST_STATS | IPC_REPLY), "HOST_STATS");
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_stats_roundtrip_keeps_values_and_custom_order,
		test_stats_names_are_open_iscsis_in_its_order,
		test_stats_decode_refuses_missing_or_repeated_counter,
		test_stats_decode_ignores_unknown_standard_name_but_caps_customs,
		test_ipc_decode_checks_counter_layout,
		test_stats_encode_refuses_unnamed_or_long_custom,
		test_stats_request_types_have_names,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "ipc_stats",
		.tests = tests,
	});
}
