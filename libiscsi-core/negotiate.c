/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * negotiate.c: operational key negotiation (RFC 7143 sections 6 and 13).
 *
 * The key table below is the single description of every login key; the
 * engine is data driven from it: each key's type selects the result
 * function, its range bounds every number, its flags decide whether the key
 * is offered or answered Irrelevant in a discovery session.
 */
#include <inttypes.h>
#include <stdio.h>

#include "libiscsi-core/negotiate.h"
#include "libiscsi-core/util.h"

#define BOTH (NEG_FROM_INITIATOR | NEG_FROM_TARGET)
#define INI NEG_FROM_INITIATOR
#define TGT NEG_FROM_TARGET
#define LO NEG_F_LEADING_ONLY
#define SW NEG_F_SESSION_WIDE
#define NORMAL NEG_F_NORMAL_ONLY
#define IO NEG_F_INITIAL_ONLY
#define ANY NEG_F_ANY_STAGE
#define DSL_MAX 16777215u   /* 2^24 - 1 */

static const struct neg_key_info key_table[NEG_KEY_COUNT_] = {
	[NEG_KEY_HEADER_DIGEST] = { "HeaderDigest", NEG_LIST, "None", 0, 0, "None,CRC32C",
		BOTH, IO, "node.conn[0].iscsi.HeaderDigest" },
	[NEG_KEY_DATA_DIGEST] = { "DataDigest", NEG_LIST, "None", 0, 0, "None,CRC32C",
		BOTH, IO, "node.conn[0].iscsi.DataDigest" },
	[NEG_KEY_MAX_CONNECTIONS] = { "MaxConnections", NEG_NUM_MIN, "1", 1, 65535, NULL,
		BOTH, LO | SW | NORMAL, "node.session.iscsi.MaxConnections" },
	[NEG_KEY_TARGET_NAME] = { "TargetName", NEG_DECL_STR, NULL, 0, 0, NULL,
		BOTH, IO | SW | ANY, "node.name" },
	[NEG_KEY_INITIATOR_NAME] = { "InitiatorName", NEG_DECL_STR, NULL, 0, 0, NULL,
		INI, IO | SW | ANY, "iface.initiatorname" },
	[NEG_KEY_TARGET_ALIAS] = { "TargetAlias", NEG_DECL_STR, NULL, 0, 0, NULL,
		TGT, SW | ANY, NULL },
	[NEG_KEY_INITIATOR_ALIAS] = { "InitiatorAlias", NEG_DECL_STR, NULL, 0, 0, NULL,
		INI, SW | ANY, NULL },
	[NEG_KEY_TARGET_ADDRESS] = { "TargetAddress", NEG_DECL_STR, NULL, 0, 0, NULL,
		TGT, SW | ANY, NULL },
	[NEG_KEY_TPGT] = { "TargetPortalGroupTag", NEG_NUM_DECL, NULL, 0, 65535, NULL,
		TGT, IO | SW | ANY, "node.tpgt" },
	[NEG_KEY_INITIAL_R2T] = { "InitialR2T", NEG_BOOL_OR, "Yes", 0, 1, NULL,
		BOTH, LO | SW | NORMAL, "node.session.iscsi.InitialR2T" },
	[NEG_KEY_IMMEDIATE_DATA] = { "ImmediateData", NEG_BOOL_AND, "Yes", 0, 1, NULL,
		BOTH, LO | SW | NORMAL, "node.session.iscsi.ImmediateData" },
	[NEG_KEY_MAX_RECV_DSL] = { "MaxRecvDataSegmentLength", NEG_NUM_DECL, "8192", 512, DSL_MAX,
		NULL, BOTH, 0, "node.conn[0].iscsi.MaxRecvDataSegmentLength" },
	[NEG_KEY_MAX_BURST] = { "MaxBurstLength", NEG_NUM_MIN, "262144", 512, DSL_MAX, NULL,
		BOTH, LO | SW | NORMAL, "node.session.iscsi.MaxBurstLength" },
	[NEG_KEY_FIRST_BURST] = { "FirstBurstLength", NEG_NUM_MIN, "65536", 512, DSL_MAX, NULL,
		BOTH, LO | SW | NORMAL, "node.session.iscsi.FirstBurstLength" },
	[NEG_KEY_DEFAULT_TIME2WAIT] = { "DefaultTime2Wait", NEG_NUM_MAX, "2", 0, 3600, NULL,
		BOTH, LO | SW, "node.session.iscsi.DefaultTime2Wait" },
	[NEG_KEY_DEFAULT_TIME2RETAIN] = { "DefaultTime2Retain", NEG_NUM_MIN, "20", 0, 3600, NULL,
		BOTH, LO | SW, "node.session.iscsi.DefaultTime2Retain" },
	[NEG_KEY_MAX_OUTSTANDING_R2T] = { "MaxOutstandingR2T", NEG_NUM_MIN, "1", 1, 65535, NULL,
		BOTH, LO | SW | NORMAL, "node.session.iscsi.MaxOutstandingR2T" },
	[NEG_KEY_DATA_PDU_IN_ORDER] = { "DataPDUInOrder", NEG_BOOL_OR, "Yes", 0, 1, NULL,
		BOTH, LO | SW | NORMAL, NULL },
	[NEG_KEY_DATA_SEQ_IN_ORDER] = { "DataSequenceInOrder", NEG_BOOL_OR, "Yes", 0, 1, NULL,
		BOTH, LO | SW | NORMAL, NULL },
	[NEG_KEY_ERL] = { "ErrorRecoveryLevel", NEG_NUM_MIN, "0", 0, 2, NULL,
		BOTH, LO | SW, "node.session.iscsi.ERL" },
	[NEG_KEY_SESSION_TYPE] = { "SessionType", NEG_DECL_STR, "Normal", 0, 0, "Discovery,Normal",
		INI, LO | SW | ANY, NULL },
	[NEG_KEY_TASK_REPORTING] = { "TaskReporting", NEG_LIST, "RFC3720", 0, 0,
		"RFC3720,ResponseFence,FastAbort", BOTH, LO | SW | NORMAL, NULL },
	[NEG_KEY_PROTOCOL_LEVEL] = { "iSCSIProtocolLevel", NEG_NUM_MIN, "1", 0, 31, NULL,
		BOTH, LO | SW, NULL },
	[NEG_KEY_NODE_ARCH] = { "X#NodeArchitecture", NEG_DECL_STR, NULL, 0, 0, NULL,
		BOTH, LO | SW, NULL },
	[NEG_KEY_IFMARKER] = { "IFMarker", NEG_OBSOLETE, "No", 0, 0, NULL, BOTH, 0,
		"node.conn[0].iscsi.IFMarker" },
	[NEG_KEY_OFMARKER] = { "OFMarker", NEG_OBSOLETE, "No", 0, 0, NULL, BOTH, 0,
		"node.conn[0].iscsi.OFMarker" },
	[NEG_KEY_IFMARKINT] = { "IFMarkInt", NEG_OBSOLETE, "2048", 0, 0, NULL, BOTH, 0, NULL },
	[NEG_KEY_OFMARKINT] = { "OFMarkInt", NEG_OBSOLETE, "2048", 0, 0, NULL, BOTH, 0, NULL },
};

