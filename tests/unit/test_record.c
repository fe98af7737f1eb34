/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/record.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

static struct rec *node_rec(void)
{
	struct rec *r = rec_new(REC_NODE);

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(rec_set(r, "node.name", "iqn.2016-01.com.example:tg1", NULL), 0);
	ck_assert_int_eq(rec_set(r, "node.tpgt", "1", NULL), 0);
	ck_assert_int_eq(rec_set(r, "node.conn[0].address", "127.0.0.1", NULL), 0);
	ck_assert_int_eq(rec_set(r, "node.conn[0].port", "3260", NULL), 0);
	return r;
}

/* A valid value for k that differs from its default (for round trips). */
static void other_value(const struct rec_key *k, size_t i, char *buf, size_t cap)
{
	switch (k->type) {
	case REC_T_STR:
		snprintf(buf, cap, "value-%zu", i);
		break;
	case REC_T_INT: {
		long v = k->min == INT_MIN ? 1000 + (long)i : k->min;

		if (v == strtol(k->def, NULL, 10))
			v = k->max;
		snprintf(buf, cap, "%ld", v);
		break;
	}
	case REC_T_BOOL:
		snprintf(buf, cap, "%s", streq(k->def, "Yes") ? "No" : "Yes");
		break;
	case REC_T_ENUM: {
		size_t n = 0;

		while (k->words[n])
			n++;
		snprintf(buf, cap, "%s", streq(k->words[n - 1], k->def) ?
			 k->words[0] : k->words[n - 1]);
		break;
	}
	case REC_T_LIST:
		snprintf(buf, cap, "SHA256,MD5");
		break;
	}
}

START_TEST(test_new_node_record_has_open_iscsi_builtin_defaults)
{
	struct rec *r = rec_new(REC_NODE);

	ck_assert_str_eq(rec_get(r, "node.tpgt"), "-1");
	ck_assert_str_eq(rec_get(r, "node.startup"), "manual");
	ck_assert_str_eq(rec_get(r, "node.session.xmit_thread_priority"), "-20");
	ck_assert_str_eq(rec_get(r, "node.conn[0].timeo.login_timeout"), "30");
	ck_assert_str_eq(rec_get(r, "node.session.initial_login_retry_max"), "4");
	ck_assert_str_eq(rec_get(r, "node.session.iscsi.MaxBurstLength"), "16776192");
	ck_assert_str_eq(rec_get(r, "iface.iscsi_ifacename"), "default");
	ck_assert_str_eq(rec_get(r, "iface.transport_name"), "tcp");
	ck_assert_str_eq(rec_get(r, "node.session.auth.password"), "");
	ck_assert_str_eq(rec_get(r, "node.discovery_type"), "static");
	ck_assert_int_eq(rec_get_int(r, "node.session.timeo.replacement_timeout"), 120);
	ck_assert(rec_get_bool(r, "node.session.iscsi.ImmediateData"));
	ck_assert(!rec_get_bool(r, "node.session.iscsi.InitialR2T"));
	ck_assert_ptr_null(rec_get(r, "node.no_such_key"));
	ck_assert_ptr_null(rec_get(r, "discovery.sendtargets.address"));
	rec_free(r);
}
END_TEST

START_TEST(test_key_table_defaults_are_valid_and_names_unique)
{
	for (int kind = 0; kind < REC_KIND_MAX_; kind++) {
		size_t n = rec_key_count(kind);
		struct rec *r = rec_new(kind);

		ck_assert_uint_gt(n, 10);
		ck_assert_uint_le(n, REC_MAX_KEYS);
		for (size_t i = 0; i < n; i++) {
			const struct rec_key *k = rec_key_at(kind, i);

			ck_assert_uint_lt(strlen(k->name), REC_KEY_MAX);
			ck_assert_msg(rec_set(r, k->name, k->def, NULL) == 0,
				      "default of %s rejected", k->name);
			ck_assert_str_eq(rec_get(r, k->name), k->def);
			ck_assert_ptr_eq(rec_key_find(kind, k->name), k);
			ck_assert(k->kinds & (1u << kind));
		}
		ck_assert_ptr_null(rec_key_at(kind, n));
		rec_free(r);
	}
}
END_TEST

