/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * text.c: key=value lists of Login and Text PDUs (RFC 7143 section 6).
 *
 * Every byte of a parsed list came from the network, so each bound is
 * checked before anything is copied: key length and characters, value
 * length and control characters, the number of keys.
 */
#include <stdio.h>

#include "libiscsi-core/text.h"
#include "libiscsi-core/util.h"

static size_t list_limit(const struct text_list *l)
{
	return l->max_keys ? l->max_keys : TEXT_MAX_KEYS;
}

/* RFC 7143 6.1: key names use letters, digits, '.', '-', '+', '@', '_'. */
static bool key_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' ||
	       c == '@' || c == '_';
}

/* Returns the offset of the first bad key byte, or klen when all are fine. */
static size_t key_bad_at(const char *k, size_t klen)
{
	for (size_t i = 0; i < klen; i++)
		if (!key_char_ok((unsigned char)k[i]))
			return i;
	return klen;
}

/* Control characters would end up in logs and record files; UTF-8 is fine. */
static size_t value_bad_at(const char *v, size_t vlen)
{
	for (size_t i = 0; i < vlen; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c == 0x7f)
			return i;
	}
	return vlen;
}

bool text_key_valid(const char *s)
{
	size_t n;

	if (!s)
		return false;
	n = strlen(s);
	return n > 0 && n <= TEXT_KEY_MAX && key_bad_at(s, n) == n;
}

static bool value_valid(const char *v)
{
	size_t n = strlen(v);

	return n <= TEXT_VALUE_MAX && value_bad_at(v, n) == n;
}

void text_list_init(struct text_list *l)
{
	l->items = NULL;
	l->n = 0;
	l->cap = 0;
	l->max_keys = 0;
}

void text_list_free(struct text_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].key);
		if (l->items[i].value) {
			secure_zero(l->items[i].value, strlen(l->items[i].value));
			free(l->items[i].value);
		}
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
	l->cap = 0;
}

/* Appends (key, value) of known lengths; both already validated. */
static int list_append(struct text_list *l, const char *k, size_t klen,
		       const char *v, size_t vlen)
{
	char *kc, *vc;

	if (l->n >= list_limit(l))
		return -E2BIG;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		struct text_kv *ni = realloc(l->items, ncap * sizeof(*ni));

		if (!ni)
			return -ENOMEM;
		l->items = ni;
		l->cap = ncap;
	}
	kc = strndup(k, klen);
	vc = strndup(v, vlen);
	if (!kc || !vc) {
		free(kc);
		free(vc);
		return -ENOMEM;
	}
	l->items[l->n].key = kc;
	l->items[l->n].value = vc;
	l->n++;
	return 0;
}

int text_list_add(struct text_list *l, const char *key, const char *value)
{
	if (!l || !text_key_valid(key) || !value || !value_valid(value))
		return -EINVAL;
	return list_append(l, key, strlen(key), value, strlen(value));
}

int text_list_set(struct text_list *l, const char *key, const char *value)
{
	char *vc;

	if (!l || !text_key_valid(key) || !value || !value_valid(value))
		return -EINVAL;
	for (size_t i = 0; i < l->n; i++) {
		if (!streq(l->items[i].key, key))
			continue;
		vc = strdup(value);
		if (!vc)
			return -ENOMEM;
		secure_zero(l->items[i].value, strlen(l->items[i].value));
		free(l->items[i].value);
		l->items[i].value = vc;
		return 0;
	}
	return list_append(l, key, strlen(key), value, strlen(value));
}

const char *text_list_get(const struct text_list *l, const char *key)
{
	if (!l || !key)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		if (streq(l->items[i].key, key))
			return l->items[i].value;
	return NULL;
}

size_t text_list_count(const struct text_list *l, const char *key)
{
	size_t c = 0;

	if (!l || !key)
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (streq(l->items[i].key, key))
			c++;
	return c;
}

