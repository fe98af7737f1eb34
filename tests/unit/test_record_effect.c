/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The key table's effect column and which set keys iscsid names. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/record.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

/* Every ineffective key r has set, in table order, as "name=value;". */
static void ineffective(const struct rec *r, char *out, size_t cap)
{
	const struct rec_key *k;
	size_t pos = 0, used = 0;

	out[0] = '\0';
	while ((k = rec_next_ineffective(r, &pos)) && used < cap)
		used += (size_t)snprintf(out + used, cap - used, "%s=%s;", k->name,
					 rec_get(r, k->name));
}

static void set(struct rec *r, const char *key, const char *value)
{
	struct ll_error err = { 0 };

	ck_assert_msg(rec_set(r, key, value, &err) == 0, "%s: %s", key, err.msg);
}

START_TEST(test_effect_words_are_those_the_docs_use)
{
	ck_assert_str_eq(rec_effect_str(REC_E_APPLIED), "applied");
	ck_assert_str_eq(rec_effect_str(REC_E_NO_EFFECT_TCP), "no effect with iscsi_tcp");
	ck_assert_str_eq(rec_effect_str(REC_E_NOT_IMPLEMENTED), "not implemented by lunlink");
}
END_TEST

/* The keys iscsid applies since the column exists must stay applied. */
START_TEST(test_socket_and_timeout_keys_are_applied)
{
	static const char *const applied[] = {
		"node.conn[0].tcp.window_size", "node.conn[0].tcp.type_of_service",
		"node.conn[0].tcp.congestion_control", "node.conn[0].timeo.auth_timeout",
		"node.conn[0].timeo.login_timeout", "node.session.err_timeo.tgt_reset_timeout",
		"iface.net_ifacename", "iface.ipaddress", "iface.hwaddress",
	};
	static const char *const disc_applied[] = {
		"discovery.sendtargets.timeo.auth_timeout",
		"discovery.sendtargets.timeo.active_timeout",
	};

	for (size_t i = 0; i < ARRAY_SIZE(applied); i++)
		ck_assert_msg(rec_key_find(REC_NODE, applied[i])->effect == REC_E_APPLIED, "%s",
			      applied[i]);
	for (size_t i = 0; i < ARRAY_SIZE(disc_applied); i++)
		ck_assert_msg(rec_key_find(REC_DISC_ST, disc_applied[i])->effect == REC_E_APPLIED,
			      "%s", disc_applied[i]);
	ck_assert_int_eq(rec_key_find(REC_NODE, "node.session.err_timeo.host_reset_timeout")->effect,
			 REC_E_NO_EFFECT_TCP);
	ck_assert_int_eq(rec_key_find(REC_NODE, "node.session.xmit_thread_priority")->effect,
			 REC_E_NO_EFFECT_TCP);
	ck_assert_int_eq(rec_key_find(REC_IFACE, "iface.vlan_id")->effect, REC_E_NO_EFFECT_TCP);
}
END_TEST

START_TEST(test_record_at_defaults_names_nothing)
{
	for (int kind = 0; kind < REC_KIND_MAX_; kind++) {
		struct rec *r = rec_new((enum rec_kind)kind);
		char got[2048];

		ck_assert_ptr_nonnull(r);
		ineffective(r, got, sizeof(got));
		ck_assert_msg(got[0] == '\0', "kind %d: %s", kind, got);
		rec_free(r);
	}
}
END_TEST

START_TEST(test_changed_ineffective_keys_are_named_in_table_order)
{
	struct rec *r = rec_new(REC_NODE);
	char got[2048];

	set(r, "node.conn[0].iscsi.IFMarker", "Yes");
	set(r, "node.session.err_timeo.host_reset_timeout", "90");
	set(r, "node.session.xmit_thread_priority", "0");
	set(r, "iface.vlan_id", "7");
	set(r, "node.leading_login", "Yes");
	/* Applied keys are never named, whatever their value. */
	set(r, "node.conn[0].tcp.window_size", "65536");
	set(r, "node.session.timeo.replacement_timeout", "5");
	/* Hidden bookkeeping is no setting. */
	set(r, "node.session.auth.password_length", "12");
	ineffective(r, got, sizeof(got));
	ck_assert_str_eq(got, "node.leading_login=Yes;iface.vlan_id=7;"
			 "node.session.xmit_thread_priority=0;"
			 "node.session.err_timeo.host_reset_timeout=90;"
			 "node.conn[0].iscsi.IFMarker=Yes;");
	rec_free(r);
}
END_TEST

