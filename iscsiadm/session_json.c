/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_json.c: sessions as JSON (see session_json.h). */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "iscsiadm/json_out.h"
#include "iscsiadm/session_json.h"
#include "iscsiadm/sessions.h"
#include "libiscsi-core/util.h"

/* The text's placeholders for values nobody told us are null here. */
static const char *known(const char *v)
{
	return v && !streq(v, "Unknown") ? v : NULL;
}

/* -1 is the kernel's "not shown": the text leaves the line out. */
static void set_num(struct json_object *o, const char *key, long v)
{
	if (v == -1)
		json_set_null(o, key);
	else
		json_set_int(o, key, v);
}

static void set_portal(struct json_object *o, const char *key, const char *address,
		       int port)
{
	struct json_object *p = json_set_obj(o, key);

	json_set_str(p, "address", address);
	json_set_int(p, "port", port);
}

static void add_iface(struct json_object *o, const struct session_view *v)
{
	const struct sysfs_session *s = v->s;
	struct json_object *i = json_set_obj(o, "iface");

	json_set_str(i, "name", v->iface);
	json_set_str(i, "transport", s->transport);
	json_set_str(i, "initiatorname", s->initiatorname);
	json_set_str(i, "ipaddress", s->host_ipaddress);
	json_set_str(i, "hwaddress", s->host_hwaddress);
	json_set_str(i, "netdev", s->host_netdev);
}

static void add_state(struct json_object *o, const struct session_view *v)
{
	struct json_object *st = json_set_obj(o, "state");

	json_set_str(st, "connection", known(v->conn_state));
	json_set_str(st, "session", v->s->state);
	json_set_str(st, "iscsid", known(v->iscsid_state));
}

static void add_timeouts(struct json_object *o, const struct sysfs_session *s)
{
	struct json_object *t = json_set_obj(o, "timeouts");

	json_set_int(t, "recovery", s->recovery_tmo);
	set_num(t, "target_reset", s->tgt_reset_tmo < 0 ? -1 : s->tgt_reset_tmo);
	set_num(t, "lun_reset", s->lu_reset_tmo < 0 ? -1 : s->lu_reset_tmo);
	set_num(t, "abort", s->abort_tmo < 0 ? -1 : s->abort_tmo);
}

/* sysfs never shows the secrets: masked as in the text, also with -S. */
static void add_chap(struct json_object *o, const struct sysfs_session *s)
{
	struct json_object *ch = json_set_obj(o, "chap");

	json_set_str(ch, "username", s->username);
	json_set_str(ch, "password", "********");
	json_set_str(ch, "username_in", s->username_in);
	json_set_str(ch, "password_in", "********");
}

static void set_yes_no(struct json_object *o, const char *key, int v)
{
	if (v == -1)
		json_set_null(o, key);
	else
		json_set_bool(o, key, v);
}

static void add_params(struct json_object *o, const struct session_view *v)
{
	const struct sysfs_session *s = v->s;
	struct json_object *p = json_set_obj(o, "negotiated");

	json_set_str(p, "header_digest", v->header_digest);
	json_set_str(p, "data_digest", v->data_digest);
	set_num(p, "max_recv_data_segment_length", s->conn.max_recv_dlength);
	set_num(p, "max_xmit_data_segment_length", s->conn.max_xmit_dlength);
	set_num(p, "first_burst_length", s->first_burst_len);
	set_num(p, "max_burst_length", s->max_burst_len);
	set_yes_no(p, "immediate_data", s->immediate_data);
	set_yes_no(p, "initial_r2t", s->initial_r2t);
	set_num(p, "max_outstanding_r2t", s->max_outstanding_r2t);
}

static void add_devices(struct json_object *o, const struct session_view *v, bool host)
{
	const struct sysfs_session *s = v->s;
	struct json_object *devs, *h;

	if (!s->has_host) {
		/* the text's "Unavailable" */
		if (host)
			json_set_null(o, "host");
		json_set_null(o, "devices");
		return;
	}
	if (host) {
		h = json_set_obj(o, "host");
		json_set_int(h, "number", s->host_no);
		json_set_str(h, "state", s->host_state);
	}
	devs = json_set_arr(o, "devices");
	for (size_t i = 0; i < v->nluns; i++) {
		const struct lun_view *lv = &v->luns[i];
		struct json_object *d = json_arr_add_obj(devs);

		json_set_int(d, "host", lv->lun->host);
		json_set_int(d, "channel", lv->lun->channel);
		json_set_int(d, "id", lv->lun->target);
		json_set_int(d, "lun", lv->lun->lun);
		json_set_str(d, "disk", lv->lun->disk);
		json_set_str(d, "dev", lv->dev);
		json_set_str(d, "by_iscsi", lv->by_iscsi);
		json_set_str(d, "state", lv->lun->disk[0] ? lv->lun->state : "");
	}
}

