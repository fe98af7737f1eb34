/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPC_SESSION_HEALTH replies: health through the encoder, the wire and back. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libiscsi-core/ipc.h"
#include "libiscsi-core/ipc_health.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

static void sample(struct ll_health *h)
{
	memset(h, 0, sizeof(*h));
	str_copy(h->state, sizeof(h->state), "RECOVERY");
	h->recovering = true;
	h->since_ms = 1765000000123ULL;
	h->login_ms = 1765000001456ULL;
	h->recoveries = 3;
	h->recovery_total_ms = 0x1234567890ULL;  /* needs 64 bits */
	h->recovery_last_ms = 2500;
	h->failures[LL_FAIL_CONN_ERROR] = 2;
	h->failures[LL_FAIL_CONNECT_FAILED] = UINT32_MAX;
	h->last_kind = LL_FAIL_CONNECT_FAILED;
	h->last_code = 0x0201;
	h->last_ms = 1765000009999ULL;
	str_copy(h->last_msg, sizeof(h->last_msg), "cannot make connection to 10.0.0.1:3260: "
		 "Connection refused (a = b)");
	str_copy(h->portal, sizeof(h->portal), "[fd00::1]:3260");
	str_copy(h->iface, sizeof(h->iface), "default");
	str_copy(h->local_address, sizeof(h->local_address), "fd00::2");
}

static void encode(struct ipc_msg *m, const struct ll_health *h)
{
	ipc_msg_init(m, IPC_SESSION_HEALTH | IPC_REPLY, 9);
	ck_assert_int_eq(ipc_msg_add_u32(m, IPC_A_STATUS, 0), 0);
	ck_assert_int_eq(ipc_health_encode(m, h), 0);
}

START_TEST(test_health_roundtrip_keeps_every_field)
{
	struct ll_error err = { 0 };
	struct ll_health in, out;
	struct ipc_msg m, d;

	sample(&in);
	encode(&m, &in);
	ck_assert_int_eq(tu_ipc_over_the_wire(&m, &d, &err), 0);
	ck_assert_int_eq(ipc_health_decode(&d, &out, &err), 0);
	ck_assert_mem_eq(&in, &out, sizeof(in));
	ck_assert_str_eq(out.last_msg, in.last_msg);
	ck_assert_uint_eq(out.recovery_total_ms, 0x1234567890ULL);
	ck_assert_uint_eq(out.failures[LL_FAIL_CONNECT_FAILED], UINT32_MAX);
	ipc_msg_free(&m);
	ipc_msg_free(&d);
}
END_TEST

START_TEST(test_failure_kind_names_are_stable)
{
	static const char *const names[LL_FAIL_N_] = { "none", "conn_error", "nop_timeout",
		"target_logout", "login_rejected", "login_failed", "connect_failed" };

	for (int k = 0; k < LL_FAIL_N_; k++) {
		ck_assert_str_eq(ll_failure_kind_str(k), names[k]);
		ck_assert_int_eq(ll_failure_kind_from_str(names[k]), k);
	}
	ck_assert_ptr_null(ll_failure_kind_str(LL_FAIL_N_));
	ck_assert_int_eq(ll_failure_kind_from_str("conn-error"), -1);
	ck_assert_str_eq(ipc_type_str(IPC_SESSION_HEALTH), "SESSION_HEALTH");
}
END_TEST

/* Drops (skip) or doubles (twice) the attribute holding field name. */
static void edited(struct ipc_msg *out, const char *name, bool twice)
{
	struct ll_health h;
	struct ipc_msg m;

	sample(&h);
	encode(&m, &h);
	ipc_msg_init(out, m.type, m.id);
	for (size_t i = 0; i < m.n; i++) {
		const struct ipc_attr_val *a = &m.attrs[i];
		const char *v = (const char *)a->val;
		size_t n = strlen(name);
		bool match = a->tag == IPC_A_HEALTH_NUM ? a->len - 8u == n && !memcmp(v + 8, name, n)
						       : !strncmp(v, name, n) && v[n] == '=';

		if (match && !twice)
			continue;
		ck_assert_int_eq(ipc_msg_add_raw(out, a->tag, a->val, a->len), 0);
		if (match)
			ck_assert_int_eq(ipc_msg_add_raw(out, a->tag, a->val, a->len), 0);
	}
	ipc_msg_free(&m);
}

START_TEST(test_health_decode_refuses_missing_or_repeated_field)
{
	static const char *const some[] = { "recoveries", "last_failure_kind", "portal",
					    "failures_nop_timeout", "adopted" };
	struct ll_error err = { 0 };
	struct ll_health out;
	struct ipc_msg m;
	char want[128];

	for (size_t i = 0; i < ARRAY_SIZE(some); i++) {
		edited(&m, some[i], false);
		ck_assert_int_eq(ipc_health_decode(&m, &out, &err), -EBADMSG);
		ck_assert_int_eq(err.code, ISCSI_ERR_ISCSID_COMM_ERR);
		snprintf(want, sizeof(want), "%s is missing", some[i]);
		ck_assert_msg(strstr(err.msg, want), "%s", err.msg);
		ipc_msg_free(&m);
		edited(&m, some[i], true);
		ck_assert_int_eq(ipc_health_decode(&m, &out, &err), -EBADMSG);
		snprintf(want, sizeof(want), "%s is given twice", some[i]);
		ck_assert_msg(strstr(err.msg, want), "%s", err.msg);
		ipc_msg_free(&m);
	}
}
END_TEST

