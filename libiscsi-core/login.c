/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * login.c: the login machine's frame: configuration, building Login
 * Requests (cut with the C bit when long), checking every Login Response
 * header, joining continued responses, status classes and redirection.
 * What each stage says lives in login_stage.c.
 *
 * Per attempt:  START --first request--> SECURITY --T--> OPERATIONAL --T--> FULL_FEATURE
 * and from any stage: status class 1 --> REDIRECTED (next request restarts),
 * anything wrong --> FAILED.
 */
#include <stdarg.h>
#include <stdio.h>

#include "libiscsi-core/login_int.h"
#include "libiscsi-core/status.h"
#include "libiscsi-core/util.h"

static const char *const state_names[] = {
	[LOGIN_S_START] = "Start",
	[LOGIN_S_SECURITY] = "SecurityNegotiation",
	[LOGIN_S_OPERATIONAL] = "LoginOperationalNegotiation",
	[LOGIN_S_FULL_FEATURE] = "FullFeaturePhase",
	[LOGIN_S_REDIRECTED] = "Redirected",
	[LOGIN_S_FAILED] = "Failed",
};

const char *login_state_str(enum login_state s)
{
	if ((unsigned)s < ARRAY_SIZE(state_names))
		return state_names[s];
	return "Invalid";
}

static void set_who(struct login_ctx *ctx)
{
	char portal[ISCSI_HOST_MAX + 16];

	if (iqn_format_address(&ctx->portal, false, portal, sizeof(portal)) < 0)
		str_copy(portal, sizeof(portal), "an unprintable portal");
	if (ctx->type == LOGIN_SESSION_DISCOVERY)
		snprintf(ctx->who, sizeof(ctx->who), "discovery portal %s", portal);
	else
		snprintf(ctx->who, sizeof(ctx->who), "target %s at %s", ctx->target_name, portal);
}

enum login_step login_fail(struct login_ctx *ctx, struct ll_error *err, int code,
			   const char *fmt, ...)
{
	LL_ERROR_SET_FROM_ARGS(err, code, fmt);
	ll_error_prefix(err, "login to %s failed", ctx->who);
	ctx->state = LOGIN_S_FAILED;
	ctx->waiting = false;
	return LOGIN_FAILED;
}

static int check_names(const struct login_config *cfg, struct ll_error *err)
{
	if (iqn_validate(cfg->initiator_name, err) < 0) {
		ll_error_prefix(err, "the initiator name is unusable");
		return -1;
	}
	if (cfg->session_type == LOGIN_SESSION_NORMAL && iqn_validate(cfg->target_name, err) < 0) {
		ll_error_prefix(err, "the target name is unusable");
		return -1;
	}
	if (cfg->initiator_alias) {
		size_t n = strlen(cfg->initiator_alias);

		if (n > 255)
			return ll_error_set(err, ISCSI_ERR_INVAL,
					    "the initiator alias is %zu bytes long, more than 255", n);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)cfg->initiator_alias[i] < 0x20 ||
			    cfg->initiator_alias[i] == 0x7f)
				return ll_error_set(err, ISCSI_ERR_INVAL,
						    "the initiator alias contains a control character");
	}
	return 0;
}

static int setup_engines(struct login_ctx *ctx, const struct login_config *cfg,
			 struct ll_error *err)
{
	ctx->have_chap = cfg->chap && cfg->chap->username && cfg->chap->username[0];
	ctx->chap_required = cfg->chap_required;
	if (ctx->chap_required && !ctx->have_chap)
		return ll_error_set(err, ISCSI_ERR_INVAL,
				    "CHAP authentication is required for %s, but no CHAP username and password are configured",
				    ctx->who);
	if (ctx->have_chap && chap_init(&ctx->chap, cfg->chap, err) < 0)
		return -1;
	if (cfg->neg)
		ctx->negcfg = *cfg->neg;
	else
		neg_config_defaults(&ctx->negcfg);
	return neg_init(&ctx->neg, &ctx->negcfg, ctx->type == LOGIN_SESSION_DISCOVERY, err);
}

struct login_ctx *login_new(const struct login_config *cfg, struct ll_error *err)
{
	struct login_ctx *ctx;

