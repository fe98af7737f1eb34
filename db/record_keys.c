/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record_keys.c: every record key open-iscsi knows, one row each.
 *
 * Order is the order open-iscsi 2.1.8 writes and prints them, because
 * scripts diff `iscsiadm -m node -T ...` output.  Built-in defaults are the
 * values a record gets before iscsid.conf templates are applied.  Ranges of
 * iSCSI operational keys are RFC 7143's; other ints take any C int.
 */
#include <limits.h>

#include "db/record_keys.h"
#include "libiscsi-core/util.h"

#define K_NODE (1u << REC_NODE)
#define K_DISC (1u << REC_DISC_ST)
#define K_IFACE (1u << REC_IFACE)
#define K_NI (K_NODE | K_IFACE)

/*
 * The optional last argument of a row is its effect (enum rec_effect);
 * without it the key is applied.  NO_TCP: the setting exists for offload
 * HBAs or other transports and iscsi_tcp has nothing to apply it to.
 * NOT_IMPL: a transport-independent feature lunlink does not have.
 */
#define NO_TCP .effect = REC_E_NO_EFFECT_TCP
#define NOT_IMPL .effect = REC_E_NOT_IMPLEMENTED

#define STR(n, d, fl, k, ...) \
	{ .name = n, .type = REC_T_STR, .def = d, .flags = fl, .kinds = k, __VA_ARGS__ }
#define INT(n, d, lo, hi, fl, k, ...) \
	{ .name = n, .type = REC_T_INT, .def = #d, .min = lo, .max = hi, .flags = fl, \
	  .kinds = k, __VA_ARGS__ }
#define NUM(n, d, k, ...) INT(n, d, INT_MIN, INT_MAX, 0, k, __VA_ARGS__)
/* open-iscsi keeps *_length next to each password; read, never printed. */
#define HIDDEN_LEN(n, k) INT(n, 0, 0, INT_MAX, REC_F_HIDDEN, k)
#define BOOL(n, d, k, ...) { .name = n, .type = REC_T_BOOL, .def = d, .kinds = k, __VA_ARGS__ }
#define ENUM(n, d, w, fl, k, ...) \
	{ .name = n, .type = REC_T_ENUM, .def = d, .words = w, .flags = fl, .kinds = k, \
	  __VA_ARGS__ }

#define PDU_LEN_MAX 16777215   /* 2^24 - 1 (RFC 7143 data segment lengths) */

static const char *const w_startup[] = { "manual", "automatic", "onboot", NULL };
static const char *const w_disc_startup[] = { "manual", "automatic", NULL };
static const char *const w_disc_type[] = { "send_targets", "isns",
	"offload_send_targets", "slp", "static", "fw", NULL };
static const char *const w_st_type[] = { "sendtargets", "slp", "isns", NULL };
static const char *const w_auth[] = { "None", "CHAP", NULL };
static const char *const w_digest[] = { "None", "CRC32C", "CRC32C,None",
	"None,CRC32C", NULL };
static const char *const w_scan[] = { "manual", "auto", NULL };
static const char *const w_chap_algs[] = { "MD5", "SHA1", "SHA256", "SHA3-256", NULL };

#define CHAP_ALGS(k) { .name = "node.session.auth.chap_algs", .type = REC_T_LIST, \
	.def = "MD5", .words = w_chap_algs, .kinds = K_NODE | K_DISC }

/* iface.* settings of offload HBAs (iscsiadm -m iface -o apply); a
 * software iface has no firmware to give them to. */
#define S_IF(n) STR("iface." n, "", 0, K_NI, NO_TCP)
#define S_IFQ(n) STR("iface." n, "", REC_F_QUIET, K_NI, NO_TCP)
#define N_IF(n) NUM("iface." n, 0, K_NI, NO_TCP)

