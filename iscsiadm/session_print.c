/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_print.c: open-iscsi's `-m session` formats (see session_print.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/portal.h"
#include "iscsiadm/session_json.h"
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
static void print_portals(const char *px, const struct sysfs_session *s,
			  const struct sysfs_session *prev)
{
	char portal[PORTAL_TEXT_MAX];

	if (prev && prev->conn.port != 0 && s->conn.port != 0 &&
	    streq(prev->conn.address, s->conn.address) && prev->conn.port == s->conn.port) {
		printf("\n");
		return;
	}
	portal_format(portal, sizeof(portal), s->conn.address, s->conn.port);
	printf("%s\tCurrent Portal: %s,%d\n", px, portal, s->tpgt);
	portal_format(portal, sizeof(portal), s->conn.persistent_address,
		      s->conn.persistent_port);
	printf("%s\tPersistent Portal: %s,%d\n", px, portal, s->tpgt);
}

static void print_iface(const char *px, const struct session_view *v)
{
	const struct sysfs_session *s = v->s;
	const char *ip = or_default(s->host_ipaddress);

	printf("%s\t\t**********\n", px);
	printf("%s\t\tInterface:\n", px);
	printf("%s\t\t**********\n", px);
	printf("%s\t\tIface Name: %s\n", px, v->iface);
	printf("%s\t\tIface Transport: %s\n", px, or_empty(s->transport));
	printf("%s\t\tIface Initiatorname: %s\n", px, or_empty(s->initiatorname));
	/* open-iscsi brackets anything without a dot, even "default" */
	if (strchr(ip, '.'))
		printf("%s\t\tIface IPaddress: %s\n", px, ip);
	else
		printf("%s\t\tIface IPaddress: [%s]\n", px, ip);
	printf("%s\t\tIface HWaddress: %s\n", px, or_default(s->host_hwaddress));
	printf("%s\t\tIface Netdev: %s\n", px, or_default(s->host_netdev));
}

static void print_states(const char *px, const struct session_view *v)
{
	const struct sysfs_session *s = v->s;

	printf("%s\t\tSID: %u\n", px, s->sid);
	printf("%s\t\tiSCSI Connection State: %s\n", px, v->conn_state);
	printf("%s\t\tiSCSI Session State: %s\n", px, s->state[0] ? s->state : "Unknown");
	printf("%s\t\tInternal iscsid Session State: %s\n", px, v->iscsid_state);
}

static void print_tmo(const char *px, const char *name, long v)
{
	if (v >= 0)
		printf("%s\t\t%s: %ld\n", px, name, v);
	else
		printf("%s\t\t%s: %s\n", px, name, UNKNOWN_VALUE);
}

static void print_timeouts(const char *px, const struct sysfs_session *s)
{
	printf("%s\t\t*********\n", px);
	printf("%s\t\tTimeouts:\n", px);
	printf("%s\t\t*********\n", px);
	printf("%s\t\tRecovery Timeout: %ld\n", px, s->recovery_tmo);
	print_tmo(px, "Target Reset Timeout", s->tgt_reset_tmo);
	print_tmo(px, "LUN Reset Timeout", s->lu_reset_tmo);
	print_tmo(px, "Abort Timeout", s->abort_tmo);
}

static void print_chap(const char *px, const struct sysfs_session *s)
{
	/* Secrets are never read from sysfs: always masked. */
	printf("%s\t\t*****\n", px);
	printf("%s\t\tCHAP:\n", px);
	printf("%s\t\t*****\n", px);
	printf("%s\t\tusername: %s\n", px, or_empty(s->username));
	printf("%s\t\tpassword: ********\n", px);
	printf("%s\t\tusername_in: %s\n", px, or_empty(s->username_in));
	printf("%s\t\tpassword_in: ********\n", px);
}

/* Values the kernel does not show (-1, "") are left out, as open-iscsi does. */
static void print_num(const char *px, const char *name, long v)
{
	if (v != -1)
		printf("%s\t\t%s: %ld\n", px, name, v);
}

static void print_bool(const char *px, const char *name, int v)
{
	if (v != -1)
		printf("%s\t\t%s: %s\n", px, name, v ? "Yes" : "No");
}

static void print_digest(const char *px, const char *name, const char *v)
{
	if (v)
		printf("%s\t\t%s: %s\n", px, name, v);
}