/* A wall-clock time in ms as ISO 8601 UTC ("2026-12-06T17:30:00.123Z"); 0: null. */
static void set_time(struct json_object *o, const char *key, uint64_t ms)
{
	time_t t = (time_t)(ms / 1000u);
	char buf[40], when[32];
	struct tm tm;

	if (!ms || !gmtime_r(&t, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm)) {
		json_set_null(o, key);
		return;
	}
	snprintf(buf, sizeof(buf), "%s.%03uZ", when, (unsigned)(ms % 1000u));
	json_set_str(o, key, buf);
}

/* A duration in ms as seconds, written with exactly its three decimals. */
static void set_seconds(struct json_object *o, const char *key, uint64_t ms)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64 ".%03u", ms / 1000u, (unsigned)(ms % 1000u));
	json_object_object_add(o, key, json_object_new_double_s((double)ms / 1000.0, buf));
}

static void add_last_failure(struct json_object *o, const struct ll_health *h)
{
	struct json_object *f;

	if (h->last_kind == LL_FAIL_NONE) {
		json_set_null(o, "last_failure");
		return;
	}
	f = json_set_obj(o, "last_failure");
	json_set_str(f, "kind", ll_failure_kind_str(h->last_kind));
	json_set_int(f, "code", h->last_code);
	set_time(f, "time", h->last_ms);
	json_set_str(f, "message", h->last_msg);
}

/* iscsid's history of the session (ipc_health.h); null when iscsid did not give it. */
static void add_health(struct json_object *o, const struct session_view *v)
{
	const struct ll_health *h = v->health;
	struct json_object *hj, *fails;

	if (!h) {
		json_set_null(o, "health");
		return;
	}
	hj = json_set_obj(o, "health");
	json_set_str(hj, "state", h->state);
	json_set_bool(hj, "recovering", h->recovering);
	json_set_bool(hj, "adopted", h->adopted);
	set_time(hj, "history_start", h->since_ms);
	set_time(hj, "logged_in_at", h->login_ms);
	json_set_int(hj, "recoveries", h->recoveries);
	set_seconds(hj, "recovery_seconds_total", h->recovery_total_ms);
	if (h->recoveries)
		set_seconds(hj, "last_recovery_seconds", h->recovery_last_ms);
	else
		json_set_null(hj, "last_recovery_seconds");
	fails = json_set_obj(hj, "failures");
	for (int k = LL_FAIL_NONE + 1; k < LL_FAIL_N_; k++)
		json_set_int(fails, ll_failure_kind_str(k), h->failures[k]);
	add_last_failure(hj, h);
	json_set_str(hj, "portal", h->portal);
	json_set_str(hj, "iface", h->iface);
	json_set_str(hj, "local_address", h->local_address);
}

static void add_session(struct json_object *arr, const struct session_view *v,
			unsigned parts)
{
	const struct sysfs_session *s = v->s;
	struct json_object *o = json_arr_add_obj(arr);

	json_set_int(o, "sid", s->sid);
	json_set_str(o, "transport", s->transport);
	json_set_str(o, "target", s->targetname);
	json_set_bool(o, "flash", s->flash);
	json_set_int(o, "tpgt", s->tpgt);
	set_portal(o, "current_portal", s->conn.address, s->conn.port);
	set_portal(o, "persistent_portal", s->conn.persistent_address,
		   s->conn.persistent_port);
	if (parts & TREE_IFACE)
		add_iface(o, v);
	if (parts & TREE_STATE)
		add_state(o, v);
	if (parts & TREE_TIMEOUTS)
		add_timeouts(o, s);
	if (parts & TREE_CHAP)
		add_chap(o, s);
	if (parts & TREE_PARAMS)
		add_params(o, v);
	if (parts & (TREE_HOST | TREE_DEVICES))
		add_devices(o, v, parts & TREE_HOST);
	if (parts & TREE_HEALTH)
		add_health(o, v);
}

struct json_object *session_json_array(const struct session_views *views)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < views->n; i++)
		add_session(arr, &views->v[i], views->parts);
	return arr;
}

void session_json_versions(struct json_object *doc)
{
	char version[64];

	if (sysfs_transport_version(sessions_sysfs_root(), version, sizeof(version)) == 0)
		json_set_str(doc, "transport_class_version", version);
}

void session_json_print(const struct session_views *views, int level)
{
	struct json_object *doc = json_doc_new();

	json_set_int(doc, "print_level", level < 0 ? 0 : level);
	if (level == 3)
		session_json_versions(doc);
	json_object_object_add(doc, "sessions", session_json_array(views));
	json_doc_print(doc);
}
