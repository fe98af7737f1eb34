/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * login_int.h: the login context, shared by login.c (requests, response
 * checks, redirection) and login_stage.c (what each stage answers).
 * Private to libiscsi-core; users include login.h.
 */
#ifndef LUNLINK_LOGIN_INT_H
#define LUNLINK_LOGIN_INT_H

#include "libiscsi-core/login.h"
#include "libiscsi-core/pdu.h"
#include "libiscsi-core/text.h"

/* Where the security stage is; each phase admits only its own keys. */
enum login_auth_phase {
	AUTH_METHOD_SENT,   /* AuthMethod offered, waiting for the choice */
	AUTH_CHAP_A_SENT,   /* CHAP_A sent, waiting for CHAP_A/CHAP_I/CHAP_C */
	AUTH_CHAP_R_SENT,   /* CHAP_N/CHAP_R sent; mutual: waiting for the target's */
	AUTH_DONE,          /* authenticated (or None): may leave the stage */
};

#define LOGIN_WHO_MAX (IQN_NAME_MAX + ISCSI_HOST_MAX + 48)

struct login_ctx {
	/* configuration (copied) */
	char initiator_name[IQN_NAME_MAX + 1];
	char initiator_alias[256];
	char target_name[IQN_NAME_MAX + 1];
	enum login_session_type type;
	struct iscsi_addr portal;          /* current portal; changes on redirect */
	uint8_t isid[PDU_ISID_LEN];
	uint16_t tsih_cfg, cid;
	uint32_t itt, cmdsn, expstatsn_cfg;
	bool have_chap, chap_required;
	struct neg_config negcfg;
	uint32_t max_recv, max_send;
	unsigned max_pdus, max_redirects;
	char who[LOGIN_WHO_MAX];           /* "target iqn... at host:port" */

	/* engines */
	struct chap_ctx chap;
	struct neg_ctx neg;

	/* this attempt */
	enum login_state state;
	enum login_auth_phase auth;
	bool waiting;                      /* a request is out, its answer due */
	unsigned npdus;
	uint16_t tsih;
	uint32_t statsn, expstatsn, expcmdsn, maxcmdsn;
	bool used_chap;

	/* outgoing: keys of the next request, then its encoding being sent */
	struct text_list next;
	bool next_transit;
	uint8_t next_nsg;
	uint8_t *out;
	size_t out_len, out_off;
	bool sent_transit, sent_cont;
	uint8_t sent_nsg;
	bool reply_empty;                  /* target set C: answer with an empty request */

	/* incoming continued text */
	struct text_accum acc;

	/* redirection */
	struct iscsi_addr redirect;
	bool redirect_perm;
	unsigned redirects;

	/* the status the target refused the login with (class 2/3 or unknown) */
	bool rejected;
	uint8_t rejected_class, rejected_detail;
};

/* Records a failure "login to <who> failed: <msg>"; returns LOGIN_FAILED. */
enum login_step login_fail(struct login_ctx *ctx, struct ll_error *err, int code,
			   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Keys of the first request (security stage). */
int login_build_first(struct login_ctx *ctx, struct ll_error *err);

/* One complete response's keys, per stage (login_stage.c). */
enum login_step login_security_step(struct login_ctx *ctx, const struct text_list *in,
				    const struct pdu_login_rsp *rsp, struct ll_error *err);
enum login_step login_operational_step(struct login_ctx *ctx, const struct text_list *in,
				       const struct pdu_login_rsp *rsp, struct ll_error *err);

#endif
