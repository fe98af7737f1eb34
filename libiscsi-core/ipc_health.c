/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ipc_health.c: session health in IPC replies (see ipc_health.h). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "libiscsi-core/ipc_health.h"
#include "libiscsi-core/util.h"

static const char *const kind_names[LL_FAIL_N_] = {
	[LL_FAIL_NONE] = "none",
	[LL_FAIL_CONN_ERROR] = "conn_error",
	[LL_FAIL_NOP_TIMEOUT] = "nop_timeout",
	[LL_FAIL_TARGET_LOGOUT] = "target_logout",
	[LL_FAIL_LOGIN_REJECTED] = "login_rejected",
	[LL_FAIL_LOGIN_FAILED] = "login_failed",
	[LL_FAIL_CONNECT_FAILED] = "connect_failed",
};

const char *ll_failure_kind_str(enum ll_failure_kind k)
{
	return (unsigned)k < LL_FAIL_N_ ? kind_names[k] : NULL;
}

int ll_failure_kind_from_str(const char *s)
{
	for (int k = 0; k < LL_FAIL_N_; k++)
		if (!strcmp(kind_names[k], s))
			return k;
	return -1;
}

enum ftype { F_BOOL, F_U32, F_U64, F_STR, F_KIND };

/* Every field: its name on the wire, where it lives, how big it is. */
struct field {
	const char *name;
	enum ftype type;
	size_t off, size;
};

#define FLD(n, t, m) { n, t, offsetof(struct ll_health, m), sizeof(((struct ll_health *)0)->m) }
#define FAILS(k, n) FLD("failures_" n, F_U32, failures[k])

static const struct field fields[] = {
	FLD("state", F_STR, state),
	FLD("adopted", F_BOOL, adopted),
	FLD("recovering", F_BOOL, recovering),
	FLD("since_ms", F_U64, since_ms),
	FLD("login_ms", F_U64, login_ms),
	FLD("recoveries", F_U32, recoveries),
	FLD("recovery_total_ms", F_U64, recovery_total_ms),
	FLD("recovery_last_ms", F_U64, recovery_last_ms),
	FAILS(LL_FAIL_CONN_ERROR, "conn_error"),
	FAILS(LL_FAIL_NOP_TIMEOUT, "nop_timeout"),
	FAILS(LL_FAIL_TARGET_LOGOUT, "target_logout"),
	FAILS(LL_FAIL_LOGIN_REJECTED, "login_rejected"),
	FAILS(LL_FAIL_LOGIN_FAILED, "login_failed"),
	FAILS(LL_FAIL_CONNECT_FAILED, "connect_failed"),
	FLD("last_failure_kind", F_KIND, last_kind),
	FLD("last_failure_code", F_U32, last_code),
	FLD("last_failure_ms", F_U64, last_ms),
	FLD("last_failure_message", F_STR, last_msg),
	FLD("portal", F_STR, portal),
	FLD("iface", F_STR, iface),
	FLD("local_address", F_STR, local_address),
};
#define N_FIELDS ARRAY_SIZE(fields)

static uint64_t num_of(const struct ll_health *h, const struct field *f)
{
	const uint8_t *p = (const uint8_t *)h + f->off;
	uint64_t v64;
	uint32_t v32;

	switch (f->type) {
	case F_BOOL:
		return *(const bool *)p;
	case F_U32:
		memcpy(&v32, p, sizeof(v32));
		return v32;
	default:
		memcpy(&v64, p, sizeof(v64));
		return v64;
	}
}

static int add_field(struct ipc_msg *m, const struct ll_health *h, const struct field *f)
{
	uint8_t buf[8 + IPC_COUNTER_NAME_MAX];
	char kv[64 + LL_HEALTH_ADDR_MAX];
	size_t n = strlen(f->name);
	const char *s = (const char *)h + f->off;

	if (f->type == F_KIND) {
		s = ll_failure_kind_str(h->last_kind);
		if (!s)
			return -EINVAL;
	}
	if (f->type == F_STR || f->type == F_KIND) {
		if (f->type == F_STR && strnlen(s, f->size) >= f->size)
			return -EINVAL;  /* not terminated */
		snprintf(kv, sizeof(kv), "%s=%s", f->name, s);
		return ipc_msg_add_str(m, IPC_A_HEALTH_STR, kv);
	}
	put_be64(buf, num_of(h, f));
	memcpy(buf + 8, f->name, n);
	return ipc_msg_add_raw(m, IPC_A_HEALTH_NUM, buf, 8 + n);
}

