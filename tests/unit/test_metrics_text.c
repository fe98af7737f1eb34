/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iscsid's Prometheus text: the lines it must hold, and a checker of the
 * exposition format's rules (HELP and TYPE once per family and before its
 * samples, families not split, names and label syntax, escaped values,
 * numeric values, no timestamps).
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iscsid/metrics_text.h"
#include "iscsid/session_fsm.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

#define MAX_FAMILIES 128

static void two_sessions(struct metrics_session v[2])
{
	memset(v, 0, 2 * sizeof(*v));
	v[0].sid = 3;
	v[0].target = "iqn.2003-01.org.linux-iscsi.t:sn.1";
	str_copy(v[0].health.state, LL_HEALTH_WORD_MAX, "LOGGED_IN");
	str_copy(v[0].health.portal, LL_HEALTH_ADDR_MAX, "127.0.0.1:3260");
	str_copy(v[0].health.iface, LL_HEALTH_WORD_MAX, "default");
	str_copy(v[0].health.local_address, LL_HEALTH_ADDR_MAX, "127.0.0.1");
	v[0].health.since_ms = 1765000000123ULL;
	v[0].health.login_ms = 1765000000456ULL;
	v[0].has_stats = true;
	v[0].stats.std[LL_STAT_TXDATA_OCTETS] = 123456789012ULL;
	v[0].stats.n_custom = 1;
	str_copy(v[0].stats.custom[0].name, LL_STATS_NAME_MAX, "eh_abort_cnt");
	v[0].stats.custom[0].value = 4;

	v[1].sid = 4;
	v[1].target = "iqn.x:\"quoted\\back\nslash\"";
	str_copy(v[1].health.state, LL_HEALTH_WORD_MAX, "RECOVERY");
	str_copy(v[1].health.portal, LL_HEALTH_ADDR_MAX, "[::1]:3260");
	str_copy(v[1].health.iface, LL_HEALTH_WORD_MAX, "eth\"1");
	v[1].health.adopted = true;
	v[1].health.recovering = true;
	v[1].health.recoveries = 2;
	v[1].health.recovery_total_ms = 61005;
	v[1].health.recovery_last_ms = 5;
	v[1].health.failures[LL_FAIL_CONN_ERROR] = 2;
	v[1].health.last_kind = LL_FAIL_CONN_ERROR;
	v[1].health.last_code = 1020;
	v[1].health.last_ms = 1765000009000ULL;
	str_copy(v[1].health.last_msg, LL_HEALTH_MSG_MAX, "connection error 1020: TCP \"closed\"");
}

static char *render(const struct metrics_session *v, size_t n)
{
	char *text = NULL;
	size_t len = 0;

	ck_assert_int_eq(metrics_render(v, n, &text, &len), 0);
	ck_assert_uint_eq(strlen(text), len);
	return text;
}

static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != ':')
			return false;
	return true;
}

/* Checks {a="b",...}; returns what follows the brace, or NULL. */
static const char *labels_ok(const char *p)
{
	if (*p++ != '{')
		return NULL;
	while (*p != '}') {
		const char *n = p;

		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		if (!name_ok(n, (size_t)(p - n)) || *p++ != '=' || *p++ != '"')
			return NULL;
		for (; *p != '"'; p++) {
			if (*p == '\0' || *p == '\n')
				return NULL;
			if (*p == '\\' && (p[1] == '\\' || p[1] == '"' || p[1] == 'n'))
				p++;
			else if (*p == '\\')
				return NULL;
		}
		p++;
		if (*p == ',')
			p++;
		else if (*p != '}')
			return NULL;
	}
	return p + 1;
}

/* The format's rules, line by line; returns NULL or what is wrong. */
static const char *check_format(char *text, char *why, size_t cap)
{
	char fam[MAX_FAMILIES][128];
	size_t nfam = 0;
	char cur[128] = "";
	bool typed = false;

	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char name[128];
		const char *rest;
		char *end;

		if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) {
			sscanf(line + 7, "%127s", name);
			if (!strncmp(line, "# HELP ", 7)) {
				for (size_t i = 0; i < nfam; i++)
					if (!strcmp(fam[i], name))
						return snprintf(why, cap, "%s declared twice", name), why;
				ck_assert_uint_lt(nfam, MAX_FAMILIES);
				str_copy(fam[nfam++], sizeof(fam[0]), name);
				str_copy(cur, sizeof(cur), name);
				typed = false;
			} else if (strcmp(name, cur) || typed) {
				return snprintf(why, cap, "TYPE of %s misplaced", name), why;
			} else {
				typed = true;
				rest = line + 7 + strlen(name);
				if (strcmp(rest, " gauge") && strcmp(rest, " counter"))
					return snprintf(why, cap, "bad type in %s", line), why;
			}
			continue;
		}
		if (line[0] == '#')
			return snprintf(why, cap, "stray comment %s", line), why;
		rest = strchr(line, '{');
		if (!rest || !name_ok(line, (size_t)(rest - line)))
			return snprintf(why, cap, "bad sample %s", line), why;
		snprintf(name, sizeof(name), "%.*s", (int)(rest - line), line);
		if (strcmp(name, cur) || !typed)
			return snprintf(why, cap, "%s outside its family", line), why;
		rest = labels_ok(rest);
		if (!rest || *rest != ' ')
			return snprintf(why, cap, "bad labels %s", line), why;
		strtod(rest + 1, &end);
		if (end == rest + 1 || *end != '\0')
			return snprintf(why, cap, "bad value (or a timestamp) %s", line), why;
	}
	return NULL;
}

