/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h: iscsid's one logging module.
 *
 * Lines go to stderr when iscsid runs in the foreground (systemd's journal
 * picks stderr up from a service), and to the journal otherwise.  Callers
 * put the target and portal in every line about a session; secrets are
 * never passed here.
 */
#ifndef ISCSID_LOG_H
#define ISCSID_LOG_H

#include <syslog.h>

void log_setup(int debug_level, int to_stderr);
int log_debug_level(void);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
/* Debug level n (1..8, like open-iscsi's -d) is shown when iscsid runs with -d >= n. */
#define log_debug(n, ...) \
	do { \
		if (log_debug_level() >= (n)) \
			log_msg(LOG_DEBUG, __VA_ARGS__); \
	} while (0)

#endif
