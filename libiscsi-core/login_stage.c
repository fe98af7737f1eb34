/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * login_stage.c: what the initiator says in each login stage.
 *
 * SecurityNegotiation, as a sequence of phases (login_int.h):
 *   AuthMethod offer --> target picks None  --> AUTH_DONE
 *                    --> target picks CHAP  --> CHAP_A --> CHAP_I/CHAP_C in,
 *                        CHAP_N/CHAP_R (+ our CHAP_I/CHAP_C) out --> [mutual:
 *                        verify the target's CHAP_N/CHAP_R] --> AUTH_DONE
 * Each phase admits only its own security keys, once: anything else is a
 * negotiate-once violation and fails the login.  The T bit is accepted only
 * in AUTH_DONE, so the target can never skip authentication.
 *
 * LoginOperationalNegotiation: negotiate.h offers and answers the keys; the
 * target may end the stage only when every offer has its answer.
 */
#include <stdio.h>

#include "libiscsi-core/login_int.h"
#include "libiscsi-core/util.h"

/* Security keys the target may send, and the phases that admit them. */
struct sec_key {
	const char *name;
	unsigned phases;      /* bit (1 << enum login_auth_phase) */
};

#define PH(p) (1u << (p))

static const struct sec_key sec_keys[] = {
	{ "AuthMethod", PH(AUTH_METHOD_SENT) },
	{ "CHAP_A", PH(AUTH_CHAP_A_SENT) },
	{ "CHAP_I", PH(AUTH_CHAP_A_SENT) },
	{ "CHAP_C", PH(AUTH_CHAP_A_SENT) },
	{ "CHAP_N", PH(AUTH_CHAP_R_SENT) },
	{ "CHAP_R", PH(AUTH_CHAP_R_SENT) },
};

static const char *const sec_prefixes[] = { "AuthMethod", "CHAP_", "SRP_", "KRB_", "SPKM_" };

static bool is_security_key(const char *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(sec_prefixes); i++)
		if (!strncmp(k, sec_prefixes[i], strlen(sec_prefixes[i])))
			return true;
	return false;
}

/* Only logins with CHAP credentials enter the security stage. */
static const char *auth_offer(const struct login_ctx *ctx)
{
	return ctx->chap_required ? "CHAP" : "CHAP,None";
}

int login_build_first(struct login_ctx *ctx, struct ll_error *err)
{
	struct text_list *l = &ctx->next;
	bool normal = ctx->type == LOGIN_SESSION_NORMAL;
	int r;

	text_list_free(l);
	r = text_list_add(l, "InitiatorName", ctx->initiator_name);
	if (r == 0 && ctx->initiator_alias[0])
		r = text_list_add(l, "InitiatorAlias", ctx->initiator_alias);
	if (r == 0)
		r = text_list_add(l, "SessionType", normal ? "Normal" : "Discovery");
	if (r == 0 && normal)
		r = text_list_add(l, "TargetName", ctx->target_name);
	if (r < 0)
		return ll_error_set(err, ISCSI_ERR_NOMEM, "cannot build the first Login Request");
	if (!ctx->have_chap && !ctx->chap_required) {
		/*
		 * Nothing to authenticate with: start in the operational stage
		 * (RFC 7143 6.3), as open-iscsi does.  A target that wants CHAP
		 * then answers "authentication failure" (0x0201, exit 24); LIO
		 * would instead drop the connection on AuthMethod=None.
		 */
		ctx->auth = AUTH_DONE;
		if (neg_build_offer(&ctx->neg, l) < 0)
			return ll_error_set(err, ISCSI_ERR_NOMEM,
					    "cannot build the first Login Request");
		ctx->state = LOGIN_S_OPERATIONAL;
		ctx->next_transit = true;
		ctx->next_nsg = PDU_STAGE_FULL_FEATURE;
		return 0;
	}
	if (text_list_add(l, "AuthMethod", auth_offer(ctx)) < 0)
		return ll_error_set(err, ISCSI_ERR_NOMEM, "cannot build the first Login Request");
	ctx->next_transit = false;
	ctx->next_nsg = PDU_STAGE_OPERATIONAL;
	ctx->auth = AUTH_METHOD_SENT;
	ctx->state = LOGIN_S_SECURITY;
	return 0;
}

