/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_isids.c: see session_isids.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsid/control.h"
#include "iscsid/daemon.h"
#include "iscsid/isidfile.h"
#include "iscsid/log.h"
#include "iscsid/session_int.h"
#include "iscsid/session_isids.h"
#include "libiscsi-core/util.h"

struct session_isids {
	char path[PATH_MAX];
	struct isid_table kept;      /* the previous iscsid's entries, until adopted */
	int load_status;             /* 0, -ENOENT, -EINVAL (corrupt) or -errno */
	char why[256];               /* what is corrupt */
	bool reported;               /* a missing/unusable file was reported */
	sd_event_source *defer;      /* the pending rewrite */
	bool pending;
	bool failing;                /* the last write failed (logged once) */
};

int session_isids_setup(struct daemon *d)
{
	struct session_isids *si = calloc(1, sizeof(*si));
	const char *sock = control_default_path();
	const char *slash = strrchr(sock, '/');
	int dirlen = slash ? (int)(slash - sock) : 1;

	if (!si)
		return -ENOMEM;
	snprintf(si->path, sizeof(si->path), "%.*s/%s", dirlen, slash ? sock : ".",
		 ISIDFILE_NAME);
	si->load_status = isidfile_load(si->path, &si->kept, si->why, sizeof(si->why));
	if (si->load_status == -EINVAL) {
		log_err("%s is corrupt (%s): sessions adopted now get their numbers and ISIDs "
			"in the order they are found, which may not be the ones the target "
			"knows", si->path, si->why);
		si->reported = true;
	} else if (si->load_status < 0 && si->load_status != -ENOENT) {
		log_err("cannot read %s: %s: sessions adopted now get their numbers and ISIDs "
			"in the order they are found", si->path, strerror(-si->load_status));
		si->reported = true;
	}
	d->isids = si;
	return 0;
}

bool session_isids_known(struct daemon *d, uint32_t sid)
{
	return d->isids && isidfile_find(&d->isids->kept, sid);
}

static void report_unrecorded(struct session *s)
{
	struct session_isids *si = s->d->isids;

	if (si->load_status == 0)
		log_warn("%s: %s does not list this session: it gets session number %u and "
			 "its ISID from the adoption order", s->where, si->path, s->index);
	else if (!si->reported)
		log_warn("%s: %s is missing: adopted sessions get their numbers and ISIDs "
			 "from the adoption order (session %u first)", s->where, si->path,
			 s->index);
	si->reported = true;
}

void session_isids_apply(struct session *s)
{
	struct session_isids *si = s->d->isids;
	const struct isid_entry *e = si ? isidfile_find(&si->kept, s->sid) : NULL;
	char hex[ISIDFILE_HEX_LEN + 1];

	if (!si)
		return;
	if (!e) {
		report_unrecorded(s);
		return;
	}
	isidfile_hex(e->isid, hex);
	if (strcmp(e->target, s->lp.target_name) != 0) {
		log_warn("%s: %s records sid %u for target %s: not used", s->where, si->path,
			 s->sid, e->target);
	} else if (session_isid_taken(s, e->isid)) {
		log_warn("%s: %s gives it ISID %s, which another session of the target has: "
			 "keeping session number %u", s->where, si->path, hex, s->index);
	} else {
		s->index = e->index;
		memcpy(s->lp.cfg.isid, e->isid, sizeof(s->lp.cfg.isid));
		log_info("%s: session %u of the node, ISID %s (recorded)", s->where, s->index, hex);
	}
}

void session_isids_adopted(struct daemon *d)
{
	struct session_isids *si = d->isids;

	if (!si)
		return;
	for (size_t i = 0; i < si->kept.n; i++)
		if (!session_find_sid(d, si->kept.v[i].sid))
			log_info("%s: session %u is gone from the kernel: dropping its entry",
				 si->path, si->kept.v[i].sid);
	si->kept.n = 0;
	session_isids_changed(d);
}

/* The kernel sessions we have, and the recorded ones not yet adopted. */
static int collect(struct daemon *d, struct isid_table *t)
{
	struct session_isids *si = d->isids;
	int r = 0;

	for (struct session *s = d->sessions; s && r == 0; s = s->next)
		if (s->have_sid)
			r = isidfile_add(t, s->sid, s->index, s->lp.cfg.isid, s->lp.target_name);
	for (size_t i = 0; i < si->kept.n && r == 0; i++) {
		const struct isid_entry *e = &si->kept.v[i];

		if (!isidfile_find(t, e->sid))
			r = isidfile_add(t, e->sid, e->index, e->isid, e->target);
	}
	return r;
}

static void write_now(struct daemon *d)
{
	struct session_isids *si = d->isids;
	struct isid_table t = { 0 };
	int r;

	si->pending = false;
	r = collect(d, &t);
	if (r == 0)
		r = isidfile_save(si->path, &t);
	isidfile_free(&t);
	if (r < 0 && !si->failing)
		log_err("cannot write %s: %s: after a restart, sessions would get their ISIDs "
			"from the adoption order", si->path, strerror(-r));
	else if (r == 0 && si->failing)
		log_info("%s written again", si->path);
	si->failing = r < 0;
}

static int on_defer(sd_event_source *src, void *userdata)
{
	write_now(userdata);
	return 0;
}

void session_isids_changed(struct daemon *d)
{
	struct session_isids *si = d->isids;

	if (!si || si->pending)
		return;
	if (!si->defer && sd_event_add_defer(d->event, &si->defer, on_defer, d) < 0) {
		write_now(d);
		return;
	}
	si->pending = true;
	sd_event_source_set_enabled(si->defer, SD_EVENT_ONESHOT);
}

void session_isids_free(struct daemon *d)
{
	struct session_isids *si = d->isids;

	if (!si)
		return;
	if (si->pending)
		write_now(d);
	sd_event_source_disable_unref(si->defer);
	isidfile_free(&si->kept);
	free(si);
	d->isids = NULL;
}
