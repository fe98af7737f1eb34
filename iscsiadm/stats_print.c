/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stats_print.c: open-iscsi's statistics block, or its JSON (see stats_print.h). */
#include <inttypes.h>
#include <stdio.h>

#include "iscsiadm/json_out.h"
#include "iscsiadm/sessions.h"
#include "iscsiadm/stats_print.h"

/* open-iscsi prints the two octet counts signed (%lld) */
static bool is_signed(int i)
{
	return i == LL_STAT_TXDATA_OCTETS || i == LL_STAT_RXDATA_OCTETS;
}

void stats_print_session(const struct sysfs_session *s, const struct ll_conn_stats *st)
{
	char what[SESSION_DESCR_MAX];

	session_describe(what, sizeof(what), s);
	printf("Stats for session %s\n", what);
	printf("iSCSI SNMP:\n");
	for (int i = 0; i < LL_STAT_N_; i++) {
		if (is_signed(i))
			printf("\t%s: %lld\n", ll_stat_name(i), (long long)st->std[i]);
		else
			printf("\t%s: %" PRIu64 "\n", ll_stat_name(i), st->std[i]);
	}
	printf("iSCSI Extended:\n");
	for (size_t i = 0; i < st->n_custom; i++)
		printf("\t%s: %" PRIu64 "\n", st->custom[i].name, st->custom[i].value);
}

void stats_json_session(struct json_object *arr, const struct sysfs_session *s,
			const struct ll_conn_stats *st)
{
	struct json_object *o = json_arr_add_obj(arr), *p, *std, *ext;

	json_set_int(o, "sid", s->sid);
	json_set_str(o, "target", s->targetname);
	/* the portal the text names: persistent address, current port */
	p = json_set_obj(o, "portal");
	json_set_str(p, "address", s->conn.persistent_address);
	json_set_int(p, "port", s->conn.port);
	std = json_set_obj(o, "iscsi_snmp");
	for (int i = 0; i < LL_STAT_N_; i++) {
		if (is_signed(i))
			json_set_int(std, ll_stat_name(i), (int64_t)st->std[i]);
		else
			json_set_u64(std, ll_stat_name(i), st->std[i]);
	}
	ext = json_set_obj(o, "iscsi_extended");
	for (size_t i = 0; i < st->n_custom; i++)
		json_set_u64(ext, st->custom[i].name, st->custom[i].value);
}
