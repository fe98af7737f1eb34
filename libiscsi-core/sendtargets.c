/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sendtargets.c: the SendTargets exchange and the parser of its answer.
 *
 * The exchange is a small state machine:
 *   SEND_FIRST --request--> WAIT --F=0--> SEND_CONT --request--> WAIT ...
 *                           WAIT --F=1--> DONE     (any error --> FAILED)
 * Each Text Request is non-immediate, so it takes one CmdSN; all of them
 * carry the same ITT, continuation requests echo the target's TTT.
 */
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>

#include "libiscsi-core/pdu.h"
#include "libiscsi-core/sendtargets.h"
#include "libiscsi-core/text.h"
#include "libiscsi-core/util.h"

#define ST_DEFAULT_RECV 8192
#define PORTAL_STR_MAX (ISCSI_HOST_MAX + 16)

/* ---- parsing the joined response ---- */

struct parse_state {
	struct st_result *out;
	const struct iscsi_addr *disc;
	char disc_str[PORTAL_STR_MAX];
	struct st_target *cur;       /* target the next TargetAddress belongs to */
	bool skipping;               /* the last TargetName was refused */
};

static int add_warning(struct parse_state *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int add_warning(struct parse_state *ps, const char *fmt, ...)
{
	struct st_result *r = ps->out;
	char msg[LL_ERROR_MSG_MAX], *full;
	char **nw;
	va_list ap;

	if (r->nwarnings >= ST_MAX_WARNINGS) {
		r->nwarnings_dropped++;
		return 0;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (asprintf(&full, "SendTargets discovery at %s: %s", ps->disc_str, msg) < 0)
		return -ENOMEM;
	nw = realloc(r->warnings, (r->nwarnings + 1) * sizeof(*nw));
	if (!nw) {
		free(full);
		return -ENOMEM;
	}
	r->warnings = nw;
	r->warnings[r->nwarnings++] = full;
	return 0;
}

static struct st_target *find_target(struct st_result *r, const char *name)
{
	for (size_t i = 0; i < r->ntargets; i++)
		if (streq(r->targets[i].name, name))
			return &r->targets[i];
	return NULL;
}

static int on_target_name(struct parse_state *ps, const char *value)
{
	char shown[IQN_PRINTABLE_MAX];
	struct ll_error e = { 0 };
	struct st_result *r = ps->out;
	struct st_target *nt;

	ps->cur = NULL;
	ps->skipping = true;
	if (iqn_validate(value, &e) < 0)
		return add_warning(ps, "ignoring a target because its TargetName is unusable: %s", e.msg);
	ps->cur = find_target(r, value);
	ps->skipping = false;
	if (ps->cur)
		return 0;
	if (r->ntargets >= ST_MAX_TARGETS) {
		ps->skipping = true;
		iqn_printable(value, shown, sizeof(shown));
		return add_warning(ps, "ignoring target %s because the response lists more than %d targets",
				   shown, ST_MAX_TARGETS);
	}
	nt = realloc(r->targets, (r->ntargets + 1) * sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	r->targets = nt;
	ps->cur = &r->targets[r->ntargets++];
	memset(ps->cur, 0, sizeof(*ps->cur));
	str_copy(ps->cur->name, sizeof(ps->cur->name), value);
	return 0;
}

static bool same_portal(const struct iscsi_addr *a, const struct iscsi_addr *b)
{
	return a->port == b->port && a->tpgt == b->tpgt && streq(a->host, b->host);
}

static int add_portal(struct st_target *t, const struct iscsi_addr *a)
{
	struct iscsi_addr *np;

	for (size_t i = 0; i < t->nportals; i++)
		if (same_portal(&t->portals[i], a))
			return 0;
	np = realloc(t->portals, (t->nportals + 1) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	t->portals = np;
	t->portals[t->nportals++] = *a;
	return 0;
}

static int on_target_address(struct parse_state *ps, const char *value)
{
	struct ll_error e = { 0 };
	struct iscsi_addr a;
	char shown[IQN_PRINTABLE_MAX];

	if (ps->skipping)
		return 0;            /* its TargetName was refused and reported */
	if (!ps->cur) {
		iqn_printable(value, shown, sizeof(shown));
		return add_warning(ps, "ignoring TargetAddress \"%s\" because no TargetName precedes it",
				   shown);
	}
	if (iqn_parse_address(value, 0, &a, &e) < 0)
		return add_warning(ps, "ignoring an address of target %s: %s", ps->cur->name, e.msg);
	if (ps->cur->nportals >= ST_MAX_PORTALS)
		return add_warning(ps, "ignoring addresses of target %s beyond the first %d",
				   ps->cur->name, ST_MAX_PORTALS);
	return add_portal(ps->cur, &a);
}

/* One "key=value" item (no NUL inside); other keys are ignored. */
static int on_item(struct parse_state *ps, const char *item, size_t len)
{
	const char *eq = memchr(item, '=', len);
	size_t klen, vlen;
	char *value;
	bool is_name, is_addr;
	int r;

	if (!eq)
		return 0;
	klen = (size_t)(eq - item);
	vlen = len - klen - 1;
	is_name = klen == 10 && !memcmp(item, "TargetName", 10);
	is_addr = klen == 13 && !memcmp(item, "TargetAddress", 13);
	if (!is_name && !is_addr)
		return 0;
	if (vlen > TEXT_VALUE_MAX) {
		if (!is_name)
			return add_warning(ps, "ignoring a TargetAddress that is %zu bytes long", vlen);
		ps->cur = NULL;
		ps->skipping = true;
		return add_warning(ps, "ignoring a target whose TargetName is %zu bytes long", vlen);
	}
	value = strndup(eq + 1, vlen);
	if (!value)
		return -ENOMEM;
	r = is_name ? on_target_name(ps, value) : on_target_address(ps, value);
	free(value);
	return r;
}

/* Targets given without an address are reached through the discovery portal. */
static int fill_missing_portals(struct parse_state *ps)
{
	for (size_t i = 0; i < ps->out->ntargets; i++) {
		struct st_target *t = &ps->out->targets[i];
		struct iscsi_addr a = *ps->disc;

		if (t->nportals)
			continue;
		a.tpgt = ISCSI_TPGT_UNKNOWN;
		if (add_portal(t, &a) < 0)
			return -ENOMEM;
		t->via_discovery_portal = true;
	}
	return 0;
}

int st_parse_response(const uint8_t *text, size_t len,
		      const struct iscsi_addr *discovery, struct st_result *out,
		      struct ll_error *err)
{
	struct parse_state ps = { .out = out, .disc = discovery };
	size_t off = 0, items = 0;
	int r = 0;

	if (!out || !discovery || (!text && len))
		return ll_error_set(err, ISCSI_ERR_INTERNAL,
				    "st_parse_response called without buffers"), -EINVAL;
	memset(out, 0, sizeof(*out));
	if (iqn_format_address(discovery, false, ps.disc_str, sizeof(ps.disc_str)) < 0)
		str_copy(ps.disc_str, sizeof(ps.disc_str), "the discovery portal");
	while (off < len && r == 0) {
		const uint8_t *nul = memchr(text + off, '\0', len - off);
		size_t ilen = nul ? (size_t)(nul - (text + off)) : len - off;

		if (ilen && ++items > ST_MAX_KEYS) {
			r = add_warning(&ps, "the response holds more than %d items; ignoring the rest",
					ST_MAX_KEYS);
			break;
		}
		if (ilen)
			r = on_item(&ps, (const char *)text + off, ilen);
		off += ilen + 1;
	}
	if (r == 0)
		r = fill_missing_portals(&ps);
	if (r < 0) {
		st_result_free(out);
		return ll_error_set(err, ISCSI_ERR_NOMEM,
				    "out of memory while reading the SendTargets response from %s",
				    ps.disc_str), r;
	}
	return 0;
}

void st_result_free(struct st_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ntargets; i++)
		free(r->targets[i].portals);
	free(r->targets);
	for (size_t i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}

/* ---- the exchange ---- */

enum st_state { S_SEND_FIRST, S_WAIT, S_SEND_CONT, S_DONE, S_FAILED, S_TAKEN };

struct st_exchange {
	struct st_config cfg;
	char query[IQN_NAME_MAX + 1];
	char portal[PORTAL_STR_MAX];
	enum st_state state;
	uint32_t cmdsn, expstatsn, ttt;
	unsigned npdus;
	struct text_accum acc;
	struct st_result result;
};

struct st_exchange *st_exchange_new(const struct st_config *cfg, struct ll_error *err)
{
	struct st_exchange *x;
	const char *q;

	if (!cfg) {
		ll_error_set(err, ISCSI_ERR_INTERNAL, "st_exchange_new called without a configuration");
		return NULL;
	}
	q = cfg->query ? cfg->query : "All";
	if (*q && !streq(q, "All") && iqn_validate(q, err) < 0)
		return NULL;
	x = calloc(1, sizeof(*x));
	if (!x) {
		ll_error_set(err, ISCSI_ERR_NOMEM, "out of memory starting SendTargets discovery");
		return NULL;
	}
	x->cfg = *cfg;
	if (!x->cfg.max_recv_data)
		x->cfg.max_recv_data = ST_DEFAULT_RECV;
	str_copy(x->query, sizeof(x->query), q);
	x->cfg.query = x->query;
	if (iqn_format_address(&cfg->discovery, false, x->portal, sizeof(x->portal)) < 0)
		str_copy(x->portal, sizeof(x->portal), "the discovery portal");
	x->state = S_SEND_FIRST;
	x->cmdsn = cfg->cmdsn;
	x->expstatsn = cfg->expstatsn;
	x->ttt = PDU_RESERVED_TAG;
	text_accum_init(&x->acc);
	return x;
}

void st_exchange_free(struct st_exchange *x)
{
	if (!x)
		return;
	text_accum_free(&x->acc);
	st_result_free(&x->result);
	free(x);
}

uint32_t st_cmdsn(const struct st_exchange *x)
{
	return x->cmdsn;
}

uint32_t st_expstatsn(const struct st_exchange *x)
{
	return x->expstatsn;
}

int st_next_request(struct st_exchange *x, uint8_t **pdu, size_t *len,
		    struct ll_error *err)
{
	struct pdu_text_req rq = { .final = true };
	char data[IQN_NAME_MAX + 16];
	uint8_t bhs[PDU_BHS_LEN];
	size_t dlen = 0;
	int r;

	if (!x || !pdu || !len || (x->state != S_SEND_FIRST && x->state != S_SEND_CONT))
		return ll_error_set(err, ISCSI_ERR_INTERNAL,
				    "no SendTargets request is due in this state"), -EINVAL;
	if (x->state == S_SEND_FIRST)
		dlen = (size_t)snprintf(data, sizeof(data), "SendTargets=%s", x->query) + 1;
	rq.itt = x->cfg.itt;
	rq.ttt = x->state == S_SEND_FIRST ? PDU_RESERVED_TAG : x->ttt;
	rq.cmdsn = x->cmdsn;
	rq.expstatsn = x->expstatsn;
	rq.dlength = (uint32_t)dlen;
	pdu_text_req_encode(bhs, &rq);
	r = pdu_assemble(bhs, dlen ? (const uint8_t *)data : NULL, dlen, pdu, len);
	if (r < 0)
		return ll_error_set(err, ISCSI_ERR_NOMEM,
				    "out of memory building the SendTargets request"), r;
	x->cmdsn++;
	x->state = S_WAIT;
	return 0;
}

static enum st_step fail(struct st_exchange *x, struct ll_error *err, int code,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum st_step fail(struct st_exchange *x, struct ll_error *err, int code,
			 const char *fmt, ...)
{
	LL_ERROR_SET_FROM_ARGS(err, code, fmt);
	ll_error_prefix(err, "SendTargets discovery at %s failed", x->portal);
	x->state = S_FAILED;
	return ST_ERROR;
}

/* Explains a PDU that is not a Text Response. */
static enum st_step unexpected_pdu(struct st_exchange *x, const struct pdu_view *v,
				   struct ll_error *err)
{
	struct pdu_reject rj;
	struct pdu_async_msg am;

	if (v->hdr.opcode == PDU_OP_REJECT && pdu_reject_decode(v->bhs, &rj, NULL) == 0)
		return fail(x, err, ISCSI_ERR_TRANS, "the target rejected our Text Request (%s, reason 0x%02x)",
			    pdu_reject_reason_str(rj.reason), rj.reason);
	if (v->hdr.opcode == PDU_OP_ASYNC_MSG && pdu_async_msg_decode(v->bhs, &am, NULL) == 0)
		return fail(x, err, ISCSI_ERR_TRANS, "the target sent an Asynchronous Message instead of the target list: %s",
			    pdu_async_event_str(am.event));
	return fail(x, err, ISCSI_ERR_TRANS, "expected a Text Response but received a %s (opcode 0x%02x)",
		    pdu_opcode_str(v->hdr.opcode), v->hdr.opcode);
}

static enum st_step finish(struct st_exchange *x, struct ll_error *err)
{
	if (st_parse_response(x->acc.buf, x->acc.len, &x->cfg.discovery, &x->result, err) < 0) {
		x->state = S_FAILED;
		return ST_ERROR;
	}
	text_accum_free(&x->acc);
	x->state = S_DONE;
	return ST_DONE;
}

/* Joins data; a PDU without C ends on a key boundary, so make sure of the NUL. */
static int collect(struct st_exchange *x, const struct pdu_view *v, bool cont)
{
	int r = text_accum_add(&x->acc, v->data, v->data_len);

	if (r == 0 && !cont && v->data_len && v->data[v->data_len - 1] != '\0')
		r = text_accum_add(&x->acc, (const uint8_t *)"", 1);
	return r;
}

enum st_step st_handle_response(struct st_exchange *x, const uint8_t *pdu,
				size_t len, struct ll_error *err)
{
	struct ll_error perr = { 0 };
	struct pdu_text_rsp rs;
	struct pdu_view v;

	int r;

	if (!x) {
		ll_error_set(err, ISCSI_ERR_INTERNAL, "st_handle_response called without an exchange");
		return ST_ERROR;
	}
	if (x->state != S_WAIT)
		return fail(x, err, ISCSI_ERR_INTERNAL, "a response arrived when none was expected");
	if (pdu_parse(pdu, len, x->cfg.max_recv_data, &v, &perr) < 0)
		return fail(x, err, ISCSI_ERR_TRANS, "%s", perr.msg);
	if (v.hdr.opcode != PDU_OP_TEXT_RSP)
		return unexpected_pdu(x, &v, err);
	pdu_text_rsp_decode(v.bhs, &rs, NULL);
	if (rs.itt != x->cfg.itt)
		return fail(x, err, ISCSI_ERR_TRANS, "the Text Response carries task tag 0x%08x but our request used 0x%08x",
			    rs.itt, x->cfg.itt);
	if (++x->npdus > ST_MAX_PDUS)
		return fail(x, err, ISCSI_ERR_TRANS, "the target sent more than %d Text Responses", ST_MAX_PDUS);
	if (rs.final && rs.cont)
		return fail(x, err, ISCSI_ERR_TRANS, "a Text Response has both the F and the C bit set");
	if (!rs.final && rs.ttt == PDU_RESERVED_TAG)
		return fail(x, err, ISCSI_ERR_TRANS,
			    "a Text Response announces more data but gives no target transfer tag to ask for it");
	x->expstatsn = rs.statsn + 1;
	r = collect(x, &v, rs.cont);
	if (r == -E2BIG)
		return fail(x, err, ISCSI_ERR_TRANS, "the target list is longer than %d bytes", TEXT_ACCUM_MAX);
	if (r < 0)
		return fail(x, err, ISCSI_ERR_NOMEM, "out of memory collecting the target list");
	if (rs.final)
		return finish(x, err);
	x->ttt = rs.ttt;
	x->state = S_SEND_CONT;
	return ST_MORE;
}

int st_take_result(struct st_exchange *x, struct st_result *out)
{
	if (!x || !out || x->state != S_DONE)
		return -EINVAL;
	*out = x->result;
	memset(&x->result, 0, sizeof(x->result));
	x->state = S_TAKEN;
	return 0;
}
