/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record.c: values of one record, checked against the key table.
 *
 * Values live in fixed slots (REC_VALUE_MAX + 1 bytes per key) right after
 * the struct, so a record is one allocation and wiping secrets is one call.
 */
#include <config.h>  /* the build's config.h (OPEN_ISCSI_COMPAT_VERSION) */

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "db/record.h"
#include "db/record_keys.h"
#include "libiscsi-core/util.h"

#define MASK "********"

struct rec_extra {
	char name[REC_KEY_MAX];
	char value[REC_VALUE_MAX + 1];
};

struct rec {
	enum rec_kind kind;
	const struct rec_table *t;
	struct rec_extra *extra;     /* unknown keys, in file order */
	size_t nextra;
	char val[][REC_VALUE_MAX + 1];
};

const char *rec_version(void)
{
	return OPEN_ISCSI_COMPAT_VERSION;
}

static const struct rec_table *table(enum rec_kind kind)
{
	if ((unsigned)kind >= REC_KIND_MAX_)
		return NULL;
	return &rec_tables[kind];
}

size_t rec_key_count(enum rec_kind kind)
{
	const struct rec_table *t = table(kind);

	return t ? t->n : 0;
}

const struct rec_key *rec_key_at(enum rec_kind kind, size_t i)
{
	const struct rec_table *t = table(kind);

	return t && i < t->n ? &t->keys[i] : NULL;
}

static long key_index(const struct rec_table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (streq(t->keys[i].name, name))
			return (long)i;
	return -1;
}

const struct rec_key *rec_key_find(enum rec_kind kind, const char *name)
{
	const struct rec_table *t = table(kind);
	long i;

	if (!t || !name)
		return NULL;
	i = key_index(t, name);
	return i < 0 ? NULL : &t->keys[i];
}

const char *rec_effect_str(enum rec_effect e)
{
	static const char *const words[] = {
		[REC_E_APPLIED] = "applied",
		[REC_E_NO_EFFECT_TCP] = "no effect with iscsi_tcp",
		[REC_E_NOT_IMPLEMENTED] = "not implemented by lunlink",
	};

	return (unsigned)e < ARRAY_SIZE(words) ? words[e] : "unknown";
}

/* ---- value checks ---- */

bool rec_value_is_clean(const char *value)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)value; *p; p++, n++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return n <= REC_VALUE_MAX;
}

static int find_word(const char *const *words, const char *s, size_t n)
{
	for (int i = 0; words[i]; i++)
		if (strlen(words[i]) == n && strncasecmp(words[i], s, n) == 0)
			return i;
	return -1;
}

static void list_words(const char *const *words, char *buf, size_t cap)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; words[i] && off < cap; i++)
		off += (size_t)snprintf(buf + off, cap - off, "%s%s",
					i ? ", " : "", words[i]);
}

static int bad_value(const struct rec_key *k, const char *value,
		     struct ll_error *err, const char *expect)
{
	/* Secrets and control characters are never echoed back. */
	if (!value || (k->flags & REC_F_SECRET))
		ll_error_set(err, ISCSI_ERR_INVAL, "Invalid value for %s: %s.",
			     k->name, expect);
	else
		ll_error_set(err, ISCSI_ERR_INVAL,
			     "Invalid value '%s' for %s: %s.", value, k->name,
			     expect);
	return -EINVAL;
}

static int norm_int(const struct rec_key *k, const char *value, char *out,
		    struct ll_error *err)
{
	char expect[96];
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < k->min || v > k->max) {
		if (k->min == INT_MIN && k->max == INT_MAX)
			snprintf(expect, sizeof(expect), "expected an integer");
		else
			snprintf(expect, sizeof(expect),
				 "expected an integer from %ld to %ld",
				 k->min, k->max);
		return bad_value(k, value, err, expect);
	}
	snprintf(out, REC_VALUE_MAX + 1, "%ld", v);
	return 0;
}

static int norm_words(const struct rec_key *k, const char *value, char *out,
		      struct ll_error *err)
{
	char expect[REC_VALUE_MAX + 32], words[REC_VALUE_MAX];
	int i = find_word(k->words, value, strlen(value));

	if (i < 0) {
		list_words(k->words, words, sizeof(words));
		snprintf(expect, sizeof(expect), "expected one of %s", words);
		return bad_value(k, value, err, expect);
	}
	str_copy(out, REC_VALUE_MAX + 1, k->words[i]);
	return 0;
}

/* "sha256, md5" -> "SHA256,MD5": every item known, none twice. */
static int norm_list(const struct rec_key *k, const char *value, char *out,
		     struct ll_error *err)
{
	char expect[REC_VALUE_MAX + 64], words[REC_VALUE_MAX];
	unsigned seen = 0;
	size_t off = 0;
	const char *p = value;

