/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * opts.h: iscsiadm's command line, parsed the way open-iscsi 2.1.8 parses
 * it (same getopt string, long names, per-mode allowed options, messages
 * and exit codes), into one struct the mode functions read.
 *
 * Memory: string fields point into argv; nothing is allocated.
 */
#ifndef ISCSIADM_OPTS_H
#define ISCSIADM_OPTS_H

#include <stdbool.h>
#include <stddef.h>

enum iscsiadm_mode {
	MODE_NONE = -1,
	MODE_DISCOVERY = 0,
	MODE_DISCOVERYDB,
	MODE_NODE,
	MODE_SESSION,
	MODE_HOST,
	MODE_IFACE,
	MODE_FW,
	MODE_MAX_,
};

/* -o values; open-iscsi lets several -o accumulate into a mask. */
enum iscsiadm_op {
	OP_NOOP = 0,
	OP_NEW = 1u << 0,
	OP_DELETE = 1u << 1,
	OP_UPDATE = 1u << 2,
	OP_SHOW = 1u << 3,
	OP_NONPERSISTENT = 1u << 4,
	OP_APPLY = 1u << 5,
	OP_APPLY_ALL = 1u << 6,
	OP_LOGIN = 1u << 7,
	OP_LOGOUT = 1u << 8,
};

enum disc_type {
	DISC_TYPE_NONE = -1,
	DISC_TYPE_ST = 0,
	DISC_TYPE_SLP,
	DISC_TYPE_ISNS,
	DISC_TYPE_FW,
};

#define OPTS_MAX_IFACES 64
#define OPTS_IFACE_NAME_MAX 64   /* open-iscsi: 1 to 64 characters */
#define OPTS_MAX_PARAMS 64       /* -n/-v pairs in one command */

/* One -n NAME -v VALUE pair. */
struct opts_param {
	const char *name, *value;
};

struct opts {
	int mode;                    /* enum iscsiadm_mode */
	unsigned op;                 /* enum iscsiadm_op bits */
	int disc_type;               /* enum disc_type */
	const char *targetname;      /* -T (NULL when absent or empty) */
	const char *portal;          /* -p (NULL when absent or empty) */
	/*
	 * -n/-v pairs in command-line order.  Like open-iscsi, a name and a
	 * value pair up as soon as both have been seen (either may come
	 * first).  A -n that is followed by another -n before any -v (or is
	 * the last one) has no value: open-iscsi drops it silently, we keep
	 * the first such in lone_name (lone_value likewise) so the command
	 * can be refused (opts_check_params).
	 */
	struct opts_param params[OPTS_MAX_PARAMS];
	size_t n_params;
	const char *lone_name, *lone_value;
	const char *pend_name, *pend_value;  /* while parsing: waiting for a partner */
	const char *sid;             /* -r */
	const char *host;            /* -H */
	const char *submode;         /* -C */
	const char *login_all;       /* -L (NULL when absent) */
	const char *logout_all;      /* -U (NULL when absent) */
	const char *ifaces[OPTS_MAX_IFACES];  /* -I, in order */
	size_t n_ifaces;
	int print_level;             /* -P (atoi, like open-iscsi) */
	int killiscsid;              /* -k, -1 when absent */
	bool login, logout, rescan, stats;    /* -l -u -R -s */
	bool show_secrets;           /* -S */
	bool discover;               /* -D */
	bool no_wait;                /* -W */
	bool force;                  /* --force (lunlink): logout even when in use */
	bool json;                   /* -J/--json (lunlink): listings as JSON */
};

/* open-iscsi's name of a mode as used in "<name> mode: option ..." */
const char *opts_mode_name(int mode);

/*
 * Parses argv into o.  Returns -1 when the program should go on with the
 * selected mode, otherwise the exit code to end with now (after --help,
 * --version, or a usage error that has been reported).
 */
int opts_parse(int argc, char **argv, struct opts *o);

/*
 * Refuses -n/-v where they would change nothing: pairs given to an
 * operation that does not use them, or a -n without its -v (a -v without
 * its -n).  Returns 0 or the exit code after printing why.  When an update
 * got no complete pair at all, the mode prints open-iscsi's own message
 * ("update requires name and value"), so that case passes here.
 */
int opts_check_params(const struct opts *o);

/* Prints the usage text (status 0: stdout) or the "Try --help" line. */
void opts_usage(int status);

#endif
