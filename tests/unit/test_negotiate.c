/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libiscsi-core/negotiate.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

/* Builds a list from "key=value" strings, NULL-terminated. */
static void mklist(struct text_list *l, ...)
{
	va_list ap;
	const char *kv;

	text_list_init(l);
	va_start(ap, l);
	while ((kv = va_arg(ap, const char *))) {
		char buf[128];
		char *eq;

		ck_assert_uint_lt(strlen(kv), sizeof(buf));
		strcpy(buf, kv);
		eq = strchr(buf, '=');
		ck_assert_ptr_nonnull(eq);
		*eq = '\0';
		ck_assert_int_eq(text_list_add(l, buf, eq + 1), 0);
	}
	va_end(ap);
}

/* Context with open-iscsi defaults, offer already built. */
static void start(struct neg_ctx *ctx, struct neg_config *cfg, bool discovery)
{
	struct ll_error err = { 0 };
	struct text_list out;

	ck_assert_int_eq(neg_init(ctx, cfg, discovery, &err), 0);
	text_list_init(&out);
	ck_assert_int_eq(neg_build_offer(ctx, &out), 0);
	text_list_free(&out);
}

static void start_default(struct neg_ctx *ctx)
{
	struct neg_config cfg;

	neg_config_defaults(&cfg);
	start(ctx, &cfg, false);
}

/* Feeds one target response; returns neg_handle_keys' result, reply in *reply. */
static int feed(struct neg_ctx *ctx, struct text_list *in, struct text_list *reply,
		struct ll_error *err)
{
	int r;

	text_list_init(reply);
	r = neg_handle_keys(ctx, in, reply, err);
	text_list_free(in);
	return r;
}

/* Feeds a single key=value; returns the result and the reply value (or NULL). */
static int feed1(struct neg_ctx *ctx, const char *kv, char *reply_val, size_t cap,
		 struct ll_error *err)
{
	struct text_list in, reply;
	int r;

	mklist(&in, kv, NULL);
	r = feed(ctx, &in, &reply, err);
	reply_val[0] = '\0';
	if (reply.n)
		snprintf(reply_val, cap, "%s=%s", reply.items[0].key, reply.items[0].value);
	text_list_free(&reply);
	return r;
}

START_TEST(test_negotiate_parse_number_accepts_decimal_and_hex_only)
{
	static const struct { const char *s; int r; uint64_t v; } cases[] = {
		{ "0", 0, 0 }, { "8192", 0, 8192 }, { "0x2000", 0, 8192 },
		{ "0X1f", 0, 31 }, { "007", 0, 7 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "0xffffffffffffffff", 0, UINT64_MAX },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "99999999999999999999", -ERANGE, 0 },
		{ "0x10000000000000000", -ERANGE, 0 },
		{ "", -EINVAL, 0 }, { "12abc", -EINVAL, 0 }, { "-1", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 }, { " 1", -EINVAL, 0 }, { "1 ", -EINVAL, 0 },
		{ "0x", -EINVAL, 0 }, { "0xg", -EINVAL, 0 }, { "1.5", -EINVAL, 0 },
		{ "0b", -EINVAL, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 12345;

		ck_assert_msg(neg_parse_number(cases[i].s, &v) == cases[i].r, "case '%s'", cases[i].s);
		if (cases[i].r == 0)
			ck_assert_msg(v == cases[i].v, "value of '%s'", cases[i].s);
	}
	ck_assert_int_eq(neg_parse_number(NULL, &(uint64_t){ 0 }), -EINVAL);
}
END_TEST

START_TEST(test_negotiate_key_table_is_consistent)
{
	size_t n;
	const struct neg_key_info *t = neg_keys(&n);

	ck_assert_uint_eq(n, NEG_KEY_COUNT_);
	for (size_t i = 0; i < n; i++) {
		uint64_t v;

		ck_assert_ptr_nonnull(t[i].name);
		ck_assert_ptr_eq(neg_key_find(t[i].name), &t[i]);
		ck_assert(t[i].senders != 0);
		if (t[i].type == NEG_NUM_MIN || t[i].type == NEG_NUM_MAX ||
		    (t[i].type == NEG_NUM_DECL && t[i].rfc_default)) {
			ck_assert_int_eq(neg_parse_number(t[i].rfc_default, &v), 0);
			ck_assert(v >= t[i].min && v <= t[i].max);
		}
	}
	ck_assert_ptr_null(neg_key_find("maxburstlength"));
	ck_assert_ptr_null(neg_key_find("X-com.example.foo"));
}
END_TEST

