/* SPDX-License-Identifier: GPL-2.0-or-later */
/* metrics_text.c: the Prometheus text of sessions (see metrics_text.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "iscsid/metrics_text.h"
#include "libiscsi-core/util.h"

const char *const metrics_state_names[] = {
	"connect", "login", "scan", "logged_in", "recovery", "target_logout", "unbind", "logout",
	NULL,
};

/* A label value with \, " and newline escaped, as the format wants. */
static void put_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

/* The labels every sample has, without the braces. */
static void put_labels(FILE *f, const struct metrics_session *s)
{
	fputs("target=\"", f);
	put_value(f, s->target);
	fputs("\",portal=\"", f);
	put_value(f, s->health.portal);
	fprintf(f, "\",sid=\"%" PRIu32 "\",iface=\"", s->sid);
	put_value(f, s->health.iface);
	fputc('"', f);
}

/* One sample's start: name{labels (the caller may add more, then "} v"). */
static void sample(FILE *f, const char *name, const struct metrics_session *s)
{
	fprintf(f, "%s{", name);
	put_labels(f, s);
}

/* A value of a simple family: present or not; ms values print as seconds. */
struct mval {
	bool present;
	bool ms;
	uint64_t v;
};

typedef struct mval value_fn(const struct metrics_session *s);

#define VALUE(fn, expr, is_ms, when) \
	static struct mval fn(const struct metrics_session *s) \
	{ \
		const struct ll_health *h = &s->health; \
		(void)h; \
		return (struct mval){ .present = (when), .ms = (is_ms), .v = (uint64_t)(expr) }; \
	}

VALUE(v_up, !strcasecmp(h->state, "LOGGED_IN"), false, true)
VALUE(v_recovering, h->recovering, false, true)
VALUE(v_adopted, h->adopted, false, true)
VALUE(v_since, h->since_ms, true, true)
VALUE(v_login, h->login_ms, true, h->login_ms != 0)
VALUE(v_recoveries, h->recoveries, false, true)
VALUE(v_rec_total, h->recovery_total_ms, true, true)
VALUE(v_rec_last, h->recovery_last_ms, true, h->recoveries != 0)
VALUE(v_fail_time, h->last_ms, true, h->last_kind != LL_FAIL_NONE)

static const struct simple {
	const char *name, *type, *help;
	value_fn *value;
} simple[] = {
	{ "lunlink_session_up", "gauge",
	  "1 when the session is logged in (full feature phase), else 0.", v_up },
	{ "lunlink_session_recovering", "gauge",
	  "1 while the session recovers from a lost connection.", v_recovering },
	{ "lunlink_session_adopted", "gauge",
	  "1 when iscsid adopted the session at start: its history starts then.", v_adopted },
	{ "lunlink_session_history_start_timestamp_seconds", "gauge",
	  "When iscsid's history of the session starts (login request or adoption).", v_since },
	{ "lunlink_session_login_timestamp_seconds", "gauge",
	  "When the session first logged in (absent for adopted sessions).", v_login },
	{ "lunlink_session_recoveries_total", "counter",
	  "Recoveries started: the connection of the logged-in session was lost.", v_recoveries },
	{ "lunlink_session_recovery_seconds_total", "counter",
	  "Time spent in recovery, the current one included.", v_rec_total },
	{ "lunlink_session_last_recovery_seconds", "gauge",
	  "Duration of the current recovery, else of the last one.", v_rec_last },
	{ "lunlink_session_last_failure_timestamp_seconds", "gauge",
	  "When the session last failed.", v_fail_time },
};

