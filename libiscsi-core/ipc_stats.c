/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ipc_stats.c: connection statistics in IPC replies (see ipc_stats.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "libiscsi-core/ipc_stats.h"
#include "libiscsi-core/util.h"

static const char *const std_names[LL_STAT_N_] = {
	[LL_STAT_TXDATA_OCTETS] = "txdata_octets",
	[LL_STAT_RXDATA_OCTETS] = "rxdata_octets",
	[LL_STAT_NOPTX_PDUS] = "noptx_pdus",
	[LL_STAT_SCSICMD_PDUS] = "scsicmd_pdus",
	[LL_STAT_TMFCMD_PDUS] = "tmfcmd_pdus",
	[LL_STAT_LOGIN_PDUS] = "login_pdus",
	[LL_STAT_TEXT_PDUS] = "text_pdus",
	[LL_STAT_DATAOUT_PDUS] = "dataout_pdus",
	[LL_STAT_LOGOUT_PDUS] = "logout_pdus",
	[LL_STAT_SNACK_PDUS] = "snack_pdus",
	[LL_STAT_NOPRX_PDUS] = "noprx_pdus",
	[LL_STAT_SCSIRSP_PDUS] = "scsirsp_pdus",
	[LL_STAT_TMFRSP_PDUS] = "tmfrsp_pdus",
	[LL_STAT_TEXTRSP_PDUS] = "textrsp_pdus",
	[LL_STAT_DATAIN_PDUS] = "datain_pdus",
	[LL_STAT_LOGOUTRSP_PDUS] = "logoutrsp_pdus",
	[LL_STAT_R2T_PDUS] = "r2t_pdus",
	[LL_STAT_ASYNC_PDUS] = "async_pdus",
	[LL_STAT_RJT_PDUS] = "rjt_pdus",
	[LL_STAT_DIGEST_ERR] = "digest_err",
	[LL_STAT_TIMEOUT_ERR] = "timeout_err",
};

const char *ll_stat_name(enum ll_stat s)
{
	return (unsigned)s < LL_STAT_N_ ? std_names[s] : NULL;
}

static int add_counter(struct ipc_msg *m, uint16_t tag, const char *name, uint64_t v)
{
	uint8_t buf[8 + LL_STATS_NAME_MAX];
	size_t n = strlen(name);

	if (n == 0 || n >= LL_STATS_NAME_MAX)
		return -EINVAL;
	put_be64(buf, v);
	memcpy(buf + 8, name, n);
	return ipc_msg_add_raw(m, tag, buf, 8 + n);
}

int ipc_stats_encode(struct ipc_msg *m, const struct ll_conn_stats *s)
{
	int r = 0;

	if (s->n_custom > LL_STATS_CUSTOM_MAX)
		return -E2BIG;
	for (size_t i = 0; i < LL_STAT_N_ && r == 0; i++)
		r = add_counter(m, IPC_A_COUNTER, std_names[i], s->std[i]);
	for (size_t i = 0; i < s->n_custom && r == 0; i++)
		r = add_counter(m, IPC_A_CUSTOM, s->custom[i].name, s->custom[i].value);
	return r;
}

static int std_index(const uint8_t *name, size_t len)
{
	for (int i = 0; i < LL_STAT_N_; i++)
		if (strlen(std_names[i]) == len && memcmp(std_names[i], name, len) == 0)
			return i;
	return -1;
}

/* One IPC_A_CUSTOM attribute into s->custom. */
static int take_custom(const struct ipc_attr_val *a, struct ll_conn_stats *s,
		       struct ll_error *err)
{
	struct ll_stat_custom *c;

	if (s->n_custom >= LL_STATS_CUSTOM_MAX) {
		ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR,
			     "bad statistics reply: more than %d transport counters",
			     LL_STATS_CUSTOM_MAX);
		return -EBADMSG;
	}
	c = &s->custom[s->n_custom++];
	memcpy(c->name, a->val + 8, a->len - 8u);
	c->name[a->len - 8u] = '\0';
	c->value = get_be64(a->val);
	return 0;
}

int ipc_stats_decode(const struct ipc_msg *m, struct ll_conn_stats *s, struct ll_error *err)
{
	bool seen[LL_STAT_N_] = { false };

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < m->n; i++) {
		const struct ipc_attr_val *a = &m->attrs[i];
		int k;

		/* the IPC decoder checked the layout: 8-byte count + a name */
		if (a->tag == IPC_A_CUSTOM && take_custom(a, s, err) < 0)
			return -EBADMSG;
		if (a->tag != IPC_A_COUNTER)
			continue;
		k = std_index(a->val + 8, a->len - 8u);
		if (k < 0)
			continue;
		if (seen[k]) {
			ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR,
				     "bad statistics reply: %s given twice", std_names[k]);
			return -EBADMSG;
		}
		seen[k] = true;
		s->std[k] = get_be64(a->val);
	}
	for (int k = 0; k < LL_STAT_N_; k++) {
		if (!seen[k]) {
			ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR,
				     "bad statistics reply: %s is missing", std_names[k]);
			return -EBADMSG;
		}
	}
	return 0;
}