/* What we propose, in this order, in the first operational request. */
static const enum neg_key_id offer_order[] = {
	NEG_KEY_HEADER_DIGEST, NEG_KEY_DATA_DIGEST, NEG_KEY_MAX_RECV_DSL,
	NEG_KEY_INITIAL_R2T, NEG_KEY_IMMEDIATE_DATA, NEG_KEY_MAX_BURST,
	NEG_KEY_FIRST_BURST, NEG_KEY_DEFAULT_TIME2WAIT, NEG_KEY_DEFAULT_TIME2RETAIN,
	NEG_KEY_MAX_OUTSTANDING_R2T, NEG_KEY_DATA_PDU_IN_ORDER,
	NEG_KEY_DATA_SEQ_IN_ORDER, NEG_KEY_ERL, NEG_KEY_MAX_CONNECTIONS,
};

/* Which neg_config / neg_params field holds each key's value. */
enum field_kind { F_U32, F_BOOL, F_DIGEST };
static const struct {
	enum neg_key_id id;
	enum field_kind kind;
	size_t cfg_off;
	size_t res_off;
} fields[] = {
#define FIELD(id, kind, name) { id, kind, offsetof(struct neg_config, name), \
				offsetof(struct neg_params, name) }
	FIELD(NEG_KEY_HEADER_DIGEST, F_DIGEST, header_digest),
	FIELD(NEG_KEY_DATA_DIGEST, F_DIGEST, data_digest),
	FIELD(NEG_KEY_MAX_RECV_DSL, F_U32, max_recv_dsl),
	FIELD(NEG_KEY_INITIAL_R2T, F_BOOL, initial_r2t),
	FIELD(NEG_KEY_IMMEDIATE_DATA, F_BOOL, immediate_data),
	FIELD(NEG_KEY_MAX_BURST, F_U32, max_burst),
	FIELD(NEG_KEY_FIRST_BURST, F_U32, first_burst),
	FIELD(NEG_KEY_DEFAULT_TIME2WAIT, F_U32, default_time2wait),
	FIELD(NEG_KEY_DEFAULT_TIME2RETAIN, F_U32, default_time2retain),
	FIELD(NEG_KEY_MAX_OUTSTANDING_R2T, F_U32, max_outstanding_r2t),
	FIELD(NEG_KEY_DATA_PDU_IN_ORDER, F_BOOL, data_pdu_in_order),
	FIELD(NEG_KEY_DATA_SEQ_IN_ORDER, F_BOOL, data_seq_in_order),
	FIELD(NEG_KEY_ERL, F_U32, erl),
	FIELD(NEG_KEY_MAX_CONNECTIONS, F_U32, max_connections),
