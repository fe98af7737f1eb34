/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * negotiate.h: operational key negotiation (RFC 7143 sections 6 and 13).
 *
 * One table describes every login key: type, RFC default, legal range,
 * who may send it, scope, and whether it applies to discovery sessions.
 * The negotiation engine, record validation and documentation all read it.
 *
 * The login machine drives one struct neg_ctx per connection login:
 *
 *   neg_config_defaults(&cfg); ...fill cfg from the node record...
 *   neg_init(&ctx, &cfg, discovery, &err)   validates cfg against the table
 *   neg_build_offer(&ctx, req)              our keys for the first
 *                                           LoginOperationalNegotiation PDU
 *   neg_handle_keys(&ctx, rsp, req, &err)   for every login response: checks
 *                                           the target's answers and answers
 *                                           its own proposals into `reply`
 *   neg_complete(&ctx)                      every offer answered: may transit
 *   neg_result(&ctx, &params)               agreed values for the kernel
 *
 * neg_handle_keys() skips security keys (AuthMethod, CHAP_*, SRP_*, KRB_*,
 * SPKM_*) without answering them: those belong to the login machine and
 * chap.  It also stores the target's declarations (TargetAlias,
 * TargetPortalGroupTag, TargetAddress, MaxRecvDataSegmentLength).
 *
 * Policy where the RFC leaves a choice:
 *  - target answers Reject or NotUnderstood to one of our keys: the key keeps
 *    its RFC default, unless it is a list whose default we did not offer
 *    (e.g. HeaderDigest=CRC32C only), which fails the login;
 *  - target answers Irrelevant: the RFC default is kept;
 *  - target proposes an out-of-range or malformed value: we answer Reject;
 *  - target answers one of our offers with a value that the result function
 *    cannot produce (MaxBurstLength above ours, ImmediateData=Yes after our
 *    No, a digest we did not list): the login fails;
 *  - a key sent twice by the target (same PDU or later PDU) fails the login;
 *  - IFMarker/OFMarker/IFMarkInt/OFMarkInt (removed by RFC 7143) are never
 *    offered and are answered Reject;
 *  - unknown keys, X- and X# keys (except X#NodeArchitecture, declarative)
 *    are answered NotUnderstood;
 *  - numbers: decimal (leading zeros tolerated) or 0x hex, below 2^64.
 * Negotiation failures carry ISCSI_ERR_LOGIN; config errors ISCSI_ERR_INVAL.
 *
 * Memory: everything is fixed-size inside the caller-allocated context; the
 * text lists passed in are only read; `reply`/`out` get copies appended.
 * Connections are treated as leading connections (one connection per session
 * as in open-iscsi).
 */
#ifndef LUNLINK_NEGOTIATE_H
#define LUNLINK_NEGOTIATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libiscsi-core/errors.h"
#include "libiscsi-core/text.h"

/* ---- the key table ---- */

enum neg_type {
	NEG_LIST,          /* responder picks the first acceptable value (digests) */
	NEG_NUM_MIN,       /* result: the smaller value */
	NEG_NUM_MAX,       /* result: the larger value */
	NEG_NUM_DECL,      /* declarative number, one per direction */
	NEG_BOOL_AND,      /* result: Yes only if both say Yes */
	NEG_BOOL_OR,       /* result: Yes if either says Yes */
	NEG_DECL_STR,      /* declarative string, no answer */
	NEG_OBSOLETE,      /* removed by RFC 7143: answered Reject */
};

/* Who may send the key (bit set). */
#define NEG_FROM_INITIATOR 0x1u
#define NEG_FROM_TARGET    0x2u

/* Key properties (bit set). */
#define NEG_F_LEADING_ONLY 0x1u   /* LO: only on the leading connection */
#define NEG_F_SESSION_WIDE 0x2u   /* SW scope; otherwise connection-only (CO) */
#define NEG_F_NORMAL_ONLY  0x4u   /* Irrelevant when SessionType=Discovery */
#define NEG_F_INITIAL_ONLY 0x8u   /* IO: only during login, first request */
#define NEG_F_ANY_STAGE    0x10u  /* may appear in the security stage */

