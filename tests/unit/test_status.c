/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "libiscsi-core/errors.h"
#include "libiscsi-core/status.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

START_TEST(test_status_table_covers_every_rfc_code)
{
	static const uint16_t codes[] = {
		0x0000, 0x0101, 0x0102, 0x0200, 0x0201, 0x0202, 0x0203, 0x0204, 0x0205,
		0x0206, 0x0207, 0x0208, 0x0209, 0x020a, 0x020b, 0x0300, 0x0301, 0x0302,
	};
	size_t n;

	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		const struct login_status_info *row =
			login_status_lookup(codes[i] >> 8, codes[i] & 0xff);

		ck_assert_msg(row != NULL, "no row for 0x%04x", codes[i]);
		ck_assert(row->message && row->message[0]);
		ck_assert(row->name && row->name[0]);
	}
	login_status_table(&n);
	ck_assert_uint_eq(n, ARRAY_SIZE(codes));
}
END_TEST

START_TEST(test_status_auth_failure_maps_to_exit_24_with_clear_message)
{
	char buf[200];

	ck_assert_int_eq(login_status_exit_code(2, 1), ISCSI_ERR_LOGIN_AUTH_FAILED);
	ck_assert_int_eq(login_status_exit_code(2, 1), 24);
	ck_assert_str_eq(login_status_message(2, 1, buf, sizeof(buf)),
			 "the target rejected the credentials (authentication failure)");
	ck_assert(!login_status_retryable(2, 1));
	/* open-iscsi reports authorization failure with the same code. */
	ck_assert_int_eq(login_status_exit_code(2, 2), 24);
}
END_TEST

START_TEST(test_status_other_initiator_errors_are_fatal_exit_19)
{
	for (unsigned d = 0x03; d <= 0x0b; d++) {
		ck_assert_int_eq(login_status_exit_code(2, (uint8_t)d), ISCSI_ERR_FATAL_LOGIN);
		ck_assert(!login_status_retryable(2, (uint8_t)d));
	}
	ck_assert_int_eq(login_status_exit_code(2, 0), 19);
	ck_assert_int_eq(login_status_exit_code(2, 0x7f), 19);
}
END_TEST

START_TEST(test_status_target_errors_are_retryable_exit_5)
{
	for (unsigned d = 0; d <= 2; d++) {
		ck_assert_int_eq(login_status_exit_code(3, (uint8_t)d), ISCSI_ERR_LOGIN);
		ck_assert(login_status_retryable(3, (uint8_t)d));
	}
	ck_assert(login_status_retryable(3, 0x55));
	ck_assert_int_eq(login_status_exit_code(3, 0x55), 5);
}
END_TEST

START_TEST(test_status_redirect_and_success)
{
	char buf[200];

	ck_assert_int_eq(login_status_exit_code(0, 0), 0);
	ck_assert(login_status_retryable(1, 1));
	ck_assert(login_status_retryable(1, 2));
	ck_assert_ptr_nonnull(strstr(login_status_message(1, 2, buf, sizeof(buf)), "moved permanently"));
}
END_TEST

START_TEST(test_status_unknown_values_name_the_hex_numbers)
{
	char buf[200];

	login_status_message(2, 0x42, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "unknown login status"));
	ck_assert_ptr_nonnull(strstr(buf, "initiator error"));
	ck_assert_ptr_nonnull(strstr(buf, "class 0x02 detail 0x42"));
	login_status_message(9, 1, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "undefined class, class 0x09 detail 0x01"));
	ck_assert_int_eq(login_status_exit_code(9, 1), ISCSI_ERR_LOGIN);
	ck_assert(!login_status_retryable(9, 1));
	ck_assert_ptr_null(login_status_lookup(9, 1));
	ck_assert_str_eq(login_status_message(9, 1, NULL, 0), "unknown login status");
}
END_TEST

/* Outside the table: redirection and target error retry, the rest does not. */
START_TEST(test_status_unknown_values_retry_like_open_iscsi)
{
	ck_assert(login_status_retryable(1, 0x05));
	ck_assert(login_status_retryable(3, 0x77));
	ck_assert(!login_status_retryable(2, 0x42));
	ck_assert(!login_status_retryable(4, 0));
	ck_assert(!login_status_retryable(0xff, 0xff));
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_status_table_covers_every_rfc_code,
		test_status_auth_failure_maps_to_exit_24_with_clear_message,
		test_status_other_initiator_errors_are_fatal_exit_19,
		test_status_target_errors_are_retryable_exit_5,
		test_status_redirect_and_success,
		test_status_unknown_values_name_the_hex_numbers,
		test_status_unknown_values_retry_like_open_iscsi,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "status",
		.tests = tests,
	});
}