/* The iface block, shared by node records and ifaces/<name>. */
#define IFACE_ROWS \
	STR("iface.iscsi_ifacename", "default", REC_F_IFACE_MODE, K_NI), \
	STR("iface.net_ifacename", "", REC_F_IFACE_MODE, K_NI), \
	STR("iface.ipaddress", "", REC_F_IFACE_MODE, K_NI), \
	INT("iface.prefix_len", 0, 0, 128, 0, K_NI, NO_TCP), \
	STR("iface.hwaddress", "", REC_F_IFACE_MODE, K_NI), \
	STR("iface.transport_name", "tcp", 0, K_NI), \
	STR("iface.initiatorname", "", REC_F_IFACE_MODE, K_NI), \
	S_IF("state"), \
	INT("iface.vlan_id", 0, 0, 4095, 0, K_NI, NO_TCP), \
	INT("iface.vlan_priority", 0, 0, 7, 0, K_NI, NO_TCP), \
	S_IF("vlan_state"), N_IF("iface_num"), N_IF("mtu"), \
	INT("iface.port", 0, 0, 65535, 0, K_NI, NO_TCP), \
	S_IF("bootproto"), S_IF("subnet_mask"), S_IF("gateway"), \
	S_IFQ("ipv6_autocfg"), S_IFQ("linklocal_autocfg"), \
	S_IFQ("router_autocfg"), S_IFQ("ipv6_linklocal"), S_IFQ("ipv6_router"), \
	S_IF("dhcp_alt_client_id_state"), S_IF("dhcp_alt_client_id"), \
	S_IF("dhcp_dns"), S_IF("dhcp_learn_iqn"), \
	S_IF("dhcp_req_vendor_id_state"), S_IF("dhcp_vendor_id_state"), \
	S_IF("dhcp_vendor_id"), S_IF("dhcp_slp_da"), S_IF("fragmentation"), \
	S_IF("gratuitous_arp"), S_IF("incoming_forwarding"), S_IF("tos_state"), \
	N_IF("tos"), N_IF("ttl"), S_IF("delayed_ack"), S_IF("tcp_nagle"), \
	S_IF("tcp_wsf_state"), N_IF("tcp_wsf"), N_IF("tcp_timer_scale"), \
	S_IF("tcp_timestamp"), S_IF("redirect"), N_IF("def_task_mgmt_timeout"), \
	S_IF("header_digest"), S_IF("data_digest"), S_IF("immediate_data"), \
	S_IF("initial_r2t"), S_IF("data_seq_inorder"), S_IF("data_pdu_inorder"), \
	N_IF("erl"), N_IF("max_receive_data_len"), N_IF("first_burst_len"), \
	N_IF("max_outstanding_r2t"), N_IF("max_burst_len"), S_IF("chap_auth"), \
	S_IF("bidi_chap"), S_IF("strict_login_compliance"), \
	S_IF("discovery_auth"), S_IF("discovery_logout")

#define SESS "node.session."
#define CONN "node.conn[0]."

static const struct rec_key node_keys[] = {
	STR("node.name", "", REC_F_LOOKUP, K_NODE),
	INT("node.tpgt", -1, -1, 65535, REC_F_LOOKUP, K_NODE),
	ENUM("node.startup", "manual", w_startup, 0, K_NODE),
	BOOL("node.leading_login", "No", K_NODE, NOT_IMPL),
	IFACE_ROWS,
	STR("node.discovery_address", "", 0, K_NODE),
	INT("node.discovery_port", 0, 0, 65535, 0, K_NODE),
	ENUM("node.discovery_type", "static", w_disc_type, REC_F_LOOKUP, K_NODE),
	NUM(SESS "initial_cmdsn", 0, K_NODE),
	NUM(SESS "initial_login_retry_max", 4, K_NODE),
	NUM(SESS "xmit_thread_priority", -20, K_NODE, NO_TCP),
	NUM(SESS "cmds_max", 128, K_NODE),
	NUM(SESS "queue_depth", 32, K_NODE),
	INT(SESS "nr_sessions", 1, 1, 256, 0, K_NODE),
	ENUM(SESS "auth.authmethod", "None", w_auth, 0, K_NODE),
	STR(SESS "auth.username", "", 0, K_NODE),
	STR(SESS "auth.password", "", REC_F_SECRET, K_NODE),
	HIDDEN_LEN(SESS "auth.password_length", K_NODE),
	STR(SESS "auth.username_in", "", 0, K_NODE),
	STR(SESS "auth.password_in", "", REC_F_SECRET, K_NODE),
	HIDDEN_LEN(SESS "auth.password_in_length", K_NODE),
	CHAP_ALGS(K_NODE),
	NUM(SESS "timeo.replacement_timeout", 120, K_NODE),
	NUM(SESS "err_timeo.abort_timeout", 15, K_NODE),
	NUM(SESS "err_timeo.lu_reset_timeout", 30, K_NODE),
	NUM(SESS "err_timeo.tgt_reset_timeout", 30, K_NODE),
	/* iscsi_tcp's SCSI host has no host reset handler. */
	NUM(SESS "err_timeo.host_reset_timeout", 60, K_NODE, NO_TCP),
	BOOL(SESS "iscsi.FastAbort", "Yes", K_NODE),
	BOOL(SESS "iscsi.InitialR2T", "No", K_NODE),
	BOOL(SESS "iscsi.ImmediateData", "Yes", K_NODE),
	INT(SESS "iscsi.FirstBurstLength", 262144, 512, PDU_LEN_MAX, 0, K_NODE),
	INT(SESS "iscsi.MaxBurstLength", 16776192, 512, PDU_LEN_MAX, 0, K_NODE),
	INT(SESS "iscsi.DefaultTime2Retain", 0, 0, 3600, 0, K_NODE),
	INT(SESS "iscsi.DefaultTime2Wait", 2, 0, 3600, 0, K_NODE),
	INT(SESS "iscsi.MaxConnections", 1, 1, 65535, 0, K_NODE),
	INT(SESS "iscsi.MaxOutstandingR2T", 1, 1, 65535, 0, K_NODE),
	INT(SESS "iscsi.ERL", 0, 0, 2, 0, K_NODE),
	ENUM(SESS "scan", "auto", w_scan, 0, K_NODE),
	NUM(SESS "reopen_max", 0, K_NODE),
	INT(SESS "sess_reopen_log_freq", 1, INT_MIN, INT_MAX, REC_F_QUIET, K_NODE, NOT_IMPL),
	STR(CONN "address", "", REC_F_LOOKUP, K_NODE),
	INT(CONN "port", 3260, 0, 65535, REC_F_LOOKUP, K_NODE),
	ENUM(CONN "startup", "manual", w_startup, 0, K_NODE),
	NUM(CONN "tcp.window_size", 524288, K_NODE),
	NUM(CONN "tcp.type_of_service", 0, K_NODE),
	STR(CONN "tcp.congestion_control", "", REC_F_QUIET, K_NODE),
	NUM(CONN "timeo.logout_timeout", 15, K_NODE),
	NUM(CONN "timeo.login_timeout", 30, K_NODE),
	NUM(CONN "timeo.auth_timeout", 45, K_NODE),
	NUM(CONN "timeo.noop_out_interval", 5, K_NODE),
	NUM(CONN "timeo.noop_out_timeout", 5, K_NODE),
	INT(CONN "iscsi.MaxXmitDataSegmentLength", 0, 0, PDU_LEN_MAX, 0, K_NODE),
	INT(CONN "iscsi.MaxRecvDataSegmentLength", 262144, 512, PDU_LEN_MAX, 0, K_NODE),
	ENUM(CONN "iscsi.HeaderDigest", "None", w_digest, 0, K_NODE),
	ENUM(CONN "iscsi.DataDigest", "None", w_digest, 0, K_NODE),
	/* Markers are obsolete (RFC 7143) and iscsi_tcp cannot insert them. */
	BOOL(CONN "iscsi.IFMarker", "No", K_NODE, NO_TCP),
	BOOL(CONN "iscsi.OFMarker", "No", K_NODE, NO_TCP),
};

