/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kernel_stats.c: the GET_STATS answer into counters (see kernel_stats.h). */
#include <errno.h>
#include <string.h>

#include "iscsid/kernel_abi.h"
#include "iscsid/kernel_stats.h"
#include "libiscsi-core/util.h"

/* Where each standard counter sits in struct iscsi_stats, and its width. */
static const struct {
	enum ll_stat stat;
	uint8_t off;
	uint8_t size;
} fields[] = {
	{ LL_STAT_TXDATA_OCTETS, KABI_STATS_TXDATA_OCTETS, 8 },
	{ LL_STAT_RXDATA_OCTETS, KABI_STATS_RXDATA_OCTETS, 8 },
	{ LL_STAT_NOPTX_PDUS, KABI_STATS_NOPTX_PDUS, 4 },
	{ LL_STAT_SCSICMD_PDUS, KABI_STATS_SCSICMD_PDUS, 4 },
	{ LL_STAT_TMFCMD_PDUS, KABI_STATS_TMFCMD_PDUS, 4 },
	{ LL_STAT_LOGIN_PDUS, KABI_STATS_LOGIN_PDUS, 4 },
	{ LL_STAT_TEXT_PDUS, KABI_STATS_TEXT_PDUS, 4 },
	{ LL_STAT_DATAOUT_PDUS, KABI_STATS_DATAOUT_PDUS, 4 },
	{ LL_STAT_LOGOUT_PDUS, KABI_STATS_LOGOUT_PDUS, 4 },
	{ LL_STAT_SNACK_PDUS, KABI_STATS_SNACK_PDUS, 4 },
	{ LL_STAT_NOPRX_PDUS, KABI_STATS_NOPRX_PDUS, 4 },
	{ LL_STAT_SCSIRSP_PDUS, KABI_STATS_SCSIRSP_PDUS, 4 },
	{ LL_STAT_TMFRSP_PDUS, KABI_STATS_TMFRSP_PDUS, 4 },
	{ LL_STAT_TEXTRSP_PDUS, KABI_STATS_TEXTRSP_PDUS, 4 },
	{ LL_STAT_DATAIN_PDUS, KABI_STATS_DATAIN_PDUS, 4 },
	{ LL_STAT_LOGOUTRSP_PDUS, KABI_STATS_LOGOUTRSP_PDUS, 4 },
	{ LL_STAT_R2T_PDUS, KABI_STATS_R2T_PDUS, 4 },
	{ LL_STAT_ASYNC_PDUS, KABI_STATS_ASYNC_PDUS, 4 },
	{ LL_STAT_RJT_PDUS, KABI_STATS_RJT_PDUS, 4 },
	{ LL_STAT_DIGEST_ERR, KABI_STATS_DIGEST_ERR, 4 },
	{ LL_STAT_TIMEOUT_ERR, KABI_STATS_TIMEOUT_ERR, 4 },
};
_Static_assert(ARRAY_SIZE(fields) == LL_STAT_N_, "every standard counter has a place");

/* Netlink carries the kernel's native byte order. */
static uint64_t native(const uint8_t *p, size_t size)
{
	uint32_t v32;
	uint64_t v64;

	if (size == 8) {
		memcpy(&v64, p, sizeof(v64));
		return v64;
	}
	memcpy(&v32, p, sizeof(v32));
	return v32;
}

/* A record's name: NUL-padded to 64 bytes, maybe without a NUL at all. */
static int take_custom(const uint8_t *rec, struct ll_stat_custom *c)
{
	const uint8_t *desc = rec + KABI_STATS_CUSTOM_DESC;
	const uint8_t *nul = memchr(desc, '\0', KABI_STATS_CUSTOM_DESC_MAX);
	size_t n = nul ? (size_t)(nul - desc) : KABI_STATS_CUSTOM_DESC_MAX;

	if (n == 0)
		return -EPROTO;
	/* our names hold 63 bytes; a 64-byte name loses its last byte */
	if (n >= sizeof(c->name))
		n = sizeof(c->name) - 1;
	memcpy(c->name, desc, n);
	c->name[n] = '\0';
	c->value = native(rec + KABI_STATS_CUSTOM_VALUE, 8);
	return 0;
}

int kernel_stats_parse(const uint8_t *ev, size_t len, uint32_t sid, uint32_t cid,
		       struct ll_conn_stats *out)
{
	const uint8_t *st = ev + KABI_EV_SIZE;
	uint32_t n;

	memset(out, 0, sizeof(*out));
	if (len < (size_t)KABI_EV_SIZE + KABI_STATS_SIZE)
		return -EPROTO;
	if (native(ev + KABI_EV_TYPE, 4) != KABI_UEVENT_GET_STATS ||
	    native(ev + KABI_U_SID, 4) != sid || native(ev + KABI_U_CID, 4) != cid)
		return -EPROTO;
	n = (uint32_t)native(st + KABI_STATS_CUSTOM_LENGTH, 4);
	if (n > KABI_STATS_CUSTOM_MAX || n > LL_STATS_CUSTOM_MAX)
		return -EPROTO;
	if (len - KABI_EV_SIZE - KABI_STATS_SIZE < (size_t)n * KABI_STATS_CUSTOM_SIZE)
		return -EPROTO;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		out->std[fields[i].stat] = native(st + fields[i].off, fields[i].size);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *rec = st + KABI_STATS_CUSTOM + (size_t)i * KABI_STATS_CUSTOM_SIZE;

		if (take_custom(rec, &out->custom[i]) < 0)
			return -EPROTO;
	}
	out->n_custom = n;
	return 0;
}
