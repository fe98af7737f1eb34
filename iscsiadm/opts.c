/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * opts.c: the command line, option for option as open-iscsi 2.1.8 reads it.
 *
 * open-iscsi checks a mode's allowed options the moment it sees -m, by
 * scanning the whole argv again with getopt; getopt's own complaints
 * ("invalid option -- 'Z'") are therefore printed once or twice depending
 * on where the bad option stands, and scripts see exactly that.  We do the
 * same scan, then restart parsing from the beginning so every option is
 * taken in order with the mode known.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "iscsiadm/msg.h"
#include "iscsiadm/opts.h"
#include "libiscsi-core/errors.h"
#include "libiscsi-core/util.h"

/* open-iscsi's, plus lunlink's -J (JSON output) */
#define SHORT_OPTIONS "RlDVhm:a:b:c:C:p:P:T:H:i:I:U:k:L:d:r:n:v:o:sSt:ux:A:WJ"

/* Long-only options beyond open-iscsi's: values outside the char range. */
enum { OPT_FORCE = 0x100 };

static const struct option long_options[] = {
	{ "mode", required_argument, NULL, 'm' },
	{ "portal", required_argument, NULL, 'p' },
	{ "targetname", required_argument, NULL, 'T' },
	{ "interface", required_argument, NULL, 'I' },
	{ "op", required_argument, NULL, 'o' },
	{ "type", required_argument, NULL, 't' },
	{ "name", required_argument, NULL, 'n' },
	{ "value", required_argument, NULL, 'v' },
	{ "host", required_argument, NULL, 'H' },
	{ "sid", required_argument, NULL, 'r' },
	{ "rescan", no_argument, NULL, 'R' },
	{ "print", required_argument, NULL, 'P' },
	{ "discover", no_argument, NULL, 'D' },
	{ "login", no_argument, NULL, 'l' },
	{ "loginall", required_argument, NULL, 'L' },
	{ "logout", no_argument, NULL, 'u' },
	{ "logoutall", required_argument, NULL, 'U' },
	{ "stats", no_argument, NULL, 's' },
	{ "killiscsid", required_argument, NULL, 'k' },
	{ "debug", required_argument, NULL, 'd' },
	{ "show", no_argument, NULL, 'S' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "submode", required_argument, NULL, 'C' },
	{ "ip", required_argument, NULL, 'a' },
	{ "packetsize", required_argument, NULL, 'b' },
	{ "count", required_argument, NULL, 'c' },
	{ "interval", required_argument, NULL, 'i' },
	{ "index", required_argument, NULL, 'x' },
	{ "portal_type", required_argument, NULL, 'A' },
	{ "no_wait", no_argument, NULL, 'W' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "json", no_argument, NULL, 'J' },
	{ NULL, 0, NULL, 0 },
};

/* Per mode: the -m word, the name in messages, the options it accepts. */
static const struct {
	const char *word;
	const char *msg_name;
	const char *allowed;
} modes[MODE_MAX_] = {
	[MODE_DISCOVERY] = { "discovery", "discovery", "DSIPdmntplovJ" },
	[MODE_DISCOVERYDB] = { "discoverydb", "discovery", "DSIPdmntplovJ" },
	[MODE_NODE] = { "node", "node", "RsPIdmlSonvupTULWJ" },
	[MODE_SESSION] = { "session", "session", "PiRdrmusonuSvJ" },
	[MODE_HOST] = { "host", "host", "CHdmPotnvxAJ" },
	[MODE_IFACE] = { "iface", "iface", "HIdnvmPoCabciJ" },
	[MODE_FW] = { "fw", "fw", "dmlWnvJ" },
};

static const struct {
	const char *word;
	unsigned op;
} ops[] = {
	{ "new", OP_NEW }, { "delete", OP_DELETE }, { "update", OP_UPDATE },
	{ "show", OP_SHOW }, { "nonpersistent", OP_NONPERSISTENT },
	{ "apply", OP_APPLY }, { "applyall", OP_APPLY_ALL },
	{ "login", OP_LOGIN }, { "logout", OP_LOGOUT },
};

