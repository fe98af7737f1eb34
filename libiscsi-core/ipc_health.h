/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ipc_health.h: a session's health as iscsid reports it to iscsiadm
 * (IPC_SESSION_HEALTH replies, see ipc.h).
 *
 * Health is iscsid's own history of a session, which the kernel does not
 * keep: when it logged in, how often and how long it was in recovery, the
 * last failure (its kind, code, time and one sentence), failures counted by
 * kind, and the portal, iface and local address in use.  A session iscsid
 * adopted at start (an earlier iscsid made it) has its history start at the
 * adoption: adopted is set and login_ms is 0 (unknown).
 *
 * On the wire every field is one attribute: IPC_A_HEALTH_NUM (an 8-byte
 * big-endian value followed by the field's name, the counter layout of
 * ipc.h) or IPC_A_HEALTH_STR ("name=value").  A decoder ignores names it
 * does not know (a newer iscsid may report more) but refuses a reply that
 * lacks a field it knows, repeats one, or holds a value out of range.
 * Times are milliseconds: timestamps since the Unix epoch (0 = never),
 * durations as they are.
 */
#ifndef LUNLINK_IPC_HEALTH_H
#define LUNLINK_IPC_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#include "libiscsi-core/errors.h"
#include "libiscsi-core/ipc.h"

#define LL_HEALTH_WORD_MAX 72    /* state, iface name (64 + NUL), kind */
#define LL_HEALTH_ADDR_MAX 300   /* "host:port" (DNS names up to 255), address */
#define LL_HEALTH_MSG_MAX 256    /* one sentence */

/* Why a session last failed.  The names are stable (JSON, metrics). */
enum ll_failure_kind {
	LL_FAIL_NONE,            /* "none": no failure yet */
	LL_FAIL_CONN_ERROR,      /* "conn_error": the kernel reported a connection error */
	LL_FAIL_NOP_TIMEOUT,     /* "nop_timeout": the target did not answer a NOP-Out */
	LL_FAIL_TARGET_LOGOUT,   /* "target_logout": the target asked for a logout (async event) */
	LL_FAIL_LOGIN_REJECTED,  /* "login_rejected": a login answered with a failure status */
	LL_FAIL_LOGIN_FAILED,    /* "login_failed": the login exchange broke or timed out */
	LL_FAIL_CONNECT_FAILED,  /* "connect_failed": the portal could not be reached */
	LL_FAIL_N_
};

struct ll_health {
	char state[LL_HEALTH_WORD_MAX];  /* iscsid's state: "LOGGED_IN", "RECOVERY", ... */
	bool adopted;            /* history starts at adoption by this iscsid */
	bool recovering;         /* a recovery is under way */
	uint64_t since_ms;       /* when the history starts (login request or adoption) */
	uint64_t login_ms;       /* first successful login; 0: not yet, or adopted */
	uint32_t recoveries;     /* recoveries started (connection lost when logged in) */
	uint64_t recovery_total_ms;  /* time in recovery, the current one included */
	uint64_t recovery_last_ms;   /* the current recovery, else the last one */
	uint32_t failures[LL_FAIL_N_];  /* failures of each kind ([LL_FAIL_NONE] is 0) */
	enum ll_failure_kind last_kind;
	uint32_t last_code;      /* kernel error code, login status (class << 8 | detail), 0 */
	uint64_t last_ms;        /* when; 0 when last_kind is LL_FAIL_NONE */
	char last_msg[LL_HEALTH_MSG_MAX];
	char portal[LL_HEALTH_ADDR_MAX];         /* "host:port" connected to now */
	char iface[LL_HEALTH_WORD_MAX];          /* iface record name */
	char local_address[LL_HEALTH_ADDR_MAX];  /* our end of the connection; "" unknown */
};

/* "conn_error", ...; NULL outside the enum. */
const char *ll_failure_kind_str(enum ll_failure_kind k);
/* The kind named s, or -1. */
int ll_failure_kind_from_str(const char *s);

/* Adds every field of h to m (a reply being built). */
int ipc_health_encode(struct ipc_msg *m, const struct ll_health *h);

/* Reads the fields of a decoded reply; err says what is wrong. */
int ipc_health_decode(const struct ipc_msg *m, struct ll_health *h, struct ll_error *err);

#endif
