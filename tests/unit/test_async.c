/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <string.h>

#include "libiscsi-core/async.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

/* An Asynchronous Message as the kernel hands it up: BHS, data, and netlink's padding. */
struct kpdu {
	uint8_t buf[PDU_BHS_LEN + 64];
	size_t len;
};

static void build(struct kpdu *k, uint8_t event, uint16_t p1, uint16_t p2, uint16_t p3,
		  const uint8_t *data, size_t dlen)
{
	struct pdu_async_msg m = {
		.statsn = 7, .expcmdsn = 8, .maxcmdsn = 40, .event = event,
		.param1 = p1, .param2 = p2, .param3 = p3, .dlength = (uint32_t)dlen,
		.lun = 0x0002000000000000ull,
	};

	memset(k, 0, sizeof(*k));
	pdu_async_msg_encode(k->buf, &m);
	if (dlen)
		memcpy(k->buf + PDU_BHS_LEN, data, dlen);
	k->len = PDU_BHS_LEN + ALIGN4(dlen);
}

START_TEST(test_logout_request_asks_for_logout_within_parameter3)
{
	struct kpdu k;
	struct async_event ev;
	struct ll_error err = { 0 };

	build(&k, PDU_ASYNC_LOGOUT_REQUEST, 0, 0, 5, NULL, 0);
	ck_assert_int_eq(async_event_parse(k.buf, k.len, &ev, &err), PDU_OK);
	ck_assert_int_eq(ev.action, ASYNC_LOGOUT);
	ck_assert_uint_eq(ev.logout_within_s, 5);
	ck_assert_uint_eq(ev.hdr.statsn, 7);
	ck_assert_str_eq(ev.text, "the target asked for a logout within 5 s (Async Message): "
			 "logging out and in again");
	ck_assert_str_eq(async_action_str(ev.action), "logout");
}
END_TEST

START_TEST(test_connection_drops_reconnect_after_time2wait)
{
	struct kpdu k;
	struct async_event ev;
	struct ll_error err = { 0 };

	build(&k, PDU_ASYNC_DROP_CONNECTION, 0, 3, 20, NULL, 0);
	ck_assert_int_eq(async_event_parse(k.buf, k.len, &ev, &err), PDU_OK);
	ck_assert_int_eq(ev.action, ASYNC_RECONNECT);
	ck_assert_uint_eq(ev.time2wait_s, 3);
	ck_assert_uint_eq(ev.time2retain_s, 20);
	ck_assert_str_eq(ev.text, "the target announced it drops connection 0 (Async Message): "
			 "reconnecting after Time2Wait 3 s");

	/* all connections; Time2Wait beyond the RFC's 3600 is held to it */
	build(&k, PDU_ASYNC_DROP_ALL, 0, 65535, 65535, NULL, 0);
	ck_assert_int_eq(async_event_parse(k.buf, k.len, &ev, &err), PDU_OK);
	ck_assert_int_eq(ev.action, ASYNC_RECONNECT);
	ck_assert_uint_eq(ev.time2wait_s, ASYNC_TIME2WAIT_MAX);
	ck_assert_uint_eq(ev.time2retain_s, ASYNC_TIME2WAIT_MAX);
	ck_assert_ptr_nonnull(strstr(ev.text, "every connection"));
}
END_TEST

START_TEST(test_renegotiation_is_answered_by_logout)
{
	struct kpdu k;
	struct async_event ev;
	struct ll_error err = { 0 };

	build(&k, PDU_ASYNC_RENEGOTIATE, 0, 0, 10, NULL, 0);
	ck_assert_int_eq(async_event_parse(k.buf, k.len, &ev, &err), PDU_OK);
	ck_assert_int_eq(ev.action, ASYNC_LOGOUT);
	ck_assert_uint_eq(ev.logout_within_s, 10);
	ck_assert_ptr_nonnull(strstr(ev.text, "renegotiate parameters within 10 s"));
	ck_assert_ptr_nonnull(strstr(ev.text, "only at login"));
}
END_TEST

START_TEST(test_vendor_and_reserved_events_are_notes)
{
	struct kpdu k;
	struct async_event ev;
	struct ll_error err = { 0 };
	const uint8_t junk[5] = { 1, 2, 3, 4, 5 };

	build(&k, PDU_ASYNC_VENDOR, 1, 2, 3, junk, sizeof(junk));
	k.buf[PDU_OFF_ASYNC_VCODE] = 0x9a;
	ck_assert_int_eq(async_event_parse(k.buf, k.len, &ev, &err), PDU_OK);
	ck_assert_int_eq(ev.action, ASYNC_NOTE);
	ck_assert_str_eq(ev.text, "vendor-specific asynchronous event (vendor code 0x9a, "
			 "parameters 1, 2, 3) ignored");
	build(&k, 77, 0, 0, 0, NULL, 0);
	ck_assert_int_eq(async_event_parse(k.buf, k.len, &ev, &err), PDU_OK);
	ck_assert_int_eq(ev.action, ASYNC_NOTE);
	ck_assert_str_eq(ev.text, "reserved asynchronous event 77 ignored");
}
END_TEST

