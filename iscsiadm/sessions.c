/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sessions.c: sysfs sessions in open-iscsi's order, matching (see sessions.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsiadm/msg.h"
#include "iscsiadm/sessions.h"
#include "libiscsi-core/errors.h"
#include "libiscsi-core/util.h"

const char *sessions_sysfs_root(void)
{
	const char *e = getenv("LUNLINK_SYSFS_ROOT");

	return e && *e ? e : SYSFS_ROOT;
}

/* open-iscsi reads the session directories with scandir(alphasort). */
static int cmp_by_name(const void *a, const void *b)
{
	const struct sysfs_session *x = a, *y = b;
	char nx[32], ny[32];

	snprintf(nx, sizeof(nx), "session%u", x->sid);
	snprintf(ny, sizeof(ny), "session%u", y->sid);
	return strcmp(nx, ny);
}

/* The kernel prints an unset string attribute as "(null)"; open-iscsi
 * treats that as not set. */
static void clear_null(char *v)
{
	if (streq(v, "(null)"))
		v[0] = '\0';
}

static void clear_nulls(struct sysfs_session *s)
{
	char *const fields[] = {
		s->targetalias, s->username, s->username_in, s->ifacename,
		s->initiatorname, s->host_ipaddress, s->host_hwaddress, s->host_netdev,
		s->conn.address, s->conn.persistent_address,
	};

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		clear_null(fields[i]);
}

/* What open-iscsi does when a driver shows only one of the two portals. */
static void complete_portal(struct sysfs_conn *c)
{
	if (!c->persistent_address[0])
		str_copy(c->persistent_address, sizeof(c->persistent_address), c->address);
	else if (!c->address[0])
		str_copy(c->address, sizeof(c->address), c->persistent_address);
	if (c->persistent_port < 0)
		c->persistent_port = c->port;
	else if (c->port < 0)
		c->port = c->persistent_port;
}

static void complete(struct session_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		clear_nulls(&l->s[i]);
		complete_portal(&l->s[i].conn);
	}
}

int session_list_load(struct session_list *l)
{
	return session_list_load_parts(l, SYSFS_PART_ALL);
}

int session_list_load_parts(struct session_list *l, unsigned parts)
{
	int r = sysfs_session_list_parts(sessions_sysfs_root(), parts, &l->s, &l->n);

	if (r < 0) {
		l->s = NULL;
		l->n = 0;
		log_error("Can not get list of active sessions (%d)", -r);
		return r == -ENOMEM ? ISCSI_ERR_NOMEM : ISCSI_ERR_SYSFS_LOOKUP;
	}
	complete(l);
	if (l->n > 1)
		qsort(l->s, l->n, sizeof(*l->s), cmp_by_name);
	return 0;
}

int session_list_load_one(struct session_list *l, unsigned sid)
{
	int r;

	l->n = 0;
	l->s = calloc(1, sizeof(*l->s));
	if (!l->s) {
		log_error("Can not get list of active sessions (%d)", ENOMEM);
		return ISCSI_ERR_NOMEM;
	}
	r = sysfs_session_read(sessions_sysfs_root(), sid, l->s);
	if (r == 0)
		l->n = 1;
	else
		sysfs_session_clear(l->s);
	complete(l);
	return 0;
}

void session_list_free(struct session_list *l)
{
	sysfs_sessions_free(l->s, l->n);
	l->s = NULL;
	l->n = 0;
}

const char *session_iface(const struct sysfs_session *s)
{
	return s->ifacename[0] ? s->ifacename : "default";
}

bool session_match(const struct sysfs_session *s, const struct session_filter *f)
{
	if (f->sid && f->sid != s->sid)
		return false;
	if (f->target && !streq(f->target, s->targetname))
		return false;
	if (f->address && !streq(f->address, s->conn.persistent_address))
		return false;
	if (f->port >= 0 && f->port != s->conn.persistent_port)
		return false;
	return !f->iface || streq(f->iface, session_iface(s));
}

struct session_filter session_filter_of(const struct sysfs_session *s)
{
	return (struct session_filter){
		.target = s->targetname,
		.address = s->conn.persistent_address,
		.port = s->conn.persistent_port,
		.iface = session_iface(s),
	};
}

/* Where open-iscsi's list insertion puts cur among out[0..k). */
static size_t group_position(const struct sysfs_session *const *out, size_t k,
			     const struct sysfs_session *cur)
{
	size_t pos = k;

	for (size_t j = 0; j < k; j++) {
		if (!streq(out[j]->targetname, cur->targetname))
			continue;
		pos = j + 1;
		if (streq(out[j]->conn.address, cur->conn.address) &&
		    out[j]->conn.port == cur->conn.port)
			break;
	}
	return pos;
}

size_t session_select(const struct session_list *l, const struct session_filter *f,
		      bool group, const struct sysfs_session **out)
{
	size_t k = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct sysfs_session *cur = &l->s[i];
		size_t pos;

		if (!session_match(cur, f))
			continue;
		pos = group ? group_position(out, k, cur) : k;
		memmove(&out[pos + 1], &out[pos], (k - pos) * sizeof(*out));
		out[pos] = cur;
		k++;
	}
	return k;
}

size_t session_count_for_record(const struct session_list *l, const struct rec *r)
{
	const char *iface = rec_get(r, "iface.iscsi_ifacename");
	struct session_filter f = {
		.target = rec_get(r, "node.name"),
		.address = rec_get(r, "node.conn[0].address"),
		.port = (int)rec_get_int(r, "node.conn[0].port"),
		.iface = iface && *iface ? iface : "default",
	};
	size_t n = 0;

	if (!f.target || !f.address)
		return 0;
	for (size_t i = 0; i < l->n; i++)
		n += session_match(&l->s[i], &f);
	return n;
}

void session_describe(char *buf, size_t len, const struct sysfs_session *s)
{
	snprintf(buf, len, "[sid: %u, target: %s, portal: %s,%d]", s->sid, s->targetname,
		 s->conn.persistent_address, s->conn.port);
}
