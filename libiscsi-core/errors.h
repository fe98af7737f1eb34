/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * errors.h: open-iscsi compatible exit codes and an error context.
 *
 * Scripts (os-brick, CSI drivers, libvirt) branch on iscsiadm's exit codes,
 * so the numbers are fixed by open-iscsi's man page.  Every layer that fails
 * fills a struct ll_error with one clear sentence (naming the target,
 * portal, key or file and line) and the exit code that the top of the
 * program returns.
 */
#ifndef LUNLINK_ERRORS_H
#define LUNLINK_ERRORS_H

#include <stdarg.h>

enum iscsi_exit {
	ISCSI_SUCCESS = 0,
	ISCSI_ERR = 1,
	ISCSI_ERR_SESS_NOT_FOUND = 2,
	ISCSI_ERR_NOMEM = 3,
	ISCSI_ERR_TRANS = 4,
	ISCSI_ERR_LOGIN = 5,
	ISCSI_ERR_IDBM = 6,
	ISCSI_ERR_INVAL = 7,
	ISCSI_ERR_TRANS_TIMEOUT = 8,
	ISCSI_ERR_INTERNAL = 9,
	ISCSI_ERR_LOGOUT = 10,
	ISCSI_ERR_PDU_TIMEOUT = 11,
	ISCSI_ERR_TRANS_NOT_FOUND = 12,
	ISCSI_ERR_ACCESS = 13,
	ISCSI_ERR_TRANS_CAPS = 14,
	ISCSI_ERR_SESS_EXISTS = 15,
	ISCSI_ERR_INVALID_MGMT_REQ = 16,
	ISCSI_ERR_ISNS_UNAVAILABLE = 17,
	ISCSI_ERR_ISCSID_COMM_ERR = 18,
	ISCSI_ERR_FATAL_LOGIN = 19,
	ISCSI_ERR_ISCSID_NOTCONN = 20,
	ISCSI_ERR_NO_OBJS_FOUND = 21,
	ISCSI_ERR_SYSFS_LOOKUP = 22,
	ISCSI_ERR_HOST_NOT_FOUND = 23,
	ISCSI_ERR_LOGIN_AUTH_FAILED = 24,
	ISCSI_ERR_ISNS_QUERY = 25,
	ISCSI_ERR_ISNS_REG_FAILED = 26,
	ISCSI_ERR_OP_NOT_SUPP = 27,
	ISCSI_ERR_BUSY = 28,
	ISCSI_ERR_AGAIN = 29,
	ISCSI_ERR_UNKNOWN_DISCOVERY_TYPE = 30,
	ISCSI_ERR_CHILD_TERMINATED = 31,
	ISCSI_ERR_SESSION_NOT_CONNECTED = 32,
	ISCSI_ERR_REQ_TIMEDOUT = 33,
	ISCSI_ERR_MAX_
};

/* open-iscsi's short text for an exit code ("session exists", ...). */
const char *iscsi_exit_str(int code);

#define LL_ERROR_MSG_MAX 512

struct ll_error {
	int code;                    /* enum iscsi_exit; 0 when no error */
	char msg[LL_ERROR_MSG_MAX];  /* one sentence, no trailing newline */
};

/* Record an error; returns -1 so callers can write `return ll_error_set(...)`. */
int ll_error_set(struct ll_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The same from a va_list: the one place that formats an error, for
 * wrappers that add their own state or context (ll_error_prefix after it).
 * No argument may point into e->msg.
 */
int ll_error_vset(struct ll_error *e, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * Inside a function declared `(..., const char *fmt, ...)`: ll_error_vset
 * with that function's own arguments, so no wrapper repeats the
 * va_start/va_end lines.
 */
#define LL_ERROR_SET_FROM_ARGS(e, code, fmt) do { \
		va_list ll_ap_; \
		va_start(ll_ap_, fmt); \
		ll_error_vset(e, code, fmt, ll_ap_); \
		va_end(ll_ap_); \
	} while (0)

/* Prefix existing message with more context: "ctx: old message". */
void ll_error_prefix(struct ll_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void ll_error_clear(struct ll_error *e);

#endif