static void header(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_mval(FILE *f, struct mval m)
{
	if (m.ms)
		fprintf(f, "} %" PRIu64 ".%03u\n", m.v / 1000u, (unsigned)(m.v % 1000u));
	else
		fprintf(f, "} %" PRIu64 "\n", m.v);
}

static void render_simple(FILE *f, const struct metrics_session *v, size_t n)
{
	for (size_t k = 0; k < ARRAY_SIZE(simple); k++) {
		header(f, simple[k].name, simple[k].type, simple[k].help);
		for (size_t i = 0; i < n; i++) {
			struct mval m = simple[k].value(&v[i]);

			if (!m.present)
				continue;
			sample(f, simple[k].name, &v[i]);
			put_mval(f, m);
		}
	}
}

/* Families with a label of their own. */
static void render_labelled(FILE *f, const struct metrics_session *v, size_t n)
{
	header(f, "lunlink_session_state", "gauge",
	       "iscsid's state of the session: 1 for the current one, 0 for the others.");
	for (size_t i = 0; i < n; i++)
		for (const char *const *st = metrics_state_names; *st; st++) {
			sample(f, "lunlink_session_state", &v[i]);
			fprintf(f, ",state=\"%s\"} %d\n", *st, !strcasecmp(*st, v[i].health.state));
		}
	header(f, "lunlink_session_failures_total", "counter",
	       "Failures of the session by kind (see iscsid(8)).");
	for (size_t i = 0; i < n; i++)
		for (int k = LL_FAIL_NONE + 1; k < LL_FAIL_N_; k++) {
			sample(f, "lunlink_session_failures_total", &v[i]);
			fprintf(f, ",kind=\"%s\"} %" PRIu32 "\n", ll_failure_kind_str(k),
				v[i].health.failures[k]);
		}
	header(f, "lunlink_session_last_failure_info", "gauge",
	       "The session's last failure: its kind, code and message (value 1).");
	for (size_t i = 0; i < n; i++) {
		const struct ll_health *h = &v[i].health;

		if (h->last_kind == LL_FAIL_NONE)
			continue;
		sample(f, "lunlink_session_last_failure_info", &v[i]);
		fprintf(f, ",kind=\"%s\",code=\"%" PRIu32 "\",message=\"",
			ll_failure_kind_str(h->last_kind), h->last_code);
		put_value(f, h->last_msg);
		fputs("\"} 1\n", f);
	}
	header(f, "lunlink_session_info", "gauge",
	       "The session's local address (value 1).");
	for (size_t i = 0; i < n; i++) {
		sample(f, "lunlink_session_info", &v[i]);
		fputs(",local_address=\"", f);
		put_value(f, v[i].health.local_address);
		fputs("\"} 1\n", f);
	}
}

/* The kernel's counters of connection 0, by the names the kernel uses. */
static void render_stats(FILE *f, const struct metrics_session *v, size_t n)
{
	char name[128], help[160];

	for (int k = 0; k < LL_STAT_N_; k++) {
		snprintf(name, sizeof(name), "lunlink_conn_%s_total", ll_stat_name(k));
		snprintf(help, sizeof(help), "The kernel's iSCSI counter %s of the session's "
			 "connection.", ll_stat_name(k));
		header(f, name, "counter", help);
		for (size_t i = 0; i < n; i++) {
			if (!v[i].has_stats)
				continue;
			sample(f, name, &v[i]);
			fprintf(f, "} %" PRIu64 "\n", v[i].stats.std[k]);
		}
	}
	header(f, "lunlink_conn_transport_total", "counter",
	       "The transport's own counters of the session's connection (iscsi_tcp's).");
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; v[i].has_stats && c < v[i].stats.n_custom; c++) {
			sample(f, "lunlink_conn_transport_total", &v[i]);
			fputs(",counter=\"", f);
			put_value(f, v[i].stats.custom[c].name);
			fprintf(f, "\"} %" PRIu64 "\n", v[i].stats.custom[c].value);
		}
}

int metrics_render(const struct metrics_session *v, size_t n, char **out, size_t *len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return -ENOMEM;
	render_simple(f, v, n);
	render_labelled(f, v, n);
	render_stats(f, v, n);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*out = buf;
	*len = size;
	return 0;
}