START_TEST(test_every_key_round_trips_through_the_file_format)
{
	for (int kind = 0; kind < REC_KIND_MAX_; kind++) {
		struct rec *a = rec_new(kind), *b = rec_new(kind);
		char val[64], *text;
		struct tu_diags d = { 0 };
		struct rec_diag diag = { tu_diags_collect, &d };

		for (size_t i = 0; i < rec_key_count(kind); i++) {
			const struct rec_key *k = rec_key_at(kind, i);

			other_value(k, i, val, sizeof(val));
			ck_assert_msg(rec_set(a, k->name, val, NULL) == 0,
				      "%s = %s rejected", k->name, val);
		}
		text = rec_format(a, REC_FMT_FILE);
		ck_assert_ptr_nonnull(text);
		ck_assert_int_eq(rec_parse(b, text, strlen(text), "rt", &diag), 0);
		ck_assert_uint_eq(d.errors + d.notices, 0);
		for (size_t i = 0; i < rec_key_count(kind); i++) {
			const struct rec_key *k = rec_key_at(kind, i);

			if (k->flags & REC_F_HIDDEN) {
				ck_assert_ptr_null(strstr(text, k->name));
				continue;
			}
			ck_assert_msg(streq(rec_get(a, k->name), rec_get(b, k->name)),
				      "%s did not round-trip", k->name);
		}
		free(text);
		rec_free(a);
		rec_free(b);
	}
}
END_TEST

/* What open-iscsi 2.1.8 writes for `iscsiadm -m node -o new -T ... -p ...`. */
static const char oi_node_file[] =
	"# BEGIN RECORD 2.1.8\n"
	"node.name = iqn.2016-01.com.example:tg1\n"
	"node.tpgt = 1\n"
	"node.startup = manual\n"
	"node.leading_login = No\n"
	"iface.iscsi_ifacename = default\n"
	"iface.prefix_len = 0\n"
	"iface.transport_name = tcp\n"
	"iface.vlan_id = 0\n"
	"iface.vlan_priority = 0\n"
	"iface.iface_num = 0\n"
	"iface.mtu = 0\n"
	"iface.port = 0\n"
	"iface.tos = 0\n"
	"iface.ttl = 0\n"
	"iface.tcp_wsf = 0\n"
	"iface.tcp_timer_scale = 0\n"
	"iface.def_task_mgmt_timeout = 0\n"
	"iface.erl = 0\n"
	"iface.max_receive_data_len = 0\n"
	"iface.first_burst_len = 0\n"
	"iface.max_outstanding_r2t = 0\n"
	"iface.max_burst_len = 0\n"
	"node.discovery_port = 0\n"
	"node.discovery_type = static\n"
	"node.session.initial_cmdsn = 0\n"
	"node.session.initial_login_retry_max = 4\n"
	"node.session.xmit_thread_priority = -20\n"
	"node.session.cmds_max = 128\n"
	"node.session.queue_depth = 32\n"
	"node.session.nr_sessions = 1\n"
	"node.session.auth.authmethod = None\n"
	"node.session.auth.chap_algs = MD5\n"
	"node.session.timeo.replacement_timeout = 120\n"
	"node.session.err_timeo.abort_timeout = 15\n"
	"node.session.err_timeo.lu_reset_timeout = 30\n"
	"node.session.err_timeo.tgt_reset_timeout = 30\n"
	"node.session.err_timeo.host_reset_timeout = 60\n"
	"node.session.iscsi.FastAbort = Yes\n"
	"node.session.iscsi.InitialR2T = No\n"
	"node.session.iscsi.ImmediateData = Yes\n"
	"node.session.iscsi.FirstBurstLength = 262144\n"
	"node.session.iscsi.MaxBurstLength = 16776192\n"
	"node.session.iscsi.DefaultTime2Retain = 0\n"
	"node.session.iscsi.DefaultTime2Wait = 2\n"
	"node.session.iscsi.MaxConnections = 1\n"
	"node.session.iscsi.MaxOutstandingR2T = 1\n"
	"node.session.iscsi.ERL = 0\n"
	"node.session.scan = auto\n"
	"node.session.reopen_max = 0\n"
	"node.conn[0].address = 127.0.0.1\n"
	"node.conn[0].port = 3260\n"
	"node.conn[0].startup = manual\n"
	"node.conn[0].tcp.window_size = 524288\n"
	"node.conn[0].tcp.type_of_service = 0\n"
	"node.conn[0].timeo.logout_timeout = 15\n"
	"node.conn[0].timeo.login_timeout = 30\n"
	"node.conn[0].timeo.auth_timeout = 45\n"
	"node.conn[0].timeo.noop_out_interval = 5\n"
	"node.conn[0].timeo.noop_out_timeout = 5\n"
	"node.conn[0].iscsi.MaxXmitDataSegmentLength = 0\n"
	"node.conn[0].iscsi.MaxRecvDataSegmentLength = 262144\n"
	"node.conn[0].iscsi.HeaderDigest = None\n"
	"node.conn[0].iscsi.DataDigest = None\n"
	"node.conn[0].iscsi.IFMarker = No\n"
	"node.conn[0].iscsi.OFMarker = No\n"
	"# END RECORD\n";

