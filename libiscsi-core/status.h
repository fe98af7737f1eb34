/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * status.h: login status class/detail (RFC 7143 11.13.5) to words and codes.
 *
 * One table holds, for every status a target may return, the phrase a user
 * reads, the open-iscsi exit code iscsiadm returns, and whether retrying
 * the same login later can succeed.  Callers build the sentence with the
 * target and portal they know, e.g.
 *   "target iqn.x at 127.0.0.1:3260 rejected the login: <message> (status 0x0201)".
 * Values not in the RFC get a generic phrase with the hex numbers.
 * Strings are static; nothing allocates.
 */
#ifndef LUNLINK_STATUS_H
#define LUNLINK_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum login_status_class {
	LOGIN_STATUS_SUCCESS = 0,
	LOGIN_STATUS_REDIRECT = 1,
	LOGIN_STATUS_INITIATOR_ERR = 2,
	LOGIN_STATUS_TARGET_ERR = 3,
};

struct login_status_info {
	uint8_t status_class;
	uint8_t detail;
	const char *name;     /* RFC 7143 name, e.g. "Authentication failure" */
	const char *message;  /* for users, e.g. "the target rejected the credentials ..." */
	int exit_code;        /* enum iscsi_exit */
	bool retryable;       /* the same login may succeed later */
};

/* Table row for a known status, or NULL. */
const struct login_status_info *login_status_lookup(uint8_t status_class, uint8_t detail);

/*
 * Phrase for any status: the table's message, or for unknown values a
 * generic one naming the class and the hex numbers, written into buf
 * (which is returned).  Never NULL when buf is non-NULL and len > 0.
 */
const char *login_status_message(uint8_t status_class, uint8_t detail, char *buf, size_t len);

/* open-iscsi exit code: 0 success, 24 authentication, 19 other initiator
 * errors, 5 target errors, redirects and unknown values. */
int login_status_exit_code(uint8_t status_class, uint8_t detail);

/* True for class 3 (target errors) and class 1 (try the new address). */
bool login_status_retryable(uint8_t status_class, uint8_t detail);

/* All table rows, for docs and tests. */
const struct login_status_info *login_status_table(size_t *n);

#endif
