/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "libiscsi-core/errors.h"
#include "testutil.h"

/* A wrapper of the kind the protocol modules write: own context, own code. */
static int wrapped_fail(struct ll_error *err, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int wrapped_fail(struct ll_error *err, const char *who, const char *fmt, ...)
{
	LL_ERROR_SET_FROM_ARGS(err, ISCSI_ERR_LOGIN, fmt);
	ll_error_prefix(err, "login to %s failed", who);
	return -1;
}

START_TEST(test_errors_set_formats_code_and_message)
{
	struct ll_error err = { 0 };

	ck_assert_int_eq(ll_error_set(&err, ISCSI_ERR_INVAL, "%s=%d is bad", "key", 7), -1);
	ck_assert_int_eq(err.code, ISCSI_ERR_INVAL);
	ck_assert_str_eq(err.msg, "key=7 is bad");
	ck_assert_int_eq(ll_error_set(NULL, ISCSI_ERR_INVAL, "ignored %d", 1), -1);
	ll_error_clear(&err);
	ck_assert_int_eq(err.code, 0);
	ck_assert_str_eq(err.msg, "");
}
END_TEST

START_TEST(test_errors_wrapper_passes_its_arguments_through_vset)
{
	struct ll_error err = { 0 };

	ck_assert_int_eq(wrapped_fail(&err, "target t at h:3260", "status 0x%04x after %d tries",
				      0x0201, 3), -1);
	ck_assert_int_eq(err.code, ISCSI_ERR_LOGIN);
	ck_assert_str_eq(err.msg, "login to target t at h:3260 failed: status 0x0201 after 3 tries");
	/* A NULL error context is allowed everywhere (callers that do not care). */
	ck_assert_int_eq(wrapped_fail(NULL, "x", "%s", "y"), -1);
}
END_TEST

START_TEST(test_errors_long_messages_are_cut_not_overflowed)
{
	struct ll_error err = { 0 };
	char big[2 * LL_ERROR_MSG_MAX];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	wrapped_fail(&err, "t", "%s", big);
	ck_assert_uint_eq(strlen(err.msg), LL_ERROR_MSG_MAX - 1);
	ck_assert(!strncmp(err.msg, "login to t failed: xxx", 22));
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_errors_set_formats_code_and_message,
		test_errors_wrapper_passes_its_arguments_through_vset,
		test_errors_long_messages_are_cut_not_overflowed,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "errors",
		.tests = tests,
	});
}