START_TEST(test_node_file_is_byte_identical_to_open_iscsi_2_1_8)
{
	struct rec *r = node_rec(), *b = rec_new(REC_NODE);
	char *text = rec_format(r, REC_FMT_FILE);

	ck_assert_str_eq(text, oi_node_file);
	/* and open-iscsi's file reads back into the same record */
	ck_assert_int_eq(rec_parse(b, oi_node_file, strlen(oi_node_file), "oi", NULL), 0);
	free(text);
	text = rec_format(b, REC_FMT_FILE);
	ck_assert_str_eq(text, oi_node_file);
	free(text);
	rec_free(r);
	rec_free(b);
}
END_TEST

START_TEST(test_show_prints_every_visible_key_with_empty_marker)
{
	struct rec *r = node_rec();
	char *text = rec_format(r, REC_FMT_SHOW);

	static const char head[] = "# BEGIN RECORD 2.1.8\nnode.name = iqn.2016-01.com.example:tg1\n";

	ck_assert(!strncmp(text, head, strlen(head)));
	ck_assert_ptr_nonnull(strstr(text, "\niface.net_ifacename = <empty>\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nnode.discovery_address = <empty>\n"));
	ck_assert_ptr_nonnull(strstr(text, "\niface.discovery_logout = <empty>\n"));
	ck_assert_ptr_null(strstr(text, "password_length"));
	/* keys newer than 2.1.8 stay out while at their defaults */
	ck_assert_ptr_null(strstr(text, "sess_reopen_log_freq"));
	ck_assert_ptr_null(strstr(text, "congestion_control"));
	ck_assert_ptr_null(strstr(text, "ipv6_autocfg"));
	ck_assert(strlen(text) > 13 && streq(text + strlen(text) - 13, "# END RECORD\n"));
	free(text);
	rec_free(r);
}
END_TEST

START_TEST(test_show_masks_secrets_unless_asked)
{
	struct rec *r = node_rec();
	char *show, *secret, *file;

	ck_assert_int_eq(rec_set(r, "node.session.auth.password", "topsecret123", NULL), 0);
	show = rec_format(r, REC_FMT_SHOW);
	secret = rec_format(r, REC_FMT_SHOW_SECRETS);
	file = rec_format(r, REC_FMT_FILE);
	ck_assert_ptr_nonnull(strstr(show, "\nnode.session.auth.password = ********\n"));
	ck_assert_ptr_null(strstr(show, "topsecret123"));
	/* an empty secret is shown as empty, as open-iscsi does */
	ck_assert_ptr_nonnull(strstr(show, "\nnode.session.auth.password_in = <empty>\n"));
	ck_assert_ptr_nonnull(strstr(secret, "\nnode.session.auth.password = topsecret123\n"));
	ck_assert_ptr_nonnull(strstr(file, "\nnode.session.auth.password = topsecret123\n"));
	free(show);
	free(secret);
	free(file);
	rec_free(r);
}
END_TEST

