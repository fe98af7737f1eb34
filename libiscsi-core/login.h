/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * login.h: the iSCSI login phase (RFC 7143 section 6) as a pure step
 * function.  It never touches a socket: the caller sends the bytes
 * login_next_request() returns and feeds each received PDU to
 * login_handle_response(), which says what to do next.
 *
 *   SecurityNegotiation --T--> LoginOperationalNegotiation --T--> FullFeaturePhase
 *
 * Security: AuthMethod "CHAP,None" when CHAP credentials are configured,
 * "CHAP" when the record requires CHAP (None is then refused), "None"
 * otherwise; CHAP itself is chap.h.  Operational keys are negotiate.h.
 * Text longer than one PDU uses the C bit both ways: our long requests are
 * cut at max_send_data bytes and the target's empty replies fetch the next
 * piece; the target's continued responses are answered with empty requests
 * and joined (at most LOGIN_TEXT_MAX bytes).
 *
 * Login redirection (status class 1): login_handle_response() returns
 * LOGIN_REDIRECT and login_redirect_portal() gives the new address; the
 * caller closes the connection, connects there, and calls
 * login_next_request() again on the same context, which starts a fresh
 * login (redirects are counted; more than max_redirects fails).
 *
 * Every failure sets state LOGIN_S_FAILED and fills ll_error with one
 * sentence naming the target and portal, and the open-iscsi exit code:
 * status class 2/3 from status.h (24 for authentication failure), CHAP
 * failures 24, protocol violations by the target ISCSI_ERR_LOGIN (5).
 *
 * Memory: login_new() copies the configuration (names, credentials), so
 * the caller's strings may be freed afterwards.  Request buffers returned
 * by login_next_request() are malloc'd; the caller frees them (they may
 * hold CHAP responses: secure_zero() first if you care).  login_free()
 * zeroes all secrets.
 */
#ifndef LUNLINK_LOGIN_H
#define LUNLINK_LOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libiscsi-core/chap.h"
#include "libiscsi-core/errors.h"
#include "libiscsi-core/iqn.h"
#include "libiscsi-core/negotiate.h"

#define LOGIN_DATA_DEFAULT 8192       /* data segment limit during login (RFC 7143 default) */
#define LOGIN_TEXT_MAX (64 * 1024)    /* joined text of one continued response */
#define LOGIN_MAX_PDUS_DEFAULT 64     /* login responses in one attempt */
#define LOGIN_MAX_REDIRECTS_DEFAULT 5

enum login_session_type {
	LOGIN_SESSION_NORMAL,
	LOGIN_SESSION_DISCOVERY,
};

struct login_config {
	const char *initiator_name;      /* required, a valid iSCSI name */
	const char *initiator_alias;     /* optional, NULL or "" to omit */
	const char *target_name;         /* required for Normal sessions */
	enum login_session_type session_type;
	struct iscsi_addr portal;        /* where we connect (for messages) */
	uint8_t isid[6];
	uint16_t tsih;                   /* 0: new session; else reinstatement/add */
	uint16_t cid;
	uint32_t itt;
	uint32_t cmdsn;                  /* CmdSN of every Login Request */
	uint32_t expstatsn;              /* ExpStatSN of the first request */
	/* Authentication: chap NULL or without username means "no credentials". */
	const struct chap_config *chap;
	bool chap_required;              /* refuse targets that answer AuthMethod=None */
	/* Operational keys; NULL means neg_config_defaults(). */
	const struct neg_config *neg;
	/* Bounds; 0 selects the default. */
	uint32_t max_recv_data;          /* longest response data segment we accept */
	uint32_t max_send_data;          /* longest request data segment (C bit beyond) */
	unsigned max_pdus;               /* LOGIN_MAX_PDUS_DEFAULT */
	unsigned max_redirects;          /* LOGIN_MAX_REDIRECTS_DEFAULT */
};

enum login_step {
	LOGIN_CONTINUE,   /* send login_next_request() and wait for the answer */
	LOGIN_DONE,       /* full feature phase reached */
	LOGIN_REDIRECT,   /* reconnect to login_redirect_portal(), then continue */
	LOGIN_FAILED,     /* see err */
};

enum login_state {
	LOGIN_S_START,          /* nothing sent yet */
	LOGIN_S_SECURITY,       /* SecurityNegotiation stage */
	LOGIN_S_OPERATIONAL,    /* LoginOperationalNegotiation stage */
	LOGIN_S_FULL_FEATURE,   /* done */
	LOGIN_S_REDIRECTED,     /* waiting for the caller to reconnect */
	LOGIN_S_FAILED,
};

struct login_ctx;

/* Validates names and credentials; NULL with err filled on failure. */
struct login_ctx *login_new(const struct login_config *cfg, struct ll_error *err);
void login_free(struct login_ctx *ctx);

/*
 * The next Login Request to send (malloc'd into *pdu).  Returns 0, or
 * -EINVAL when no request is due (a response is awaited, or the login
 * ended), -ENOMEM.
 */
int login_next_request(struct login_ctx *ctx, uint8_t **pdu, size_t *len);

/* Feeds one whole received PDU. */
enum login_step login_handle_response(struct login_ctx *ctx, const uint8_t *pdu,
				      size_t len, struct ll_error *err);

enum login_state login_get_state(const struct login_ctx *ctx);
const char *login_state_str(enum login_state s);

/* Negotiated values (valid after LOGIN_DONE; defaults before). */
void login_get_params(const struct login_ctx *ctx, struct neg_params *out);
uint16_t login_tsih(const struct login_ctx *ctx);
uint32_t login_cmdsn(const struct login_ctx *ctx);      /* next CmdSN to use */
uint32_t login_expstatsn(const struct login_ctx *ctx);  /* last StatSN + 1 */
uint32_t login_statsn(const struct login_ctx *ctx);     /* last StatSN received */
uint32_t login_expcmdsn(const struct login_ctx *ctx);
uint32_t login_maxcmdsn(const struct login_ctx *ctx);
/* True when the target answered AuthMethod=CHAP. */
bool login_used_chap(const struct login_ctx *ctx);

/* After LOGIN_REDIRECT: the address to reconnect to, and whether the move is permanent. */
const struct iscsi_addr *login_redirect_portal(const struct login_ctx *ctx);
bool login_redirect_permanent(const struct login_ctx *ctx);
unsigned login_redirect_count(const struct login_ctx *ctx);

/*
 * After LOGIN_FAILED: true when the failure is the target's refusal with a
 * login status (anything but success and a usable redirect), and which.
 * False for failures of the exchange itself (protocol, CHAP, redirects).
 */
bool login_rejected_status(const struct login_ctx *ctx, uint8_t *status_class, uint8_t *detail);

#endif
