/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * status.c: the login status table (RFC 7143 11.13.5).
 *
 * Exit codes follow open-iscsi so scripts keep working: authentication
 * failure (0x0201) and authorization failure (0x0202) both give 24
 * (open-iscsi treats the two alike), other initiator errors 19 (fatal,
 * retrying cannot help), target errors 5 (retryable).
 */
#include <stdio.h>

#include "libiscsi-core/status.h"
#include "libiscsi-core/errors.h"
#include "libiscsi-core/util.h"

#define ROW(c, d, nm, msg, code, retry) \
	{ .status_class = (c), .detail = (d), .name = (nm), .message = (msg), \
	  .exit_code = (code), .retryable = (retry) }

static const struct login_status_info table[] = {
	ROW(0, 0x00, "Success", "the login was accepted", ISCSI_SUCCESS, false),
	ROW(1, 0x01, "Target moved temporarily",
	    "the target has moved temporarily and redirects to another address",
	    ISCSI_ERR_LOGIN, true),
	ROW(1, 0x02, "Target moved permanently",
	    "the target has moved permanently to another address",
	    ISCSI_ERR_LOGIN, true),
	ROW(2, 0x00, "Initiator error",
	    "the target reported an unspecified initiator error",
	    ISCSI_ERR_FATAL_LOGIN, false),
	ROW(2, 0x01, "Authentication failure",
	    "the target rejected the credentials (authentication failure)",
	    ISCSI_ERR_LOGIN_AUTH_FAILED, false),
	ROW(2, 0x02, "Authorization failure",
	    "the initiator is not allowed to access this target (authorization failure)",
	    ISCSI_ERR_LOGIN_AUTH_FAILED, false),
	ROW(2, 0x03, "Not found",
	    "the target name was not found at this portal",
	    ISCSI_ERR_FATAL_LOGIN, false),
	ROW(2, 0x04, "Target removed",
	    "the target has been removed and no forwarding address is known",
	    ISCSI_ERR_FATAL_LOGIN, false),
	ROW(2, 0x05, "Unsupported version",
	    "the target does not support the iSCSI protocol version we offered",
	    ISCSI_ERR_FATAL_LOGIN, false),
	ROW(2, 0x06, "Too many connections",
	    "the target refused another connection: too many connections on this session",
	    ISCSI_ERR_FATAL_LOGIN, false),
	ROW(2, 0x07, "Missing parameter",
	    "the login request lacked a parameter the target requires",
	    ISCSI_ERR_FATAL_LOGIN, false),
	ROW(2, 0x08, "Can't include in session",
	    "the target cannot add this connection to the session",
	    ISCSI_ERR_FATAL_LOGIN, false),
	ROW(2, 0x09, "Session type not supported",
	    "the target does not support the requested session type",
	    ISCSI_ERR_FATAL_LOGIN, false),
	ROW(2, 0x0a, "Session does not exist",
	    "the session we tried to add a connection to or reinstate does not exist",
	    ISCSI_ERR_FATAL_LOGIN, false),
	ROW(2, 0x0b, "Invalid during login",
	    "the target received a request that is not valid during login",
	    ISCSI_ERR_FATAL_LOGIN, false),
	ROW(3, 0x00, "Target error",
	    "the target reported an internal error",
	    ISCSI_ERR_LOGIN, true),
	ROW(3, 0x01, "Service unavailable",
	    "the target service is temporarily unavailable",
	    ISCSI_ERR_LOGIN, true),
	ROW(3, 0x02, "Out of resources",
	    "the target is out of resources",
	    ISCSI_ERR_LOGIN, true),
};

const struct login_status_info *login_status_table(size_t *n)
{
	if (n)
		*n = ARRAY_SIZE(table);
	return table;
}

const struct login_status_info *login_status_lookup(uint8_t status_class, uint8_t detail)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].status_class == status_class && table[i].detail == detail)
			return &table[i];
	return NULL;
}

static const char *const class_names[] = {
	[LOGIN_STATUS_SUCCESS] = "success",
	[LOGIN_STATUS_REDIRECT] = "redirection",
	[LOGIN_STATUS_INITIATOR_ERR] = "initiator error",
	[LOGIN_STATUS_TARGET_ERR] = "target error",
};

static const char *class_phrase(uint8_t status_class)
{
	if (status_class < ARRAY_SIZE(class_names))
		return class_names[status_class];
	return "undefined class";
}

const char *login_status_message(uint8_t status_class, uint8_t detail, char *buf, size_t len)
{
	const struct login_status_info *row = login_status_lookup(status_class, detail);

	if (!buf || len == 0)
		return row ? row->message : "unknown login status";
	if (row)
		snprintf(buf, len, "%s", row->message);
	else
		snprintf(buf, len, "the target returned an unknown login status (%s, class 0x%02x detail 0x%02x)",
			 class_phrase(status_class), status_class, detail);
	return buf;
}

int login_status_exit_code(uint8_t status_class, uint8_t detail)
{
	const struct login_status_info *row = login_status_lookup(status_class, detail);

	if (row)
		return row->exit_code;
	if (status_class == LOGIN_STATUS_INITIATOR_ERR)
		return ISCSI_ERR_FATAL_LOGIN;
	return ISCSI_ERR_LOGIN;
}

bool login_status_retryable(uint8_t status_class, uint8_t detail)
{
	const struct login_status_info *row = login_status_lookup(status_class, detail);

	if (row)
		return row->retryable;
	/*
	 * Statuses outside the table: open-iscsi retries an unknown
	 * redirection detail and a target error, and gives up on an unknown
	 * initiator error or an unknown class.
	 */
	return status_class == LOGIN_STATUS_TARGET_ERR || status_class == LOGIN_STATUS_REDIRECT;
}