START_TEST(test_negotiate_key_table_has_rfc_types_and_defaults)
{
	static const struct { const char *name; enum neg_type type; const char *def; } rows[] = {
		{ "HeaderDigest", NEG_LIST, "None" },
		{ "MaxConnections", NEG_NUM_MIN, "1" },
		{ "InitialR2T", NEG_BOOL_OR, "Yes" },
		{ "ImmediateData", NEG_BOOL_AND, "Yes" },
		{ "MaxRecvDataSegmentLength", NEG_NUM_DECL, "8192" },
		{ "MaxBurstLength", NEG_NUM_MIN, "262144" },
		{ "FirstBurstLength", NEG_NUM_MIN, "65536" },
		{ "DefaultTime2Wait", NEG_NUM_MAX, "2" },
		{ "DefaultTime2Retain", NEG_NUM_MIN, "20" },
		{ "MaxOutstandingR2T", NEG_NUM_MIN, "1" },
		{ "DataPDUInOrder", NEG_BOOL_OR, "Yes" },
		{ "DataSequenceInOrder", NEG_BOOL_OR, "Yes" },
		{ "ErrorRecoveryLevel", NEG_NUM_MIN, "0" },
		{ "SessionType", NEG_DECL_STR, "Normal" },
		{ "IFMarker", NEG_OBSOLETE, "No" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct neg_key_info *k = neg_key_find(rows[i].name);

		ck_assert_ptr_nonnull(k);
		ck_assert_msg(k->type == rows[i].type, "%s type", rows[i].name);
		ck_assert_str_eq(k->rfc_default, rows[i].def);
	}
	ck_assert_uint_eq(neg_key_find("MaxBurstLength")->max, 16777215);
	ck_assert_uint_eq(neg_key_find("ErrorRecoveryLevel")->max, 2);
	ck_assert_uint_eq(neg_key_find("DefaultTime2Wait")->max, 3600);
	ck_assert(neg_key_find("MaxBurstLength")->flags & NEG_F_NORMAL_ONLY);
	ck_assert(!(neg_key_find("MaxRecvDataSegmentLength")->flags & NEG_F_NORMAL_ONLY));
	ck_assert_str_eq(neg_type_str(NEG_NUM_MAX), "numeric-max");
	ck_assert_str_eq(neg_type_str(NEG_BOOL_AND), "boolean-and");
}
END_TEST

START_TEST(test_negotiate_config_defaults_match_open_iscsi)
{
	struct neg_config c;

	neg_config_defaults(&c);
	ck_assert_uint_eq(c.max_recv_dsl, 262144);
	ck_assert_uint_eq(c.max_xmit_dsl, 0);
	ck_assert_uint_eq(c.first_burst, 262144);
	ck_assert_uint_eq(c.max_burst, 16776192);
	ck_assert(!c.initial_r2t);
	ck_assert(c.immediate_data);
	ck_assert_uint_eq(c.default_time2wait, 2);
	ck_assert_uint_eq(c.default_time2retain, 0);
	ck_assert_uint_eq(c.max_outstanding_r2t, 1);
	ck_assert_uint_eq(c.max_connections, 1);
	ck_assert_uint_eq(c.erl, 0);
	ck_assert_int_eq(c.header_digest, NEG_DIGEST_NONE);
}
END_TEST

START_TEST(test_negotiate_digest_pref_spellings)
{
	enum neg_digest_pref p;

	ck_assert_int_eq(neg_digest_pref_parse("CRC32C,None", &p), 0);
	ck_assert_int_eq(p, NEG_DIGEST_CRC32C_NONE);
	ck_assert_str_eq(neg_digest_pref_str(NEG_DIGEST_NONE_CRC32C), "None,CRC32C");
	ck_assert_int_eq(neg_digest_pref_parse("crc32c", &p), -EINVAL);
	ck_assert_int_eq(neg_digest_pref_parse("CRC32C, None", &p), -EINVAL);
	ck_assert_int_eq(neg_digest_pref_parse(NULL, &p), -EINVAL);
}
END_TEST

START_TEST(test_negotiate_init_rejects_out_of_range_config)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct ll_error err = { 0 };

	neg_config_defaults(&c);
	c.first_burst = 100;
	ck_assert_int_lt(neg_init(&ctx, &c, false, &err), 0);
	ck_assert_int_eq(err.code, ISCSI_ERR_INVAL);
	ck_assert_str_eq(err.msg, "node.session.iscsi.FirstBurstLength=100 is outside 512..16777215");

	neg_config_defaults(&c);
	c.max_recv_dsl = 16777216;
	ck_assert_int_lt(neg_init(&ctx, &c, false, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "MaxRecvDataSegmentLength"));

	neg_config_defaults(&c);
	c.erl = 3;
	ck_assert_int_lt(neg_init(&ctx, &c, false, &err), 0);

	neg_config_defaults(&c);
	c.max_xmit_dsl = 100;
	ck_assert_int_lt(neg_init(&ctx, &c, false, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "MaxXmitDataSegmentLength"));

	neg_config_defaults(&c);
	c.header_digest = (enum neg_digest_pref)9;
	ck_assert_int_lt(neg_init(&ctx, &c, false, &err), 0);
}
END_TEST

START_TEST(test_negotiate_init_rejects_first_burst_above_max_burst)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct ll_error err = { 0 };

	neg_config_defaults(&c);
	c.first_burst = 65536;
	c.max_burst = 65536;
	ck_assert_int_eq(neg_init(&ctx, &c, false, &err), 0);
	c.first_burst = 65537;
	ck_assert_int_lt(neg_init(&ctx, &c, false, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "exceeds MaxBurstLength"));
}
END_TEST

static char *joined(const struct text_list *l)
{
	static char buf[2048];

	buf[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		strcat(buf, l->items[i].key);
		strcat(buf, "=");
		strcat(buf, l->items[i].value);
		strcat(buf, " ");
	}
	return buf;
}

