/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c: iscsid's lifecycle: parse arguments, daemonize unless -f, set up
 * the event loop and the control socket, notify systemd, run, clean up.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include "config.h"
#include "db/config.h"
#include "iscsid/control.h"
#include "iscsid/daemon.h"
#include "iscsid/discovery.h"
#include "iscsid/kernel.h"
#include "iscsid/log.h"
#include "iscsid/metrics.h"
#include "iscsid/session.h"
#include "iscsid/session_adopt.h"
#include "iscsid/session_reap.h"
#include "iscsid/mounttab.h"
#include "iscsid/session_isids.h"
#include "sysfs/sysfs.h"
#include "libiscsi-core/errors.h"

struct options {
	bool foreground;
	int debug;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: iscsid [OPTION]\n"
		"\n"
		"  -f, --foreground        stay in the foreground (log to stderr)\n"
		"  -d, --debug=N           debug level 0..8\n"
		"  -h, --help              show this help\n"
		"  -v, --version           show the version\n"
		"\n"
		"Control socket: $ISCSID_SOCKET, default %s\n"
		"Configuration and node database: $ISCSI_CONFIG_DIR, default %s\n",
		DEFAULT_ISCSID_SOCKET, DEFAULT_CONFIG_DIR);
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "fd:hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->foreground = true;
			break;
		case 'd': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || v < 0 || v > 8) {
				fprintf(stderr, "iscsid: invalid debug level '%s' (0..8)\n", optarg);
				return ISCSI_ERR_INVAL;
			}
			o->debug = (int)v;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			printf("iscsid version %s (lunlink %s)\n", OPEN_ISCSI_COMPAT_VERSION,
			       LUNLINK_VERSION);
			return 0;
		default:
			usage(stderr);
			return ISCSI_ERR_INVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "iscsid: unexpected argument '%s'\n", argv[optind]);
		return ISCSI_ERR_INVAL;
	}
	return -1;
}

/*
 * Fork into the background.  The parent waits on a pipe until the child
 * is ready (socket listening) so that "iscsid; iscsiadm ..." works.
 * Returns in the child with *ready_fd set; the parent exits.
 */
static void daemonize(int *ready_fd)
{
	int p[2];
	pid_t pid;
	char status = 1;

	if (pipe2(p, O_CLOEXEC) < 0) {
		perror("iscsid: pipe");
		exit(ISCSI_ERR);
	}
	pid = fork();
	if (pid < 0) {
		perror("iscsid: fork");
		exit(ISCSI_ERR);
	}
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &status, 1) != 1)
			status = ISCSI_ERR;
		exit(status);
	}
	close(p[0]);
	setsid();
	if (chdir("/") < 0)
		exit(ISCSI_ERR);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	*ready_fd = p[1];
}

static void report_ready(int *ready_fd, char status)
{
	if (*ready_fd < 0)
		return;
	if (write(*ready_fd, &status, 1) != 1) {
		/* parent gone: nothing to tell */
	}
	close(*ready_fd);
	*ready_fd = -1;
}

static void config_diag(void *userdata, enum rec_diag_level level, const char *file,
			unsigned line, const char *msg)
{
	if (level == REC_DIAG_ERROR)
		log_warn("%s:%u: %s", file, line, msg);
	else
		log_debug(1, "%s:%u: %s", file, line, msg);
}

/*
 * iscsid.conf: node and discovery defaults are applied by iscsiadm when it
 * creates records (as in open-iscsi); the daemon itself uses
 * iscsid.ipc_auth_uid, iscsid.safe_logout and iscsid.metrics_file.  Bad
 * lines are reported and skipped.  An unreadable file keeps the safe
 * defaults.
 */
static void load_config(struct daemon *d)
{
	const struct rec_diag diag = { .fn = config_diag };
	struct ll_error err = { 0 };
	struct cfg *c = NULL;

	if (cfg_load(NULL, &c, &diag, &err) < 0) {
		log_warn("cannot read %s/%s: %s", cfg_root(), CFG_FILE, err.msg);
		return;
	}
	control_set_auth_by_uid(d->control, cfg_get_bool(c, "iscsid.ipc_auth_uid", true));
	d->safe_logout = cfg_get_bool(c, "iscsid.safe_logout", true);
	if (!d->safe_logout)
		log_info("iscsid.safe_logout = No: sessions are logged out even while "
			 "their disks are mounted");
	metrics_setup(d, cfg_get(c, "iscsid.metrics_file"));
	cfg_free(c);
}