#undef FIELD
};

/* neg_key_state.st bits */
#define ST_OFFERED  0x01u   /* we proposed it */
#define ST_ANSWERED 0x02u   /* the target answered our proposal */
#define ST_PROPOSED 0x04u   /* the target proposed it (and we answered) */
#define ST_DECLARED 0x08u   /* the target declared it */
#define ST_AGREED   0x10u   /* .value holds the result; otherwise the default */
#define ST_SETTLED  0x20u   /* our offer alone fixes the result; an answer is optional */
#define ST_SEEN (ST_ANSWERED | ST_PROPOSED | ST_DECLARED)

static const char *const security_prefixes[] = {
	"AuthMethod", "CHAP_", "SRP_", "KRB_", "SPKM_",
};

const struct neg_key_info *neg_keys(size_t *count)
{
	if (count)
		*count = NEG_KEY_COUNT_;
	return key_table;
}

static int key_id(const char *name)
{
	for (size_t i = 0; i < NEG_KEY_COUNT_; i++)
		if (streq(key_table[i].name, name))
			return (int)i;
	return -1;
}

const struct neg_key_info *neg_key_find(const char *name)
{
	int id = key_id(name);

	return id < 0 ? NULL : &key_table[id];
}

const char *neg_type_str(enum neg_type t)
{
	static const char *const names[] = {
		[NEG_LIST] = "list", [NEG_NUM_MIN] = "numeric-min",
		[NEG_NUM_MAX] = "numeric-max", [NEG_NUM_DECL] = "numeric-declarative",
		[NEG_BOOL_AND] = "boolean-and", [NEG_BOOL_OR] = "boolean-or",
		[NEG_DECL_STR] = "declarative", [NEG_OBSOLETE] = "obsolete",
	};

	return (size_t)t < ARRAY_SIZE(names) ? names[t] : "unknown";
}