START_TEST(test_unknown_key_is_refused_with_open_iscsi_message)
{
	struct rec *r = rec_new(REC_NODE);
	struct ll_error e = { 0 };

	ck_assert_int_eq(rec_set(r, "node.bogus", "1", &e), -ENOENT);
	ck_assert_str_eq(e.msg, "Cannot modify node.bogus. Invalid param name.");
	ck_assert_int_eq(e.code, ISCSI_ERR_INVAL);
	ck_assert_int_eq(rec_set(r, "discovery.sendtargets.port", "1", NULL), -ENOENT);
	rec_free(r);
}
END_TEST

static void expect_bad(struct rec *r, const char *key, const char *val)
{
	struct ll_error e = { 0 };
	char before[REC_VALUE_MAX + 1];

	snprintf(before, sizeof(before), "%s", rec_get(r, key));
	ck_assert_msg(rec_set(r, key, val, &e) == -EINVAL, "%s = %s accepted", key, val);
	ck_assert_ptr_nonnull(strstr(e.msg, key));
	ck_assert_int_eq(e.code, ISCSI_ERR_INVAL);
	ck_assert_str_eq(rec_get(r, key), before);
}

START_TEST(test_set_rejects_bad_enum_bool_and_int_values)
{
	struct rec *r = rec_new(REC_NODE);
	struct ll_error e = { 0 };

	expect_bad(r, "node.startup", "bogus");
	expect_bad(r, "node.session.iscsi.InitialR2T", "maybe");
	expect_bad(r, "node.session.cmds_max", "abc");
	expect_bad(r, "node.session.cmds_max", "12x");
	expect_bad(r, "node.session.cmds_max", "99999999999999999999");
	expect_bad(r, "node.conn[0].port", "70000");
	expect_bad(r, "node.tpgt", "-2");
	expect_bad(r, "node.session.iscsi.ERL", "3");
	expect_bad(r, "node.conn[0].iscsi.HeaderDigest", "CRC64");
	expect_bad(r, "node.session.auth.chap_algs", "MD5,MD5");
	expect_bad(r, "node.session.auth.chap_algs", "MD5,");
	expect_bad(r, "node.session.auth.chap_algs", "MD4");
	rec_set(r, "node.startup", "bogus", &e);
	ck_assert_ptr_nonnull(strstr(e.msg, "'bogus'"));
	ck_assert_ptr_nonnull(strstr(e.msg, "manual, automatic, onboot"));
	rec_free(r);
}
END_TEST

START_TEST(test_set_stores_canonical_spelling)
{
	struct rec *r = rec_new(REC_NODE);

	ck_assert_int_eq(rec_set(r, "node.session.iscsi.InitialR2T", "yes", NULL), 0);
	ck_assert_str_eq(rec_get(r, "node.session.iscsi.InitialR2T"), "Yes");
	ck_assert_int_eq(rec_set(r, "node.startup", "AUTOMATIC", NULL), 0);
	ck_assert_str_eq(rec_get(r, "node.startup"), "automatic");
	ck_assert_int_eq(rec_set(r, "node.session.cmds_max", "+0064", NULL), 0);
	ck_assert_str_eq(rec_get(r, "node.session.cmds_max"), "64");
	ck_assert_int_eq(rec_set(r, "node.session.auth.chap_algs", "sha3-256, sha256,md5", NULL), 0);
	ck_assert_str_eq(rec_get(r, "node.session.auth.chap_algs"), "SHA3-256,SHA256,MD5");
	ck_assert_int_eq(rec_set(r, "node.conn[0].iscsi.DataDigest", "crc32c,none", NULL), 0);
	ck_assert_str_eq(rec_get(r, "node.conn[0].iscsi.DataDigest"), "CRC32C,None");
	ck_assert_int_eq(rec_set_int(r, "node.session.timeo.replacement_timeout", -1, NULL), 0);
	ck_assert_int_eq(rec_get_int(r, "node.session.timeo.replacement_timeout"), -1);
	rec_free(r);
}
END_TEST