START_TEST(test_negotiate_offer_lists_normal_session_keys_without_markers)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct text_list out;
	struct ll_error err = { 0 };

	neg_config_defaults(&c);
	c.header_digest = NEG_DIGEST_CRC32C_NONE;
	ck_assert_int_eq(neg_init(&ctx, &c, false, &err), 0);
	text_list_init(&out);
	ck_assert_int_eq(neg_build_offer(&ctx, &out), 0);
	ck_assert_str_eq(joined(&out),
			 "HeaderDigest=CRC32C,None DataDigest=None MaxRecvDataSegmentLength=262144 "
			 "InitialR2T=No ImmediateData=Yes MaxBurstLength=16776192 "
			 "FirstBurstLength=262144 DefaultTime2Wait=2 DefaultTime2Retain=0 "
			 "MaxOutstandingR2T=1 DataPDUInOrder=Yes DataSequenceInOrder=Yes "
			 "ErrorRecoveryLevel=0 MaxConnections=1 ");
	ck_assert_ptr_null(text_list_get(&out, "IFMarker"));
	ck_assert_ptr_null(text_list_get(&out, "OFMarker"));
	ck_assert(!neg_complete(&ctx));
	text_list_free(&out);
}
END_TEST

START_TEST(test_negotiate_discovery_offer_has_only_applicable_keys)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct text_list out;
	struct ll_error err = { 0 };

	neg_config_defaults(&c);
	c.max_recv_dsl = 32768;
	ck_assert_int_eq(neg_init(&ctx, &c, true, &err), 0);
	text_list_init(&out);
	ck_assert_int_eq(neg_build_offer(&ctx, &out), 0);
	ck_assert_str_eq(joined(&out),
			 "HeaderDigest=None DataDigest=None MaxRecvDataSegmentLength=32768 "
			 "DefaultTime2Wait=2 DefaultTime2Retain=0 ErrorRecoveryLevel=0 ");
	text_list_free(&out);
}
END_TEST

START_TEST(test_negotiate_full_login_gives_agreed_values)
{
	struct neg_ctx ctx;
	struct text_list in, reply;
	struct ll_error err = { 0 };
	struct neg_params p;

	start_default(&ctx);
	mklist(&in, "HeaderDigest=None", "DataDigest=None", "MaxRecvDataSegmentLength=65536",
	       "InitialR2T=Yes", "ImmediateData=No", "MaxBurstLength=262144",
	       "FirstBurstLength=65536", "DefaultTime2Wait=5", "DefaultTime2Retain=0",
	       "MaxOutstandingR2T=1", "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes",
	       "ErrorRecoveryLevel=0", "MaxConnections=1", "TargetPortalGroupTag=3",
	       "TargetAlias=disk one", NULL);
	ck_assert_int_eq(feed(&ctx, &in, &reply, &err), 0);
	ck_assert_uint_eq(reply.n, 0);
	ck_assert(neg_complete(&ctx));
	neg_result(&ctx, &p);
	ck_assert_uint_eq(p.max_recv_dsl, 262144);
	ck_assert_uint_eq(p.max_xmit_dsl, 65536);
	ck_assert(!p.header_digest);
	ck_assert(p.initial_r2t);
	ck_assert(!p.immediate_data);
	ck_assert_uint_eq(p.max_burst, 262144);
	ck_assert_uint_eq(p.first_burst, 65536);
	ck_assert_uint_eq(p.default_time2wait, 5);
	ck_assert_uint_eq(p.default_time2retain, 0);
	ck_assert(p.data_pdu_in_order);
	ck_assert_uint_eq(p.max_connections, 1);
	ck_assert_int_eq(p.tpgt, 3);
	ck_assert_str_eq(p.target_alias, "disk one");
	text_list_free(&reply);
}
END_TEST

/* RFC 7143 6.2.2: AND with our No and OR with our Yes need no answer (LIO omits them). */
START_TEST(test_negotiate_completes_without_optional_boolean_answers)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct neg_params p;
	struct text_list in, reply;
	struct ll_error err = { 0 };

	neg_config_defaults(&c);
	c.initial_r2t = true;      /* OR + Yes: settled by us */
	c.immediate_data = false;  /* AND + No: settled by us */
	start(&ctx, &c, false);
	mklist(&in, "HeaderDigest=None", "DataDigest=None", "MaxConnections=1",
	       "MaxBurstLength=262144", "FirstBurstLength=65536", "DefaultTime2Wait=2",
	       "DefaultTime2Retain=0", "MaxOutstandingR2T=1", "ErrorRecoveryLevel=0", NULL);
	ck_assert_int_eq(feed(&ctx, &in, &reply, &err), 0);
	text_list_free(&reply);
	ck_assert(neg_complete(&ctx));
	neg_result(&ctx, &p);
	ck_assert(p.initial_r2t);
	ck_assert(!p.immediate_data);
	ck_assert(p.data_pdu_in_order);
	ck_assert(p.data_seq_in_order);
}
END_TEST

/* An optional answer that does come must still be legal. */
START_TEST(test_negotiate_optional_boolean_answer_is_still_checked)
{
	struct neg_ctx ctx;
	struct ll_error err = { 0 };
	char rv[64];

	start_default(&ctx);
	/* we offered DataPDUInOrder=Yes (OR): the only legal answer is Yes */
	ck_assert_int_eq(feed1(&ctx, "DataPDUInOrder=No", rv, sizeof(rv), &err), -1);
}
END_TEST

