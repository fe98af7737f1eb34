/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>  /* DEFAULT_CONFIG_DIR of this build */

#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/config.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

static struct cfg *load_text(const char *text, struct tu_diags *d)
{
	struct rec_diag diag = { tu_diags_collect, d };
	struct cfg *c = NULL;

	ck_assert_int_eq(cfg_load_text(text, strlen(text), "/etc/iscsi/iscsid.conf",
				       &c, &diag, NULL), 0);
	return c;
}

START_TEST(test_root_comes_from_iscsi_config_dir_else_build_default)
{
	ck_assert_str_eq(cfg_root(), tu_root);
	setenv("ISCSI_CONFIG_DIR", "", 1);
	ck_assert_str_eq(cfg_root(), DEFAULT_CONFIG_DIR);
	unsetenv("ISCSI_CONFIG_DIR");
	ck_assert_str_eq(cfg_root(), DEFAULT_CONFIG_DIR);
}
END_TEST

START_TEST(test_missing_conf_gives_daemon_defaults)
{
	struct cfg *c = NULL;

	ck_assert_int_eq(cfg_load(NULL, &c, NULL, NULL), 0);
	/* lunlink's default refuses to log out mounted disks (open-iscsi: No) */
	ck_assert_str_eq(cfg_get(c, "iscsid.safe_logout"), "Yes");
	ck_assert_str_eq(cfg_get(c, "iscsid.ipc_auth_uid"), "Yes");
	ck_assert_str_eq(cfg_get(c, "iscsid.startup"), "");
	/* no metrics file unless one is named */
	ck_assert_str_eq(cfg_get(c, "iscsid.metrics_file"), "");
	ck_assert_ptr_null(cfg_get(c, "node.startup"));
	ck_assert(cfg_get_bool(c, "iscsid.safe_logout", false));
	ck_assert(cfg_get_bool(c, "iscsid.ipc_auth_uid", false));
	cfg_free(c);
}
END_TEST

/* Find etc/iscsid.conf of the source tree from this file's path. */
static int open_shipped_conf(char *path, size_t cap)
{
	const char *here = __FILE__;
	const char *slash = strrchr(here, '/');
	int n = slash ? (int)(slash - here) : 0;

	snprintf(path, cap, "%.*s/../../etc", n, here);
	return open(path, O_RDONLY | O_DIRECTORY);
}

/* Whether DIR/iscsid.conf has exactly this line. */
static bool conf_has_line(const char *dir, const char *line)
{
	char path[PATH_MAX], buf[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/iscsid.conf", dir);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (!found && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		found = strcmp(buf, line) == 0;
	}
	fclose(f);
	return found;
}

START_TEST(test_shipped_iscsid_conf_parses_cleanly_with_documented_values)
{
	struct tu_diags d = { 0 };
	struct rec_diag diag = { tu_diags_collect, &d };
	char etc[PATH_MAX];
	int fd = open_shipped_conf(etc, sizeof(etc));
	struct cfg *c = NULL;
	struct rec *n, *s;

	ck_assert_msg(fd >= 0, "cannot find %s (cwd must be the build dir)", etc);
	close(fd);
	ck_assert_int_eq(cfg_load(etc, &c, &diag, NULL), 0);
	ck_assert_msg(d.errors + d.notices == 0, "%s", d.all);
	ck_assert_str_eq(cfg_get(c, "iscsid.startup"), "/bin/systemctl start iscsid.socket");
	/* shipped explicitly (a line, not only the built-in default) */
	ck_assert(conf_has_line(etc, "iscsid.safe_logout = Yes"));
	ck_assert_str_eq(cfg_get(c, "iscsid.safe_logout"), "Yes");
	n = cfg_rec_new(c, REC_NODE);
	ck_assert_str_eq(rec_get(n, "node.conn[0].timeo.login_timeout"), "15");
	ck_assert_str_eq(rec_get(n, "node.session.initial_login_retry_max"), "8");
	ck_assert_str_eq(rec_get(n, "node.conn[0].timeo.noop_out_interval"), "5");
	ck_assert_str_eq(rec_get(n, "node.conn[0].timeo.noop_out_timeout"), "5");
	ck_assert_str_eq(rec_get(n, "node.session.timeo.replacement_timeout"), "120");
	ck_assert_str_eq(rec_get(n, "node.startup"), "manual");
	ck_assert_str_eq(rec_get(n, "node.session.scan"), "auto");
	ck_assert_str_eq(rec_get(n, "node.session.auth.authmethod"), "None");
	s = cfg_rec_new(c, REC_DISC_ST);
	ck_assert_str_eq(rec_get(s, "discovery.sendtargets.iscsi.MaxRecvDataSegmentLength"), "32768");
	rec_free(n);
	rec_free(s);
	cfg_free(c);
}
END_TEST

