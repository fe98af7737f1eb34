/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_print.c: open-iscsi's `-m session` formats (see session_print.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/portal.h"
#include "iscsiadm/session_print.h"
#include "iscsiadm/session_state.h"
#include "iscsiadm/sessions.h"
#include "libiscsi-core/util.h"

/* open-iscsi prints unset values as this. */
#define UNKNOWN_VALUE "<empty>"
#define PORTAL_TEXT_MAX (SYSFS_VAL_MAX + 16)

static const char *or_empty(const char *v)
{
	return v[0] ? v : UNKNOWN_VALUE;
}

/* What open-iscsi's sysfs reader puts in for a host value it cannot read. */
static const char *or_default(const char *v)
{
	return v[0] ? v : "default";
}

static const char *node_type(const struct sysfs_session *s)
{
	return s->flash ? "flash" : "non-flash";
}

static void print_flat(const struct sysfs_session *s)
{
	char portal[PORTAL_TEXT_MAX];

	portal_format(portal, sizeof(portal), s->conn.persistent_address,
		      s->conn.persistent_port);
	printf("%s: [%u] %s,%d %s (%s)\n", s->transport[0] ? s->transport : UNKNOWN_VALUE,
	       s->sid, portal, s->tpgt, s->targetname, node_type(s));
}

/* Portals are printed unless the previous session (of the same target)
 * had the same current portal; then open-iscsi prints an empty line. */
static void print_portals(const struct sysfs_session *s, const struct sysfs_session *prev)
{
	char portal[PORTAL_TEXT_MAX];

	if (prev && prev->conn.port != 0 && s->conn.port != 0 &&
	    streq(prev->conn.address, s->conn.address) && prev->conn.port == s->conn.port) {
		printf("\n");
		return;
	}
	portal_format(portal, sizeof(portal), s->conn.address, s->conn.port);
	printf("\tCurrent Portal: %s,%d\n", portal, s->tpgt);
	portal_format(portal, sizeof(portal), s->conn.persistent_address,
		      s->conn.persistent_port);
	printf("\tPersistent Portal: %s,%d\n", portal, s->tpgt);
}

static void print_iface(const struct sysfs_session *s)
{
	const char *ip = or_default(s->host_ipaddress);

	printf("\t\t**********\n\t\tInterface:\n\t\t**********\n");
	printf("\t\tIface Name: %s\n", session_iface(s));
	printf("\t\tIface Transport: %s\n", or_empty(s->transport));
	printf("\t\tIface Initiatorname: %s\n", or_empty(s->initiatorname));
	/* open-iscsi brackets anything without a dot, even "default" */
	if (strchr(ip, '.'))
		printf("\t\tIface IPaddress: %s\n", ip);
	else
		printf("\t\tIface IPaddress: [%s]\n", ip);
	printf("\t\tIface HWaddress: %s\n", or_default(s->host_hwaddress));
	printf("\t\tIface Netdev: %s\n", or_default(s->host_netdev));
}

static void print_states(const struct sysfs_session *s, const struct session_states *st)
{
	printf("\t\tSID: %u\n", s->sid);
	printf("\t\tiSCSI Connection State: %s\n", session_state_conn(st, s->sid));
	printf("\t\tiSCSI Session State: %s\n", s->state[0] ? s->state : "Unknown");
	printf("\t\tInternal iscsid Session State: %s\n", session_state_sess(st, s->sid));
}

static void print_tmo(const char *name, long v)
{
	if (v >= 0)
		printf("\t\t%s: %ld\n", name, v);
	else
		printf("\t\t%s: %s\n", name, UNKNOWN_VALUE);
}

static void print_timeouts_chap(const struct sysfs_session *s)
{
	printf("\t\t*********\n\t\tTimeouts:\n\t\t*********\n");
	printf("\t\tRecovery Timeout: %ld\n", s->recovery_tmo);
	print_tmo("Target Reset Timeout", s->tgt_reset_tmo);
	print_tmo("LUN Reset Timeout", s->lu_reset_tmo);
	print_tmo("Abort Timeout", s->abort_tmo);
	/* Secrets are never read from sysfs: always masked. */
	printf("\t\t*****\n\t\tCHAP:\n\t\t*****\n");
	printf("\t\tusername: %s\n", or_empty(s->username));
	printf("\t\tpassword: ********\n");
	printf("\t\tusername_in: %s\n", or_empty(s->username_in));
	printf("\t\tpassword_in: ********\n");
}

/* Values the kernel does not show (-1, "") are left out, as open-iscsi does. */
static void print_num(const char *name, long v)
{
	if (v != -1)
		printf("\t\t%s: %ld\n", name, v);
}