enum neg_key_id {
	NEG_KEY_HEADER_DIGEST,
	NEG_KEY_DATA_DIGEST,
	NEG_KEY_MAX_CONNECTIONS,
	NEG_KEY_TARGET_NAME,
	NEG_KEY_INITIATOR_NAME,
	NEG_KEY_TARGET_ALIAS,
	NEG_KEY_INITIATOR_ALIAS,
	NEG_KEY_TARGET_ADDRESS,
	NEG_KEY_TPGT,
	NEG_KEY_INITIAL_R2T,
	NEG_KEY_IMMEDIATE_DATA,
	NEG_KEY_MAX_RECV_DSL,
	NEG_KEY_MAX_BURST,
	NEG_KEY_FIRST_BURST,
	NEG_KEY_DEFAULT_TIME2WAIT,
	NEG_KEY_DEFAULT_TIME2RETAIN,
	NEG_KEY_MAX_OUTSTANDING_R2T,
	NEG_KEY_DATA_PDU_IN_ORDER,
	NEG_KEY_DATA_SEQ_IN_ORDER,
	NEG_KEY_ERL,
	NEG_KEY_SESSION_TYPE,
	NEG_KEY_TASK_REPORTING,
	NEG_KEY_PROTOCOL_LEVEL,
	NEG_KEY_NODE_ARCH,
	NEG_KEY_IFMARKER,
	NEG_KEY_OFMARKER,
	NEG_KEY_IFMARKINT,
	NEG_KEY_OFMARKINT,
	NEG_KEY_COUNT_
};

struct neg_key_info {
	const char *name;           /* as on the wire */
	enum neg_type type;
	const char *rfc_default;    /* NULL when the RFC gives none */
	uint64_t min, max;          /* numeric range (numbers only) */
	const char *values;         /* legal values of a list ("None,CRC32C") */
	unsigned senders;           /* NEG_FROM_* */
	unsigned flags;             /* NEG_F_* */
	const char *record_key;     /* open-iscsi node record key, or NULL */
};

/* The whole table, indexed by enum neg_key_id; *count = NEG_KEY_COUNT_. */
const struct neg_key_info *neg_keys(size_t *count);
/* Table entry for a wire name (exact, case-sensitive), or NULL. */
const struct neg_key_info *neg_key_find(const char *name);
/* "list", "numeric-min", ... for docs and --help. */
const char *neg_type_str(enum neg_type t);

/*
 * RFC 7143 numerical value: decimal or 0x/0X hex, no sign, no blanks, no
 * trailing garbage, below 2^64.  Returns 0 or -EINVAL (malformed/empty) or
 * -ERANGE (overflow).  Shared with chap (CHAP_I, CHAP_A).
 */
int neg_parse_number(const char *s, uint64_t *out);

/* ---- our preferences ---- */

enum neg_digest_pref {
	NEG_DIGEST_NONE,           /* "None" */
	NEG_DIGEST_CRC32C,         /* "CRC32C" */
	NEG_DIGEST_CRC32C_NONE,    /* "CRC32C,None" */
	NEG_DIGEST_NONE_CRC32C,    /* "None,CRC32C" */
};

/* Record spelling of a digest setting <-> enum; parse returns -EINVAL if unknown. */
int neg_digest_pref_parse(const char *s, enum neg_digest_pref *out);
const char *neg_digest_pref_str(enum neg_digest_pref p);