	if (!cfg) {
		ll_error_set(err, ISCSI_ERR_INTERNAL, "login_new called without a configuration");
		return NULL;
	}
	if (check_names(cfg, err) < 0)
		return NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		ll_error_set(err, ISCSI_ERR_NOMEM, "out of memory starting a login");
		return NULL;
	}
	str_copy(ctx->initiator_name, sizeof(ctx->initiator_name), cfg->initiator_name);
	if (cfg->initiator_alias)
		str_copy(ctx->initiator_alias, sizeof(ctx->initiator_alias), cfg->initiator_alias);
	if (cfg->session_type == LOGIN_SESSION_NORMAL)
		str_copy(ctx->target_name, sizeof(ctx->target_name), cfg->target_name);
	ctx->type = cfg->session_type;
	ctx->portal = cfg->portal;
	memcpy(ctx->isid, cfg->isid, PDU_ISID_LEN);
	ctx->tsih_cfg = cfg->tsih;
	ctx->cid = cfg->cid;
	ctx->itt = cfg->itt;
	ctx->cmdsn = cfg->cmdsn;
	ctx->expstatsn_cfg = cfg->expstatsn;
	ctx->expstatsn = cfg->expstatsn;
	ctx->max_recv = cfg->max_recv_data ? cfg->max_recv_data : LOGIN_DATA_DEFAULT;
	ctx->max_send = cfg->max_send_data ? cfg->max_send_data : LOGIN_DATA_DEFAULT;
	ctx->max_pdus = cfg->max_pdus ? cfg->max_pdus : LOGIN_MAX_PDUS_DEFAULT;
	ctx->max_redirects = cfg->max_redirects ? cfg->max_redirects : LOGIN_MAX_REDIRECTS_DEFAULT;
	text_list_init(&ctx->next);
	text_accum_init(&ctx->acc);
	set_who(ctx);
	if (setup_engines(ctx, cfg, err) < 0) {
		login_free(ctx);
		return NULL;
	}
	ctx->state = LOGIN_S_START;
	return ctx;
}

static void drop_output(struct login_ctx *ctx)
{
	if (ctx->out) {
		secure_zero(ctx->out, ctx->out_len);
		free(ctx->out);
	}
	ctx->out = NULL;
	ctx->out_len = ctx->out_off = 0;
}

void login_free(struct login_ctx *ctx)
{
	if (!ctx)
		return;
	drop_output(ctx);
	text_list_free(&ctx->next);
	text_accum_free(&ctx->acc);
	chap_clear(&ctx->chap);
	secure_zero(ctx, sizeof(*ctx));
	free(ctx);
}

/* A redirected login starts over at the new portal; counters survive. */
static int restart_attempt(struct login_ctx *ctx, struct ll_error *err)
{
	ctx->portal = ctx->redirect;
	set_who(ctx);
	drop_output(ctx);
	text_list_free(&ctx->next);
	text_accum_free(&ctx->acc);
	ctx->waiting = ctx->reply_empty = ctx->sent_cont = ctx->sent_transit = false;
	ctx->npdus = 0;
	ctx->tsih = 0;
	ctx->expstatsn = ctx->expstatsn_cfg;
	ctx->used_chap = false;
	if (ctx->have_chap)
		chap_restart(&ctx->chap);
	if (neg_init(&ctx->neg, &ctx->negcfg, ctx->type == LOGIN_SESSION_DISCOVERY, err) < 0)
		return -1;
	ctx->state = LOGIN_S_START;
	return 0;
}

static uint8_t current_stage(const struct login_ctx *ctx)
{
	return ctx->state == LOGIN_S_OPERATIONAL ? PDU_STAGE_OPERATIONAL : PDU_STAGE_SECURITY;
}