START_TEST(test_health_decode_ignores_unknown_and_refuses_bad_values)
{
	struct ll_error err = { 0 };
	struct ll_health h, out;
	uint8_t v[8 + 32];
	struct ipc_msg m;

	/* a newer iscsid's extra field */
	sample(&h);
	encode(&m, &h);
	ck_assert_int_eq(ipc_msg_add_str(&m, IPC_A_HEALTH_STR, "colour=blue"), 0);
	put_be64(v, 5);
	memcpy(v + 8, "future_count", 12);
	ck_assert_int_eq(ipc_msg_add_raw(&m, IPC_A_HEALTH_NUM, v, 20), 0);
	ck_assert_int_eq(ipc_health_decode(&m, &out, &err), 0);
	ck_assert_uint_eq(out.recoveries, 3);
	/* a field name used as a string when it is a number: not ours */
	ck_assert_int_eq(ipc_msg_add_str(&m, IPC_A_HEALTH_STR, "recoveries=7"), 0);
	ck_assert_int_eq(ipc_health_decode(&m, &out, &err), 0);
	ck_assert_uint_eq(out.recoveries, 3);
	ipc_msg_free(&m);

	edited(&m, "adopted", false);
	put_be64(v, 2);
	memcpy(v + 8, "adopted", 7);
	ck_assert_int_eq(ipc_msg_add_raw(&m, IPC_A_HEALTH_NUM, v, 15), 0);
	ck_assert_int_eq(ipc_health_decode(&m, &out, &err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err.msg, "adopted is out of range"));
	ipc_msg_free(&m);

	edited(&m, "recoveries", false);
	put_be64(v, 1ULL << 32);
	memcpy(v + 8, "recoveries", 10);
	ck_assert_int_eq(ipc_msg_add_raw(&m, IPC_A_HEALTH_NUM, v, 18), 0);
	ck_assert_int_eq(ipc_health_decode(&m, &out, &err), -EBADMSG);
	ipc_msg_free(&m);

	edited(&m, "last_failure_kind", false);
	ck_assert_int_eq(ipc_msg_add_str(&m, IPC_A_HEALTH_STR, "last_failure_kind=gremlins"), 0);
	ck_assert_int_eq(ipc_health_decode(&m, &out, &err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err.msg, "names no known kind"));
	ipc_msg_free(&m);

	edited(&m, "state", false);
	ck_assert_int_eq(ipc_msg_add_str(&m, IPC_A_HEALTH_STR,
					 "state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
					 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 0);
	ck_assert_int_eq(ipc_health_decode(&m, &out, &err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err.msg, "state is too long"));
	ipc_msg_free(&m);

	ipc_msg_init(&m, IPC_SESSION_HEALTH | IPC_REPLY, 1);
	ck_assert_int_eq(ipc_msg_add_str(&m, IPC_A_HEALTH_STR, "no equals sign"), 0);
	ck_assert_int_eq(ipc_health_decode(&m, &out, &err), -EBADMSG);
	ipc_msg_free(&m);
}
END_TEST

START_TEST(test_health_encode_refuses_unterminated_or_unknown_kind)
{
	struct ll_health h;
	struct ipc_msg m;

	sample(&h);
	memset(h.iface, 'x', sizeof(h.iface));
	ipc_msg_init(&m, IPC_SESSION_HEALTH | IPC_REPLY, 1);
	ck_assert_int_eq(ipc_health_encode(&m, &h), -EINVAL);
	ipc_msg_free(&m);
	sample(&h);
	h.last_kind = LL_FAIL_N_;
	ipc_msg_init(&m, IPC_SESSION_HEALTH | IPC_REPLY, 1);
	ck_assert_int_eq(ipc_health_encode(&m, &h), -EINVAL);
	ipc_msg_free(&m);
}
END_TEST

/* A numeric field without a name never reaches the decoder. */
START_TEST(test_ipc_decode_checks_health_num_layout)
{
	struct ll_error err = { 0 };
	uint8_t payload[4 + 8] = { 0, IPC_A_HEALTH_NUM, 0, 8 };
	struct ipc_msg m;

	ck_assert_int_eq(ipc_msg_decode(&m, IPC_SESSION_HEALTH | IPC_REPLY, 1, payload,
					sizeof(payload), &err), -EBADMSG);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_health_roundtrip_keeps_every_field,
		test_failure_kind_names_are_stable,
		test_health_decode_refuses_missing_or_repeated_field,
		test_health_decode_ignores_unknown_and_refuses_bad_values,
		test_health_encode_refuses_unterminated_or_unknown_kind,
		test_ipc_decode_checks_health_num_layout,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "ipc_health",
		.tests = tests,
	});
}