static void print_params(const char *px, const struct session_view *v)
{
	const struct sysfs_session *s = v->s;

	printf("%s\t\t************************\n", px);
	printf("%s\t\tNegotiated iSCSI params:\n", px);
	printf("%s\t\t************************\n", px);
	print_digest(px, "HeaderDigest", v->header_digest);
	print_digest(px, "DataDigest", v->data_digest);
	print_num(px, "MaxRecvDataSegmentLength", s->conn.max_recv_dlength);
	print_num(px, "MaxXmitDataSegmentLength", s->conn.max_xmit_dlength);
	print_num(px, "FirstBurstLength", s->first_burst_len);
	print_num(px, "MaxBurstLength", s->max_burst_len);
	print_bool(px, "ImmediateData", s->immediate_data);
	print_bool(px, "InitialR2T", s->initial_r2t);
	print_num(px, "MaxOutstandingR2T", s->max_outstanding_r2t);
}

static void print_devices(const char *px, const struct session_view *v, bool host)
{
	const struct sysfs_session *s = v->s;

	printf("%s\t\t************************\n", px);
	printf("%s\t\tAttached SCSI devices:\n", px);
	printf("%s\t\t************************\n", px);
	if (!s->has_host) {
		printf("%s\t\tUnavailable\n", px);
		return;
	}
	if (host)
		printf("%s\t\tHost Number: %u\tState: %s\n", px, s->host_no,
		       s->host_state[0] ? s->host_state : "Unknown");
	for (size_t i = 0; i < v->nluns; i++) {
		const struct sysfs_lun *l = v->luns[i].lun;

		printf("%s\t\tscsi%u Channel 00 Id %u Lun: %u\n", px, l->host, l->target, l->lun);
		if (l->disk[0])
			printf("%s\t\t\tAttached scsi disk %s\t\tState: %s\n", px, l->disk,
			       l->state[0] ? l->state : "Unknown");
	}
}

static void print_one(const char *px, const struct session_view *v,
		      const struct sysfs_session *prev, unsigned parts)
{
	const struct sysfs_session *s = v->s;

	print_portals(px, s, prev);
	if (parts & TREE_IFACE)
		print_iface(px, v);
	if (parts & TREE_STATE)
		print_states(px, v);
	if (parts & TREE_TIMEOUTS)
		print_timeouts(px, s);
	if (parts & TREE_CHAP)
		print_chap(px, s);
	if (parts & TREE_PARAMS)
		print_params(px, v);
	if (parts & (TREE_HOST | TREE_DEVICES))
		print_devices(px, v, parts & TREE_HOST);
}

void session_text_tree(const struct session_views *views, const char *px)
{
	const struct sysfs_session *prev = NULL;

	for (size_t i = 0; i < views->n; i++) {
		const struct sysfs_session *s = views->v[i].s;

		if (!prev || !streq(prev->targetname, s->targetname)) {
			printf("%sTarget: %s (%s)\n", px, s->targetname, node_type(s));
			prev = NULL;
		}
		print_one(px, &views->v[i], prev, views->parts);
		prev = s;
	}
	fflush(stdout);
}

void session_print_versions(void)
{
	char version[64];

	/* Where open-iscsi prints its own version, we print the one we are
	 * compatible with. */
	if (sysfs_transport_version(sessions_sysfs_root(), version, sizeof(version)) == 0) {
		printf("iSCSI Transport Class version %s\n", version);
		printf("version %s\n", OPEN_ISCSI_COMPAT_VERSION);
	}
}

int session_print(struct ctx *c, const struct sysfs_session *const *list, size_t n,
		  int level)
{
	struct session_views views;
	int rc;

	if (level < -1 || level > 3) {
		log_error("Invalid info level %d. Try 0 - 3.", level);
		return ISCSI_ERR_INVAL;
	}
	/* the health object is JSON's only: the text stays open-iscsi's */
	rc = session_views_collect(c, list, n,
				   session_level_parts(level) | (c->o->json ? TREE_HEALTH : 0),
				   &views);
	if (rc)
		return rc;
	if (c->o->json) {
		session_json_print(&views, level);
	} else if (level <= 0) {
		for (size_t i = 0; i < n; i++)
			print_flat(list[i]);
	} else {
		if (level == 3)
			session_print_versions();
		session_text_tree(&views, "");
	}
	session_views_free(&views);
	return 0;
}
