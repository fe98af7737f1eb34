/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "iscsid/log.h"

/* The daemon's logging settings: process-wide by nature, set once in main(). */
static int debug_level;
static int use_stderr = 1;
static bool with_time;  /* LUNLINK_LOG_TIME: monotonic seconds first */

void log_setup(int level, int to_stderr)
{
	debug_level = level;
	/*
	 * Under systemd stderr is the journal, but it carries no priority:
	 * write to the journal directly so "journalctl -p err" sees errors.
	 */
	use_stderr = to_stderr && !getenv("JOURNAL_STREAM");
	with_time = getenv("LUNLINK_LOG_TIME") != NULL;
}

int log_debug_level(void)
{
	return debug_level;
}

static const char *prio_word(int prio)
{
	switch (prio) {
	case LOG_ERR:
		return "error: ";
	case LOG_WARNING:
		return "warning: ";
	case LOG_NOTICE:
		return "notice: ";
	case LOG_DEBUG:
		return "debug: ";
	default:
		return "";
	}
}

void log_msg(int prio, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (use_stderr && with_time) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		fprintf(stderr, "%lld.%03ld iscsid: %s%s\n", (long long)ts.tv_sec,
			ts.tv_nsec / 1000000, prio_word(prio), line);
	} else if (use_stderr)
		fprintf(stderr, "iscsid: %s%s\n", prio_word(prio), line);
	else
		sd_journal_print(prio, "%s", line);
}