START_TEST(test_empty_value_resets_typed_keys_to_default)
{
	struct rec *r = rec_new(REC_NODE);

	rec_set(r, "node.session.cmds_max", "64", NULL);
	ck_assert_int_eq(rec_set(r, "node.session.cmds_max", "", NULL), 0);
	ck_assert_str_eq(rec_get(r, "node.session.cmds_max"), "128");
	rec_set(r, "node.session.auth.username", "bob", NULL);
	ck_assert_int_eq(rec_set(r, "node.session.auth.username", "", NULL), 0);
	ck_assert_str_eq(rec_get(r, "node.session.auth.username"), "");
	rec_free(r);
}
END_TEST

START_TEST(test_set_rejects_control_characters_and_overlong_values)
{
	struct rec *r = rec_new(REC_NODE);
	struct ll_error e = { 0 };
	char big[REC_VALUE_MAX + 2];

	expect_bad(r, "node.session.auth.username", "a\nb");
	expect_bad(r, "node.session.auth.username", "a\tb");
	expect_bad(r, "node.session.auth.username", "a\x7f");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_bad(r, "node.session.auth.username", big);
	big[REC_VALUE_MAX] = '\0';
	ck_assert_int_eq(rec_set(r, "node.session.auth.username", big, NULL), 0);
	/* a bad secret is never echoed into the message */
	ck_assert_int_eq(rec_set(r, "node.session.auth.password", "hunter2\x01", &e), -EINVAL);
	ck_assert_ptr_null(strstr(e.msg, "hunter2"));
	rec_free(r);
}
END_TEST

START_TEST(test_parse_keeps_unknown_keys_and_writes_them_back)
{
	static const char text[] =
		"# BEGIN RECORD 2.1.11\n"
		"node.name = iqn.x:y\n"
		"node.future_key = some value\n"
		"# END RECORD\n";
	struct rec *r = rec_new(REC_NODE), *b = rec_new(REC_NODE);
	struct tu_diags d = { 0 };
	struct rec_diag diag = { tu_diags_collect, &d };
	const char *v = NULL;
	char *out;

	ck_assert_int_eq(rec_parse(r, text, strlen(text), "f", &diag), 0);
	ck_assert_uint_eq(d.notices, 1);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_ptr_nonnull(strstr(d.last_msg, "node.future_key"));
	ck_assert_uint_eq(rec_unknown_count(r), 1);
	ck_assert_str_eq(rec_unknown_get(r, 0, &v), "node.future_key");
	ck_assert_str_eq(v, "some value");
	out = rec_format(r, REC_FMT_FILE);
	ck_assert_ptr_nonnull(strstr(out, "\nnode.future_key = some value\n# END RECORD\n"));
	ck_assert_int_eq(rec_parse(b, out, strlen(out), "again", NULL), 0);
	ck_assert_uint_eq(rec_unknown_count(b), 1);
	free(out);
	rec_free(r);
	rec_free(b);
}
END_TEST

START_TEST(test_parse_reports_file_and_line_and_goes_on)
{
	static const char text[] =
		"node.name = iqn.x:y\n"                   /* 1 ok */
		"node.session.cmds_max = 64\n"            /* 2 ok */
		"this line has no equals sign\n"          /* 3 bad */
		"node.startup = automatic\n"              /* 4 ok */
		"node.session.queue_depth = lots\n"       /* 5 bad */
		"node.session.nr_sessions = 2\n"          /* 6 ok */
		"node.conn[0].port = 32\0\n"              /* 7 bad: NUL */
		"  node.session.scan   =   manual  \r\n"  /* 8 ok */
		"= novalue\n"                             /* 9 bad */
		"node.conn[0].startup = automatic";       /* 10 ok, no newline */
	struct rec *r = rec_new(REC_NODE);
	struct tu_diags d = { 0 };
	struct rec_diag diag = { tu_diags_collect, &d };

	ck_assert_int_eq(rec_parse(r, text, sizeof(text) - 1, "/x/rec", &diag), 4);
	ck_assert_uint_eq(d.errors, 4);
	ck_assert_uint_eq(d.lines[0], 3);
	ck_assert_uint_eq(d.lines[1], 5);
	ck_assert_uint_eq(d.lines[2], 7);
	ck_assert_uint_eq(d.lines[3], 9);
	ck_assert_str_eq(d.last_file, "/x/rec");
	ck_assert_ptr_nonnull(strstr(d.all, "/x/rec:5: Invalid value 'lots' for node.session.queue_depth"));
	ck_assert_str_eq(rec_get(r, "node.session.cmds_max"), "64");
	ck_assert_str_eq(rec_get(r, "node.startup"), "automatic");
	ck_assert_str_eq(rec_get(r, "node.session.nr_sessions"), "2");
	ck_assert_str_eq(rec_get(r, "node.session.queue_depth"), "32");
	ck_assert_str_eq(rec_get(r, "node.conn[0].port"), "3260");
	ck_assert_str_eq(rec_get(r, "node.session.scan"), "manual");
	ck_assert_str_eq(rec_get(r, "node.conn[0].startup"), "automatic");
	rec_free(r);
}
END_TEST