/* An explicit No is honoured (any case, as open-iscsi's parser); a value
 * that is not a boolean is reported and keeps the safe default. */
START_TEST(test_safe_logout_no_is_honoured_and_bad_value_stays_safe)
{
	static const char *const no[] = { "iscsid.safe_logout = No\n",
					  "iscsid.safe_logout = no\n",
					  "iscsid.safe_logout=NO\n" };
	struct tu_diags d = { 0 };
	struct cfg *c;

	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		c = load_text(no[i], &d);
		ck_assert_uint_eq(d.errors, 0);
		ck_assert_msg(!cfg_get_bool(c, "iscsid.safe_logout", true), "%s", no[i]);
		cfg_free(c);
	}
	c = load_text("iscsid.safe_logout = off\n", &d);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert(cfg_get_bool(c, "iscsid.safe_logout", false));
	cfg_free(c);
}
END_TEST

/* iscsid.metrics_file is a daemon key: taken as it is, without a notice. */
START_TEST(test_metrics_file_is_a_known_daemon_key)
{
	struct tu_diags d = { 0 };
	struct cfg *c = load_text("iscsid.metrics_file = /var/lib/prometheus/node-exporter/"
				  "iscsi.prom\n", &d);

	ck_assert_msg(d.errors + d.notices == 0, "%s", d.all);
	ck_assert_str_eq(cfg_get(c, "iscsid.metrics_file"),
			 "/var/lib/prometheus/node-exporter/iscsi.prom");
	cfg_free(c);
}
END_TEST

START_TEST(test_templates_fill_new_node_and_discovery_records)
{
	static const char text[] =
		"node.startup = automatic\n"
		"node.session.auth.authmethod = CHAP\n"
		"node.session.auth.chap_algs = SHA256,MD5\n"
		"discovery.sendtargets.auth.authmethod = CHAP\n"
		"discovery.sendtargets.auth.username = disco\n"
		"node.name = iqn.should.not:apply\n"
		"node.conn[0].port = 9999\n";
	struct tu_diags d = { 0 };
	struct cfg *c = load_text(text, &d);
	struct rec *n = cfg_rec_new(c, REC_NODE), *s = cfg_rec_new(c, REC_DISC_ST);
	struct rec *old = rec_new(REC_NODE);

	ck_assert_uint_eq(d.errors, 0);
	ck_assert_str_eq(rec_get(n, "node.startup"), "automatic");
	ck_assert_str_eq(rec_get(n, "node.session.auth.authmethod"), "CHAP");
	ck_assert_str_eq(rec_get(n, "node.session.auth.chap_algs"), "SHA256,MD5");
	/* identity keys are never templated */
	ck_assert_str_eq(rec_get(n, "node.name"), "");
	ck_assert_str_eq(rec_get(n, "node.conn[0].port"), "3260");
	ck_assert_str_eq(rec_get(s, "discovery.sendtargets.auth.authmethod"), "CHAP");
	ck_assert_str_eq(rec_get(s, "discovery.sendtargets.auth.username"), "disco");
	ck_assert_str_eq(rec_get(s, "node.session.auth.chap_algs"), "SHA256,MD5");
	cfg_apply_templates(c, old);
	ck_assert_str_eq(rec_get(old, "node.startup"), "automatic");
	rec_free(n);
	rec_free(s);
	rec_free(old);
	cfg_free(c);
}
END_TEST

