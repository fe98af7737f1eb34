/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "libiscsi-core/iqn.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

static void assert_name_bad(const char *name, const char *why)
{
	struct ll_error err = { 0 };

	ck_assert_msg(iqn_validate(name, &err) == -EINVAL, "accepted %s", name);
	ck_assert_int_eq(err.code, ISCSI_ERR_INVAL);
	ck_assert_msg(strstr(err.msg, why) != NULL, "message \"%s\" lacks \"%s\"", err.msg, why);
}

START_TEST(test_iqn_accepts_rfc_name_forms)
{
	static const char *const good[] = {
		"iqn.2001-04.com.example",
		"iqn.2001-04.com.example:storage:diskarrays-sn-a8675309",
		"iqn.2003-01.org.linux-iscsi.host.x8664:sn.5bf8fbd9f0a3",
		"iqn.1991-05.com.microsoft:host-target",
		"iqn.2016-04.com.open-iscsi:6f9ce25d4ea6",
		"eui.02004567A425678D",
		"eui.02004567a425678d",
		"naa.52004567BA64678D",
		"naa.62004567BA64678D0123456789ABCDEF",
	};
	struct ll_error err = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		ck_assert_msg(iqn_validate(good[i], &err) == 0, "%s: %s", good[i], err.msg);
}
END_TEST

START_TEST(test_iqn_rejects_path_traversal_and_slash)
{
	assert_name_bad("iqn.2001-01.com.x/../../etc", "contains '/' at position 18");
	assert_name_bad("iqn.2001-01.com.x:..", "contains \"..\"");
	assert_name_bad("iqn.2001-01.com..x:a", "contains \"..\"");
}
END_TEST

START_TEST(test_iqn_rejects_control_characters_and_non_ascii)
{
	assert_name_bad("iqn.2001-01.com.x:a\nb", "control character 0x0a at position 20");
	assert_name_bad("iqn.2001-01.com.x:\x1b[31m", "control character 0x1b");
	assert_name_bad("iqn.2001-01.com.x:caf\xc3\xa9", "non-ASCII byte 0xc3");
	assert_name_bad("iqn.2001-01.com.x:a b", "contains ' ' at position 20");
	assert_name_bad("iqn.2001-01.com.x:a_b", "contains '_'");
}
END_TEST

START_TEST(test_iqn_rejects_empty_long_and_unknown_type)
{
	char longname[300];
	struct ll_error err = { 0 };

	ck_assert_int_eq(iqn_validate("", &err), -EINVAL);
	ck_assert_str_eq(err.msg, "the iSCSI name is empty");
	ck_assert_int_eq(iqn_validate(NULL, &err), -EINVAL);
	memset(longname, 'a', sizeof(longname));
	memcpy(longname, "iqn.2001-01.com.x:", 18);
	longname[224] = '\0';
	assert_name_bad(longname, "224 bytes long, more than the 223 allowed");
	longname[223] = '\0';
	ck_assert_int_eq(iqn_validate(longname, &err), 0);
	assert_name_bad("target1", "does not start with \"iqn.\", \"eui.\" or \"naa.\"");
	assert_name_bad("IQN.2001-01.com.x", "does not start with");
}
END_TEST

START_TEST(test_iqn_checks_date_domain_and_suffix)
{
	assert_name_bad("iqn.01-01.com.x", "date \"yyyy-mm.\"");
	assert_name_bad("iqn.2001-13.com.x", "month 13");
	assert_name_bad("iqn.2001-00.com.x", "month 00");
	assert_name_bad("iqn.2001-01com.x", "date");
	assert_name_bad("iqn.2001-01.", "domain name after the date is missing");
	assert_name_bad("iqn.2001-01.:foo", "domain name after the date is missing");
	assert_name_bad("iqn.2001-01.-com:foo", "malformed");
	assert_name_bad("iqn.2001-01.com.:foo", "malformed");
	assert_name_bad("iqn.2001-01.com.x:", "nothing follows the ':'");
}
END_TEST

START_TEST(test_iqn_checks_eui_and_naa_lengths)
{
	assert_name_bad("eui.02004567A425678", "exactly 16 hex digits after \"eui.\", not 15");
	assert_name_bad("eui.02004567A425678G", "hexadecimal digits, but has 'G'");
	assert_name_bad("naa.0123456789abcdef0", "16 or 32 hex digits");
	assert_name_bad("naa.", "16 or 32 hex digits after \"naa.\", not 0");
}
END_TEST