static int parse_digits(const char *s, unsigned base, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -ERANGE;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

int neg_parse_number(const char *s, uint64_t *out)
{
	if (!s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_digits(s + 2, 16, out);
	return parse_digits(s, 10, out);
}

static const char *const digest_names[] = {
	[NEG_DIGEST_NONE] = "None",
	[NEG_DIGEST_CRC32C] = "CRC32C",
	[NEG_DIGEST_CRC32C_NONE] = "CRC32C,None",
	[NEG_DIGEST_NONE_CRC32C] = "None,CRC32C",
};

int neg_digest_pref_parse(const char *s, enum neg_digest_pref *out)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(digest_names); i++) {
		if (streq(s, digest_names[i])) {
			*out = (enum neg_digest_pref)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *neg_digest_pref_str(enum neg_digest_pref p)
{
	return (size_t)p < ARRAY_SIZE(digest_names) ? digest_names[p] : NULL;
}

void neg_config_defaults(struct neg_config *cfg)
{
	*cfg = (struct neg_config){
		.max_recv_dsl = 262144,
		.max_xmit_dsl = 0,
		.header_digest = NEG_DIGEST_NONE,
		.data_digest = NEG_DIGEST_NONE,
		.initial_r2t = false,
		.immediate_data = true,
		.first_burst = 262144,
		.max_burst = 16776192,
		.max_outstanding_r2t = 1,
		.erl = 0,
		.default_time2wait = 2,
		.default_time2retain = 0,
		.max_connections = 1,
		.data_pdu_in_order = true,
		.data_seq_in_order = true,
	};
}

static uint64_t cfg_get(const struct neg_config *cfg, size_t i)
{
	const char *p = (const char *)cfg + fields[i].cfg_off;

	switch (fields[i].kind) {
	case F_U32:
		return *(const uint32_t *)(const void *)p;
	case F_BOOL:
		return *(const bool *)(const void *)p;
	default:
		return (uint64_t)*(const enum neg_digest_pref *)(const void *)p;
	}
}

static int check_config(const struct neg_config *cfg, bool discovery,
			struct ll_error *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct neg_key_info *k = &key_table[fields[i].id];
		uint64_t v = cfg_get(cfg, i);

		if (fields[i].kind == F_DIGEST && !neg_digest_pref_str((enum neg_digest_pref)v))
			return ll_error_set(err, ISCSI_ERR_INVAL, "%s has an unknown digest setting", k->record_key);
		if (fields[i].kind == F_U32 && (v < k->min || v > k->max))
			return ll_error_set(err, ISCSI_ERR_INVAL, "%s=%" PRIu64 " is outside %" PRIu64 "..%" PRIu64,
					k->record_key ? k->record_key : k->name, v, k->min, k->max);
	}
	if (cfg->max_xmit_dsl && (cfg->max_xmit_dsl < 512 || cfg->max_xmit_dsl > DSL_MAX))
		return ll_error_set(err, ISCSI_ERR_INVAL,
				"node.conn[0].iscsi.MaxXmitDataSegmentLength=%u is outside 512..%u (0 = use the target's)",
				cfg->max_xmit_dsl, DSL_MAX);
	if (!discovery && cfg->first_burst > cfg->max_burst)
		return ll_error_set(err, ISCSI_ERR_INVAL,
				"node.session.iscsi.FirstBurstLength=%u exceeds MaxBurstLength=%u",
				cfg->first_burst, cfg->max_burst);
	return 0;
}

int neg_init(struct neg_ctx *ctx, const struct neg_config *cfg, bool discovery,
	     struct ll_error *err)
{
	memset(ctx, 0, sizeof(*ctx));
	if (check_config(cfg, discovery, err) < 0)
		return -1;
	ctx->cfg = *cfg;
	ctx->discovery = discovery;
	ctx->tpgt = -1;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		ctx->k[fields[i].id].ours = cfg_get(cfg, i);
	ctx->k[NEG_KEY_PROTOCOL_LEVEL].ours = 1;   /* we implement RFC 7143 */
	return 0;
}

/* Yes/No -> 1/0; -EINVAL for anything else. */
static int parse_bool(const char *v)
{
	if (streq(v, "Yes"))
		return 1;
	if (streq(v, "No"))
		return 0;
	return -EINVAL;
}

static bool digest_allowed(enum neg_digest_pref p, bool crc)
{
	return crc ? p != NEG_DIGEST_NONE : p != NEG_DIGEST_CRC32C;
}

/* The result value a list token stands for, if we accept it; -1 otherwise. */
static int list_accepts(const struct neg_ctx *ctx, enum neg_key_id id, const char *tok)
{
	bool crc = streq(tok, "CRC32C");

	if (id == NEG_KEY_TASK_REPORTING)
		return streq(tok, "RFC3720") ? 0 : -1;
	if (!crc && !streq(tok, "None"))
		return -1;
	return digest_allowed((enum neg_digest_pref)ctx->k[id].ours, crc) ? crc : -1;
}

static void format_value(const struct neg_key_info *k, uint64_t v, char *buf, size_t cap)
{
	if (k->type == NEG_BOOL_AND || k->type == NEG_BOOL_OR)
		snprintf(buf, cap, "%s", v ? "Yes" : "No");
	else if (k->type == NEG_LIST)
		snprintf(buf, cap, "%s", k == &key_table[NEG_KEY_TASK_REPORTING] ? "RFC3720" :
			 v ? "CRC32C" : "None");
	else
		snprintf(buf, cap, "%" PRIu64, v);
}

int neg_build_offer(struct neg_ctx *ctx, struct text_list *out)
{
	char buf[32];

	for (size_t i = 0; i < ARRAY_SIZE(offer_order); i++) {
		enum neg_key_id id = offer_order[i];
		const struct neg_key_info *k = &key_table[id];
		struct neg_key_state *s = &ctx->k[id];
		int r;

		if ((ctx->discovery && (k->flags & NEG_F_NORMAL_ONLY)) || (s->st & ST_SEEN))
			continue;
		if (k->type == NEG_LIST)
			snprintf(buf, sizeof(buf), "%s", neg_digest_pref_str((enum neg_digest_pref)s->ours));
		else
			format_value(k, s->ours, buf, sizeof(buf));
		r = text_list_add(out, k->name, buf);
		if (r < 0)
			return r;
		s->st |= ST_OFFERED;
		/*
		 * RFC 7143 6.2.2: the answer is optional when the Boolean
		 * function is AND and we say No, or OR and we say Yes
		 * (LIO omits it for DataPDUInOrder=Yes, for example).
		 */
		if ((k->type == NEG_BOOL_AND && s->ours == 0) ||
		    (k->type == NEG_BOOL_OR && s->ours == 1)) {
			s->st |= ST_SETTLED | ST_AGREED;
			s->value = s->ours;
		}
	}
	ctx->offered = true;
	return 0;
}

static bool is_reserved(const char *v)
{
	return streq(v, "Reject") || streq(v, "Irrelevant") || streq(v, "NotUnderstood");
}

static bool is_security_key(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(security_prefixes); i++)
		if (strncmp(key, security_prefixes[i], strlen(security_prefixes[i])) == 0)
			return true;
	return false;
}

/* Parses a number and checks the key's range. */
static int parse_in_range(const struct neg_key_info *k, const char *v, uint64_t *n)
{
	int r = neg_parse_number(v, n);

	if (r < 0)
		return r;
	return (*n < k->min || *n > k->max) ? -ERANGE : 0;
}

/* Target said Reject/NotUnderstood/Irrelevant to one of our offers. */
static int answer_refused(struct neg_ctx *ctx, enum neg_key_id id, const char *v,
			  struct ll_error *err)
{
	const struct neg_key_info *k = &key_table[id];

	if (k->type == NEG_LIST && !streq(v, "Irrelevant") &&
	    list_accepts(ctx, id, k->rfc_default) < 0)
		return ll_error_set(err, ISCSI_ERR_LOGIN,
				"target answered %s=%s to our %s, which %s requires",
				k->name, v, neg_digest_pref_str((enum neg_digest_pref)ctx->k[id].ours),
				k->record_key);
	return 0;   /* no agreement: the RFC default stays in force */
}

/* Checks the target's answer to one of our offers against the result function. */
static int handle_answer(struct neg_ctx *ctx, enum neg_key_id id, const char *v,
			 struct ll_error *err)
{
	const struct neg_key_info *k = &key_table[id];
	struct neg_key_state *s = &ctx->k[id];
	uint64_t n = 0;
	int b;
	bool ok;

	if (is_reserved(v))
		return answer_refused(ctx, id, v, err);
	switch (k->type) {
	case NEG_LIST:
		b = strchr(v, ',') ? -1 : list_accepts(ctx, id, v);
		ok = b >= 0;
		n = (uint64_t)(b < 0 ? 0 : b);
		break;
	case NEG_NUM_MIN:
		ok = parse_in_range(k, v, &n) == 0 && n <= s->ours;
		break;
	case NEG_NUM_MAX:
		ok = parse_in_range(k, v, &n) == 0 && n >= s->ours;
		break;
	default:   /* booleans: AND may turn our Yes into No, OR our No into Yes */
		b = parse_bool(v);
		n = (uint64_t)(b < 0 ? 0 : b);
		ok = b >= 0 && (k->type == NEG_BOOL_AND ? (s->ours || !b) : (!s->ours || b));
		break;
	}
	if (!ok)
		return ll_error_set(err, ISCSI_ERR_LOGIN,
				"target answered %s=%.64s, which is not a valid result for our offer", k->name, v);
	s->value = n;
	s->st |= ST_AGREED;
	return 0;
}

/* First value of the target's list that we accept, or -1. */
static int pick_from_list(const struct neg_ctx *ctx, enum neg_key_id id, const char *v)
{
	char tok[TEXT_KEY_MAX + 1];

	while (*v) {
		size_t n = strcspn(v, ",");
		int r;

		if (n < sizeof(tok)) {
			memcpy(tok, v, n);
			tok[n] = '\0';
			r = list_accepts(ctx, id, tok);
			if (r >= 0)
				return r;
		}
		v += n + (v[n] == ',');
	}
	return -1;
}

/* Computes our answer to a key the target proposed; "Reject" when unusable. */
static int answer_proposal(struct neg_ctx *ctx, enum neg_key_id id, const char *v,
			   char *ans, size_t cap, struct ll_error *err)
{
	const struct neg_key_info *k = &key_table[id];
	struct neg_key_state *s = &ctx->k[id];
	uint64_t n;
	int b;

	snprintf(ans, cap, "Reject");
	if (k->type == NEG_OBSOLETE)
		return 0;
	if (k->type == NEG_LIST) {
		b = pick_from_list(ctx, id, v);
		if (b < 0 && id != NEG_KEY_TASK_REPORTING)
			return ll_error_set(err, ISCSI_ERR_LOGIN, "target offers %s=%.64s but %s=%s",
					k->name, v, k->record_key,
					neg_digest_pref_str((enum neg_digest_pref)s->ours));
		if (b < 0)
			return 0;
		n = (uint64_t)b;
	} else if (k->type == NEG_NUM_MIN || k->type == NEG_NUM_MAX) {
		if (parse_in_range(k, v, &n) < 0)
			return 0;
		if (k->type == NEG_NUM_MIN ? s->ours < n : s->ours > n)
			n = s->ours;
	} else {
		b = parse_bool(v);
		if (b < 0)
			return 0;
		n = k->type == NEG_BOOL_AND ? (s->ours && b) : (s->ours || b);
	}
	s->value = n;
	s->st |= ST_AGREED;
	format_value(k, n, ans, cap);
	return 0;
}

/* Stores a target declaration (alias, address, tag, its receive limit). */
static int handle_declaration(struct neg_ctx *ctx, enum neg_key_id id, const char *v,
			      struct ll_error *err)
{
	const struct neg_key_info *k = &key_table[id];
	uint64_t n;

	if (k->type == NEG_NUM_DECL) {
		if (parse_in_range(k, v, &n) < 0)
			return ll_error_set(err, ISCSI_ERR_LOGIN, "target declared %s=%.64s, outside %" PRIu64 "..%" PRIu64,
					k->name, v, k->min, k->max);
		ctx->k[id].value = n;
		if (id == NEG_KEY_TPGT)
			ctx->tpgt = (int32_t)n;
	} else if (id == NEG_KEY_TARGET_ALIAS) {
		str_copy(ctx->target_alias, sizeof(ctx->target_alias), v);
	} else if (id == NEG_KEY_TARGET_ADDRESS) {
		if (str_copy(ctx->target_address, sizeof(ctx->target_address), v) < 0)
			return ll_error_set(err, ISCSI_ERR_LOGIN, "target sent a TargetAddress longer than 255 bytes");
	}
	ctx->k[id].st |= ST_DECLARED | ST_AGREED;
	return 0;
}

static int reply_add(struct text_list *reply, const char *key, const char *val,
		     struct ll_error *err)
{
	if (text_list_add(reply, key, val) < 0)
		return ll_error_set(err, ISCSI_ERR_NOMEM, "cannot add %s to the login request", key);
	return 0;
}

/* Unknown keys: NotUnderstood, unless the value is itself an answer (no loops). */
static int handle_unknown(const char *key, const char *v, struct text_list *reply,
			  struct ll_error *err)
{
	if (is_reserved(v))
		return 0;
	return reply_add(reply, key, "NotUnderstood", err);
}

static int handle_one(struct neg_ctx *ctx, const struct text_list *in, const struct text_kv *kv,
		      struct text_list *reply, struct ll_error *err)
{
	int id = key_id(kv->key);
	const struct neg_key_info *k;
	struct neg_key_state *s;
	char ans[32];

	if (is_security_key(kv->key))
		return 0;
	if (text_list_count(in, kv->key) > 1)
		return ll_error_set(err, ISCSI_ERR_LOGIN, "target sent %s twice in one response", kv->key);
	if (id < 0)
		return handle_unknown(kv->key, kv->value, reply, err);
	k = &key_table[id];
	s = &ctx->k[id];
	if (!(k->senders & NEG_FROM_TARGET))
		return ll_error_set(err, ISCSI_ERR_LOGIN, "target sent %s, which only an initiator may send", k->name);
	if (s->st & ST_SEEN)
		return ll_error_set(err, ISCSI_ERR_LOGIN, "target sent %s again (keys are negotiated once)", k->name);
	if (k->type == NEG_NUM_DECL || k->type == NEG_DECL_STR)
		return handle_declaration(ctx, id, kv->value, err);
	if (s->st & ST_OFFERED) {
		s->st |= ST_ANSWERED;
		return handle_answer(ctx, id, kv->value, err);
	}
	s->st |= ST_PROPOSED;
	if (is_reserved(kv->value))
		return 0;   /* an answer to something we never sent: ignore */
	if (ctx->discovery && (k->flags & NEG_F_NORMAL_ONLY))
		snprintf(ans, sizeof(ans), "Irrelevant");
	else if (answer_proposal(ctx, id, kv->value, ans, sizeof(ans), err) < 0)
		return -1;
	return reply_add(reply, k->name, ans, err);
}

static int check_bursts(const struct neg_ctx *ctx, struct ll_error *err)
{
	struct neg_params p;

	if (ctx->discovery)
		return 0;
	neg_result(ctx, &p);
	/* FirstBurstLength only matters when unsolicited data may be sent. */
	if ((!p.initial_r2t || p.immediate_data) && p.first_burst > p.max_burst)
		return ll_error_set(err, ISCSI_ERR_LOGIN,
				"negotiated FirstBurstLength=%u exceeds MaxBurstLength=%u",
				p.first_burst, p.max_burst);
	return 0;
}

int neg_handle_keys(struct neg_ctx *ctx, const struct text_list *in,
		    struct text_list *reply, struct ll_error *err)
{
	if (in->n > TEXT_MAX_KEYS)
		return ll_error_set(err, ISCSI_ERR_LOGIN, "target sent %zu keys (limit %d)", in->n, TEXT_MAX_KEYS);
	for (size_t i = 0; i < in->n; i++)
		if (handle_one(ctx, in, &in->items[i], reply, err) < 0)
			return -1;
	return neg_complete(ctx) ? check_bursts(ctx, err) : 0;
}

bool neg_complete(const struct neg_ctx *ctx)
{
	if (!ctx->offered)
		return false;
	for (size_t i = 0; i < NEG_KEY_COUNT_; i++) {
		const struct neg_key_state *s = &ctx->k[i];
		enum neg_type t = key_table[i].type;

		if ((s->st & ST_OFFERED) && !(s->st & (ST_ANSWERED | ST_SETTLED)) &&
		    t != NEG_NUM_DECL && t != NEG_DECL_STR)
			return false;
	}
	return true;
}

/* Agreed value, or the RFC default ("Yes"/"No"/"None"/number) when none. */
static uint64_t value_of(const struct neg_ctx *ctx, enum neg_key_id id)
{
	const char *d = key_table[id].rfc_default;
	uint64_t n = 0;

	if (ctx->k[id].st & ST_AGREED)
		return ctx->k[id].value;
	if (streq(d, "Yes"))
		return 1;
	if (neg_parse_number(d, &n) < 0)
		return 0;   /* "No", "None" */
	return n;
}

void neg_result(const struct neg_ctx *ctx, struct neg_params *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		char *p = (char *)out + fields[i].res_off;
		uint64_t v = value_of(ctx, fields[i].id);

		if (fields[i].kind == F_U32)
			*(uint32_t *)(void *)p = (uint32_t)v;
		else
			*(bool *)(void *)p = v != 0;   /* digests: true = CRC32C */
	}
	/* MaxRecvDataSegmentLength is declared per direction. */
	out->max_recv_dsl = ctx->cfg.max_recv_dsl;
	out->max_xmit_dsl = (uint32_t)value_of(ctx, NEG_KEY_MAX_RECV_DSL);
	if (ctx->cfg.max_xmit_dsl && ctx->cfg.max_xmit_dsl < out->max_xmit_dsl)
		out->max_xmit_dsl = ctx->cfg.max_xmit_dsl;
	out->tpgt = ctx->tpgt;
	str_copy(out->target_alias, sizeof(out->target_alias), ctx->target_alias);
	str_copy(out->target_address, sizeof(out->target_address), ctx->target_address);
}