START_TEST(test_bad_lines_are_reported_with_file_and_line_and_skipped)
{
	static const char text[] =
		"# comment\n"                                    /* 1 */
		"node.startup = sometimes\n"                     /* 2 bad enum */
		"node.session.cmds_max 64\n"                     /* 3 no '=' */
		"iscsid.safe_logout = maybe\n"                   /* 4 bad bool */
		"node.conn[0].timeo.login_timeout = 20\n"        /* 5 ok */
		"node.session.queue_depth = 1e3\n"               /* 6 bad int */
		"iscsid.safe_logout = yes\n";                    /* 7 ok */
	struct tu_diags d = { 0 };
	struct cfg *c = load_text(text, &d);
	struct rec *n = cfg_rec_new(c, REC_NODE);

	ck_assert_uint_eq(d.errors, 4);
	ck_assert_uint_eq(d.lines[0], 2);
	ck_assert_uint_eq(d.lines[1], 3);
	ck_assert_uint_eq(d.lines[2], 4);
	ck_assert_uint_eq(d.lines[3], 6);
	ck_assert_ptr_nonnull(strstr(d.all, "/etc/iscsi/iscsid.conf:2: Invalid value 'sometimes' for node.startup"));
	ck_assert_str_eq(rec_get(n, "node.startup"), "manual");
	ck_assert_str_eq(rec_get(n, "node.conn[0].timeo.login_timeout"), "20");
	ck_assert_str_eq(cfg_get(c, "iscsid.safe_logout"), "Yes");
	ck_assert(cfg_get_bool(c, "iscsid.safe_logout", false));
	rec_free(n);
	cfg_free(c);
}
END_TEST

START_TEST(test_unknown_keys_are_noticed_and_kept_and_last_value_wins)
{
	static const char text[] =
		"some.future.key = 42\n"
		"node.session.nr_sessions = 2\n"
		"node.session.nr_sessions = 3\n";
	struct tu_diags d = { 0 };
	struct cfg *c = load_text(text, &d);
	struct rec *n = cfg_rec_new(c, REC_NODE);

	ck_assert_uint_eq(d.errors, 0);
	ck_assert_uint_eq(d.notices, 1);
	ck_assert_str_eq(cfg_get(c, "some.future.key"), "42");
	ck_assert_str_eq(rec_get(n, "node.session.nr_sessions"), "3");
	rec_free(n);
	cfg_free(c);
}
END_TEST

START_TEST(test_conf_file_in_root_is_read)
{
	struct cfg *c = NULL;

	tu_write_str("iscsid.conf", "iscsid.ipc_auth_uid = No\n");
	ck_assert_int_eq(cfg_load(NULL, &c, NULL, NULL), 0);
	ck_assert(!cfg_get_bool(c, "iscsid.ipc_auth_uid", true));
	cfg_free(c);
}
END_TEST

START_TEST(test_initiatorname_file_is_parsed)
{
	struct cfg_iname in;

	tu_write_str("initiatorname.iscsi",
		      "## DO NOT EDIT OR REMOVE THIS FILE!\n"
		      "# InitiatorName=iqn.commented:out\n"
		      "InitiatorName=iqn.1993-08.org.debian:01:81cc55237ed9\n"
		      "InitiatorAlias=storage host 1\n");
	ck_assert_int_eq(cfg_iname_read(NULL, &in, NULL), 0);
	ck_assert_str_eq(in.name, "iqn.1993-08.org.debian:01:81cc55237ed9");
	ck_assert_str_eq(in.alias, "storage host 1");
}
END_TEST

START_TEST(test_initiatorname_missing_or_invalid_is_reported)
{
	struct cfg_iname in;
	struct ll_error e = { 0 };

	ck_assert_int_eq(cfg_iname_read(NULL, &in, &e), -ENOENT);
	ck_assert_ptr_nonnull(strstr(e.msg, "initiatorname.iscsi"));
	tu_write_str("initiatorname.iscsi", "# only a comment\n");
	ck_assert_int_eq(cfg_iname_read(NULL, &in, &e), -EINVAL);
	tu_write_str("initiatorname.iscsi", "InitiatorName=\n");
	ck_assert_int_eq(cfg_iname_read(NULL, &in, &e), -EINVAL);
	/* ensure must not overwrite a file it cannot understand */
	ck_assert_int_eq(cfg_iname_ensure(NULL, &in, &e), -EINVAL);
	ck_assert_int_eq(cfg_iname_read(NULL, &in, NULL), -EINVAL);
}
END_TEST