static const struct {
	const char *word;
	int type;
} disc_types[] = {
	{ "sendtargets", DISC_TYPE_ST }, { "st", DISC_TYPE_ST },
	{ "slp", DISC_TYPE_SLP }, { "isns", DISC_TYPE_ISNS }, { "fw", DISC_TYPE_FW },
};

/* The usage text is part of the interface: identical to open-iscsi's. */
static const char *const usage_lines[] = {
	"iscsiadm -m discoverydb [-hV] [-d debug_level] [-P printlevel] [-t type -p ip:port -I ifaceN ... [-Dl]] | [[-p ip:port -t type] [-o operation] [-n name] [-v value] [-lD]] ",
	"iscsiadm -m discovery [-hV] [-d debug_level] [-P printlevel] [-t type -p ip:port -I ifaceN ... [-l]] | [[-p ip:port] [-l | -D]] [-W]",
	"iscsiadm -m node [-hV] [-d debug_level] [-P printlevel] [-L all,manual,automatic,onboot] [-W] [-U all,manual,automatic,onboot] [-S] [[-T targetname -p ip:port -I ifaceN] [-l | -u | -R | -s]] [[-o operation ] [-n name] [-v value]]",
	"iscsiadm -m session [-hV] [-d debug_level] [-P printlevel] [-r sessionid | sysfsdir [-R | -u | -s] [-o operation] [-n name] [-v value]]",
	"iscsiadm -m iface [-hV] [-d debug_level] [-P printlevel] [-I ifacename | -H hostno|MAC] [[-o operation ] [-n name] [-v value]] [-C ping [-a ip] [-b packetsize] [-c count] [-i interval]]",
	"iscsiadm -m fw [-d debug_level] [-l] [-W] [[-n name] [-v value]]",
	"iscsiadm -m host [-P printlevel] [-H hostno|MAC] [[-C chap [-x chap_tbl_idx]] | [-C flashnode [-A portal_type] [-x flashnode_idx]] | [-C stats]] [[-o operation] [-n name] [-v value]] ",
	"iscsiadm -k priority",
	/* lunlink's addition, after open-iscsi's unchanged lines */
	"iscsiadm -m node|session ... [-u | -U all,manual,automatic] --force   (lunlink: log out even while a disk of the session is mounted)",
	"iscsiadm -m MODE ... -J | --json   (lunlink: a listing as one JSON document, see iscsiadm-json(7))",
};

const char *opts_mode_name(int mode)
{
	if (mode < 0 || mode >= MODE_MAX_)
		return "unknown";
	return modes[mode].msg_name;
}

void opts_usage(int status)
{
	if (status != 0) {
		fprintf(stderr, "Try `%s --help' for more information.\n", PROGRAM_NAME);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(usage_lines); i++)
		printf("%s\n", usage_lines[i]);
}

static int str_to_mode(const char *s)
{
	for (int m = 0; m < MODE_MAX_; m++)
		if (streq(s, modes[m].word))
			return m;
	return MODE_NONE;
}

static unsigned str_to_op(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (streq(s, ops[i].word))
			return ops[i].op;
	return OP_NOOP;
}

static int str_to_type(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(disc_types); i++)
		if (streq(s, disc_types[i].word))
			return disc_types[i].type;
	return DISC_TYPE_NONE;
}

/* --force only makes sense where sessions are logged out. */
static bool allows(int mode, const char *allowed, int ch)
{
	if (ch == OPT_FORCE)
		return mode == MODE_NODE || mode == MODE_SESSION;
	return ch > 0 && ch < 0x100 && strchr(allowed, ch);
}

/* Scans all of argv again; returns the first option the mode refuses. */
static int verify_mode_params(int argc, char **argv, int mode)
{
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, SHORT_OPTIONS, long_options, NULL)) >= 0) {
		if (!allows(mode, modes[mode].allowed, ch))
			return ch;
	}
	return 0;
}

