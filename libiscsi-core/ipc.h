/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipc.h: the iscsiadm <-> iscsid request/reply format (version 1).
 *
 * This header is the protocol's documentation.  Both programs use this
 * encoder/decoder, so iscsiadm never includes daemon code.
 *
 * Transport: a UNIX stream socket.  Its path is the programs' business (both
 * take $ISCSID_SOCKET, else the build's DEFAULT_ISCSID_SOCKET), so this
 * layer stays free of environment and build configuration.  iscsid
 * refuses peers whose SO_PEERCRED uid is not 0 with an ISCSI_ERR_ACCESS reply.
 *
 * Every message is a 16-byte header followed by a payload of attributes:
 *
 *   offset size  field
 *   0      4     magic    "LLNK" (0x4c 0x4c 0x4e 0x4b)
 *   4      2     version  IPC_VERSION (big-endian, as every integer here)
 *   6      2     type     enum ipc_type; a reply has IPC_REPLY set
 *   8      4     id       chosen by the client, echoed in the reply
 *   12     4     length   payload bytes, at most IPC_MAX_PAYLOAD
 *
 * The payload is a sequence of attributes, each
 *
 *   0      2     tag      enum ipc_attr
 *   2      2     len      value bytes (no padding)
 *   4      len   value    u32: 4 bytes big-endian; str: UTF-8 without NUL;
 *                         u32 list: 4 bytes per entry, big-endian (0..16383);
 *                         counter: 8-byte big-endian count, then a name of
 *                         1..63 bytes without NUL
 *
 * at most IPC_MAX_ATTRS of them.  Unknown tags are ignored (forward
 * compatibility); a string containing NUL, a u32 whose length is not 4, a
 * counter without a name (or with a NUL or too long a name), a truncated
 * attribute or a bad header is an error.
 *
 * A client may send several requests on one connection without waiting;
 * iscsid answers each with one reply carrying the same id, in any order.
 * Every reply has IPC_A_STATUS (an open-iscsi exit code, 0 = success) and,
 * when non-zero, IPC_A_MESSAGE (one sentence for the user).
 *
 * Requests and their attributes:
 *   IPC_PING          -                 reply: -
 *   IPC_DISCOVER      KV*  (discovery record: discovery.sendtargets.* keys,
 *                          address/port as discovery.sendtargets.address/port)
 *                     reply: TARGET followed by its PORTAL*, repeated; WARNING*
 *   IPC_LOGIN         KV*  (node record keys, "key=value")
 *                     reply: SID
 *   IPC_LOGOUT        SID FLAGS? SIDS?  reply: -
 *                     SIDS: every session the same command logs out (this
 *                     one included); safe logout judges a multipath map's
 *                     paths as that set, so logging out all of a mounted
 *                     map's paths at once is refused for each of them
 *   IPC_SESSION_INFO  SID?              reply: per session SID, CONN_STATE,
 *                                       SESS_STATE (iscsid's view)
 *   IPC_STOP          -                 reply: - (iscsid exits, sessions stay)
 *   IPC_RESCAN        SID               reply: -
 *   IPC_SESSION_STATS SID               reply: COUNTER* then CUSTOM* of the
 *                                       session's connection 0, as the
 *                                       kernel reported them (ipc_stats.h)
 *   IPC_HOST_STATS    HOST              reply: - (no transport lunlink
 *                                       drives has host statistics: the
 *                                       reply says why it failed)
 *   IPC_SESSION_HEALTH SID              reply: SID, HEALTH_NUM* and
 *                                       HEALTH_STR*: iscsid's history of
 *                                       the session (ipc_health.h)
 *
 * Memory: an ipc_msg owns copies of every value; ipc_msg_free() zeroes them
 * (login requests carry CHAP secrets).
 */
#ifndef LUNLINK_IPC_H
#define LUNLINK_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libiscsi-core/errors.h"

#define IPC_MAGIC 0x4c4c4e4bu
#define IPC_VERSION 1
#define IPC_HDR_LEN 16
#define IPC_MAX_PAYLOAD (256u * 1024u)
#define IPC_MAX_ATTRS 4096u
#define IPC_ATTR_HDR_LEN 4

enum ipc_type {
	IPC_PING = 1,
	IPC_DISCOVER = 2,
	IPC_LOGIN = 3,
	IPC_LOGOUT = 4,
	IPC_SESSION_INFO = 5,
	IPC_STOP = 6,
	IPC_RESCAN = 7,
	IPC_SESSION_STATS = 8,
	IPC_HOST_STATS = 9,
	IPC_SESSION_HEALTH = 10,
	IPC_TYPE_MAX_,
	IPC_REPLY = 0x8000,
};

enum ipc_attr {
	IPC_A_STATUS = 1,      /* u32: exit code */
	IPC_A_MESSAGE = 2,     /* str */
	IPC_A_KV = 3,          /* str: "key=value" of a record */
	IPC_A_TARGET = 4,      /* str: target name */
	IPC_A_PORTAL = 5,      /* str: "host:port,tpgt" ("[v6]:port,tpgt") */
	IPC_A_SID = 6,         /* u32 */
	IPC_A_WARNING = 7,     /* str: a non-fatal problem (e.g. a bad name dropped) */
	IPC_A_CONN_STATE = 8,  /* str: "LOGGED IN", ... */
	IPC_A_SESS_STATE = 9,  /* str: "NO CHANGE", "REOPEN", ... */
	IPC_A_FLAGS = 10,      /* u32: request flags (IPC_F_*) */
	IPC_A_COUNTER = 11,    /* counter: a standard (iSCSI MIB) statistic */
	IPC_A_CUSTOM = 12,     /* counter: a transport's own statistic */
	IPC_A_HOST = 13,       /* u32: SCSI host number */
	IPC_A_SIDS = 14,       /* u32 list: session ids */
	IPC_A_HEALTH_NUM = 15, /* counter: a numeric health field (ipc_health.h) */
	IPC_A_HEALTH_STR = 16, /* str: "name=value", a text health field */
};

#define IPC_COUNTER_NAME_MAX 63
#define IPC_MAX_U32_LIST (UINT16_MAX / 4)

enum ipc_flags {
	IPC_F_FORCE = 1u << 0,  /* logout even if a disk of the session is in use */
	IPC_F_MULTIPLE = 1u << 1, /* login: one more session, whatever nr_sessions says */
};

struct ipc_attr_val {
	uint16_t tag;
	uint16_t len;
	uint8_t *val;  /* len bytes + a NUL terminator (for strings) */
};

struct ipc_msg {
	uint16_t type;
	uint32_t id;
	struct ipc_attr_val *attrs;
	size_t n;
	size_t cap;
};

void ipc_msg_init(struct ipc_msg *m, uint16_t type, uint32_t id);
void ipc_msg_free(struct ipc_msg *m);

/* A value as it goes on the wire (len bytes); the typed adders use it. */
int ipc_msg_add_raw(struct ipc_msg *m, uint16_t tag, const void *val, size_t len);
int ipc_msg_add_u32(struct ipc_msg *m, uint16_t tag, uint32_t v);
int ipc_msg_add_str(struct ipc_msg *m, uint16_t tag, const char *s);
/* "key=value" convenience for IPC_A_KV. */
int ipc_msg_add_kv(struct ipc_msg *m, const char *key, const char *value);

/* A u32 list attribute; -E2BIG beyond IPC_MAX_U32_LIST entries. */
int ipc_msg_add_u32_list(struct ipc_msg *m, uint16_t tag, const uint32_t *v, size_t n);

/*
 * First u32 list with tag, into a malloc'd *out (NULL when empty) of *n
 * entries; -ENOENT when absent, -EBADMSG when its length is not a multiple
 * of 4, -ENOMEM.
 */
int ipc_msg_get_u32_list(const struct ipc_msg *m, uint16_t tag, uint32_t **out, size_t *n);

/* First attribute with tag; returns -ENOENT when absent, -EBADMSG on bad u32. */
int ipc_msg_get_u32(const struct ipc_msg *m, uint16_t tag, uint32_t *out);
/* First string attribute with tag, or NULL. */
const char *ipc_msg_get_str(const struct ipc_msg *m, uint16_t tag);

/* Encodes header + payload into a malloc'd buffer (caller frees/zeroes). */
int ipc_msg_encode(const struct ipc_msg *m, uint8_t **out, size_t *len);

/* Validates a header; on success fills type, id and payload length. */
int ipc_hdr_decode(const uint8_t hdr[IPC_HDR_LEN], uint16_t *type, uint32_t *id,
		   uint32_t *payload_len, struct ll_error *err);

/* Decodes a payload into m (initialised by this call). */
int ipc_msg_decode(struct ipc_msg *m, uint16_t type, uint32_t id,
		   const uint8_t *payload, size_t len, struct ll_error *err);

/* Name of a request type for logs ("LOGIN"), or "UNKNOWN". */
const char *ipc_type_str(uint16_t type);

#endif
