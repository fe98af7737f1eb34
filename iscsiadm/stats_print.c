/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stats_print.c: open-iscsi's statistics block (see stats_print.h). */
#include <inttypes.h>
#include <stdio.h>

#include "iscsiadm/sessions.h"
#include "iscsiadm/stats_print.h"
#include "libiscsi-core/ipc_stats.h"


int stats_print_session(const struct sysfs_session *s, const struct ipc_msg *reply,
			struct ll_error *err)
{
	struct ll_conn_stats st;
	char what[SESSION_DESCR_MAX];

	if (ipc_stats_decode(reply, &st, err) < 0)
		return -1;
	session_describe(what, sizeof(what), s);
	printf("Stats for session %s\n", what);
	printf("iSCSI SNMP:\n");
	for (int i = 0; i < LL_STAT_N_; i++) {
		/* open-iscsi prints the two octet counts signed (%lld) */
		if (i == LL_STAT_TXDATA_OCTETS || i == LL_STAT_RXDATA_OCTETS)
			printf("\t%s: %lld\n", ll_stat_name(i), (long long)st.std[i]);
		else
			printf("\t%s: %" PRIu64 "\n", ll_stat_name(i), st.std[i]);
	}
	printf("iSCSI Extended:\n");
	for (size_t i = 0; i < st.n_custom; i++)
		printf("\t%s: %" PRIu64 "\n", st.custom[i].name, st.custom[i].value);
	return 0;
}