static void print_bool(const char *name, int v)
{
	if (v != -1)
		printf("\t\t%s: %s\n", name, v ? "Yes" : "No");
}

/* Linux shows a digest as 0/1 (iscsi_tcp) or by name. */
static void print_digest(const char *name, const char *v)
{
	bool crc = streq(v, "CRC32C") || (v[0] >= '1' && v[0] <= '9');

	if (v[0])
		printf("\t\t%s: %s\n", name, crc ? "CRC32C" : "None");
}

static void print_params(const struct sysfs_session *s)
{
	printf("\t\t************************\n\t\tNegotiated iSCSI params:\n"
	       "\t\t************************\n");
	print_digest("HeaderDigest", s->conn.header_digest);
	print_digest("DataDigest", s->conn.data_digest);
	print_num("MaxRecvDataSegmentLength", s->conn.max_recv_dlength);
	print_num("MaxXmitDataSegmentLength", s->conn.max_xmit_dlength);
	print_num("FirstBurstLength", s->first_burst_len);
	print_num("MaxBurstLength", s->max_burst_len);
	print_bool("ImmediateData", s->immediate_data);
	print_bool("InitialR2T", s->initial_r2t);
	print_num("MaxOutstandingR2T", s->max_outstanding_r2t);
}

/* open-iscsi walks the LUN directories with scandir(alphasort). */
static int cmp_lun_name(const void *a, const void *b)
{
	const struct sysfs_lun *x = *(const struct sysfs_lun *const *)a;
	const struct sysfs_lun *y = *(const struct sysfs_lun *const *)b;
	char nx[64], ny[64];

	snprintf(nx, sizeof(nx), "%u:%u:%u:%u", x->host, x->channel, x->target, x->lun);
	snprintf(ny, sizeof(ny), "%u:%u:%u:%u", y->host, y->channel, y->target, y->lun);
	return strcmp(nx, ny);
}

static void print_devices(const struct sysfs_session *s)
{
	const struct sysfs_lun **luns;

	printf("\t\t************************\n\t\tAttached SCSI devices:\n"
	       "\t\t************************\n");
	if (!s->has_host) {
		printf("\t\tUnavailable\n");
		return;
	}
	printf("\t\tHost Number: %u\tState: %s\n", s->host_no,
	       s->host_state[0] ? s->host_state : "Unknown");
	luns = calloc(s->nluns ? s->nluns : 1, sizeof(*luns));
	if (!luns)
		return;
	for (size_t i = 0; i < s->nluns; i++)
		luns[i] = &s->luns[i];
	qsort(luns, s->nluns, sizeof(*luns), cmp_lun_name);
	for (size_t i = 0; i < s->nluns; i++) {
		printf("\t\tscsi%u Channel 00 Id %u Lun: %u\n", luns[i]->host, luns[i]->target,
		       luns[i]->lun);
		if (luns[i]->disk[0])
			printf("\t\t\tAttached scsi disk %s\t\tState: %s\n", luns[i]->disk,
			       luns[i]->state[0] ? luns[i]->state : "Unknown");
	}
	free(luns);
}

static void print_tree(const struct sysfs_session *const *list, size_t n, int level,
		       const struct session_states *st)
{
	const struct sysfs_session *prev = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct sysfs_session *s = list[i];

		if (!prev || !streq(prev->targetname, s->targetname)) {
			printf("Target: %s (%s)\n", s->targetname, node_type(s));
			prev = NULL;
		}
		print_portals(s, prev);
		print_iface(s);
		print_states(s, st);
		if (level >= 2) {
			print_timeouts_chap(s);
			print_params(s);
		}
		if (level >= 3)
			print_devices(s);
		prev = s;
	}
}

int session_print(struct ctx *c, const struct sysfs_session *const *list, size_t n,
		  int level)
{
	struct session_states st;
	char version[64];

	if (level == 0 || level == -1) {
		for (size_t i = 0; i < n; i++)
			print_flat(list[i]);
		return 0;
	}
	if (level < 1 || level > 3) {
		log_error("Invalid info level %d. Try 0 - 3.", level);
		return ISCSI_ERR_INVAL;
	}
	session_states_query(c, &st);
	/* Where open-iscsi prints its own version, we print the one we are
	 * compatible with. */
	if (level == 3 &&
	    sysfs_transport_version(sessions_sysfs_root(), version, sizeof(version)) == 0) {
		printf("iSCSI Transport Class version %s\n", version);
		printf("version %s\n", OPEN_ISCSI_COMPAT_VERSION);
	}
	print_tree(list, n, level, &st);
	session_states_free(&st);
	fflush(stdout);
	return 0;
}