#define ST "discovery.sendtargets."

static const struct rec_key disc_keys[] = {
	ENUM("discovery.startup", "manual", w_disc_startup, 0, K_DISC, NOT_IMPL),
	ENUM("discovery.type", "sendtargets", w_st_type, REC_F_LOOKUP, K_DISC),
	STR(ST "address", "", REC_F_LOOKUP, K_DISC),
	INT(ST "port", 3260, 0, 65535, REC_F_LOOKUP, K_DISC),
	ENUM(ST "auth.authmethod", "None", w_auth, 0, K_DISC),
	STR(ST "auth.username", "", 0, K_DISC),
	STR(ST "auth.password", "", REC_F_SECRET, K_DISC),
	HIDDEN_LEN(ST "auth.password_length", K_DISC),
	STR(ST "auth.username_in", "", 0, K_DISC),
	STR(ST "auth.password_in", "", REC_F_SECRET, K_DISC),
	HIDDEN_LEN(ST "auth.password_in_length", K_DISC),
	/* open-iscsi stores the discovery CHAP list under the node key name. */
	CHAP_ALGS(K_DISC),
	NUM(ST "timeo.login_timeout", 15, K_DISC),
	/* lunlink has no discovery daemon polling portals. */
	BOOL(ST "use_discoveryd", "No", K_DISC, NOT_IMPL),
	NUM(ST "discoveryd_poll_inval", 30, K_DISC, NOT_IMPL),
	NUM(ST "reopen_max", 5, K_DISC),
	NUM(ST "timeo.auth_timeout", 45, K_DISC),
	NUM(ST "timeo.active_timeout", 30, K_DISC),
	INT(ST "iscsi.MaxRecvDataSegmentLength", 32768, 512, PDU_LEN_MAX, 0, K_DISC),
};

static const struct rec_key iface_keys[] = {
	IFACE_ROWS,
};

const struct rec_table rec_tables[REC_KIND_MAX_] = {
	[REC_NODE] = { node_keys, ARRAY_SIZE(node_keys) },
	[REC_DISC_ST] = { disc_keys, ARRAY_SIZE(disc_keys) },
	[REC_IFACE] = { iface_keys, ARRAY_SIZE(iface_keys) },
};