START_TEST(test_negotiate_complete_only_after_every_offer_is_answered)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct text_list in, reply;
	struct ll_error err = { 0 };

	neg_config_defaults(&c);
	start(&ctx, &c, true);
	mklist(&in, "HeaderDigest=None", "DataDigest=None", NULL);
	ck_assert_int_eq(feed(&ctx, &in, &reply, &err), 0);
	text_list_free(&reply);
	ck_assert(!neg_complete(&ctx));
	mklist(&in, "DefaultTime2Wait=2", "DefaultTime2Retain=0", "ErrorRecoveryLevel=0", NULL);
	ck_assert_int_eq(feed(&ctx, &in, &reply, &err), 0);
	text_list_free(&reply);
	/* MaxRecvDataSegmentLength is declarative and needs no answer */
	ck_assert(neg_complete(&ctx));
}
END_TEST

START_TEST(test_negotiate_numeric_min_answer_must_not_exceed_offer)
{
	struct neg_ctx ctx;
	struct ll_error err = { 0 };
	char rv[128];
	struct neg_params p;

	start_default(&ctx);
	ck_assert_int_eq(feed1(&ctx, "MaxBurstLength=65536", rv, sizeof(rv), &err), 0);
	neg_result(&ctx, &p);
	ck_assert_uint_eq(p.max_burst, 65536);

	start_default(&ctx);
	ck_assert_int_lt(feed1(&ctx, "MaxBurstLength=16776193", rv, sizeof(rv), &err), 0);
	ck_assert_int_eq(err.code, ISCSI_ERR_LOGIN);
	ck_assert_ptr_nonnull(strstr(err.msg, "MaxBurstLength=16776193"));

	start_default(&ctx);
	ck_assert_int_lt(feed1(&ctx, "MaxOutstandingR2T=0", rv, sizeof(rv), &err), 0);
	start_default(&ctx);
	ck_assert_int_lt(feed1(&ctx, "ErrorRecoveryLevel=3", rv, sizeof(rv), &err), 0);
	start_default(&ctx);
	ck_assert_int_lt(feed1(&ctx, "MaxConnections=2", rv, sizeof(rv), &err), 0);
}
END_TEST

START_TEST(test_negotiate_numeric_max_answer_must_not_be_below_offer)
{
	struct neg_ctx ctx;
	struct ll_error err = { 0 };
	char rv[128];
	struct neg_params p;

	start_default(&ctx);
	ck_assert_int_eq(feed1(&ctx, "DefaultTime2Wait=3600", rv, sizeof(rv), &err), 0);
	neg_result(&ctx, &p);
	ck_assert_uint_eq(p.default_time2wait, 3600);

	start_default(&ctx);
	ck_assert_int_lt(feed1(&ctx, "DefaultTime2Wait=1", rv, sizeof(rv), &err), 0);
	start_default(&ctx);
	ck_assert_int_lt(feed1(&ctx, "DefaultTime2Wait=3601", rv, sizeof(rv), &err), 0);
}
END_TEST

START_TEST(test_negotiate_rejects_malformed_numbers_in_answers)
{
	static const char *bad[] = {
		"MaxBurstLength=12abc", "MaxBurstLength=99999999999999999999",
		"MaxBurstLength=", "MaxBurstLength=-1", "MaxBurstLength=0x",
		"FirstBurstLength=511",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct neg_ctx ctx;
		struct ll_error err = { 0 };
		char rv[128];

		start_default(&ctx);
		ck_assert_msg(feed1(&ctx, bad[i], rv, sizeof(rv), &err) < 0, "%s", bad[i]);
		ck_assert_int_eq(err.code, ISCSI_ERR_LOGIN);
	}
}
END_TEST

START_TEST(test_negotiate_boolean_and_rules)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct ll_error err = { 0 };
	char rv[128];
	struct neg_params p;

	/* we offer ImmediateData=Yes: target may lower it to No */
	start_default(&ctx);
	ck_assert_int_eq(feed1(&ctx, "ImmediateData=No", rv, sizeof(rv), &err), 0);
	neg_result(&ctx, &p);
	ck_assert(!p.immediate_data);

	/* we offer No: Yes is not a possible AND result */
	neg_config_defaults(&c);
	c.immediate_data = false;
	start(&ctx, &c, false);
	ck_assert_int_lt(feed1(&ctx, "ImmediateData=Yes", rv, sizeof(rv), &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "ImmediateData"));
}
END_TEST

START_TEST(test_negotiate_boolean_or_rules)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct ll_error err = { 0 };
	char rv[128];
	struct neg_params p;

	/* we offer InitialR2T=No: target may raise it to Yes */
	start_default(&ctx);
	ck_assert_int_eq(feed1(&ctx, "InitialR2T=Yes", rv, sizeof(rv), &err), 0);
	neg_result(&ctx, &p);
	ck_assert(p.initial_r2t);

	neg_config_defaults(&c);
	c.initial_r2t = true;
	start(&ctx, &c, false);
	ck_assert_int_lt(feed1(&ctx, "InitialR2T=No", rv, sizeof(rv), &err), 0);

	start_default(&ctx);   /* DataPDUInOrder=Yes offered: No is illegal */
	ck_assert_int_lt(feed1(&ctx, "DataPDUInOrder=No", rv, sizeof(rv), &err), 0);
	start_default(&ctx);
	ck_assert_int_lt(feed1(&ctx, "DataSequenceInOrder=No", rv, sizeof(rv), &err), 0);
}
END_TEST