static void opts_init(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = MODE_NONE;
	o->disc_type = DISC_TYPE_NONE;
	o->killiscsid = -1;
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static int add_iface(struct opts *o, const char *name)
{
	size_t len = strlen(name);

	if (len < 1 || len > OPTS_IFACE_NAME_MAX) {
		/* open-iscsi prints this one on stdout. */
		printf("Invalid iface name %s. Must be from 1 to %d characters.\n",
		       name, OPTS_IFACE_NAME_MAX);
		return ISCSI_ERR_INVAL;
	}
	if (o->n_ifaces >= OPTS_MAX_IFACES) {
		log_error("Could not add iface %s.", name);
		return ISCSI_ERR;
	}
	o->ifaces[o->n_ifaces++] = name;
	return -1;
}

/* Result of taking one option: go on, restart the scan, or exit code. */
enum { TAKE_NEXT = -1, TAKE_RESTART = -2 };

/*
 * -n or -v: pairs with a waiting -v or -n (open-iscsi's rule: a pair is
 * made as soon as both are there).  A second -n while one still waits
 * leaves the first without a value; open-iscsi drops it, we remember it.
 */
static int take_param(struct opts *o, bool is_name, const char *arg)
{
	const char **mine = is_name ? &o->pend_name : &o->pend_value;
	const char **other = is_name ? &o->pend_value : &o->pend_name;
	const char **lone = is_name ? &o->lone_name : &o->lone_value;

	if (*mine && !*lone)
		*lone = *mine;
	*mine = arg;
	if (!*other)
		return TAKE_NEXT;
	if (o->n_params >= OPTS_MAX_PARAMS) {
		log_error("Too many -n/-v pairs: at most %d in one command.", OPTS_MAX_PARAMS);
		return ISCSI_ERR_INVAL;
	}
	o->params[o->n_params++] = (struct opts_param){ o->pend_name, o->pend_value };
	o->pend_name = o->pend_value = NULL;
	return TAKE_NEXT;
}

static int take_mode(struct opts *o, const char *arg, unsigned *verified,
		     int argc, char **argv)
{
	int bad;

	o->mode = str_to_mode(arg);
	if (o->mode == MODE_NONE) {
		log_error("mode %d is not yet supported", -1);
		return ISCSI_ERR_INVAL;
	}
	if (*verified & (1u << o->mode))
		return TAKE_NEXT;
	bad = verify_mode_params(argc, argv, o->mode);
	if (bad == OPT_FORCE) {
		log_error("%s mode: option '--force' is not allowed/supported",
			  modes[o->mode].msg_name);
		return ISCSI_ERR_INVAL;
	}
	if (bad) {
		log_error("%s mode: option '-%c' is not allowed/supported",
			  modes[o->mode].msg_name, bad);
		return ISCSI_ERR_INVAL;
	}
	*verified |= 1u << o->mode;
	return TAKE_RESTART;
}

static int take_option(struct opts *o, int ch, const char *arg)
{
	switch (ch) {
	case 'k':
		o->killiscsid = atoi(arg);
		if (o->killiscsid < 0) {
			log_error("Invalid killiscsid priority %d Priority must be "
				  "greater than or equal to zero.", o->killiscsid);
			return ISCSI_ERR_INVAL;
		}
		return TAKE_NEXT;
	case 'o': {
		unsigned op = str_to_op(arg);

		if (op == OP_NOOP) {
			log_error("can not recognize operation: '%s'", arg);
			return ISCSI_ERR_INVAL;
		}
		o->op |= op;
		return TAKE_NEXT;
	}
	case 't': o->disc_type = str_to_type(arg); return TAKE_NEXT;
	case 'n': return take_param(o, true, arg);
	case 'v': return take_param(o, false, arg);
	case 'H': o->host = arg; return TAKE_NEXT;
	case 'r': o->sid = arg; return TAKE_NEXT;
	case 'C': o->submode = arg; return TAKE_NEXT;
	case 'R': o->rescan = true; return TAKE_NEXT;
	case 'P': o->print_level = atoi(arg); return TAKE_NEXT;
	case 'D': o->discover = true; return TAKE_NEXT;
	case 'l': o->login = true; return TAKE_NEXT;
	case 'u': o->logout = true; return TAKE_NEXT;
	case 'L': o->login_all = arg; return TAKE_NEXT;
	case 'U': o->logout_all = arg; return TAKE_NEXT;
	case 's': o->stats = true; return TAKE_NEXT;
	case 'S': o->show_secrets = true; return TAKE_NEXT;
	case 'd': msg_set_debug(atoi(arg)); return TAKE_NEXT;
	case 'T': o->targetname = nonempty(arg); return TAKE_NEXT;
	case 'p': o->portal = nonempty(arg); return TAKE_NEXT;
	case 'I': return add_iface(o, arg);
	case 'W': o->no_wait = true; return TAKE_NEXT;
	case OPT_FORCE: o->force = true; return TAKE_NEXT;
	case 'J': o->json = true; return TAKE_NEXT;
	case 'V':
		printf("%s version %s\n", PROGRAM_NAME, OPEN_ISCSI_COMPAT_VERSION);
		log_debug(1, "lunlink %s", LUNLINK_VERSION);
		return ISCSI_SUCCESS;
	case 'h':
		opts_usage(0);
		return ISCSI_SUCCESS;
	default:
		/* -a -b -c -i -x -A: ping/flashnode arguments, not used here. */
		return TAKE_NEXT;
	}
}

static int parse_pass(int argc, char **argv, struct opts *o, unsigned *verified)
{
	int ch, rc, bad = 0;

	opts_init(o);
	optind = 0;
	while ((ch = getopt_long(argc, argv, SHORT_OPTIONS, long_options, NULL)) >= 0) {
		if (ch == '?') {
			/* getopt complained already; remember what, like optopt. */
			bad = optopt;
			continue;
		}
		if (ch == 'm')
			rc = take_mode(o, optarg, verified, argc, argv);
		else
			rc = take_option(o, ch, optarg);
		if (rc != TAKE_NEXT)
			return rc;
	}
	if (bad) {
		log_error("unrecognized character '%c'", bad);
		return ISCSI_ERR_INVAL;
	}
	if (o->pend_name && !o->lone_name)
		o->lone_name = o->pend_name;
	if (o->pend_value && !o->lone_value)
		o->lone_value = o->pend_value;
	return TAKE_NEXT;
}

int opts_parse(int argc, char **argv, struct opts *o)
{
	unsigned verified = 0;
	int rc;

	do
		rc = parse_pass(argc, argv, o, &verified);
	while (rc == TAKE_RESTART);
	if (rc != TAKE_NEXT)
		return rc;
	if (o->killiscsid >= 0)
		return -1;
	if (o->mode == MODE_NONE) {
		opts_usage(ISCSI_ERR_INVAL);
		return ISCSI_ERR_INVAL;
	}
	return -1;
}

/* Where -n/-v change something, and how the refusal names that place. */
static bool params_used(const struct opts *o, const char **where)
{
	switch (o->mode) {
	case MODE_NODE:
		*where = "-o update or -o new";
		return o->op & (OP_NEW | OP_UPDATE);
	case MODE_SESSION:
		*where = "-r SID -o update (the session's node record)";
		return o->sid && o->op == OP_UPDATE;
	case MODE_DISCOVERYDB:
		*where = "-o update or -o new";
		return o->op & (OP_NEW | OP_UPDATE);
	case MODE_IFACE:
		*where = "-o update or -o new";
		return o->op == OP_NEW || o->op == OP_UPDATE;
	case MODE_FW:
	case MODE_HOST:
		*where = "";
		return true;   /* these modes check their own -n/-v */
	default:
		*where = "-m discoverydb -o update (discovery records) or -m node -o update";
		return false;
	}
}

int opts_check_params(const struct opts *o)
{
	const char *where;

	if (o->n_params == 0 && !o->lone_name && !o->lone_value)
		return 0;
	if (!params_used(o, &where)) {
		log_error("%s mode: -n/-v change records only with %s; this command would "
			  "ignore them.", opts_mode_name(o->mode), where);
		return ISCSI_ERR_INVAL;
	}
	/* No pair at all in an update: the mode says it as open-iscsi does. */
	if (o->n_params == 0 && o->op == OP_UPDATE && !o->discover)
		return 0;
	if (o->lone_name) {
		log_error("-n %s has no value: give each -n its own -v.", o->lone_name);
		return ISCSI_ERR_INVAL;
	}
	if (o->lone_value) {
		/* the value may be a secret: not repeated */
		log_error("A -v value has no -n name: give each -v its own -n.");
		return ISCSI_ERR_INVAL;
	}
	return 0;
}