/* Checks and appends one "key=value" item (no NUL inside) found at offset off. */
static int parse_item(struct text_list *out, const char *item, size_t len,
		      size_t off, struct ll_error *err)
{
	const char *eq = memchr(item, '=', len);
	size_t klen, vlen, bad;
	int r;

	if (!eq)
		return ll_error_set(err, ISCSI_ERR_LOGIN,
				    "text item at offset %zu has no '=' between key and value",
				    off), -EINVAL;
	klen = (size_t)(eq - item);
	vlen = len - klen - 1;
	if (klen == 0)
		return ll_error_set(err, ISCSI_ERR_LOGIN,
				    "text item at offset %zu has an empty key name", off), -EINVAL;
	if (klen > TEXT_KEY_MAX)
		return ll_error_set(err, ISCSI_ERR_LOGIN,
				    "text key at offset %zu is %zu bytes long, more than the %d allowed",
				    off, klen, TEXT_KEY_MAX), -EINVAL;
	bad = key_bad_at(item, klen);
	if (bad < klen)
		return ll_error_set(err, ISCSI_ERR_LOGIN,
				    "text key at offset %zu contains the character 0x%02x, which key names may not use",
				    off, (unsigned char)item[bad]), -EINVAL;
	if (vlen > TEXT_VALUE_MAX)
		return ll_error_set(err, ISCSI_ERR_LOGIN,
				    "value of key %.*s is %zu bytes long, more than the %d allowed",
				    (int)klen, item, vlen, TEXT_VALUE_MAX), -EINVAL;
	bad = value_bad_at(eq + 1, vlen);
	if (bad < vlen)
		return ll_error_set(err, ISCSI_ERR_LOGIN,
				    "value of key %.*s contains the control character 0x%02x",
				    (int)klen, item, (unsigned char)eq[1 + bad]), -EINVAL;
	r = list_append(out, item, klen, eq + 1, vlen);
	if (r == -E2BIG)
		return ll_error_set(err, ISCSI_ERR_LOGIN,
				    "text holds more than %zu keys; refusing the rest",
				    list_limit(out)), r;
	if (r < 0)
		return ll_error_set(err, ISCSI_ERR_NOMEM,
				    "out of memory while parsing text keys"), r;
	return 0;
}

int text_parse(struct text_list *out, const uint8_t *buf, size_t len,
	       struct ll_error *err)
{
	size_t off = 0;

	if (!out || (!buf && len))
		return ll_error_set(err, ISCSI_ERR_INTERNAL,
				    "text_parse called without a list or buffer"), -EINVAL;
	while (off < len) {
		const uint8_t *nul = memchr(buf + off, '\0', len - off);
		size_t ilen = nul ? (size_t)(nul - (buf + off)) : len - off;

		if (ilen > 0) {
			int r = parse_item(out, (const char *)buf + off, ilen, off, err);

			if (r < 0)
				return r;
		}
		off += ilen + 1;
	}
	return 0;
}

int text_encode(const struct text_list *l, uint8_t **out, size_t *len)
{
	size_t total = 0, pos = 0;
	uint8_t *b;

	if (!l || !out || !len)
		return -EINVAL;
	for (size_t i = 0; i < l->n; i++)
		total += strlen(l->items[i].key) + strlen(l->items[i].value) + 2;
	b = malloc(total ? total : 1);
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++) {
		size_t kl = strlen(l->items[i].key);
		size_t vl = strlen(l->items[i].value);

		memcpy(b + pos, l->items[i].key, kl);
		pos += kl;
		b[pos++] = '=';
		memcpy(b + pos, l->items[i].value, vl);
		pos += vl;
		b[pos++] = '\0';
	}
	*out = b;
	*len = total;
	return 0;
}

void text_accum_init(struct text_accum *a)
{
	a->buf = NULL;
	a->len = 0;
	a->cap = 0;
}

void text_accum_free(struct text_accum *a)
{
	if (!a)
		return;
	secure_zero(a->buf, a->cap);
	free(a->buf);
	text_accum_init(a);
}

int text_accum_add(struct text_accum *a, const uint8_t *data, size_t len)
{
	if (!a || (!data && len))
		return -EINVAL;
	if (len > TEXT_ACCUM_MAX - a->len)
		return -E2BIG;
	if (a->len + len > a->cap) {
		size_t ncap = a->cap ? a->cap : 1024;
		uint8_t *nb;

		while (ncap < a->len + len)
			ncap *= 2;
		/* Copy instead of realloc so a moved buffer can be zeroed. */
		nb = malloc(ncap);
		if (!nb)
			return -ENOMEM;
		if (a->len)
			memcpy(nb, a->buf, a->len);
		secure_zero(a->buf, a->cap);
		free(a->buf);
		a->buf = nb;
		a->cap = ncap;
	}
	if (len)
		memcpy(a->buf + a->len, data, len);
	a->len += len;
	return 0;
}