static bool is_generated_name(const char *s)
{
	const char *prefix = CFG_INAME_PREFIX ":";
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n) || strlen(s) != n + 12)
		return false;
	return strspn(s + n, "0123456789abcdef") == 12;
}

START_TEST(test_initiatorname_is_generated_once_when_missing)
{
	struct cfg_iname a, b;
	char p[PATH_MAX * 2], text[512];
	struct stat st;
	FILE *f;

	ck_assert_int_eq(cfg_iname_ensure(NULL, &a, NULL), 0);
	ck_assert_msg(is_generated_name(a.name), "%s", a.name);
	snprintf(p, sizeof(p), "%s/initiatorname.iscsi", tu_root);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	f = fopen(p, "r");
	ck_assert_ptr_nonnull(fgets(text, sizeof(text), f));
	fclose(f);
	snprintf(p, sizeof(p), "InitiatorName=%s\n", a.name);
	ck_assert_str_eq(text, p);
	ck_assert_int_eq(cfg_iname_ensure(NULL, &b, NULL), 0);
	ck_assert_str_eq(a.name, b.name);
}
END_TEST

START_TEST(test_initiatorname_generation_is_random_and_prefix_checked)
{
	char a[CFG_INAME_MAX + 1], b[CFG_INAME_MAX + 1];

	ck_assert_int_eq(cfg_iname_generate(NULL, a, sizeof(a), NULL), 0);
	ck_assert_int_eq(cfg_iname_generate(NULL, b, sizeof(b), NULL), 0);
	ck_assert(is_generated_name(a));
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(cfg_iname_generate("iqn.1994-05.com.redhat", a, sizeof(a), NULL), 0);
	ck_assert(!strncmp(a, "iqn.1994-05.com.redhat:", 23) && strlen(a) == 35);
	ck_assert_int_eq(cfg_iname_generate("bad prefix", a, sizeof(a), NULL), -EINVAL);
	ck_assert_int_eq(cfg_iname_generate(NULL, a, 20, NULL), -EINVAL);
}
END_TEST

START_TEST(test_concurrent_initiatorname_generation_agrees_on_one_name)
{
	enum { N = 10 };
	int fds[2];
	pid_t pids[N];
	char first[CFG_INAME_MAX + 2] = "";

	ck_assert_int_eq(pipe(fds), 0);
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			struct cfg_iname in;
			char line[CFG_INAME_MAX + 2] = { 0 };

			if (cfg_iname_ensure(NULL, &in, NULL) < 0)
				_exit(1);
			snprintf(line, sizeof(line), "%s\n", in.name);
			_exit(write(fds[1], line, sizeof(line)) == (ssize_t)sizeof(line) ? 0 : 1);
		}
	}
	close(fds[1]);
	for (int i = 0; i < N; i++) {
		char line[CFG_INAME_MAX + 2];
		int status;

		ck_assert_int_eq(read(fds[0], line, sizeof(line)), (ssize_t)sizeof(line));
		if (!first[0])
			snprintf(first, sizeof(first), "%s", line);
		ck_assert_str_eq(line, first);
		waitpid(pids[i], &status, 0);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	close(fds[0]);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_root_comes_from_iscsi_config_dir_else_build_default,
		test_missing_conf_gives_daemon_defaults,
		test_metrics_file_is_a_known_daemon_key,
		test_shipped_iscsid_conf_parses_cleanly_with_documented_values,
		test_safe_logout_no_is_honoured_and_bad_value_stays_safe,
		test_templates_fill_new_node_and_discovery_records,
		test_bad_lines_are_reported_with_file_and_line_and_skipped,
		test_unknown_keys_are_noticed_and_kept_and_last_value_wins,
		test_conf_file_in_root_is_read,
		test_initiatorname_file_is_parsed,
		test_initiatorname_missing_or_invalid_is_reported,
		test_initiatorname_is_generated_once_when_missing,
		test_initiatorname_generation_is_random_and_prefix_checked,
		test_concurrent_initiatorname_generation_agrees_on_one_name,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "config",
		.tcase = "config",
		.setup = tu_config_dir_new,
		.teardown = tu_scratch_remove,
		.tests = tests,
	});
}