START_TEST(test_iqn_message_escapes_hostile_bytes)
{
	struct ll_error err = { 0 };

	ck_assert_int_eq(iqn_validate("bad\x1b]0;pwned\x07name", &err), -EINVAL);
	ck_assert_ptr_null(strchr(err.msg, '\x1b'));
	ck_assert_ptr_nonnull(strstr(err.msg, "bad\\x1b]0;pwned\\x07name"));
}
END_TEST

START_TEST(test_iqn_messages_name_the_input_then_the_reason)
{
	struct ll_error err = { 0 };

	ck_assert_int_eq(iqn_validate("iqn.2020-13.org.x", &err), -EINVAL);
	ck_assert_str_eq(err.msg, "\"iqn.2020-13.org.x\" is not a valid iSCSI name: "
			 "the month 13 in its date is not between 01 and 12");
	ck_assert_int_eq(iqn_parse_address("10.0.0.1:0", 0, &(struct iscsi_addr){ 0 }, &err),
			 -EINVAL);
	ck_assert_str_eq(err.msg, "\"10.0.0.1:0\" is not a valid portal address: "
			 "the port \"0\" is not a number between 1 and 65535");
}
END_TEST

START_TEST(test_iqn_printable_cuts_long_input)
{
	char big[1000], out[32];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	iqn_printable(big, out, sizeof(out));
	ck_assert_uint_lt(strlen(out), sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "..."));
	iqn_printable("a\\b", out, sizeof(out));
	ck_assert_str_eq(out, "a\\x5cb");
}
END_TEST

START_TEST(test_iqn_generate_makes_valid_distinct_names)
{
	char a[IQN_NAME_MAX + 1], b[IQN_NAME_MAX + 1], small[10];
	struct ll_error err = { 0 };

	ck_assert_int_eq(iqn_generate(NULL, a, sizeof(a)), 0);
	ck_assert_int_eq(iqn_generate(NULL, b, sizeof(b)), 0);
	ck_assert_uint_eq(strlen(a), strlen(IQN_DEFAULT_PREFIX) + 13);
	ck_assert(strncmp(a, IQN_DEFAULT_PREFIX ":", strlen(IQN_DEFAULT_PREFIX) + 1) == 0);
	ck_assert_int_eq(iqn_validate(a, &err), 0);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(iqn_generate("iqn.2020-01.org.example", a, sizeof(a)), 0);
	ck_assert_int_eq(iqn_validate(a, &err), 0);
	ck_assert_int_eq(iqn_generate("not-a-name", a, sizeof(a)), -EINVAL);
	ck_assert_int_eq(iqn_generate(NULL, small, sizeof(small)), -ENAMETOOLONG);
}
END_TEST

struct addr_case {
	const char *in;
	unsigned flags;
	const char *host;
	unsigned port;
	int tpgt;
	int family;
};

START_TEST(test_iqn_parses_portal_forms)
{
	static const struct addr_case cases[] = {
		{ "192.168.1.10", 0, "192.168.1.10", 3260, -1, AF_INET },
		{ "192.168.1.10:3261", 0, "192.168.1.10", 3261, -1, AF_INET },
		{ "192.168.1.10:3260,1", 0, "192.168.1.10", 3260, 1, AF_INET },
		{ "10.0.0.1,65535", 0, "10.0.0.1", 3260, 65535, AF_INET },
		{ "[fe80::1]:3260,2", 0, "fe80::1", 3260, 2, AF_INET6 },
		{ "[2001:db8::5]", 0, "2001:db8::5", 3260, -1, AF_INET6 },
		{ "[fe80::1%eth0]:3262", 0, "fe80::1%eth0", 3262, -1, AF_INET6 },
		{ "fe80::1", IQN_ADDR_USER, "fe80::1", 3260, -1, AF_INET6 },
		{ "storage-1.example.com:860,7", 0, "storage-1.example.com", 860, 7, AF_UNSPEC },
		{ "localhost", 0, "localhost", 3260, -1, AF_UNSPEC },
		{ "127.0.0.1:65535,0", 0, "127.0.0.1", 65535, 0, AF_INET },
	};
	struct ll_error err = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct iscsi_addr a;

		ck_assert_msg(iqn_parse_address(cases[i].in, cases[i].flags, &a, &err) == 0,
			      "%s: %s", cases[i].in, err.msg);
		ck_assert_str_eq(a.host, cases[i].host);
		ck_assert_uint_eq(a.port, cases[i].port);
		ck_assert_int_eq(a.tpgt, cases[i].tpgt);
		ck_assert_int_eq(a.family, cases[i].family);
	}
}
END_TEST

