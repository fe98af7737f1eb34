/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libiscsi-core/text.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

#define LIT(s) (const uint8_t *)(s), sizeof(s) - 1

START_TEST(test_text_parse_reads_pairs_in_order)
{
	struct text_list l;
	struct ll_error err = { 0 };

	text_list_init(&l);
	ck_assert_int_eq(text_parse(&l, LIT("AuthMethod=CHAP,None\0TargetAlias=disk one\0"), &err), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.items[0].key, "AuthMethod");
	ck_assert_str_eq(l.items[0].value, "CHAP,None");
	ck_assert_str_eq(text_list_get(&l, "TargetAlias"), "disk one");
	ck_assert_ptr_null(text_list_get(&l, "Missing"));
	text_list_free(&l);
}
END_TEST

START_TEST(test_text_parse_accepts_empty_buffer_padding_and_unterminated_last_pair)
{
	struct text_list l;
	struct ll_error err = { 0 };

	text_list_init(&l);
	ck_assert_int_eq(text_parse(&l, NULL, 0, &err), 0);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(text_parse(&l, LIT("A=1\0\0\0B=2"), &err), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(text_list_get(&l, "B"), "2");
	text_list_free(&l);
}
END_TEST

START_TEST(test_text_parse_allows_empty_value_and_utf8)
{
	struct text_list l;
	struct ll_error err = { 0 };

	text_list_init(&l);
	ck_assert_int_eq(text_parse(&l, LIT("SendTargets=\0TargetAlias=caf\xc3\xa9\0"), &err), 0);
	ck_assert_str_eq(text_list_get(&l, "SendTargets"), "");
	ck_assert_str_eq(text_list_get(&l, "TargetAlias"), "caf\xc3\xa9");
	text_list_free(&l);
}
END_TEST

START_TEST(test_text_parse_rejects_item_without_equals)
{
	struct text_list l;
	struct ll_error err = { 0 };

	text_list_init(&l);
	ck_assert_int_lt(text_parse(&l, LIT("A=1\0Garbage\0"), &err), 0);
	ck_assert_int_eq(err.code, ISCSI_ERR_LOGIN);
	ck_assert_ptr_nonnull(strstr(err.msg, "no '='"));
	ck_assert_ptr_nonnull(strstr(err.msg, "offset 4"));
	text_list_free(&l);
}
END_TEST

START_TEST(test_text_parse_rejects_empty_and_overlong_keys)
{
	struct text_list l;
	struct ll_error err = { 0 };
	char buf[200];
	int n;

	text_list_init(&l);
	ck_assert_int_lt(text_parse(&l, LIT("=value\0"), &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "empty key"));
	/* 63 bytes is the limit; 64 must fail. */
	n = snprintf(buf, sizeof(buf), "%s=1", "K123456789012345678901234567890123456789012345678901234567890AB");
	ck_assert_int_eq(text_parse(&l, (const uint8_t *)buf, (size_t)n, &err), 0);
	n = snprintf(buf, sizeof(buf), "%s=1", "K123456789012345678901234567890123456789012345678901234567890ABC");
	ck_assert_int_lt(text_parse(&l, (const uint8_t *)buf, (size_t)n, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "64 bytes"));
	text_list_free(&l);
}
END_TEST

START_TEST(test_text_parse_rejects_forbidden_key_characters)
{
	static const char *const bad[] = { "Ke y=1", "Key/x=1", "K\xc3\xa9y=1", "K:y=1", "K\ty=1" };
	struct ll_error err = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct text_list l;

		text_list_init(&l);
		ck_assert_int_lt(text_parse(&l, (const uint8_t *)bad[i], strlen(bad[i]), &err), 0);
		ck_assert_ptr_nonnull(strstr(err.msg, "key names may not use"));
		text_list_free(&l);
	}
	ck_assert(text_key_valid("X-com.example+v1@site_a"));
}
END_TEST

START_TEST(test_text_parse_rejects_control_characters_in_values)
{
	struct text_list l;
	struct ll_error err = { 0 };

	text_list_init(&l);
	ck_assert_int_lt(text_parse(&l, LIT("TargetName=iqn.x\nroot=1\0"), &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "TargetName"));
	ck_assert_ptr_nonnull(strstr(err.msg, "0x0a"));
	ck_assert_int_lt(text_parse(&l, LIT("A=x\x7f\0"), &err), 0);
	text_list_free(&l);
}
END_TEST

START_TEST(test_text_parse_rejects_overlong_value)
{
	struct text_list l;
	struct ll_error err = { 0 };
	size_t n = 2 + TEXT_VALUE_MAX + 1;
	uint8_t *buf = malloc(n);

	memcpy(buf, "V=", 2);
	memset(buf + 2, 'a', n - 2);
	text_list_init(&l);
	ck_assert_int_eq(text_parse(&l, buf, n - 1, &err), 0);
	ck_assert_int_lt(text_parse(&l, buf, n, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "more than the 8192 allowed"));
	text_list_free(&l);
	free(buf);
}
END_TEST