/* Chooses the data of the next PDU: an empty reply, or the next piece of our text. */
static int next_piece(struct login_ctx *ctx, const uint8_t **data, size_t *dlen,
		      bool *transit, bool *cont)
{
	size_t left;

	*data = NULL;
	*dlen = 0;
	*transit = *cont = false;
	if (ctx->reply_empty) {
		/* Our wish to leave the stage stands while the target continues. */
		*transit = ctx->next_transit;
		return 0;
	}
	if (!ctx->out) {
		int r = text_encode(&ctx->next, &ctx->out, &ctx->out_len);

		if (r < 0)
			return r;
		ctx->out_off = 0;
		text_list_free(&ctx->next);
	}
	left = ctx->out_len - ctx->out_off;
	*dlen = left < ctx->max_send ? left : ctx->max_send;
	*data = ctx->out + ctx->out_off;
	*cont = *dlen < left;
	*transit = !*cont && ctx->next_transit;
	return 0;
}

int login_next_request(struct login_ctx *ctx, uint8_t **pdu, size_t *len)
{
	struct pdu_login_req rq = { 0 };
	uint8_t bhs[PDU_BHS_LEN];
	const uint8_t *data;
	size_t dlen;
	int r;

	if (!ctx || !pdu || !len || ctx->waiting)
		return -EINVAL;
	if (ctx->state == LOGIN_S_REDIRECTED && restart_attempt(ctx, NULL) < 0)
		return -EINVAL;
	if (ctx->state == LOGIN_S_START && login_build_first(ctx, NULL) < 0)
		return -ENOMEM;
	if (ctx->state != LOGIN_S_SECURITY && ctx->state != LOGIN_S_OPERATIONAL)
		return -EINVAL;
	r = next_piece(ctx, &data, &dlen, &rq.transit, &rq.cont);
	if (r < 0)
		return r;
	rq.csg = current_stage(ctx);
	rq.nsg = rq.transit ? ctx->next_nsg : 0;
	memcpy(rq.isid, ctx->isid, PDU_ISID_LEN);
	rq.tsih = ctx->tsih_cfg;
	rq.itt = ctx->itt;
	rq.cid = ctx->cid;
	rq.cmdsn = ctx->cmdsn;
	rq.expstatsn = ctx->expstatsn;
	rq.dlength = (uint32_t)dlen;
	pdu_login_req_encode(bhs, &rq);
	r = pdu_assemble(bhs, data, dlen, pdu, len);
	if (r < 0)
		return r;
	ctx->sent_transit = rq.transit;
	ctx->sent_cont = rq.cont;
	ctx->sent_nsg = rq.nsg;
	if (!ctx->reply_empty) {
		ctx->out_off += dlen;
		if (ctx->out_off == ctx->out_len)
			drop_output(ctx);
	}
	ctx->waiting = true;
	return 0;
}

static enum login_step not_a_login_response(struct login_ctx *ctx, const struct pdu_view *v,
					     struct ll_error *err)
{
	struct pdu_reject rj;

	if (v->hdr.opcode == PDU_OP_REJECT && pdu_reject_decode(v->bhs, &rj, NULL) == 0)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the target rejected our Login Request (%s, reason 0x%02x)",
				  pdu_reject_reason_str(rj.reason), rj.reason);
	return login_fail(ctx, err, ISCSI_ERR_LOGIN,
			  "expected a Login Response but received a %s (opcode 0x%02x)",
			  pdu_opcode_str(v->hdr.opcode), v->hdr.opcode);
}

/* Checks that the response belongs to our login and is well formed. */
static int check_header(struct login_ctx *ctx, const uint8_t *pdu, size_t len,
			struct pdu_view *v, struct pdu_login_rsp *rsp, struct ll_error *err)
{
	struct ll_error perr = { 0 };

	if (pdu_parse(pdu, len, ctx->max_recv, v, &perr) < 0)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN, "%s", perr.msg), -1;
	if (v->hdr.opcode != PDU_OP_LOGIN_RSP)
		return not_a_login_response(ctx, v, err), -1;
	pdu_login_rsp_decode(v->bhs, rsp, NULL);
	if (++ctx->npdus > ctx->max_pdus)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the target sent more than %u Login Responses without finishing",
				  ctx->max_pdus), -1;
	if (rsp->itt != ctx->itt)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the Login Response carries task tag 0x%08x, but our request used 0x%08x",
				  rsp->itt, ctx->itt), -1;
	/* tgtd leaves the ISID zero in responses that end the login with an error. */
	if (rsp->status_class == 0 && memcmp(rsp->isid, ctx->isid, PDU_ISID_LEN) != 0)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the Login Response carries a different ISID than our request"), -1;
	if (rsp->status_class == 0 && rsp->vact != 0)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the target answered with iSCSI version %u, but we speak only version 0",
				  rsp->vact), -1;
	if (rsp->transit && rsp->cont)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the Login Response has both the T and the C bit set"), -1;
	ctx->statsn = rsp->statsn;
	ctx->expstatsn = rsp->statsn + 1;
	ctx->expcmdsn = rsp->expcmdsn;
	ctx->maxcmdsn = rsp->maxcmdsn;
	return 0;
}