/* Every security key must belong to the current phase and come once. */
static enum login_step check_security_keys(struct login_ctx *ctx, const struct text_list *in,
					   struct ll_error *err)
{
	for (size_t i = 0; i < in->n; i++) {
		const char *k = in->items[i].key;
		const struct sec_key *sk = NULL;

		if (!is_security_key(k))
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(sec_keys); j++)
			if (streq(k, sec_keys[j].name))
				sk = &sec_keys[j];
		if (!sk || !(sk->phases & PH(ctx->auth)))
			return login_fail(ctx, err, ISCSI_ERR_LOGIN,
					  "the target sent %s at a point of the security negotiation where it is not allowed (keys are negotiated once)",
					  k);
		if (text_list_count(in, k) > 1)
			return login_fail(ctx, err, ISCSI_ERR_LOGIN,
					  "the target sent %s twice in one response", k);
	}
	return LOGIN_CONTINUE;
}

static enum login_step on_auth_method(struct login_ctx *ctx, const struct text_list *in,
				      const struct pdu_login_rsp *rsp, struct ll_error *err)
{
	const char *v = text_list_get(in, "AuthMethod");
	struct ll_error e = { 0 };

	if (!v)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN, "the target did not answer our AuthMethod=%s",
				  auth_offer(ctx));
	if (streq(v, "None") && !ctx->chap_required) {
		ctx->auth = AUTH_DONE;
		ctx->next_transit = true;
		return LOGIN_CONTINUE;
	}
	if (streq(v, "None"))
		return login_fail(ctx, err, ISCSI_ERR_LOGIN_AUTH_FAILED,
				  "the target chose AuthMethod=None, but this node requires CHAP authentication");
	if (streq(v, "CHAP")) {
		if (chap_build_offer(&ctx->chap, &ctx->next, &e) < 0)
			return login_fail(ctx, err, e.code, "%s", e.msg);
		ctx->used_chap = true;
		ctx->auth = AUTH_CHAP_A_SENT;
		ctx->next_transit = false;
		return LOGIN_CONTINUE;
	}
	if (streq(v, "Reject") || streq(v, "NotUnderstood") || streq(v, "Irrelevant"))
		return login_fail(ctx, err, ISCSI_ERR_LOGIN_AUTH_FAILED,
				  "the target refused our authentication methods %s (AuthMethod=%s)",
				  auth_offer(ctx), v);
	return login_fail(ctx, err, ISCSI_ERR_LOGIN,
			  "the target chose AuthMethod=%.64s, which we did not offer", v);
}

static enum login_step on_chap_challenge(struct login_ctx *ctx, const struct text_list *in,
					 struct ll_error *err)
{
	struct ll_error e = { 0 };

	if (chap_handle_challenge(&ctx->chap, in, &ctx->next, &e) < 0)
		return login_fail(ctx, err, e.code ? e.code : ISCSI_ERR_LOGIN_AUTH_FAILED, "%s", e.msg);
	ctx->auth = chap_done(&ctx->chap) ? AUTH_DONE : AUTH_CHAP_R_SENT;
	ctx->next_transit = true;
	return LOGIN_CONTINUE;
}

/* Mutual CHAP: the target proves it knows the incoming secret. */
static enum login_step on_chap_response(struct login_ctx *ctx, const struct text_list *in,
					const struct pdu_login_rsp *rsp, struct ll_error *err)
{
	struct ll_error e = { 0 };
	bool has = text_list_get(in, "CHAP_N") || text_list_get(in, "CHAP_R");

	if (!has && rsp->transit)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN_AUTH_FAILED,
				  "the target tried to complete the login without answering our mutual CHAP challenge");
	if (has && chap_verify_target(&ctx->chap, in, &e) < 0)
		return login_fail(ctx, err, e.code ? e.code : ISCSI_ERR_LOGIN_AUTH_FAILED, "%s", e.msg);
	if (chap_done(&ctx->chap))
		ctx->auth = AUTH_DONE;
	ctx->next_transit = true;
	return LOGIN_CONTINUE;
}

