/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernel_abi.h: the NETLINK_ISCSI ABI of Linux's scsi_transport_iscsi, as
 * numbers and byte offsets (facts of the kernel interface, checked against
 * the kernel's include/scsi/iscsi_if.h of Debian's 6.1 kernel).
 *
 * Messages are a struct nlmsghdr followed by the kernel's iscsi_uevent
 * (56 bytes on 64-bit, native byte order) and optional trailing bytes.  We
 * encode them field by field at these offsets; the static asserts below
 * check the offsets against a mirror of the layout the compiler computes.
 */
#ifndef ISCSID_KERNEL_ABI_H
#define ISCSID_KERNEL_ABI_H

#include <stddef.h>
#include <stdint.h>

#define KABI_NETLINK_ISCSI 8
#define KABI_GRP_ISCSID 1

/* Message types (enum iscsi_uevent_e). */
enum kabi_type {
	KABI_UEVENT_CREATE_SESSION = 11,
	KABI_UEVENT_DESTROY_SESSION = 12,
	KABI_UEVENT_CREATE_CONN = 13,
	KABI_UEVENT_DESTROY_CONN = 14,
	KABI_UEVENT_BIND_CONN = 15,
	KABI_UEVENT_SET_PARAM = 16,
	KABI_UEVENT_START_CONN = 17,
	KABI_UEVENT_STOP_CONN = 18,
	KABI_UEVENT_SEND_PDU = 19,
	KABI_UEVENT_GET_STATS = 20,
	KABI_UEVENT_SET_HOST_PARAM = 26,
	KABI_UEVENT_UNBIND_SESSION = 27,
	KABI_UEVENT_GET_HOST_STATS = 42,
	KABI_UEVENT_DESTROY_SESSION_ASYNC = 43,

	KABI_KEVENT_RECV_PDU = 101,
	KABI_KEVENT_CONN_ERROR = 102,
	KABI_KEVENT_IF_ERROR = 103,
	KABI_KEVENT_DESTROY_SESSION = 104,
	KABI_KEVENT_UNBIND_SESSION = 105,
	KABI_KEVENT_CREATE_SESSION = 106,
	KABI_KEVENT_CONN_LOGIN_STATE = 109,
};

/* STOP_CONN flags. */
enum kabi_stop_flag {
	KABI_STOP_CONN_TERM = 1,
	KABI_STOP_CONN_SUSPEND = 2,
	KABI_STOP_CONN_RECOVER = 3,
};

/* Connection error codes carried by KEVENT_CONN_ERROR (enum iscsi_err). */
enum kabi_conn_err {
	KABI_ERR_DATASN = 1001,
	KABI_ERR_DATA_OFFSET = 1002,
	KABI_ERR_MAX_CMDSN = 1003,
	KABI_ERR_EXP_CMDSN = 1004,
	KABI_ERR_BAD_OPCODE = 1005,
	KABI_ERR_DATALEN = 1006,
	KABI_ERR_AHSLEN = 1007,
	KABI_ERR_PROTO = 1008,
	KABI_ERR_LUN = 1009,
	KABI_ERR_BAD_ITT = 1010,
	KABI_ERR_CONN_FAILED = 1011,
	KABI_ERR_R2TSN = 1012,
	KABI_ERR_SESSION_FAILED = 1013,
	KABI_ERR_HDR_DGST = 1014,
	KABI_ERR_DATA_DGST = 1015,
	KABI_ERR_PARAM_NOT_FOUND = 1016,
	KABI_ERR_NO_SCSI_CMD = 1017,
	KABI_ERR_INVALID_HOST = 1018,
	KABI_ERR_XMIT_FAILED = 1019,
	KABI_ERR_TCP_CONN_CLOSE = 1020,
	KABI_ERR_SCSI_EH_SESSION_RST = 1021,
	KABI_ERR_NOP_TIMEDOUT = 1022,
};