int ipc_health_encode(struct ipc_msg *m, const struct ll_health *h)
{
	int r = 0;

	for (size_t i = 0; i < N_FIELDS && r == 0; i++)
		r = add_field(m, h, &fields[i]);
	return r;
}

/* The field named by len bytes at name, of a string or a number attribute. */
static int field_index(const char *name, size_t len, bool str)
{
	for (size_t i = 0; i < N_FIELDS; i++) {
		bool is_str = fields[i].type == F_STR || fields[i].type == F_KIND;

		if (is_str == str && strlen(fields[i].name) == len &&
		    !memcmp(fields[i].name, name, len))
			return (int)i;
	}
	return -1;
}

static int bad(struct ll_error *err, const char *name, const char *what)
{
	ll_error_set(err, ISCSI_ERR_ISCSID_COMM_ERR, "bad health reply: %s %s", name, what);
	return -EBADMSG;
}

static int take_num(struct ll_health *h, const struct field *f, uint64_t v,
		    struct ll_error *err)
{
	uint8_t *p = (uint8_t *)h + f->off;
	uint32_t v32 = (uint32_t)v;

	if ((f->type == F_BOOL && v > 1) || (f->type == F_U32 && v > UINT32_MAX))
		return bad(err, f->name, "is out of range");
	if (f->type == F_BOOL)
		*(bool *)p = v == 1;
	else if (f->type == F_U32)
		memcpy(p, &v32, sizeof(v32));
	else
		memcpy(p, &v, sizeof(v));
	return 0;
}

static int take_str(struct ll_health *h, const struct field *f, const char *val,
		    struct ll_error *err)
{
	int k;

	if (f->type == F_KIND) {
		k = ll_failure_kind_from_str(val);
		if (k < 0)
			return bad(err, f->name, "names no known kind");
		h->last_kind = (enum ll_failure_kind)k;
		return 0;
	}
	if (str_copy((char *)h + f->off, f->size, val) < 0)
		return bad(err, f->name, "is too long");
	return 0;
}

/* One attribute into h; *idx gets the field it was (-1: not ours). */
static int take_attr(const struct ipc_attr_val *a, struct ll_health *h, int *idx,
		     struct ll_error *err)
{
	const char *v = (const char *)a->val;
	const char *eq;

	*idx = -1;
	if (a->tag == IPC_A_HEALTH_NUM) {
		/* the IPC decoder checked the layout: 8-byte value + a name */
		*idx = field_index(v + 8, a->len - 8u, false);
		return *idx < 0 ? 0 : take_num(h, &fields[*idx], get_be64(a->val), err);
	}
	if (a->tag != IPC_A_HEALTH_STR)
		return 0;
	eq = memchr(v, '=', a->len);
	if (!eq)
		return bad(err, "field", "without a name");
	*idx = field_index(v, (size_t)(eq - v), true);
	return *idx < 0 ? 0 : take_str(h, &fields[*idx], eq + 1, err);
}

int ipc_health_decode(const struct ipc_msg *m, struct ll_health *h, struct ll_error *err)
{
	bool seen[N_FIELDS] = { false };

	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < m->n; i++) {
		int k;

		if (take_attr(&m->attrs[i], h, &k, err) < 0)
			return -EBADMSG;
		if (k < 0)
			continue;
		if (seen[k])
			return bad(err, fields[k].name, "is given twice");
		seen[k] = true;
	}
	for (size_t k = 0; k < N_FIELDS; k++)
		if (!seen[k])
			return bad(err, fields[k].name, "is missing");
	return 0;
}