struct neg_config {
	uint32_t max_recv_dsl;         /* node.conn[0].iscsi.MaxRecvDataSegmentLength */
	uint32_t max_xmit_dsl;         /* node.conn[0].iscsi.MaxXmitDataSegmentLength; 0 = target's */
	enum neg_digest_pref header_digest; /* node.conn[0].iscsi.HeaderDigest */
	enum neg_digest_pref data_digest;   /* node.conn[0].iscsi.DataDigest */
	bool initial_r2t;              /* node.session.iscsi.InitialR2T */
	bool immediate_data;           /* node.session.iscsi.ImmediateData */
	uint32_t first_burst;          /* node.session.iscsi.FirstBurstLength */
	uint32_t max_burst;            /* node.session.iscsi.MaxBurstLength */
	uint32_t max_outstanding_r2t;  /* node.session.iscsi.MaxOutstandingR2T */
	uint32_t erl;                  /* node.session.iscsi.ERL */
	uint32_t default_time2wait;    /* node.session.iscsi.DefaultTime2Wait */
	uint32_t default_time2retain;  /* node.session.iscsi.DefaultTime2Retain */
	uint32_t max_connections;      /* node.session.iscsi.MaxConnections */
	bool data_pdu_in_order;        /* no record key; open-iscsi always Yes */
	bool data_seq_in_order;        /* no record key; open-iscsi always Yes */
};

/* open-iscsi's built-in node defaults (MaxRecvDataSegmentLength 262144, ...). */
void neg_config_defaults(struct neg_config *cfg);

/* Final values for the kernel (ISCSI_PARAM_*). */
struct neg_params {
	uint32_t max_recv_dsl;         /* what the target may send us (our declaration) */
	uint32_t max_xmit_dsl;         /* what we may send: target's declaration, capped
					  by cfg.max_xmit_dsl when that is non-zero */
	bool header_digest;            /* CRC32C */
	bool data_digest;              /* CRC32C */
	bool initial_r2t;
	bool immediate_data;
	uint32_t first_burst;
	uint32_t max_burst;
	uint32_t max_outstanding_r2t;
	uint32_t erl;
	bool data_pdu_in_order;
	bool data_seq_in_order;
	uint32_t default_time2wait;
	uint32_t default_time2retain;
	uint32_t max_connections;
	int32_t tpgt;                  /* TargetPortalGroupTag, -1 if not sent */
	char target_alias[256];        /* TargetAlias, "" if not sent */
	char target_address[256];      /* TargetAddress (redirection), "" if not sent */
};

/* ---- the engine ---- */

/* Per-key progress; private to negotiate.c. */
struct neg_key_state {
	uint8_t st;          /* NEG_ST_* bits in negotiate.c */
	uint64_t ours;       /* our value (number, bool, digest pref) */
	uint64_t value;      /* agreed value / target's declaration */
};

/* Fields are private to negotiate.c; public only so callers can embed it. */
struct neg_ctx {
	struct neg_config cfg;
	bool discovery;
	bool offered;                       /* neg_build_offer ran */
	struct neg_key_state k[NEG_KEY_COUNT_];
	int32_t tpgt;
	char target_alias[256];
	char target_address[256];
};

/*
 * Validates cfg (every value in its RFC range, FirstBurstLength <=
 * MaxBurstLength) and resets the context.  Errors name the record key,
 * code ISCSI_ERR_INVAL.
 */
int neg_init(struct neg_ctx *ctx, const struct neg_config *cfg, bool discovery,
	     struct ll_error *err);

/*
 * Appends our proposals: HeaderDigest, DataDigest, MaxRecvDataSegmentLength
 * and, for normal sessions, the session-wide keys; discovery sessions also
 * send DefaultTime2Wait, DefaultTime2Retain and ErrorRecoveryLevel.  Keys
 * the target already proposed are not offered again.  Call once.
 */
int neg_build_offer(struct neg_ctx *ctx, struct text_list *out);

/*
 * Processes one login response's keys.  Answers to our offers are checked
 * against the result function; the target's own proposals are answered into
 * `reply` (result value, Reject, Irrelevant or NotUnderstood).  Returns 0,
 * or -1 with err filled (ISCSI_ERR_LOGIN, naming the key and value).
 */
int neg_handle_keys(struct neg_ctx *ctx, const struct text_list *in,
		    struct text_list *reply, struct ll_error *err);

/* True when every key we offered (declarations excepted) has been answered. */
bool neg_complete(const struct neg_ctx *ctx);

/* The agreed values; keys never negotiated report their RFC defaults. */
void neg_result(const struct neg_ctx *ctx, struct neg_params *out);

#endif
