/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "libiscsi-core/ipc.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

static int roundtrip(const struct ipc_msg *in, struct ipc_msg *out)
{
	struct ll_error err = { 0 };
	uint8_t *buf;
	size_t len;
	uint16_t type;
	uint32_t id, plen;
	int r;

	r = ipc_msg_encode(in, &buf, &len);
	if (r < 0)
		return r;
	r = ipc_hdr_decode(buf, &type, &id, &plen, &err);
	if (r == 0) {
		ck_assert_uint_eq(plen + IPC_HDR_LEN, len);
		r = ipc_msg_decode(out, type, id, buf + IPC_HDR_LEN, plen, &err);
	}
	free(buf);
	return r;
}

START_TEST(test_ipc_roundtrip_keeps_every_attribute)
{
	struct ipc_msg m, d;
	uint32_t v;

	ipc_msg_init(&m, IPC_LOGIN, 77);
	ck_assert_int_eq(ipc_msg_add_kv(&m, "node.name", "iqn.2016-01.com.example:tg1"), 0);
	ck_assert_int_eq(ipc_msg_add_u32(&m, IPC_A_SID, 0xdeadbeef), 0);
	ck_assert_int_eq(ipc_msg_add_str(&m, IPC_A_MESSAGE, ""), 0);
	ck_assert_int_eq(roundtrip(&m, &d), 0);
	ck_assert_uint_eq(d.type, IPC_LOGIN);
	ck_assert_uint_eq(d.id, 77);
	ck_assert_uint_eq(d.n, 3);
	ck_assert_str_eq(ipc_msg_get_str(&d, IPC_A_KV), "node.name=iqn.2016-01.com.example:tg1");
	ck_assert_int_eq(ipc_msg_get_u32(&d, IPC_A_SID, &v), 0);
	ck_assert_uint_eq(v, 0xdeadbeef);
	ck_assert_str_eq(ipc_msg_get_str(&d, IPC_A_MESSAGE), "");
	ck_assert_ptr_null(ipc_msg_get_str(&d, IPC_A_TARGET));
	ck_assert_int_eq(ipc_msg_get_u32(&d, IPC_A_STATUS, &v), -ENOENT);
	ipc_msg_free(&m);
	ipc_msg_free(&d);
}
END_TEST

START_TEST(test_ipc_header_rejects_bad_magic_version_and_size)
{
	struct ll_error err = { 0 };
	uint8_t hdr[IPC_HDR_LEN] = { 0 };
	uint16_t type;
	uint32_t id, len;

	ck_assert_int_eq(ipc_hdr_decode(hdr, &type, &id, &len, &err), -EBADMSG);
	ck_assert_int_eq(err.code, ISCSI_ERR_ISCSID_COMM_ERR);

	put_be32(hdr, IPC_MAGIC);
	put_be16(hdr + 4, IPC_VERSION + 1);
	ck_assert_int_eq(ipc_hdr_decode(hdr, &type, &id, &len, &err), -EPROTO);
	ck_assert_ptr_nonnull(strstr(err.msg, "version"));

	put_be16(hdr + 4, IPC_VERSION);
	put_be32(hdr + 12, IPC_MAX_PAYLOAD + 1);
	ck_assert_int_eq(ipc_hdr_decode(hdr, &type, &id, &len, &err), -EMSGSIZE);

	put_be32(hdr + 12, IPC_MAX_PAYLOAD);
	ck_assert_int_eq(ipc_hdr_decode(hdr, &type, &id, &len, &err), 0);
	ck_assert_uint_eq(len, IPC_MAX_PAYLOAD);
}
END_TEST