/* Stage fields: same stage as ours, T only when asked, forward only. */
static int check_stage(struct login_ctx *ctx, const struct pdu_login_rsp *rsp,
		       struct ll_error *err)
{
	uint8_t cur = current_stage(ctx);

	if (rsp->csg != cur)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the target answered in stage %s while we are in %s",
				  pdu_stage_str(rsp->csg), pdu_stage_str(cur)), -1;
	if (!rsp->transit)
		return 0;
	if (!ctx->sent_transit)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the target set the T bit to leave %s although we did not ask to",
				  pdu_stage_str(cur)), -1;
	if (rsp->nsg <= cur || rsp->nsg == 2 || rsp->nsg > ctx->sent_nsg)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the target asked to move from %s to %s, but we asked for %s",
				  pdu_stage_str(cur), pdu_stage_str(rsp->nsg),
				  pdu_stage_str(ctx->sent_nsg)), -1;
	return 0;
}

static enum login_step handle_redirect(struct login_ctx *ctx, const struct pdu_view *v,
				       const struct pdu_login_rsp *rsp, struct ll_error *err)
{
	struct ll_error e = { 0 };
	struct text_list l;
	const char *addr;
	int r;

	text_list_init(&l);
	r = text_parse(&l, v->data, v->data_len, &e);
	addr = r < 0 ? NULL : text_list_get(&l, "TargetAddress");
	if (!addr) {
		text_list_free(&l);
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the target redirected the login (status 0x%02x%02x) without a usable TargetAddress",
				  rsp->status_class, rsp->status_detail);
	}
	r = iqn_parse_address(addr, 0, &ctx->redirect, &e);
	text_list_free(&l);
	if (r < 0)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN, "the target redirected the login to %s", e.msg);
	if (++ctx->redirects > ctx->max_redirects)
		return login_fail(ctx, err, ISCSI_ERR_FATAL_LOGIN,
				  "the login was redirected more than %u times (last to %s)",
				  ctx->max_redirects, ctx->redirect.host);
	ctx->redirect_perm = rsp->status_detail == 0x02;
	ctx->state = LOGIN_S_REDIRECTED;
	return LOGIN_REDIRECT;
}

static enum login_step handle_status(struct login_ctx *ctx, const struct pdu_view *v,
				     const struct pdu_login_rsp *rsp, struct ll_error *err)
{
	char msg[160];

	if (rsp->status_class == 1 && (rsp->status_detail == 1 || rsp->status_detail == 2))
		return handle_redirect(ctx, v, rsp, err);
	ctx->rejected = true;
	ctx->rejected_class = rsp->status_class;
	ctx->rejected_detail = rsp->status_detail;
	login_status_message(rsp->status_class, rsp->status_detail, msg, sizeof(msg));
	return login_fail(ctx, err, login_status_exit_code(rsp->status_class, rsp->status_detail),
			  "%s (status 0x%02x%02x)%s", msg, rsp->status_class, rsp->status_detail,
			  rsp->status_class == 2 && rsp->status_detail == 1 && !ctx->have_chap
				  ? "; no CHAP username and password are configured for it" : "");
}

/* Joins continued text, bounded. */
static int append_text(struct login_ctx *ctx, const struct pdu_view *v, struct ll_error *err)
{
	if (v->data_len > LOGIN_TEXT_MAX - ctx->acc.len)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the target's login text is longer than %d bytes", LOGIN_TEXT_MAX), -1;
	if (text_accum_add(&ctx->acc, v->data, v->data_len) < 0)
		return login_fail(ctx, err, ISCSI_ERR_NOMEM, "out of memory joining login text"), -1;
	return 0;
}