static void assert_addr_bad(const char *in, unsigned flags, const char *why)
{
	struct ll_error err = { 0 };
	struct iscsi_addr a;

	ck_assert_msg(iqn_parse_address(in, flags, &a, &err) == -EINVAL, "accepted %s", in);
	ck_assert_int_eq(err.code, ISCSI_ERR_INVAL);
	ck_assert_msg(strstr(err.msg, why) != NULL, "message \"%s\" lacks \"%s\"", err.msg, why);
}

START_TEST(test_iqn_rejects_malformed_portals)
{
	assert_addr_bad("", 0, "empty");
	assert_addr_bad("fe80::1", 0, "must be written in brackets");
	assert_addr_bad("10.0.0.1:0", 0, "between 1 and 65535");
	assert_addr_bad("10.0.0.1:65536", 0, "between 1 and 65535");
	assert_addr_bad("10.0.0.1:-1", 0, "between 1 and 65535");
	assert_addr_bad("10.0.0.1:", 0, "between 1 and 65535");
	assert_addr_bad("10.0.0.1,70000", 0, "portal group tag \"70000\"");
	assert_addr_bad("10.0.0.1,", 0, "portal group tag");
	assert_addr_bad("10.0.0.1,1,2", 0, "portal group tag");
	assert_addr_bad("999.1.1.1", 0, "not an IPv4 address");
	assert_addr_bad("1.2.3", 0, "not an IPv4 address");
	assert_addr_bad("[fe80::1", 0, "no closing ']'");
	assert_addr_bad("[fe80::1]x", 0, "only \":port\"");
	assert_addr_bad("[not-v6]:3260", 0, "not an IPv6 address");
	assert_addr_bad("[fe80::1%bad/zone]", 0, "not an IPv6 address");
	assert_addr_bad("host name", 0, "character 0x20");
	assert_addr_bad("evil/../host:3260", 0, "neither an IP address nor a DNS name");
	assert_addr_bad("-host", 0, "neither an IP address nor a DNS name");
	assert_addr_bad("host..example", 0, "neither");
	assert_addr_bad(":3260", 0, "host part is empty");
	assert_addr_bad("[]:3260", 0, "host part is empty");
	assert_addr_bad("a\nb", 0, "character 0x0a");
}
END_TEST

START_TEST(test_iqn_format_address_brackets_ipv6)
{
	struct iscsi_addr a;
	struct ll_error err = { 0 };
	char buf[300], tiny[8];

	ck_assert_int_eq(iqn_parse_address("[fe80::1]:3261,5", 0, &a, &err), 0);
	ck_assert_int_eq(iqn_format_address(&a, true, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "[fe80::1]:3261,5");
	ck_assert_int_eq(iqn_format_address(&a, false, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "[fe80::1]:3261");
	ck_assert_int_eq(iqn_parse_address("10.1.2.3", 0, &a, &err), 0);
	ck_assert_int_eq(iqn_format_address(&a, true, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "10.1.2.3:3260");
	ck_assert_int_eq(iqn_format_address(&a, true, tiny, sizeof(tiny)), -ENAMETOOLONG);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_iqn_accepts_rfc_name_forms,
		test_iqn_rejects_path_traversal_and_slash,
		test_iqn_rejects_control_characters_and_non_ascii,
		test_iqn_rejects_empty_long_and_unknown_type,
		test_iqn_checks_date_domain_and_suffix,
		test_iqn_checks_eui_and_naa_lengths,
		test_iqn_message_escapes_hostile_bytes,
		test_iqn_messages_name_the_input_then_the_reason,
		test_iqn_printable_cuts_long_input,
		test_iqn_generate_makes_valid_distinct_names,
		test_iqn_parses_portal_forms,
		test_iqn_rejects_malformed_portals,
		test_iqn_format_address_brackets_ipv6,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "iqn",
		.tests = tests,
	});
}