START_TEST(test_parse_refuses_overlong_lines_keys_and_values)
{
	char *text = malloc(4096);
	struct rec *r = rec_new(REC_NODE);
	struct tu_diags d = { 0 };
	struct rec_diag diag = { tu_diags_collect, &d };
	size_t off = 0;

	off += (size_t)sprintf(text + off, "%0200d = 1\n", 7);                 /* key too long */
	off += (size_t)sprintf(text + off, "node.session.auth.username = %0256d\n", 1); /* value */
	off += (size_t)sprintf(text + off, "node.name = %01100d\n", 3);         /* line */
	off += (size_t)sprintf(text + off, "#%01500d\n", 3);                    /* long comment ok */
	off += (size_t)sprintf(text + off, "node.session.cmds_max = 16\n");
	ck_assert_int_eq(rec_parse(r, text, off, "long", &diag), 3);
	ck_assert_uint_eq(d.lines[0], 1);
	ck_assert_uint_eq(d.lines[1], 2);
	ck_assert_uint_eq(d.lines[2], 3);
	ck_assert_str_eq(rec_get(r, "node.session.auth.username"), "");
	ck_assert_str_eq(rec_get(r, "node.session.cmds_max"), "16");
	free(text);
	rec_free(r);
}
END_TEST

START_TEST(test_parse_survives_binary_garbage_and_caps_reports)
{
	size_t n = 256 * 1024;
	unsigned char *junk = malloc(n);
	struct rec *r = rec_new(REC_NODE);
	struct tu_diags d = { 0 };
	struct rec_diag diag = { tu_diags_collect, &d };
	unsigned seed = 12345;
	int bad;

	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		junk[i] = (unsigned char)(seed >> 16);
	}
	bad = rec_parse(r, (const char *)junk, n, "junk", &diag);
	ck_assert_int_gt(bad, 100);
	ck_assert_uint_le(d.errors, 21 + 300);  /* splitter reports are capped */
	/* identity keys stay untouched by junk */
	ck_assert_str_eq(rec_get(r, "node.tpgt"), "-1");
	free(junk);
	rec_free(r);
}
END_TEST

START_TEST(test_parse_caps_keys_per_record)
{
	char *text = malloc(64 * 400);
	struct rec *r = rec_new(REC_NODE);
	struct tu_diags d = { 0 };
	struct rec_diag diag = { tu_diags_collect, &d };
	size_t off = 0, known = rec_key_count(REC_NODE);

	for (int i = 0; i < 400; i++)
		off += (size_t)sprintf(text + off, "x.unknown%d = %d\n", i, i);
	ck_assert_int_eq(rec_parse(r, text, off, "many", &diag), (int)(400 - (REC_MAX_KEYS - known)));
	ck_assert_uint_eq(rec_unknown_count(r) + known, REC_MAX_KEYS);
	ck_assert_ptr_nonnull(strstr(d.all, "too many keys"));
	free(text);
	rec_free(r);
}
END_TEST