static enum login_step enter_operational(struct login_ctx *ctx, struct ll_error *err)
{
	if (neg_build_offer(&ctx->neg, &ctx->next) < 0)
		return login_fail(ctx, err, ISCSI_ERR_NOMEM, "cannot build the operational keys");
	ctx->state = LOGIN_S_OPERATIONAL;
	ctx->next_transit = true;
	ctx->next_nsg = PDU_STAGE_FULL_FEATURE;
	return LOGIN_CONTINUE;
}

enum login_step login_security_step(struct login_ctx *ctx, const struct text_list *in,
				    const struct pdu_login_rsp *rsp, struct ll_error *err)
{
	struct ll_error e = { 0 };
	enum login_step s;

	if (check_security_keys(ctx, in, err) == LOGIN_FAILED)
		return LOGIN_FAILED;
	/* Declarations such as TargetPortalGroupTag may come in this stage. */
	if (neg_handle_keys(&ctx->neg, in, &ctx->next, &e) < 0)
		return login_fail(ctx, err, e.code ? e.code : ISCSI_ERR_LOGIN, "%s", e.msg);
	switch (ctx->auth) {
	case AUTH_METHOD_SENT:
		s = on_auth_method(ctx, in, rsp, err);
		break;
	case AUTH_CHAP_A_SENT:
		s = on_chap_challenge(ctx, in, err);
		break;
	case AUTH_CHAP_R_SENT:
		s = on_chap_response(ctx, in, rsp, err);
		break;
	default:
		ctx->next_transit = true;
		s = LOGIN_CONTINUE;
		break;
	}
	if (s == LOGIN_FAILED || !rsp->transit)
		return s;
	if (ctx->auth != AUTH_DONE)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN_AUTH_FAILED,
				  "the target tried to leave the security stage before authentication was complete");
	/* Anything we still owe the target goes with our first operational PDU. */
	return enter_operational(ctx, err);
}

static enum login_step finish(struct login_ctx *ctx, const struct pdu_login_rsp *rsp,
			      struct ll_error *err)
{
	if (ctx->next.n)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the target ended the login while proposing %s, which still needed our answer",
				  ctx->next.items[0].key);
	if (!neg_complete(&ctx->neg))
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the target ended the login without answering all the keys we offered");
	if (ctx->tsih_cfg && rsp->tsih != ctx->tsih_cfg)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the target answered with session handle (TSIH) %u, but we logged in to session %u",
				  rsp->tsih, ctx->tsih_cfg);
	if (!rsp->tsih)
		return login_fail(ctx, err, ISCSI_ERR_LOGIN,
				  "the target completed the login without assigning a session handle (TSIH 0)");
	ctx->tsih = rsp->tsih;
	ctx->state = LOGIN_S_FULL_FEATURE;
	return LOGIN_DONE;
}

enum login_step login_operational_step(struct login_ctx *ctx, const struct text_list *in,
				       const struct pdu_login_rsp *rsp, struct ll_error *err)
{
	struct ll_error e = { 0 };

	for (size_t i = 0; i < in->n; i++)
		if (is_security_key(in->items[i].key))
			return login_fail(ctx, err, ISCSI_ERR_LOGIN,
					  "the target sent the security key %s in the operational stage",
					  in->items[i].key);
	if (neg_handle_keys(&ctx->neg, in, &ctx->next, &e) < 0)
		return login_fail(ctx, err, e.code ? e.code : ISCSI_ERR_LOGIN, "%s", e.msg);
	if (rsp->transit)
		return finish(ctx, rsp, err);
	ctx->next_transit = true;
	ctx->next_nsg = PDU_STAGE_FULL_FEATURE;
	return LOGIN_CONTINUE;
}