START_TEST(test_scsi_event_reads_fixed_and_descriptor_sense)
{
	/* SenseLength 18, fixed format: UNIT ATTENTION, 3Fh/0Eh */
	uint8_t fixed[20] = { 0, 18, 0x70, 0, 0x06, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x3f, 0x0e };
	/* SenseLength 8, descriptor format: UNIT ATTENTION, 2Ah/09h (capacity changed) */
	uint8_t desc[10] = { 0, 8, 0x72, 0x06, 0x2a, 0x09, 0, 0, 0, 0 };
	struct kpdu k;
	struct async_event ev;
	struct ll_error err = { 0 };

	build(&k, PDU_ASYNC_SCSI, 0, 0, 0, fixed, sizeof(fixed));
	ck_assert_int_eq(async_event_parse(k.buf, k.len, &ev, &err), PDU_OK);
	ck_assert(ev.sense_valid);
	ck_assert_uint_eq(ev.sense_key, 6);
	ck_assert_int_eq(ev.action, ASYNC_RESCAN);
	ck_assert_str_eq(ev.text, "SCSI asynchronous event for LUN 2: sense key 0x6, ASC/ASCQ "
			 "0x3f/0x0e (reported LUNs changed): rescanning");
	build(&k, PDU_ASYNC_SCSI, 0, 0, 0, desc, sizeof(desc));
	ck_assert_int_eq(async_event_parse(k.buf, k.len, &ev, &err), PDU_OK);
	ck_assert_int_eq(ev.action, ASYNC_NOTE);
	ck_assert_uint_eq(ev.asc, 0x2a);
	ck_assert_uint_eq(ev.ascq, 0x09);
	ck_assert_str_eq(ev.text, "SCSI asynchronous event for LUN 2: sense key 0x6, ASC/ASCQ "
			 "0x2a/0x09");
}
END_TEST

START_TEST(test_scsi_event_without_readable_sense_is_refused)
{
	uint8_t long_len[4] = { 0, 40, 0x70, 0 };      /* claims 40 bytes, has 2 */
	uint8_t short_fixed[8] = { 0, 6, 0x70, 0, 6, 0, 0, 0 };
	uint8_t odd_code[8] = { 0, 6, 0x05, 0, 0, 0, 0, 0 };
	struct kpdu k;
	struct async_event ev;
	struct ll_error err = { 0 };

	build(&k, PDU_ASYNC_SCSI, 0, 0, 0, NULL, 0);
	ck_assert_int_eq(async_event_parse(k.buf, k.len, &ev, &err), PDU_E_INVAL);
	ck_assert_str_eq(err.msg, "SCSI asynchronous event without sense data (data segment of "
			 "0 bytes)");
	build(&k, PDU_ASYNC_SCSI, 0, 0, 0, long_len, sizeof(long_len));
	ck_assert_int_eq(async_event_parse(k.buf, k.len, &ev, &err), PDU_E_INVAL);
	ck_assert_str_eq(err.msg, "SCSI asynchronous event with SenseLength 40 but 2 bytes of "
			 "sense data");
	build(&k, PDU_ASYNC_SCSI, 0, 0, 0, short_fixed, sizeof(short_fixed));
	ck_assert_int_eq(async_event_parse(k.buf, k.len, &ev, &err), PDU_E_INVAL);
	build(&k, PDU_ASYNC_SCSI, 0, 0, 0, odd_code, sizeof(odd_code));
	ck_assert_int_eq(async_event_parse(k.buf, k.len, &ev, &err), PDU_E_INVAL);
	ck_assert_str_eq(err.msg, "SCSI asynchronous event with unreadable sense data (6 bytes, "
			 "response code 0x05)");
	ck_assert(!ev.sense_valid);
}
END_TEST

START_TEST(test_short_and_foreign_pdus_are_errors)
{
	struct kpdu k;
	struct async_event ev;
	struct ll_error err = { 0 };
	const uint8_t data[8] = { 0 };

	build(&k, PDU_ASYNC_LOGOUT_REQUEST, 0, 0, 5, NULL, 0);
	ck_assert_int_eq(async_event_parse(k.buf, 47, &ev, &err), PDU_E_TRUNCATED);
	ck_assert_str_eq(err.msg, "Asynchronous Message of 47 bytes, shorter than its 48-byte "
			 "header");
	ck_assert_int_eq(async_event_parse(NULL, 100, &ev, &err), PDU_E_TRUNCATED);
	/* the header promises more data than arrived */
	build(&k, PDU_ASYNC_VENDOR, 0, 0, 0, data, sizeof(data));
	ck_assert_int_eq(async_event_parse(k.buf, PDU_BHS_LEN + 4, &ev, &err), PDU_E_TRUNCATED);
	ck_assert_str_eq(err.msg, "Asynchronous Message with a 8-byte data segment but 4 bytes "
			 "after its header");
	/* another PDU type */
	k.buf[0] = PDU_OP_NOP_IN;
	ck_assert_int_eq(async_event_parse(k.buf, k.len, &ev, &err), PDU_E_WRONG_TYPE);
	ck_assert_str_eq(async_action_str((enum async_action)9), "?");
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_logout_request_asks_for_logout_within_parameter3,
		test_connection_drops_reconnect_after_time2wait,
		test_renegotiation_is_answered_by_logout,
		test_vendor_and_reserved_events_are_notes,
		test_scsi_event_reads_fixed_and_descriptor_sense,
		test_scsi_event_without_readable_sense_is_refused,
		test_short_and_foreign_pdus_are_errors,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "async",
		.tests = tests,
	});
}