START_TEST(test_hidden_length_keys_are_read_silently_and_never_written)
{
	static const char text[] = "node.session.auth.password_length = 6\n";
	struct rec *r = rec_new(REC_NODE);
	struct tu_diags d = { 0 };
	struct rec_diag diag = { tu_diags_collect, &d };
	char *out;

	ck_assert_int_eq(rec_parse(r, text, strlen(text), "h", &diag), 0);
	ck_assert_uint_eq(d.errors + d.notices, 0);
	ck_assert_uint_eq(rec_unknown_count(r), 0);
	out = rec_format(r, REC_FMT_SHOW_SECRETS);
	ck_assert_ptr_null(strstr(out, "password_length"));
	free(out);
	rec_free(r);
}
END_TEST

START_TEST(test_quiet_keys_appear_only_when_changed)
{
	struct rec *r = node_rec();
	char *out;

	rec_set(r, "node.session.sess_reopen_log_freq", "5", NULL);
	rec_set(r, "node.conn[0].tcp.congestion_control", "bbr", NULL);
	out = rec_format(r, REC_FMT_FILE);
	ck_assert_ptr_nonnull(strstr(out, "\nnode.session.sess_reopen_log_freq = 5\n"));
	ck_assert_ptr_nonnull(strstr(out, "\nnode.conn[0].tcp.congestion_control = bbr\n"));
	free(out);
	rec_free(r);
}
END_TEST

/* What open-iscsi 2.1.8 prints for a new SendTargets discovery record. */
static const char oi_disc_show[] =
	"# BEGIN RECORD 2.1.8\n"
	"discovery.startup = manual\n"
	"discovery.type = sendtargets\n"
	"discovery.sendtargets.address = 127.0.0.1\n"
	"discovery.sendtargets.port = 3260\n"
	"discovery.sendtargets.auth.authmethod = None\n"
	"discovery.sendtargets.auth.username = <empty>\n"
	"discovery.sendtargets.auth.password = <empty>\n"
	"discovery.sendtargets.auth.username_in = <empty>\n"
	"discovery.sendtargets.auth.password_in = <empty>\n"
	"node.session.auth.chap_algs = MD5\n"
	"discovery.sendtargets.timeo.login_timeout = 15\n"
	"discovery.sendtargets.use_discoveryd = No\n"
	"discovery.sendtargets.discoveryd_poll_inval = 30\n"
	"discovery.sendtargets.reopen_max = 5\n"
	"discovery.sendtargets.timeo.auth_timeout = 45\n"
	"discovery.sendtargets.timeo.active_timeout = 30\n"
	"discovery.sendtargets.iscsi.MaxRecvDataSegmentLength = 32768\n"
	"# END RECORD\n";

START_TEST(test_discovery_record_show_matches_open_iscsi_2_1_8)
{
	struct rec *r = rec_new(REC_DISC_ST);
	char *out;

	rec_set(r, "discovery.sendtargets.address", "127.0.0.1", NULL);
	out = rec_format(r, REC_FMT_SHOW);
	ck_assert_str_eq(out, oi_disc_show);
	free(out);
	rec_free(r);
}
END_TEST

START_TEST(test_iface_record_starts_like_open_iscsi_default_iface)
{
	struct rec *r = rec_new(REC_IFACE);
	char *out = rec_format(r, REC_FMT_SHOW);

	static const char head[] = "# BEGIN RECORD 2.1.8\n"
		"iface.iscsi_ifacename = default\n"
		"iface.net_ifacename = <empty>\n"
		"iface.ipaddress = <empty>\n"
		"iface.prefix_len = 0\n"
		"iface.hwaddress = <empty>\n"
		"iface.transport_name = tcp\n";

	ck_assert(!strncmp(out, head, strlen(head)));
	ck_assert_ptr_null(rec_get(r, "node.name"));
	free(out);
	rec_free(r);
}
END_TEST