START_TEST(test_negotiate_rejects_illegal_boolean_values)
{
	static const char *bad[] = { "InitialR2T=yes", "InitialR2T=1", "ImmediateData=",
				     "ImmediateData=Maybe" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct neg_ctx ctx;
		struct ll_error err = { 0 };
		char rv[128];

		start_default(&ctx);
		ck_assert_msg(feed1(&ctx, bad[i], rv, sizeof(rv), &err) < 0, "%s", bad[i]);
	}
}
END_TEST

START_TEST(test_negotiate_digest_list_answer_must_be_one_offered_value)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct ll_error err = { 0 };
	char rv[128];
	struct neg_params p;

	neg_config_defaults(&c);
	c.header_digest = NEG_DIGEST_CRC32C_NONE;
	start(&ctx, &c, false);
	ck_assert_int_eq(feed1(&ctx, "HeaderDigest=CRC32C", rv, sizeof(rv), &err), 0);
	neg_result(&ctx, &p);
	ck_assert(p.header_digest);
	ck_assert(!p.data_digest);

	start(&ctx, &c, false);
	ck_assert_int_eq(feed1(&ctx, "HeaderDigest=None", rv, sizeof(rv), &err), 0);
	neg_result(&ctx, &p);
	ck_assert(!p.header_digest);

	start(&ctx, &c, false);
	ck_assert_int_lt(feed1(&ctx, "HeaderDigest=CRC32C,None", rv, sizeof(rv), &err), 0);
	start(&ctx, &c, false);
	ck_assert_int_lt(feed1(&ctx, "HeaderDigest=MD5", rv, sizeof(rv), &err), 0);
	/* DataDigest offered "None": CRC32C was not offered */
	start(&ctx, &c, false);
	ck_assert_int_lt(feed1(&ctx, "DataDigest=CRC32C", rv, sizeof(rv), &err), 0);
}
END_TEST

START_TEST(test_negotiate_reject_of_required_digest_fails_login)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct ll_error err = { 0 };
	char rv[128];
	struct neg_params p;

	neg_config_defaults(&c);
	c.data_digest = NEG_DIGEST_CRC32C;
	start(&ctx, &c, false);
	ck_assert_int_lt(feed1(&ctx, "DataDigest=Reject", rv, sizeof(rv), &err), 0);
	ck_assert_str_eq(err.msg, "target answered DataDigest=Reject to our CRC32C, which node.conn[0].iscsi.DataDigest requires");

	/* CRC32C,None allows the default None */
	c.data_digest = NEG_DIGEST_CRC32C_NONE;
	start(&ctx, &c, false);
	ck_assert_int_eq(feed1(&ctx, "DataDigest=Reject", rv, sizeof(rv), &err), 0);
	neg_result(&ctx, &p);
	ck_assert(!p.data_digest);
}
END_TEST

START_TEST(test_negotiate_reject_of_numeric_key_keeps_rfc_default)
{
	struct neg_ctx ctx;
	struct text_list in, reply;
	struct ll_error err = { 0 };
	struct neg_params p;

	start_default(&ctx);
	mklist(&in, "MaxBurstLength=Reject", "FirstBurstLength=NotUnderstood", NULL);
	ck_assert_int_eq(feed(&ctx, &in, &reply, &err), 0);
	ck_assert_uint_eq(reply.n, 0);
	text_list_free(&reply);
	neg_result(&ctx, &p);
	ck_assert_uint_eq(p.max_burst, 262144);
	ck_assert_uint_eq(p.first_burst, 65536);
}
END_TEST

START_TEST(test_negotiate_accepts_irrelevant_first_burst)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct text_list in, reply;
	struct ll_error err = { 0 };

	neg_config_defaults(&c);
	c.initial_r2t = true;
	c.immediate_data = false;
	start(&ctx, &c, false);
	mklist(&in, "HeaderDigest=None", "DataDigest=None", "InitialR2T=Yes",
	       "ImmediateData=No", "MaxBurstLength=262144", "FirstBurstLength=Irrelevant",
	       "DefaultTime2Wait=2", "DefaultTime2Retain=0", "MaxOutstandingR2T=1",
	       "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes", "ErrorRecoveryLevel=0",
	       "MaxConnections=1", NULL);
	ck_assert_int_eq(feed(&ctx, &in, &reply, &err), 0);
	ck_assert_uint_eq(reply.n, 0);
	ck_assert(neg_complete(&ctx));
	text_list_free(&reply);
}
END_TEST

/* All answers the default context needs, with a chosen MaxBurst/FirstBurst. */
static int answer_all(struct neg_ctx *ctx, const char *ir2t, const char *imm,
		      const char *mbl, const char *fbl, struct ll_error *err)
{
	struct text_list in, reply;
	int r;

	mklist(&in, "HeaderDigest=None", "DataDigest=None", ir2t, imm, mbl, fbl,
	       "DefaultTime2Wait=2", "DefaultTime2Retain=0", "MaxOutstandingR2T=1",
	       "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes", "ErrorRecoveryLevel=0",
	       "MaxConnections=1", NULL);
	r = feed(ctx, &in, &reply, err);
	text_list_free(&reply);
	return r;
}