	out[0] = '\0';
	while (*p) {
		const char *e = strchrnul(p, ',');
		const char *s = p;
		size_t n;
		int i;

		while (s < e && *s == ' ')
			s++;
		n = (size_t)(e - s);
		while (n && s[n - 1] == ' ')
			n--;
		i = find_word(k->words, s, n);
		if (i < 0 || i >= 32 || (seen & (1u << i)))
			goto bad;
		seen |= 1u << i;
		off += (size_t)snprintf(out + off, REC_VALUE_MAX + 1 - off, "%s%s",
					off ? "," : "", k->words[i]);
		p = *e ? e + 1 : e;
		if (*e && !*p)
			goto bad;  /* trailing comma */
	}
	if (seen)
		return 0;
bad:
	list_words(k->words, words, sizeof(words));
	snprintf(expect, sizeof(expect),
		 "expected a comma-separated list of %s, each at most once", words);
	return bad_value(k, value, err, expect);
}

/* Check value for key k and write its canonical form to out. */
static int normalize(const struct rec_key *k, const char *value, char *out,
		     struct ll_error *err)
{
	if (strlen(value) > REC_VALUE_MAX)
		return bad_value(k, NULL, err, "longer than 255 bytes");
	if (!rec_value_is_clean(value))
		return bad_value(k, NULL, err, "control characters are not allowed");
	if (!*value && k->type != REC_T_STR)
		value = k->def;  /* empty resets to the built-in default */

	switch (k->type) {
	case REC_T_STR:
		str_copy(out, REC_VALUE_MAX + 1, value);
		return 0;
	case REC_T_INT:
		return norm_int(k, value, out, err);
	case REC_T_BOOL:
		if (!strcasecmp(value, "Yes") || !strcasecmp(value, "No")) {
			str_copy(out, REC_VALUE_MAX + 1,
				 !strcasecmp(value, "Yes") ? "Yes" : "No");
			return 0;
		}
		return bad_value(k, value, err, "expected Yes or No");
	case REC_T_ENUM:
		return norm_words(k, value, out, err);
	case REC_T_LIST:
		return norm_list(k, value, out, err);
	}
	return bad_value(k, value, err, "unknown key type");
}

/* ---- records ---- */

static void fill_defaults(struct rec *r)
{
	for (size_t i = 0; i < r->t->n; i++)
		str_copy(r->val[i], sizeof(r->val[i]), r->t->keys[i].def);
}

static size_t rec_size(const struct rec_table *t)
{
	return sizeof(struct rec) + t->n * (REC_VALUE_MAX + 1);
}

struct rec *rec_new(enum rec_kind kind)
{
	const struct rec_table *t = table(kind);
	struct rec *r;

	if (!t)
		return NULL;
	r = calloc(1, rec_size(t));
	if (!r)
		return NULL;
	r->kind = kind;
	r->t = t;
	fill_defaults(r);
	return r;
}

struct rec *rec_dup(const struct rec *r)
{
	struct rec *d;

	if (!r)
		return NULL;
	d = malloc(rec_size(r->t));
	if (!d)
		return NULL;
	memcpy(d, r, rec_size(r->t));
	d->extra = NULL;
	if (r->nextra) {
		d->extra = malloc(r->nextra * sizeof(*d->extra));
		if (!d->extra) {
			rec_free(d);
			return NULL;
		}
		memcpy(d->extra, r->extra, r->nextra * sizeof(*d->extra));
	}
	return d;
}

static void drop_extra(struct rec *r)
{
	secure_zero(r->extra, r->nextra * sizeof(*r->extra));
	free(r->extra);
	r->extra = NULL;
	r->nextra = 0;
}

void rec_free(struct rec *r)
{
	if (!r)
		return;
	drop_extra(r);
	secure_zero(r, rec_size(r->t));
	free(r);
}

enum rec_kind rec_get_kind(const struct rec *r)
{
	return r->kind;
}

void rec_reset(struct rec *r)
{
	drop_extra(r);
	secure_zero(r->val, r->t->n * sizeof(r->val[0]));
	fill_defaults(r);
}

const char *rec_get(const struct rec *r, const char *name)
{
	long i;

	if (!r || !name)
		return NULL;
	i = key_index(r->t, name);
	return i < 0 ? NULL : r->val[i];
}

const struct rec_key *rec_next_ineffective(const struct rec *r, size_t *pos)
{
	for (; r && *pos < r->t->n; (*pos)++) {
		const struct rec_key *k = &r->t->keys[*pos];

		if (k->effect == REC_E_APPLIED || (k->flags & REC_F_HIDDEN))
			continue;
		if (!streq(r->val[*pos], k->def ? k->def : "")) {
			(*pos)++;
			return k;
		}
	}
	return NULL;
}

long rec_get_int(const struct rec *r, const char *name)
{
	const struct rec_key *k = r ? rec_key_find(r->kind, name) : NULL;
	const char *v = rec_get(r, name);

	if (!k || !v)
		return 0;
	if (!*v)
		v = k->def;
	return strtol(v, NULL, 10);
}

bool rec_get_bool(const struct rec *r, const char *name)
{
	const struct rec_key *k = r ? rec_key_find(r->kind, name) : NULL;
	const char *v = rec_get(r, name);

	if (!k || !v)
		return false;
	if (!*v)
		v = k->def;
	return strcasecmp(v, "Yes") == 0;
}