START_TEST(test_key_set_back_to_its_default_is_not_named)
{
	struct rec *r = rec_new(REC_NODE);
	char got[256];

	set(r, "node.session.err_timeo.host_reset_timeout", "90");
	set(r, "node.session.err_timeo.host_reset_timeout", "060");
	ineffective(r, got, sizeof(got));
	ck_assert_str_eq(got, "");
	set(r, "node.conn[0].iscsi.OFMarker", "yes");
	set(r, "node.conn[0].iscsi.OFMarker", "");  /* empty resets to the default */
	ineffective(r, got, sizeof(got));
	ck_assert_str_eq(got, "");
	rec_free(r);
}
END_TEST

START_TEST(test_discovery_record_names_discoveryd_keys)
{
	struct rec *r = rec_new(REC_DISC_ST);
	char got[256];

	set(r, "discovery.sendtargets.use_discoveryd", "Yes");
	set(r, "discovery.sendtargets.timeo.active_timeout", "3");
	ineffective(r, got, sizeof(got));
	ck_assert_str_eq(got, "discovery.sendtargets.use_discoveryd=Yes;");
	rec_free(r);
}
END_TEST

/* The section of iscsid.conf(5) that lists the keys without effect. */
static char *doc_section(void)
{
	char path[4096], *text = malloc(1 << 16), *start, *end;
	const char *src = getenv("LUNLINK_SRCDIR");
	FILE *f;
	size_t n;

	ck_assert_msg(src != NULL, "LUNLINK_SRCDIR is not set (meson sets it)");
	snprintf(path, sizeof(path), "%s/doc/iscsid.conf.5.in", src);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	n = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	text[n] = '\0';
	start = strstr(text, ".SH KEYS WITHOUT EFFECT");
	ck_assert_ptr_nonnull(start);
	end = strstr(start + 1, "\n.SH ");
	ck_assert_ptr_nonnull(end);
	*end = '\0';
	memmove(text, start, (size_t)(end - start) + 1);
	return text;
}

/* Each ineffective key is named in the page; no applied key is. */
START_TEST(test_man_page_lists_exactly_the_ineffective_keys)
{
	char *doc = doc_section();

	for (int kind = 0; kind < REC_KIND_MAX_; kind++) {
		for (size_t i = 0; i < rec_key_count((enum rec_kind)kind); i++) {
			const struct rec_key *k = rec_key_at((enum rec_kind)kind, i);
			/* Offload iface keys are covered by "Every iface key except". */
			bool offload = !strncmp(k->name, "iface.", 6) &&
				       k->effect == REC_E_NO_EFFECT_TCP;
			bool named = strstr(doc, k->name) != NULL;

			if (k->effect != REC_E_APPLIED && !offload)
				ck_assert_msg(named, "%s is not listed in iscsid.conf(5)", k->name);
			if (k->effect == REC_E_APPLIED && strncmp(k->name, "iface.", 6))
				ck_assert_msg(!named, "%s is applied but listed", k->name);
		}
	}
	free(doc);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_effect_words_are_those_the_docs_use,
		test_socket_and_timeout_keys_are_applied,
		test_record_at_defaults_names_nothing,
		test_changed_ineffective_keys_are_named_in_table_order,
		test_key_set_back_to_its_default_is_not_named,
		test_discovery_record_names_discoveryd_keys,
		test_man_page_lists_exactly_the_ineffective_keys,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "record_effect",
		.tests = tests,
	});
}