START_TEST(test_negotiate_refuses_first_burst_above_max_burst_result)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct ll_error err = { 0 };

	start_default(&ctx);
	ck_assert_int_lt(answer_all(&ctx, "InitialR2T=No", "ImmediateData=Yes",
				    "MaxBurstLength=65536", "FirstBurstLength=262144", &err), 0);
	ck_assert_str_eq(err.msg, "negotiated FirstBurstLength=262144 exceeds MaxBurstLength=65536");

	/* FirstBurstLength is irrelevant when no unsolicited data flows */
	neg_config_defaults(&c);
	c.initial_r2t = true;
	c.immediate_data = false;
	start(&ctx, &c, false);
	ck_assert_int_eq(answer_all(&ctx, "InitialR2T=Yes", "ImmediateData=No",
				    "MaxBurstLength=65536", "FirstBurstLength=262144", &err), 0);
}
END_TEST

START_TEST(test_negotiate_answers_target_proposals_with_result_function)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct text_list in, reply, out;
	struct ll_error err = { 0 };

	/* the target speaks first (before our offer): we answer, then do not re-offer */
	neg_config_defaults(&c);
	ck_assert_int_eq(neg_init(&ctx, &c, false, &err), 0);
	mklist(&in, "MaxBurstLength=65536", "DefaultTime2Wait=10", "InitialR2T=Yes",
	       "ImmediateData=No", "MaxOutstandingR2T=8", "DefaultTime2Retain=60",
	       "HeaderDigest=CRC32C,None", NULL);
	ck_assert_int_eq(feed(&ctx, &in, &reply, &err), 0);
	ck_assert_str_eq(joined(&reply),
			 "MaxBurstLength=65536 DefaultTime2Wait=10 InitialR2T=Yes "
			 "ImmediateData=No MaxOutstandingR2T=1 DefaultTime2Retain=0 "
			 "HeaderDigest=None ");
	text_list_free(&reply);
	text_list_init(&out);
	ck_assert_int_eq(neg_build_offer(&ctx, &out), 0);
	ck_assert_ptr_null(text_list_get(&out, "MaxBurstLength"));
	ck_assert_ptr_null(text_list_get(&out, "HeaderDigest"));
	ck_assert_ptr_nonnull(text_list_get(&out, "FirstBurstLength"));
	text_list_free(&out);
}
END_TEST

START_TEST(test_negotiate_proposal_digest_list_picks_first_acceptable)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct ll_error err = { 0 };
	char rv[128];

	neg_config_defaults(&c);
	c.header_digest = NEG_DIGEST_NONE_CRC32C;
	ck_assert_int_eq(neg_init(&ctx, &c, false, &err), 0);
	ck_assert_int_eq(feed1(&ctx, "HeaderDigest=CRC32C,None", rv, sizeof(rv), &err), 0);
	ck_assert_str_eq(rv, "HeaderDigest=CRC32C");

	c.header_digest = NEG_DIGEST_CRC32C;
	ck_assert_int_eq(neg_init(&ctx, &c, false, &err), 0);
	ck_assert_int_lt(feed1(&ctx, "HeaderDigest=None", rv, sizeof(rv), &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "node.conn[0].iscsi.HeaderDigest"));
}
END_TEST

START_TEST(test_negotiate_rejects_out_of_range_or_malformed_proposals)
{
	static const char *bad[] = {
		"MaxOutstandingR2T=0", "MaxBurstLength=99999999999999999999",
		"MaxBurstLength=12abc", "MaxBurstLength=", "FirstBurstLength=16777216",
		"DefaultTime2Wait=3601", "ErrorRecoveryLevel=7", "InitialR2T=yes",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct neg_ctx ctx;
		struct neg_config c;
		struct ll_error err = { 0 };
		char rv[128], want[128];

		neg_config_defaults(&c);
		ck_assert_int_eq(neg_init(&ctx, &c, false, &err), 0);
		ck_assert_msg(feed1(&ctx, bad[i], rv, sizeof(rv), &err) == 0, "%s", bad[i]);
		snprintf(want, sizeof(want), "%.*s=Reject", (int)strcspn(bad[i], "="), bad[i]);
		ck_assert_str_eq(rv, want);
	}
}
END_TEST

START_TEST(test_negotiate_answers_unknown_and_extension_keys_not_understood)
{
	struct neg_ctx ctx;
	struct text_list in, reply;
	struct ll_error err = { 0 };

	start_default(&ctx);
	mklist(&in, "X-com.example.Foo=1", "FancyKey=Yes", "X-com.example.Bar=NotUnderstood",
	       NULL);
	ck_assert_int_eq(feed(&ctx, &in, &reply, &err), 0);
	/* a NotUnderstood value is an answer, never answered again (no loops) */
	ck_assert_str_eq(joined(&reply), "X-com.example.Foo=NotUnderstood FancyKey=NotUnderstood ");
	text_list_free(&reply);
}
END_TEST