int rec_set(struct rec *r, const char *name, const char *value,
	    struct ll_error *err)
{
	char buf[REC_VALUE_MAX + 1];
	long i;
	int ret;

	if (!r || !name || !value)
		return ll_error_set(err, ISCSI_ERR_INVAL, "Missing key or value."), -EINVAL;
	i = key_index(r->t, name);
	if (i < 0) {
		ll_error_set(err, ISCSI_ERR_INVAL,
			     "Cannot modify %.*s. Invalid param name.",
			     REC_KEY_MAX, name);
		return -ENOENT;
	}
	ret = normalize(&r->t->keys[i], value, buf, err);
	if (ret == 0) {
		secure_zero(r->val[i], sizeof(r->val[i]));
		memcpy(r->val[i], buf, sizeof(buf));
	}
	secure_zero(buf, sizeof(buf));
	return ret;
}

int rec_set_int(struct rec *r, const char *name, long value,
		struct ll_error *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", value);
	return rec_set(r, name, buf, err);
}

void rec_copy_common(struct rec *dst, const struct rec *src)
{
	for (size_t i = 0; i < dst->t->n; i++) {
		long j = key_index(src->t, dst->t->keys[i].name);

		if (j >= 0)
			memcpy(dst->val[i], src->val[j], sizeof(dst->val[i]));
	}
}

size_t rec_unknown_count(const struct rec *r)
{
	return r ? r->nextra : 0;
}

const char *rec_unknown_get(const struct rec *r, size_t i, const char **value)
{
	if (!r || i >= r->nextra)
		return NULL;
	if (value)
		*value = r->extra[i].value;
	return r->extra[i].name;
}

int rec_set_unknown(struct rec *r, const char *name, const char *value)
{
	struct rec_extra *x;

	for (size_t i = 0; i < r->nextra; i++)
		if (streq(r->extra[i].name, name))
			return str_copy(r->extra[i].value, REC_VALUE_MAX + 1, value);
	if (r->t->n + r->nextra >= REC_MAX_KEYS)
		return -E2BIG;
	/* Not realloc: the old block may hold secrets and must be wiped. */
	x = malloc((r->nextra + 1) * sizeof(*x));
	if (!x)
		return -ENOMEM;
	if (r->nextra)
		memcpy(x, r->extra, r->nextra * sizeof(*x));
	secure_zero(r->extra, r->nextra * sizeof(*x));
	free(r->extra);
	r->extra = x;
	x = &r->extra[r->nextra++];
	str_copy(x->name, sizeof(x->name), name);
	str_copy(x->value, sizeof(x->value), value);
	return 0;
}

/* ---- printing ---- */

/* Output is sized in a first pass (buf NULL) and written in a second, so
 * text holding secrets is never left behind in a realloc'd buffer. */
struct sink {
	char *buf;
	size_t cap, len;
};

static void put(struct sink *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct sink *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf ? o->buf + o->len : NULL,
		      o->buf ? o->cap - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static bool unknown_is_secret(const char *name)
{
	return strstr(name, "password") || strstr(name, "secret");
}

/* The one decision of what a record shows: which keys, masked how. */
static void show_kv(enum rec_format_mode mode, const char *name, const char *v,
		    bool secret, rec_show_fn fn, void *ud)
{
	if (mode == REC_FMT_FILE && !*v)
		return;
	if (*v && secret && mode == REC_FMT_SHOW)
		v = MASK;
	fn(ud, name, v);
}

void rec_each_shown(const struct rec *r, enum rec_format_mode mode, rec_show_fn fn, void *ud)
{
	for (size_t i = 0; i < r->t->n; i++) {
		const struct rec_key *k = &r->t->keys[i];

		if (k->flags & REC_F_HIDDEN)
			continue;
		if ((k->flags & REC_F_QUIET) && streq(r->val[i], k->def))
			continue;
		show_kv(mode, k->name, r->val[i], k->flags & REC_F_SECRET, fn, ud);
	}
	for (size_t i = 0; i < r->nextra; i++)
		show_kv(mode, r->extra[i].name, r->extra[i].value,
			unknown_is_secret(r->extra[i].name), fn, ud);
}

static void put_kv(void *ud, const char *name, const char *v)
{
	put(ud, "%s = %s\n", name, *v ? v : "<empty>");
}

static void emit(const struct rec *r, enum rec_format_mode mode, struct sink *o)
{
	put(o, "# BEGIN RECORD %s\n", rec_version());
	rec_each_shown(r, mode, put_kv, o);
	put(o, "# END RECORD\n");
}

char *rec_format(const struct rec *r, enum rec_format_mode mode)
{
	struct sink o = { 0 };

	if (!r)
		return NULL;
	emit(r, mode, &o);
	o.cap = o.len + 1;
	o.len = 0;
	o.buf = malloc(o.cap);
	if (!o.buf)
		return NULL;
	o.buf[0] = '\0';
	emit(r, mode, &o);
	return o.buf;
}