START_TEST(test_text_parse_bounds_key_count)
{
	struct text_list l;
	struct ll_error err = { 0 };
	size_t n = (TEXT_MAX_KEYS + 1) * 4;
	uint8_t *buf = malloc(n);

	for (size_t i = 0; i < TEXT_MAX_KEYS + 1; i++)
		memcpy(buf + i * 4, "a=b", 4);
	text_list_init(&l);
	ck_assert_int_lt(text_parse(&l, buf, n, &err), 0);
	ck_assert_uint_eq(l.n, TEXT_MAX_KEYS);
	ck_assert_ptr_nonnull(strstr(err.msg, "more than 512 keys"));
	text_list_free(&l);
	/* A caller that expects long lists may raise the bound. */
	l.max_keys = TEXT_MAX_KEYS * 2;
	ck_assert_int_eq(text_parse(&l, buf, n, &err), 0);
	ck_assert_uint_eq(l.n, TEXT_MAX_KEYS + 1);
	text_list_free(&l);
	free(buf);
}
END_TEST

START_TEST(test_text_list_add_validates_and_set_replaces)
{
	struct text_list l;

	text_list_init(&l);
	ck_assert_int_eq(text_list_add(&l, "HeaderDigest", "None"), 0);
	ck_assert_int_eq(text_list_add(&l, "HeaderDigest", "CRC32C"), 0);
	ck_assert_uint_eq(text_list_count(&l, "HeaderDigest"), 2);
	ck_assert_int_eq(text_list_add(&l, "bad key", "x"), -EINVAL);
	ck_assert_int_eq(text_list_add(&l, "", "x"), -EINVAL);
	ck_assert_int_eq(text_list_add(&l, "Ok", "line\nbreak"), -EINVAL);
	ck_assert_int_eq(text_list_set(&l, "HeaderDigest", "CRC32C,None"), 0);
	ck_assert_str_eq(text_list_get(&l, "HeaderDigest"), "CRC32C,None");
	ck_assert_int_eq(text_list_set(&l, "MaxBurstLength", "262144"), 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_uint_eq(text_list_count(&l, "Nope"), 0);
	text_list_free(&l);
	ck_assert_uint_eq(l.n, 0);
}
END_TEST

START_TEST(test_text_encode_roundtrips_through_parse)
{
	struct text_list a, b;
	struct ll_error err = { 0 };
	uint8_t *buf;
	size_t len;

	text_list_init(&a);
	text_list_init(&b);
	ck_assert_int_eq(text_list_add(&a, "InitiatorName", "iqn.2016-04.com.open-iscsi:abc"), 0);
	ck_assert_int_eq(text_list_add(&a, "SessionType", "Normal"), 0);
	ck_assert_int_eq(text_list_add(&a, "Empty", ""), 0);
	ck_assert_int_eq(text_encode(&a, &buf, &len), 0);
	ck_assert_uint_eq(len, strlen("InitiatorName=iqn.2016-04.com.open-iscsi:abc") + 1 +
			  strlen("SessionType=Normal") + 1 + strlen("Empty=") + 1);
	ck_assert_int_eq(buf[len - 1], 0);
	ck_assert_int_eq(text_parse(&b, buf, len, &err), 0);
	ck_assert_uint_eq(b.n, 3);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_str_eq(a.items[i].key, b.items[i].key);
		ck_assert_str_eq(a.items[i].value, b.items[i].value);
	}
	free(buf);
	text_list_free(&a);
	ck_assert_int_eq(text_encode(&a, &buf, &len), 0);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(len, 0);
	free(buf);
	text_list_free(&b);
}
END_TEST

START_TEST(test_text_accum_joins_segments_and_bounds_total)
{
	struct text_accum a;
	struct text_list l;
	struct ll_error err = { 0 };
	uint8_t *big = calloc(1, TEXT_ACCUM_MAX);

	text_accum_init(&a);
	ck_assert_int_eq(text_accum_add(&a, LIT("CHAP_C=0x0102")), 0);
	ck_assert_int_eq(text_accum_add(&a, LIT("0304\0")), 0);
	text_list_init(&l);
	ck_assert_int_eq(text_parse(&l, a.buf, a.len, &err), 0);
	ck_assert_str_eq(text_list_get(&l, "CHAP_C"), "0x01020304");
	text_list_free(&l);
	ck_assert_int_eq(text_accum_add(&a, big, TEXT_ACCUM_MAX), -E2BIG);
	ck_assert_uint_eq(a.len, 18);
	text_accum_free(&a);
	ck_assert_int_eq(text_accum_add(&a, big, TEXT_ACCUM_MAX), 0);
	ck_assert_int_eq(text_accum_add(&a, LIT("x")), -E2BIG);
	text_accum_free(&a);
	ck_assert_ptr_null(a.buf);
	free(big);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_text_parse_reads_pairs_in_order,
		test_text_parse_accepts_empty_buffer_padding_and_unterminated_last_pair,
		test_text_parse_allows_empty_value_and_utf8,
		test_text_parse_rejects_item_without_equals,
		test_text_parse_rejects_empty_and_overlong_keys,
		test_text_parse_rejects_forbidden_key_characters,
		test_text_parse_rejects_control_characters_in_values,
		test_text_parse_rejects_overlong_value,
		test_text_parse_bounds_key_count,
		test_text_list_add_validates_and_set_replaces,
		test_text_encode_roundtrips_through_parse,
		test_text_accum_joins_segments_and_bounds_total,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "text",
		.tests = tests,
	});
}