START_TEST(test_metrics_lines)
{
	struct metrics_session v[2];
	char *t;

	two_sessions(v);
	t = render(v, 2);
	ck_assert_ptr_nonnull(strstr(t, "# HELP lunlink_session_up "));
	ck_assert_ptr_nonnull(strstr(t, "# TYPE lunlink_session_recoveries_total counter\n"));
	ck_assert_ptr_nonnull(strstr(t, "lunlink_session_up{target=\"iqn.2003-01.org.linux-iscsi."
				     "t:sn.1\",portal=\"127.0.0.1:3260\",sid=\"3\",iface=\"default\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t, "lunlink_session_login_timestamp_seconds{target=\"iqn.2003-01"
				     ".org.linux-iscsi.t:sn.1\",portal=\"127.0.0.1:3260\",sid=\"3\","
				     "iface=\"default\"} 1765000000.456\n"));
	/* escaping of \, " and newline in label values */
	ck_assert_ptr_nonnull(strstr(t, "lunlink_session_recoveries_total{target=\"iqn.x:\\\"quoted"
				     "\\\\back\\nslash\\\"\",portal=\"[::1]:3260\",sid=\"4\","
				     "iface=\"eth\\\"1\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(t, "sid=\"4\",iface=\"eth\\\"1\"} 61.005\n"));
	ck_assert_ptr_nonnull(strstr(t, "sid=\"4\",iface=\"eth\\\"1\",state=\"recovery\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t, "sid=\"4\",iface=\"eth\\\"1\",state=\"logged_in\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(t, "sid=\"3\",iface=\"default\",state=\"logged_in\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t, "sid=\"4\",iface=\"eth\\\"1\",kind=\"conn_error\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(t, "kind=\"conn_error\",code=\"1020\",message=\"connection "
				     "error 1020: TCP \\\"closed\\\"\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t, "lunlink_conn_txdata_octets_total{target=\"iqn.2003-01.org."
				     "linux-iscsi.t:sn.1\",portal=\"127.0.0.1:3260\",sid=\"3\","
				     "iface=\"default\"} 123456789012\n"));
	ck_assert_ptr_nonnull(strstr(t, ",counter=\"eh_abort_cnt\"} 4\n"));
	/* no login time for the adopted session, no statistics without the kernel's */
	ck_assert_ptr_null(strstr(t, "lunlink_session_login_timestamp_seconds{target=\"iqn.x"));
	ck_assert_ptr_null(strstr(t, "lunlink_conn_txdata_octets_total{target=\"iqn.x"));
	/* session 3 never failed */
	ck_assert_ptr_null(strstr(t, "lunlink_session_last_failure_timestamp_seconds{target=\"iqn.2003"));
	free(t);
}
END_TEST

/* A state the label list lacks would read 0 everywhere while a session is in it. */
START_TEST(test_every_state_has_a_label)
{
	for (int st = 0; st < SS_COUNT_; st++) {
		const char *name = session_state_str((enum sess_state)st);
		bool found = false;

		if (st == SS_GONE)
			continue;
		for (const char *const *l = metrics_state_names; *l; l++)
			found |= !strcasecmp(*l, name);
		ck_assert_msg(found, "state %s has no lunlink_session_state label", name);
	}
}
END_TEST

START_TEST(test_metrics_format_rules_hold)
{
	struct metrics_session v[2];
	char why[512];
	const char *bad;
	char *t;

	two_sessions(v);
	for (size_t n = 0; n <= 2; n++) {
		t = render(v, n);
		bad = check_format(t, why, sizeof(why));
		ck_assert_msg(!bad, "%zu sessions: %s", n, bad);
		free(t);
	}
}
END_TEST

/* The checker itself finds what it is there to find. */
START_TEST(test_format_checker_refuses_broken_text)
{
	static const char *const broken[] = {
		"x{a=\"1\"} 1\n",                                         /* no HELP/TYPE */
		"# HELP x h\n# TYPE x gauge\nx{a=\"1\"} 1 1765000000\n",  /* timestamp */
		"# HELP x h\n# TYPE x gauge\nx{a=\"b\"c\"} 1\n",          /* unescaped quote */
		"# HELP x h\n# TYPE x gauge\n# HELP y h\n# TYPE y gauge\nx{a=\"1\"} 1\n",
		"# HELP x h\n# TYPE x gauge\n# HELP x h\n",
		"# HELP x h\n# TYPE x summary\n",
	};
	char why[512], buf[256];

	for (size_t i = 0; i < ARRAY_SIZE(broken); i++) {
		str_copy(buf, sizeof(buf), broken[i]);
		ck_assert_msg(check_format(buf, why, sizeof(why)), "accepted: %s", broken[i]);
	}
}
END_TEST

/* --write FILE: the two sessions' text, for the node_exporter test. */
static int write_sample(const char *path)
{
	struct metrics_session v[2];
	char *t = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "w");

	two_sessions(v);
	if (!f || metrics_render(v, 2, &t, &len) < 0 || fwrite(t, 1, len, f) != len)
		return EXIT_FAILURE;
	free(t);
	return fclose(f) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main(int argc, char **argv)
{
	const TTest *const tests[] = {
		test_every_state_has_a_label,
		test_metrics_lines,
		test_metrics_format_rules_hold,
		test_format_checker_refuses_broken_text,
		NULL,
	};

	if (argc == 3 && !strcmp(argv[1], "--write"))
		return write_sample(argv[2]);
	return tu_run(&(const struct tu_suite){
		.name = "metrics_text",
		.tests = tests,
	});
}