/* A complete response: parse the joined text and let the stage answer it. */
static enum login_step handle_complete(struct login_ctx *ctx, const struct pdu_login_rsp *rsp,
				       struct ll_error *err)
{
	struct ll_error e = { 0 };
	struct text_list in;
	enum login_step s;
	int r;

	text_list_init(&in);
	r = text_parse(&in, ctx->acc.buf, ctx->acc.len, &e);
	text_accum_free(&ctx->acc);
	if (r < 0)
		s = login_fail(ctx, err, ISCSI_ERR_LOGIN, "the target's login text is malformed: %s", e.msg);
	else if (ctx->state == LOGIN_S_SECURITY)
		s = login_security_step(ctx, &in, rsp, err);
	else
		s = login_operational_step(ctx, &in, rsp, err);
	text_list_free(&in);
	return s;
}

enum login_step login_handle_response(struct login_ctx *ctx, const uint8_t *pdu,
				      size_t len, struct ll_error *err)
{
	struct pdu_login_rsp rsp;
	struct pdu_view v;

	if (!ctx)
		return ll_error_set(err, ISCSI_ERR_INTERNAL, "login_handle_response without a context"),
		       LOGIN_FAILED;
	if (!ctx->waiting)
		return login_fail(ctx, err, ISCSI_ERR_INTERNAL,
				  "a Login Response arrived in state %s when none was expected",
				  login_state_str(ctx->state));
	ctx->waiting = false;
	if (check_header(ctx, pdu, len, &v, &rsp, err) < 0)
		return LOGIN_FAILED;
	if (rsp.status_class != 0)
		return handle_status(ctx, &v, &rsp, err);
	if (check_stage(ctx, &rsp, err) < 0)
		return LOGIN_FAILED;
	if (ctx->sent_cont) {
		/* The target acknowledges a piece of our continued text. */
		if (rsp.transit || rsp.cont || v.data_len)
			return login_fail(ctx, err, ISCSI_ERR_LOGIN,
					  "the target answered a continued Login Request with data instead of an empty response");
		return LOGIN_CONTINUE;
	}
	if (append_text(ctx, &v, err) < 0)
		return LOGIN_FAILED;
	ctx->reply_empty = rsp.cont;
	if (rsp.cont)
		return LOGIN_CONTINUE;
	return handle_complete(ctx, &rsp, err);
}

enum login_state login_get_state(const struct login_ctx *ctx)
{
	return ctx->state;
}

void login_get_params(const struct login_ctx *ctx, struct neg_params *out)
{
	neg_result(&ctx->neg, out);
}

uint16_t login_tsih(const struct login_ctx *ctx)
{
	return ctx->tsih;
}

uint32_t login_cmdsn(const struct login_ctx *ctx)
{
	return ctx->cmdsn;
}

uint32_t login_expstatsn(const struct login_ctx *ctx)
{
	return ctx->expstatsn;
}

uint32_t login_statsn(const struct login_ctx *ctx)
{
	return ctx->statsn;
}

uint32_t login_expcmdsn(const struct login_ctx *ctx)
{
	return ctx->expcmdsn;
}

uint32_t login_maxcmdsn(const struct login_ctx *ctx)
{
	return ctx->maxcmdsn;
}

bool login_used_chap(const struct login_ctx *ctx)
{
	return ctx->used_chap;
}

const struct iscsi_addr *login_redirect_portal(const struct login_ctx *ctx)
{
	return ctx->state == LOGIN_S_REDIRECTED ? &ctx->redirect : NULL;
}

bool login_redirect_permanent(const struct login_ctx *ctx)
{
	return ctx->redirect_perm;
}

unsigned login_redirect_count(const struct login_ctx *ctx)
{
	return ctx->redirects;
}

bool login_rejected_status(const struct login_ctx *ctx, uint8_t *status_class, uint8_t *detail)
{
	if (!ctx || !ctx->rejected)
		return false;
	*status_class = ctx->rejected_class;
	*detail = ctx->rejected_detail;
	return true;
}
