/* SPDX-License-Identifier: GPL-2.0-or-later */
/* msg.c: "iscsiadm: " prefixed messages on stderr (see msg.h). */
#include <stdarg.h>
#include <stdio.h>

#include "iscsiadm/msg.h"
#include "libiscsi-core/errors.h"

static int debug_level;

void msg_set_debug(int level)
{
	debug_level = level;
}

int msg_debug_level(void)
{
	return debug_level;
}

static void __attribute__((format(printf, 1, 0))) vlog(const char *fmt, va_list ap)
{
	/* stdout first: keeps "Logging in to" before the error that follows. */
	fflush(stdout);
	fputs(PROGRAM_NAME ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void log_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void log_debug(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > debug_level)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void log_exit_code(int code)
{
	log_error("initiator reported error (%d - %s)", code, iscsi_exit_str(code));
}