/* enum iscsi_param numbers used with SET_PARAM. */
enum kabi_param {
	KABI_PARAM_MAX_RECV_DLENGTH = 0,
	KABI_PARAM_MAX_XMIT_DLENGTH = 1,
	KABI_PARAM_HDRDGST_EN = 2,
	KABI_PARAM_DATADGST_EN = 3,
	KABI_PARAM_INITIAL_R2T_EN = 4,
	KABI_PARAM_MAX_R2T = 5,
	KABI_PARAM_IMM_DATA_EN = 6,
	KABI_PARAM_FIRST_BURST = 7,
	KABI_PARAM_MAX_BURST = 8,
	KABI_PARAM_PDU_INORDER_EN = 9,
	KABI_PARAM_DATASEQ_INORDER_EN = 10,
	KABI_PARAM_ERL = 11,
	KABI_PARAM_IFMARKER_EN = 12,
	KABI_PARAM_OFMARKER_EN = 13,
	KABI_PARAM_EXP_STATSN = 14,
	KABI_PARAM_TARGET_NAME = 15,
	KABI_PARAM_TPGT = 16,
	KABI_PARAM_PERSISTENT_ADDRESS = 17,
	KABI_PARAM_PERSISTENT_PORT = 18,
	KABI_PARAM_SESS_RECOVERY_TMO = 19,
	KABI_PARAM_CONN_PORT = 20,
	KABI_PARAM_CONN_ADDRESS = 21,
	KABI_PARAM_USERNAME = 22,
	KABI_PARAM_USERNAME_IN = 23,
	KABI_PARAM_PASSWORD = 24,
	KABI_PARAM_PASSWORD_IN = 25,
	KABI_PARAM_FAST_ABORT = 26,
	KABI_PARAM_ABORT_TMO = 27,
	KABI_PARAM_LU_RESET_TMO = 28,
	KABI_PARAM_HOST_RESET_TMO = 29,
	KABI_PARAM_PING_TMO = 30,
	KABI_PARAM_RECV_TMO = 31,
	KABI_PARAM_IFACE_NAME = 32,
	KABI_PARAM_ISID = 33,
	KABI_PARAM_INITIATOR_NAME = 34,
	KABI_PARAM_TGT_RESET_TMO = 35,
	KABI_PARAM_TARGET_ALIAS = 36,
	KABI_PARAM_BOOT_ROOT = 39,
	KABI_PARAM_BOOT_NIC = 40,
	KABI_PARAM_BOOT_TARGET = 41,
	KABI_PARAM_DISCOVERY_SESS = 43,
	KABI_PARAM_DEF_TIME2WAIT = 49,
	KABI_PARAM_DEF_TIME2RETAIN = 50,
	KABI_PARAM_LOCAL_PORT = 54,
	KABI_PARAM_LOCAL_IPADDR = 71,
	KABI_PARAM_MAX = 72,
};

/* enum iscsi_host_param. */
enum kabi_host_param {
	KABI_HOST_PARAM_HWADDRESS = 0,
	KABI_HOST_PARAM_INITIATOR_NAME = 1,
	KABI_HOST_PARAM_NETDEV_NAME = 2,
	KABI_HOST_PARAM_IPADDRESS = 3,
};

/*
 * Byte offsets inside struct iscsi_uevent.  Requests use the union "u" at
 * 16, replies and events the union "r" at 40.
 */
enum kabi_off {
	KABI_EV_TYPE = 0,              /* u32 */
	KABI_EV_IFERROR = 4,           /* u32, negative errno from the kernel */
	KABI_EV_TRANSPORT_HANDLE = 8,  /* u64 */
	KABI_EV_U = 16,
	KABI_EV_R = 40,
	KABI_EV_SIZE = 56,

	/* requests */
	KABI_CSESS_INITIAL_CMDSN = 16, /* u32 */
	KABI_CSESS_CMDS_MAX = 20,      /* u16 */
	KABI_CSESS_QUEUE_DEPTH = 22,   /* u16 */
	KABI_U_SID = 16,               /* u32: every per-session/conn request */
	KABI_U_CID = 20,               /* u32 */
	KABI_BCONN_TRANSPORT_EPH = 24, /* u64: the socket fd */
	KABI_BCONN_IS_LEADING = 32,    /* u32 */
	KABI_SETP_PARAM = 24,          /* u32 */
	KABI_SETP_LEN = 28,            /* u32, includes the NUL */
	KABI_SETHP_HOST_NO = 16,       /* u32 */
	KABI_SETHP_PARAM = 20,         /* u32 */
	KABI_SETHP_LEN = 24,           /* u32 */
	KABI_SPDU_HDR_SIZE = 24,       /* u32 */
	KABI_SPDU_DATA_SIZE = 28,      /* u32 */
	KABI_SCONN_CONN_HANDLE = 24,   /* u64 */
	KABI_SCONN_FLAG = 32,          /* u32 */
	KABI_GHSTATS_HOST_NO = 16,     /* u32: GET_HOST_STATS */

	/* replies / events */
	KABI_R_RETCODE = 40,           /* i32 */
	KABI_R_SID = 40,               /* u32: c_session_ret, c_conn_ret, recv_req,
				        * connerror, unbind_session */
	KABI_R_HOST_NO = 44,           /* u32: c_session_ret, unbind_session */
	KABI_R_CID = 44,               /* u32: c_conn_ret, recv_req, connerror */
	KABI_R_RECV_HANDLE = 48,       /* u64 */
	KABI_R_CONNERR_ERROR = 48,     /* u32 */
	KABI_R_DSESS_HOST_NO = 40,     /* u32: KEVENT_DESTROY_SESSION */
	KABI_R_DSESS_SID = 44,         /* u32 */
};

