/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msg.h: iscsiadm's messages to the user.
 *
 * Errors and warnings go to stderr as "iscsiadm: <text>" exactly like
 * open-iscsi's (scripts grep for some of them); results go to stdout without
 * a prefix.  Debug lines (-d N) also go to stderr.  Nothing here allocates.
 */
#ifndef ISCSIADM_MSG_H
#define ISCSIADM_MSG_H

#define PROGRAM_NAME "iscsiadm"

void msg_set_debug(int level);
int msg_debug_level(void);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* open-iscsi's "initiator reported error (N - text)" line. */
void log_exit_code(int code);

#endif