START_TEST(test_negotiate_answers_obsolete_marker_keys_reject)
{
	struct neg_ctx ctx;
	struct text_list in, reply;
	struct ll_error err = { 0 };

	start_default(&ctx);
	mklist(&in, "IFMarker=No", "OFMarker=Yes", "OFMarkInt=2048~8192", NULL);
	ck_assert_int_eq(feed(&ctx, &in, &reply, &err), 0);
	ck_assert_str_eq(joined(&reply), "IFMarker=Reject OFMarker=Reject OFMarkInt=Reject ");
	text_list_free(&reply);
}
END_TEST

START_TEST(test_negotiate_discovery_answers_normal_only_keys_irrelevant)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct text_list in, reply;
	struct ll_error err = { 0 };

	neg_config_defaults(&c);
	start(&ctx, &c, true);
	mklist(&in, "InitialR2T=Yes", "MaxBurstLength=65536", "MaxConnections=1",
	       "DefaultTime2Wait=2", NULL);
	ck_assert_int_eq(feed(&ctx, &in, &reply, &err), 0);
	ck_assert_str_eq(joined(&reply),
			 "InitialR2T=Irrelevant MaxBurstLength=Irrelevant MaxConnections=Irrelevant ");
	text_list_free(&reply);
}
END_TEST

START_TEST(test_negotiate_refuses_key_sent_twice_in_one_response)
{
	struct neg_ctx ctx;
	struct text_list in, reply;
	struct ll_error err = { 0 };

	start_default(&ctx);
	mklist(&in, "MaxBurstLength=65536", "MaxBurstLength=65536", NULL);
	ck_assert_int_lt(feed(&ctx, &in, &reply, &err), 0);
	ck_assert_str_eq(err.msg, "target sent MaxBurstLength twice in one response");
	text_list_free(&reply);
}
END_TEST

START_TEST(test_negotiate_refuses_key_negotiated_twice_across_responses)
{
	static const char *keys[] = {
		"ImmediateData=Yes",                 /* answer repeated */
		"TaskReporting=RFC3720",             /* target proposal repeated */
		"MaxRecvDataSegmentLength=8192",     /* declaration repeated */
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		struct neg_ctx ctx;
		struct ll_error err = { 0 };
		char rv[128];

		start_default(&ctx);
		ck_assert_int_eq(feed1(&ctx, keys[i], rv, sizeof(rv), &err), 0);
		ck_assert_msg(feed1(&ctx, keys[i], rv, sizeof(rv), &err) < 0, "%s", keys[i]);
		ck_assert_ptr_nonnull(strstr(err.msg, "negotiated once"));
	}
}
END_TEST

START_TEST(test_negotiate_declarative_max_recv_dsl_each_direction)
{
	struct neg_ctx ctx;
	struct neg_config c;
	struct ll_error err = { 0 };
	char rv[128];
	struct neg_params p;

	/* no declaration from the target: RFC default 8192 */
	start_default(&ctx);
	neg_result(&ctx, &p);
	ck_assert_uint_eq(p.max_recv_dsl, 262144);
	ck_assert_uint_eq(p.max_xmit_dsl, 8192);

	/* target declares more than we: we still receive only what we declared */
	start_default(&ctx);
	ck_assert_int_eq(feed1(&ctx, "MaxRecvDataSegmentLength=1048576", rv, sizeof(rv), &err), 0);
	ck_assert_str_eq(rv, "");   /* declarations are not answered */
	neg_result(&ctx, &p);
	ck_assert_uint_eq(p.max_recv_dsl, 262144);
	ck_assert_uint_eq(p.max_xmit_dsl, 1048576);

	/* MaxXmitDataSegmentLength caps what we send */
	neg_config_defaults(&c);
	c.max_xmit_dsl = 16384;
	start(&ctx, &c, false);
	ck_assert_int_eq(feed1(&ctx, "MaxRecvDataSegmentLength=65536", rv, sizeof(rv), &err), 0);
	neg_result(&ctx, &p);
	ck_assert_uint_eq(p.max_xmit_dsl, 16384);

	c.max_xmit_dsl = 131072;
	start(&ctx, &c, false);
	ck_assert_int_eq(feed1(&ctx, "MaxRecvDataSegmentLength=65536", rv, sizeof(rv), &err), 0);
	neg_result(&ctx, &p);
	ck_assert_uint_eq(p.max_xmit_dsl, 65536);
}
END_TEST

START_TEST(test_negotiate_refuses_out_of_range_declarations)
{
	static const char *bad[] = {
		"MaxRecvDataSegmentLength=511", "MaxRecvDataSegmentLength=16777216",
		"MaxRecvDataSegmentLength=8k", "TargetPortalGroupTag=65536",
		"TargetPortalGroupTag=",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct neg_ctx ctx;
		struct ll_error err = { 0 };
		char rv[128];

		start_default(&ctx);
		ck_assert_msg(feed1(&ctx, bad[i], rv, sizeof(rv), &err) < 0, "%s", bad[i]);
		ck_assert_int_eq(err.code, ISCSI_ERR_LOGIN);
	}
}
END_TEST

START_TEST(test_negotiate_refuses_initiator_only_keys_from_target)
{
	static const char *bad[] = { "InitiatorName=iqn.2000-01.com.evil:x", "SessionType=Normal",
				     "InitiatorAlias=x" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct neg_ctx ctx;
		struct ll_error err = { 0 };
		char rv[128];

		start_default(&ctx);
		ck_assert_msg(feed1(&ctx, bad[i], rv, sizeof(rv), &err) < 0, "%s", bad[i]);
		ck_assert_ptr_nonnull(strstr(err.msg, "only an initiator may send"));
	}
}
END_TEST