START_TEST(test_ipc_decode_rejects_truncated_attribute)
{
	struct ll_error err = { 0 };
	struct ipc_msg d;
	uint8_t p[8] = { 0, IPC_A_MESSAGE, 0, 10, 'a', 'b', 'c', 'd' };

	ck_assert_int_eq(ipc_msg_decode(&d, IPC_PING, 1, p, sizeof(p), &err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err.msg, "claims"));
	ck_assert_int_eq(ipc_msg_decode(&d, IPC_PING, 1, p, 3, &err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err.msg, "truncated"));
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

START_TEST(test_ipc_decode_rejects_nul_in_string_and_short_u32)
{
	struct ll_error err = { 0 };
	struct ipc_msg d;
	uint8_t s[7] = { 0, IPC_A_KV, 0, 3, 'a', 0, 'b' };
	uint8_t u[6] = { 0, IPC_A_SID, 0, 2, 1, 2 };

	ck_assert_int_eq(ipc_msg_decode(&d, IPC_LOGIN, 1, s, sizeof(s), &err), -EBADMSG);
	ck_assert_int_eq(ipc_msg_decode(&d, IPC_LOGOUT, 1, u, sizeof(u), &err), -EBADMSG);
}
END_TEST

START_TEST(test_ipc_decode_accepts_empty_payload_and_ignores_unknown_tags)
{
	struct ll_error err = { 0 };
	struct ipc_msg d;
	uint8_t p[6] = { 0x7f, 0x00, 0, 2, 'h', 'i' };

	ck_assert_int_eq(ipc_msg_decode(&d, IPC_PING, 9, NULL, 0, &err), 0);
	ck_assert_uint_eq(d.n, 0);
	ipc_msg_free(&d);
	ck_assert_int_eq(ipc_msg_decode(&d, IPC_PING, 9, p, sizeof(p), &err), 0);
	ck_assert_ptr_null(ipc_msg_get_str(&d, IPC_A_MESSAGE));
	ipc_msg_free(&d);
}
END_TEST

START_TEST(test_ipc_encode_refuses_oversized_message)
{
	struct ipc_msg m;
	char *big = malloc(60000);
	uint8_t *buf = NULL;
	size_t len;
	int r = 0;

	memset(big, 'x', 59999);
	big[59999] = '\0';
	ipc_msg_init(&m, IPC_LOGIN, 1);
	for (int i = 0; i < 5 && r == 0; i++)
		r = ipc_msg_add_str(&m, IPC_A_MESSAGE, big);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(ipc_msg_encode(&m, &buf, &len), -E2BIG);
	ck_assert_ptr_null(buf);
	ipc_msg_free(&m);
	free(big);
}
END_TEST

START_TEST(test_ipc_u32_list_roundtrip_and_bad_length)
{
	const uint32_t sids[] = { 1, 0x10203040, 7 };
	struct ll_error err = { 0 };
	struct ipc_msg m, d;
	uint32_t *got;
	size_t n;
	uint8_t odd[9] = { 0, IPC_A_SIDS, 0, 5, 0, 0, 0, 1, 9 };

	ipc_msg_init(&m, IPC_LOGOUT, 3);
	ck_assert_int_eq(ipc_msg_add_u32_list(&m, IPC_A_SIDS, sids, 3), 0);
	ck_assert_int_eq(ipc_msg_add_u32_list(&m, IPC_A_SIDS, sids, IPC_MAX_U32_LIST + 1), -E2BIG);
	ck_assert_int_eq(roundtrip(&m, &d), 0);
	ck_assert_int_eq(ipc_msg_get_u32_list(&d, IPC_A_SIDS, &got, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(got[0], 1);
	ck_assert_uint_eq(got[1], 0x10203040);
	ck_assert_uint_eq(got[2], 7);
	free(got);
	ck_assert_int_eq(ipc_msg_get_u32_list(&d, IPC_A_KV, &got, &n), -ENOENT);
	ck_assert_ptr_null(got);
	ipc_msg_free(&d);
	ck_assert_int_eq(ipc_msg_decode(&d, IPC_LOGOUT, 1, odd, sizeof(odd), &err), -EBADMSG);
	ipc_msg_free(&m);
}
END_TEST

START_TEST(test_ipc_type_names)
{
	ck_assert_str_eq(ipc_type_str(IPC_LOGIN), "LOGIN");
	ck_assert_str_eq(ipc_type_str(IPC_LOGIN | IPC_REPLY), "LOGIN");
	ck_assert_str_eq(ipc_type_str(999), "UNKNOWN");
	ck_assert_str_eq(ipc_type_str(0), "UNKNOWN");
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_ipc_roundtrip_keeps_every_attribute,
		test_ipc_header_rejects_bad_magic_version_and_size,
		test_ipc_decode_rejects_truncated_attribute,
		test_ipc_decode_rejects_nul_in_string_and_short_u32,
		test_ipc_decode_accepts_empty_payload_and_ignores_unknown_tags,
		test_ipc_encode_refuses_oversized_message,
		test_ipc_u32_list_roundtrip_and_bad_length,
		test_ipc_type_names,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "ipc",
		.tests = tests,
	});
}