/*
 * Opens the kernel interface now (loading iscsi_tcp) so the first login does
 * not pay for it, and takes over sessions an earlier iscsid left in the
 * kernel.  Without iSCSI support in the kernel iscsid still serves
 * discovery; logins will report why they cannot work.
 */
static void kernel_setup(struct daemon *d)
{
	struct ll_error err = { 0 };

	if (daemon_kernel(d, &err) < 0) {
		log_warn("kernel sessions unavailable for now: %s", err.msg);
		return;
	}
	sessions_adopt_all(d);
}

/*
 * Every session holds descriptors (our copy of its socket; while logging in
 * also the connecting socket and the scan's eventfd and sysfs file), so the
 * usual soft limit of 1,024 ran out at about 1,000 sessions: connects and
 * scans failed with EMFILE.  Like open-iscsi's iscsid, take 16,384 (raising
 * the hard limit needs CAP_SYS_RESOURCE; without it, the hard limit).
 */
#define FD_LIMIT_WANTED 16384

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= FD_LIMIT_WANTED)
		return;
	if (rl.rlim_max < FD_LIMIT_WANTED) {
		struct rlimit want = { FD_LIMIT_WANTED, FD_LIMIT_WANTED };

		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return;
	}
	rl.rlim_cur = rl.rlim_max < FD_LIMIT_WANTED ? rl.rlim_max : FD_LIMIT_WANTED;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < FD_LIMIT_WANTED)
		log_warn("the open file limit is %llu, below the %d iscsid asks for: "
			 "about %llu sessions fit", (unsigned long long)rl.rlim_cur,
			 FD_LIMIT_WANTED, (unsigned long long)rl.rlim_cur / 2);
}

/*
 * The daemon recovers the paths that the I/O load waits on, so it must not
 * queue behind that load for the CPU: in a recovery storm of 256 sessions
 * with writers on a one-CPU guest, the writers took half the CPU and each
 * of iscsid's netlink calls ~10 ms.  Like open-iscsi's iscsid, run at nice
 * -10, unless started at another nice value (the operator chose one).
 */
#define NICE_WANTED (-10)

static void raise_priority(void)
{
	int now;

	errno = 0;
	now = getpriority(PRIO_PROCESS, 0);
	if (errno)
		return;
	if (now != 0) {
		log_debug(1, "started at nice %d: keeping it", now);
		return;
	}
	if (setpriority(PRIO_PROCESS, 0, NICE_WANTED) < 0)
		log_warn("cannot raise the scheduling priority to nice %d (%s): recoveries "
			 "wait for the CPU behind the I/O load", NICE_WANTED, strerror(errno));
}

static int run(struct daemon *d, int *ready_fd)
{
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();
	raise_priority();

	r = sd_event_default(&d->event);
	if (r < 0)
		return r;
	sd_event_add_signal(d->event, NULL, SIGTERM, NULL, NULL);
	sd_event_add_signal(d->event, NULL, SIGINT, NULL, NULL);
	r = control_new(&d->control, d->event, daemon_handle_request, d);
	if (r < 0)
		return r;
	load_config(d);
	log_info("listening on %s", control_socket_path(d->control));
	r = session_isids_setup(d);
	if (r < 0)
		return r;
	kernel_setup(d);
	sd_notify(0, "READY=1\nSTATUS=Ready to process requests");
	report_ready(ready_fd, 0);
	r = sd_event_loop(d->event);
	sd_notify(0, "STOPPING=1");
	return r;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct daemon d = { .safe_logout = true };
	int ready_fd = -1;
	int r;

	r = parse_args(argc, argv, &o);
	if (r >= 0)
		return r;
	umask(0077);
	if (geteuid() != 0)
		fprintf(stderr, "iscsid: warning: not running as root; kernel sessions will fail\n");
	if (!o.foreground)
		daemonize(&ready_fd);
	log_setup(o.debug, o.foreground);

	r = run(&d, &ready_fd);
	if (r < 0)
		log_err("exiting: %s", strerror(-r));
	report_ready(&ready_fd, ISCSI_ERR);
	discovery_cancel_all(&d);
	session_isids_free(&d);
	sessions_release_all(&d);
	session_reap_release_all(&d);
	metrics_free(&d);
	mounttab_free(d.mounts);
	control_free(d.control);
	kernel_close(d.kernel);
	sd_event_unref(d.event);
	return r < 0 ? ISCSI_ERR : 0;
}