START_TEST(test_negotiate_skips_security_keys_and_stores_declarations)
{
	struct neg_ctx ctx;
	struct text_list in, reply;
	struct ll_error err = { 0 };
	struct neg_params p;

	start_default(&ctx);
	mklist(&in, "AuthMethod=CHAP", "CHAP_A=5", "CHAP_I=1", "CHAP_C=0x0102",
	       "TargetAddress=192.0.2.7:3260,1", "TargetName=iqn.2003-01.org.example:t1", NULL);
	ck_assert_int_eq(feed(&ctx, &in, &reply, &err), 0);
	ck_assert_uint_eq(reply.n, 0);
	text_list_free(&reply);
	neg_result(&ctx, &p);
	ck_assert_str_eq(p.target_address, "192.0.2.7:3260,1");
	ck_assert_int_eq(p.tpgt, -1);
	ck_assert_str_eq(p.target_alias, "");
}
END_TEST

START_TEST(test_negotiate_rfc7143_keys_task_reporting_and_protocol_level)
{
	struct neg_ctx ctx;
	struct ll_error err = { 0 };
	char rv[128];

	start_default(&ctx);
	ck_assert_int_eq(feed1(&ctx, "TaskReporting=ResponseFence,RFC3720", rv, sizeof(rv), &err), 0);
	ck_assert_str_eq(rv, "TaskReporting=RFC3720");
	start_default(&ctx);
	ck_assert_int_eq(feed1(&ctx, "TaskReporting=FastAbort", rv, sizeof(rv), &err), 0);
	ck_assert_str_eq(rv, "TaskReporting=Reject");
	start_default(&ctx);
	ck_assert_int_eq(feed1(&ctx, "iSCSIProtocolLevel=2", rv, sizeof(rv), &err), 0);
	ck_assert_str_eq(rv, "iSCSIProtocolLevel=1");
}
END_TEST

START_TEST(test_negotiate_refuses_too_many_keys)
{
	struct neg_ctx ctx;
	struct text_list in, reply;
	struct ll_error err = { 0 };
	struct text_kv *kv = calloc(TEXT_MAX_KEYS + 1, sizeof(*kv));

	start_default(&ctx);
	for (size_t i = 0; i <= TEXT_MAX_KEYS; i++) {
		kv[i].key = (char *)"X-a";
		kv[i].value = (char *)"1";
	}
	memset(&in, 0, sizeof(in));
	in.items = kv;
	in.n = in.cap = TEXT_MAX_KEYS + 1;
	text_list_init(&reply);
	ck_assert_int_lt(neg_handle_keys(&ctx, &in, &reply, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "keys"));
	text_list_free(&reply);
	free(kv);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_negotiate_parse_number_accepts_decimal_and_hex_only,
		test_negotiate_key_table_is_consistent,
		test_negotiate_key_table_has_rfc_types_and_defaults,
		test_negotiate_config_defaults_match_open_iscsi,
		test_negotiate_digest_pref_spellings,
		test_negotiate_init_rejects_out_of_range_config,
		test_negotiate_init_rejects_first_burst_above_max_burst,
		test_negotiate_offer_lists_normal_session_keys_without_markers,
		test_negotiate_discovery_offer_has_only_applicable_keys,
		test_negotiate_full_login_gives_agreed_values,
		test_negotiate_complete_only_after_every_offer_is_answered,
		test_negotiate_completes_without_optional_boolean_answers,
		test_negotiate_optional_boolean_answer_is_still_checked,
		test_negotiate_numeric_min_answer_must_not_exceed_offer,
		test_negotiate_numeric_max_answer_must_not_be_below_offer,
		test_negotiate_rejects_malformed_numbers_in_answers,
		test_negotiate_boolean_and_rules,
		test_negotiate_boolean_or_rules,
		test_negotiate_rejects_illegal_boolean_values,
		test_negotiate_digest_list_answer_must_be_one_offered_value,
		test_negotiate_reject_of_required_digest_fails_login,
		test_negotiate_reject_of_numeric_key_keeps_rfc_default,
		test_negotiate_accepts_irrelevant_first_burst,
		test_negotiate_refuses_first_burst_above_max_burst_result,
		test_negotiate_answers_target_proposals_with_result_function,
		test_negotiate_proposal_digest_list_picks_first_acceptable,
		test_negotiate_rejects_out_of_range_or_malformed_proposals,
		test_negotiate_answers_unknown_and_extension_keys_not_understood,
		test_negotiate_answers_obsolete_marker_keys_reject,
		test_negotiate_discovery_answers_normal_only_keys_irrelevant,
		test_negotiate_refuses_key_sent_twice_in_one_response,
		test_negotiate_refuses_key_negotiated_twice_across_responses,
		test_negotiate_declarative_max_recv_dsl_each_direction,
		test_negotiate_refuses_out_of_range_declarations,
		test_negotiate_refuses_initiator_only_keys_from_target,
		test_negotiate_skips_security_keys_and_stores_declarations,
		test_negotiate_rfc7143_keys_task_reporting_and_protocol_level,
		test_negotiate_refuses_too_many_keys,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "negotiate",
		.tests = tests,
	});
}
