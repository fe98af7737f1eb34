/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_view.c: one collection for text and JSON (see session_view.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsiadm/health_query.h"
#include "iscsiadm/session_view.h"
#include "iscsiadm/sessions.h"
#include "libiscsi-core/errors.h"
#include "libiscsi-core/util.h"

/* open-iscsi walks the LUN directories with scandir(alphasort). */
static int cmp_lun_name(const void *a, const void *b)
{
	const struct sysfs_lun *x = ((const struct lun_view *)a)->lun;
	const struct sysfs_lun *y = ((const struct lun_view *)b)->lun;
	char nx[64], ny[64];

	snprintf(nx, sizeof(nx), "%u:%u:%u:%u", x->host, x->channel, x->target, x->lun);
	snprintf(ny, sizeof(ny), "%u:%u:%u:%u", y->host, y->channel, y->target, y->lun);
	return strcmp(nx, ny);
}

/* The link 69-lunlink-iscsi.rules makes, when it is there and is this disk's. */
static void find_by_iscsi(struct lun_view *lv, const struct sysfs_session *s)
{
	char link[PATH_MAX];
	char *real;

	lv->by_iscsi[0] = '\0';
	snprintf(link, sizeof(link), "/dev/disk/by-iscsi/%s-lun-%u", s->targetname,
		 lv->lun->lun);
	real = realpath(link, NULL);
	if (real && streq(real, lv->dev))
		str_copy(lv->by_iscsi, sizeof(lv->by_iscsi), link);
	free(real);
}

/* Linux shows a digest as 0/1 (iscsi_tcp) or by name. */
static const char *digest_name(const char *v)
{
	if (!v[0])
		return NULL;
	return streq(v, "CRC32C") || (v[0] >= '1' && v[0] <= '9') ? "CRC32C" : "None";
}

static int collect_luns(struct session_view *v)
{
	const struct sysfs_session *s = v->s;

	v->luns = calloc(s->nluns ? s->nluns : 1, sizeof(*v->luns));
	if (!v->luns)
		return ISCSI_ERR_NOMEM;
	v->nluns = s->nluns;
	for (size_t i = 0; i < s->nluns; i++)
		v->luns[i].lun = &s->luns[i];
	qsort(v->luns, v->nluns, sizeof(*v->luns), cmp_lun_name);
	for (size_t i = 0; i < v->nluns; i++) {
		struct lun_view *lv = &v->luns[i];

		if (!lv->lun->disk[0])
			continue;
		snprintf(lv->dev, sizeof(lv->dev), "/dev/%s", lv->lun->disk);
		find_by_iscsi(lv, s);
	}
	return 0;
}

static int collect_health(struct ctx *c, const struct sysfs_session *const *list, size_t n,
			  struct session_views *out)
{
	out->health = calloc(n ? n : 1, sizeof(*out->health));
	out->have_health = calloc(n ? n : 1, sizeof(*out->have_health));
	if (!out->health || !out->have_health)
		return -1;
	health_query(c, list, n, out->health, out->have_health);
	return 0;
}

int session_views_collect(struct ctx *c, const struct sysfs_session *const *list, size_t n,
			  unsigned parts, struct session_views *out)
{
	memset(out, 0, sizeof(*out));
	out->parts = parts;
	out->v = calloc(n ? n : 1, sizeof(*out->v));
	if (!out->v)
		return ISCSI_ERR_NOMEM;
	out->n = n;
	/* iscsid's states are asked only when they are shown */
	if (parts & TREE_STATE)
		session_states_query(c, &out->st);
	if ((parts & TREE_HEALTH) && collect_health(c, list, n, out) < 0) {
		session_views_free(out);
		return ISCSI_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct session_view *v = &out->v[i];

		v->s = list[i];
		v->iface = session_iface(list[i]);
		v->conn_state = session_state_conn(&out->st, list[i]->sid);
		v->iscsid_state = session_state_sess(&out->st, list[i]->sid);
		v->header_digest = digest_name(list[i]->conn.header_digest);
		v->data_digest = digest_name(list[i]->conn.data_digest);
		v->health = out->have_health && out->have_health[i] ? &out->health[i] : NULL;
		if ((parts & TREE_DEVICES) && list[i]->has_host && collect_luns(v)) {
			session_views_free(out);
			return ISCSI_ERR_NOMEM;
		}
	}
	return 0;
}

void session_views_free(struct session_views *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i].luns);
	free(v->v);
	free(v->health);
	free(v->have_health);
	session_states_free(&v->st);
	memset(v, 0, sizeof(*v));
}

/* What each -P level of -m session shows. */
static const unsigned session_levels[] = {
	[1] = TREE_IFACE | TREE_STATE,
	[2] = TREE_IFACE | TREE_STATE | TREE_TIMEOUTS | TREE_CHAP | TREE_PARAMS,
	[3] = TREE_IFACE | TREE_STATE | TREE_TIMEOUTS | TREE_CHAP | TREE_PARAMS |
	      TREE_HOST | TREE_DEVICES,
};

unsigned session_level_parts(int level)
{
	return level >= 1 && level <= 3 ? session_levels[level] : 0;
}