START_TEST(test_copy_common_moves_iface_keys_into_node_record)
{
	struct rec *iface = rec_new(REC_IFACE), *node = node_rec();

	rec_set(iface, "iface.iscsi_ifacename", "eth-a", NULL);
	rec_set(iface, "iface.hwaddress", "52:54:00:12:34:56", NULL);
	rec_set(iface, "iface.net_ifacename", "eth0", NULL);
	rec_copy_common(node, iface);
	ck_assert_str_eq(rec_get(node, "iface.iscsi_ifacename"), "eth-a");
	ck_assert_str_eq(rec_get(node, "iface.hwaddress"), "52:54:00:12:34:56");
	ck_assert_str_eq(rec_get(node, "iface.net_ifacename"), "eth0");
	ck_assert_str_eq(rec_get(node, "node.name"), "iqn.2016-01.com.example:tg1");
	rec_free(iface);
	rec_free(node);
}
END_TEST

START_TEST(test_dup_is_independent_and_reset_restores_defaults)
{
	struct rec *a = node_rec(), *b;
	static const char extra[] = "x.y = 1\n";

	rec_parse(a, extra, strlen(extra), "e", NULL);
	b = rec_dup(a);
	rec_set(a, "node.startup", "onboot", NULL);
	ck_assert_str_eq(rec_get(b, "node.startup"), "manual");
	ck_assert_uint_eq(rec_unknown_count(b), 1);
	rec_reset(b);
	ck_assert_str_eq(rec_get(b, "node.name"), "");
	ck_assert_uint_eq(rec_unknown_count(b), 0);
	ck_assert_int_eq(rec_get_kind(b), REC_NODE);
	rec_free(a);
	rec_free(b);
}
END_TEST

START_TEST(test_lookup_and_iface_mode_flags_match_open_iscsi)
{
	static const char *lookup[] = { "node.name", "node.tpgt", "node.conn[0].address",
		"node.conn[0].port", "node.discovery_type" };
	static const char *iface_only[] = { "iface.iscsi_ifacename", "iface.hwaddress",
		"iface.net_ifacename", "iface.ipaddress", "iface.initiatorname" };

	for (size_t i = 0; i < ARRAY_SIZE(lookup); i++)
		ck_assert(rec_key_find(REC_NODE, lookup[i])->flags & REC_F_LOOKUP);
	for (size_t i = 0; i < ARRAY_SIZE(iface_only); i++)
		ck_assert(rec_key_find(REC_NODE, iface_only[i])->flags & REC_F_IFACE_MODE);
	ck_assert(!(rec_key_find(REC_NODE, "iface.transport_name")->flags & REC_F_IFACE_MODE));
	ck_assert(rec_key_find(REC_DISC_ST, "discovery.sendtargets.address")->flags & REC_F_LOOKUP);
	ck_assert(rec_key_find(REC_NODE, "node.session.auth.password_in")->flags & REC_F_SECRET);
	ck_assert(rec_key_find(REC_DISC_ST, "discovery.sendtargets.auth.password")->flags & REC_F_SECRET);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_new_node_record_has_open_iscsi_builtin_defaults,
		test_key_table_defaults_are_valid_and_names_unique,
		test_every_key_round_trips_through_the_file_format,
		test_node_file_is_byte_identical_to_open_iscsi_2_1_8,
		test_show_prints_every_visible_key_with_empty_marker,
		test_show_masks_secrets_unless_asked,
		test_unknown_key_is_refused_with_open_iscsi_message,
		test_set_rejects_bad_enum_bool_and_int_values,
		test_set_stores_canonical_spelling,
		test_empty_value_resets_typed_keys_to_default,
		test_set_rejects_control_characters_and_overlong_values,
		test_parse_keeps_unknown_keys_and_writes_them_back,
		test_parse_reports_file_and_line_and_goes_on,
		test_parse_refuses_overlong_lines_keys_and_values,
		test_parse_survives_binary_garbage_and_caps_reports,
		test_parse_caps_keys_per_record,
		test_hidden_length_keys_are_read_silently_and_never_written,
		test_quiet_keys_appear_only_when_changed,
		test_discovery_record_show_matches_open_iscsi_2_1_8,
		test_iface_record_starts_like_open_iscsi_default_iface,
		test_copy_common_moves_iface_keys_into_node_record,
		test_dup_is_independent_and_reset_restores_defaults,
		test_lookup_and_iface_mode_flags_match_open_iscsi,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "record",
		.tcase = "record",
		.tests = tests,
	});
}