/*
 * A mirror of the kernel's layout in our own words, used only to let the
 * compiler check the offsets above; never cast onto received bytes.
 */
struct kabi_layout_check {
	uint32_t type;
	uint32_t iferror;
	uint64_t transport_handle;
	union {
		struct { uint32_t initial_cmdsn; uint16_t cmds_max, queue_depth; } cs;
		struct { uint32_t sid, cid; uint64_t eph; uint32_t leading; } bc;
		struct { uint32_t sid, cid, param, len; } sp;
		struct { uint32_t host_no, param, len; } shp;
		struct { uint32_t sid, cid, hdr_size, data_size; } pdu;
		struct { uint32_t sid, cid; uint64_t handle; uint32_t flag; } stop;
		struct { uint64_t a; uint32_t b; uint16_t c, d; } biggest;
	} u;
	union {
		int32_t retcode;
		struct { uint32_t sid, host_no; } cs;
		struct { uint32_t sid, cid; uint64_t handle; } recv;
		struct { uint32_t sid, cid, error; } err;
		struct { uint32_t host_no, sid; } ds;
		struct { uint32_t a, b, c, d; } biggest;
	} r;
} __attribute__((aligned(8)));

#define KABI_CHECK(field, off) \
	_Static_assert(offsetof(struct kabi_layout_check, field) == (off), #field)

KABI_CHECK(type, KABI_EV_TYPE);
KABI_CHECK(iferror, KABI_EV_IFERROR);
KABI_CHECK(transport_handle, KABI_EV_TRANSPORT_HANDLE);
KABI_CHECK(u, KABI_EV_U);
KABI_CHECK(r, KABI_EV_R);
KABI_CHECK(u.cs.cmds_max, KABI_CSESS_CMDS_MAX);
KABI_CHECK(u.cs.queue_depth, KABI_CSESS_QUEUE_DEPTH);
KABI_CHECK(u.bc.eph, KABI_BCONN_TRANSPORT_EPH);
KABI_CHECK(u.bc.leading, KABI_BCONN_IS_LEADING);
KABI_CHECK(u.sp.param, KABI_SETP_PARAM);
KABI_CHECK(u.sp.len, KABI_SETP_LEN);
KABI_CHECK(u.shp.len, KABI_SETHP_LEN);
KABI_CHECK(u.pdu.data_size, KABI_SPDU_DATA_SIZE);
KABI_CHECK(u.stop.handle, KABI_SCONN_CONN_HANDLE);
KABI_CHECK(u.stop.flag, KABI_SCONN_FLAG);
KABI_CHECK(r.cs.host_no, KABI_R_HOST_NO);
KABI_CHECK(r.recv.handle, KABI_R_RECV_HANDLE);
KABI_CHECK(r.err.error, KABI_R_CONNERR_ERROR);
KABI_CHECK(r.ds.sid, KABI_R_DSESS_SID);
_Static_assert(sizeof(struct kabi_layout_check) == KABI_EV_SIZE, "iscsi_uevent is 56 bytes");

/*
 * GET_STATS.  The request carries {sid, cid} at KABI_U_SID/KABI_U_CID.  On
 * success the kernel sends no unicast reply: it multicasts to
 * KABI_GRP_ISCSID one message whose nlmsg_type is 0 and whose uevent has
 * type GET_STATS and the request's sid/cid, followed by the kernel's
 * struct iscsi_stats (offsets below, from the start of that struct) and
 * custom_length records of KABI_STATS_CUSTOM_SIZE bytes.  On failure the
 * usual unicast IF_ERROR reply comes instead (-EEXIST: no such
 * connection).
 */
enum kabi_stats_off {
	KABI_STATS_TXDATA_OCTETS = 0,   /* u64 */
	KABI_STATS_RXDATA_OCTETS = 8,   /* u64 */
	/* u32 PDU and error counters */
	KABI_STATS_NOPTX_PDUS = 16,
	KABI_STATS_SCSICMD_PDUS = 20,
	KABI_STATS_TMFCMD_PDUS = 24,
	KABI_STATS_LOGIN_PDUS = 28,
	KABI_STATS_TEXT_PDUS = 32,
	KABI_STATS_DATAOUT_PDUS = 36,
	KABI_STATS_LOGOUT_PDUS = 40,
	KABI_STATS_SNACK_PDUS = 44,
	KABI_STATS_NOPRX_PDUS = 48,
	KABI_STATS_SCSIRSP_PDUS = 52,
	KABI_STATS_TMFRSP_PDUS = 56,
	KABI_STATS_TEXTRSP_PDUS = 60,
	KABI_STATS_DATAIN_PDUS = 64,
	KABI_STATS_LOGOUTRSP_PDUS = 68,
	KABI_STATS_R2T_PDUS = 72,
	KABI_STATS_ASYNC_PDUS = 76,
	KABI_STATS_RJT_PDUS = 80,
	KABI_STATS_DIGEST_ERR = 84,
	KABI_STATS_TIMEOUT_ERR = 88,
	KABI_STATS_CUSTOM_LENGTH = 92,  /* u32: records that follow */
	KABI_STATS_CUSTOM = 96,         /* first record (8-aligned) */
	KABI_STATS_SIZE = 96,

	/* one custom record: a NUL-padded name, then its u64 value */
	KABI_STATS_CUSTOM_DESC = 0,
	KABI_STATS_CUSTOM_DESC_MAX = 64,
	KABI_STATS_CUSTOM_VALUE = 64,
	KABI_STATS_CUSTOM_SIZE = 72,
	KABI_STATS_CUSTOM_MAX = 32,
};

/* Our mirror of struct iscsi_stats, for the compiler's checks only. */
struct kabi_stats_layout_check {
	uint64_t txdata_octets, rxdata_octets;
	uint32_t noptx, scsicmd, tmfcmd, login, text, dataout, logout, snack;
	uint32_t noprx, scsirsp, tmfrsp, textrsp, datain, logoutrsp, r2t, async, rjt;
	uint32_t digest_err, timeout_err;
	uint32_t custom_length;
	struct kabi_stats_custom_check {
		char desc[KABI_STATS_CUSTOM_DESC_MAX];
		uint64_t value;
	} custom[] __attribute__((aligned(8)));
};

#define KABI_STATS_CHECK(field, off) \
	_Static_assert(offsetof(struct kabi_stats_layout_check, field) == (off), #field)

KABI_STATS_CHECK(rxdata_octets, KABI_STATS_RXDATA_OCTETS);
KABI_STATS_CHECK(noptx, KABI_STATS_NOPTX_PDUS);
KABI_STATS_CHECK(scsicmd, KABI_STATS_SCSICMD_PDUS);
KABI_STATS_CHECK(tmfcmd, KABI_STATS_TMFCMD_PDUS);
KABI_STATS_CHECK(login, KABI_STATS_LOGIN_PDUS);
KABI_STATS_CHECK(text, KABI_STATS_TEXT_PDUS);
KABI_STATS_CHECK(dataout, KABI_STATS_DATAOUT_PDUS);
KABI_STATS_CHECK(logout, KABI_STATS_LOGOUT_PDUS);
KABI_STATS_CHECK(snack, KABI_STATS_SNACK_PDUS);
KABI_STATS_CHECK(noprx, KABI_STATS_NOPRX_PDUS);
KABI_STATS_CHECK(scsirsp, KABI_STATS_SCSIRSP_PDUS);
KABI_STATS_CHECK(tmfrsp, KABI_STATS_TMFRSP_PDUS);
KABI_STATS_CHECK(textrsp, KABI_STATS_TEXTRSP_PDUS);
KABI_STATS_CHECK(datain, KABI_STATS_DATAIN_PDUS);
KABI_STATS_CHECK(logoutrsp, KABI_STATS_LOGOUTRSP_PDUS);
KABI_STATS_CHECK(r2t, KABI_STATS_R2T_PDUS);
KABI_STATS_CHECK(async, KABI_STATS_ASYNC_PDUS);
KABI_STATS_CHECK(rjt, KABI_STATS_RJT_PDUS);
KABI_STATS_CHECK(digest_err, KABI_STATS_DIGEST_ERR);
KABI_STATS_CHECK(timeout_err, KABI_STATS_TIMEOUT_ERR);
KABI_STATS_CHECK(custom_length, KABI_STATS_CUSTOM_LENGTH);
KABI_STATS_CHECK(custom, KABI_STATS_CUSTOM);
_Static_assert(sizeof(struct kabi_stats_layout_check) == KABI_STATS_SIZE,
	       "iscsi_stats is 96 bytes before its custom records");
_Static_assert(offsetof(struct kabi_stats_custom_check, value) == KABI_STATS_CUSTOM_VALUE,
	       "custom value follows the 64-byte name");
_Static_assert(sizeof(struct kabi_stats_custom_check) == KABI_STATS_CUSTOM_SIZE,
	       "iscsi_stats_custom is 72 bytes");

#endif
