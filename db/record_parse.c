/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record_parse.c: "key = value" text into records (and into anything else
 * through rec_parse_lines, e.g. iscsid.conf).  Input is untrusted: every
 * line is checked for NUL and control bytes and for length before use, bad
 * lines are reported with file:line and skipped, and parsing goes on.
 */
#include <stdarg.h>
#include <stdio.h>

#include "db/record.h"
#include "db/record_keys.h"
#include "libiscsi-core/util.h"

#define DIAG_MAX_PER_FILE 20  /* a binary file must not flood the log */

struct line_ctx {
	const char *file;
	const struct rec_diag *diag;
	unsigned reported;
	int bad;
};

static void line_error(struct line_ctx *c, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line_error(struct line_ctx *c, unsigned line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	c->bad++;
	if (!c->diag || !c->diag->fn || c->reported > DIAG_MAX_PER_FILE)
		return;
	if (c->reported++ == DIAG_MAX_PER_FILE) {
		c->diag->fn(c->diag->userdata, REC_DIAG_ERROR, c->file, line,
			    "too many errors, not reporting more for this file");
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->diag->fn(c->diag->userdata, REC_DIAG_ERROR, c->file, line, msg);
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool key_chars_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static bool value_chars_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
			return false;
	return true;
}

/* Check one line [s, s+n) and hand its key and value to fn.
 * Returns 0, 1 when the line was bad, or fn's negative errno. */
static int one_line(struct line_ctx *c, unsigned line, const char *s, size_t n,
		    rec_line_fn fn, void *ud)
{
	char key[REC_KEY_MAX], val[REC_VALUE_MAX + 1];
	const char *eq, *v;
	size_t kn, vn;
	int ret;

	if (memchr(s, '\0', n))
		return line_error(c, line, "contains a NUL byte"), 1;
	while (n && is_blank(*s))
		s++, n--;
	while (n && (is_blank(s[n - 1]) || s[n - 1] == '\r'))
		n--;
	if (!n || *s == '#')
		return 0;
	if (n > REC_LINE_MAX)
		return line_error(c, line, "line longer than %d bytes", REC_LINE_MAX), 1;
	eq = memchr(s, '=', n);
	if (!eq)
		return line_error(c, line, "missing '=' (expected \"key = value\")"), 1;
	kn = (size_t)(eq - s);
	while (kn && is_blank(s[kn - 1]))
		kn--;
	v = eq + 1;
	vn = n - (size_t)(v - s);
	while (vn && is_blank(*v))
		v++, vn--;
	if (!kn || !key_chars_ok(s, kn))
		return line_error(c, line, "missing or malformed key name"), 1;
	if (kn >= REC_KEY_MAX)
		return line_error(c, line, "key name longer than %d bytes",
				  REC_KEY_MAX - 1), 1;
	if (vn > REC_VALUE_MAX)
		return line_error(c, line, "value of %.*s longer than %d bytes",
				  (int)kn, s, REC_VALUE_MAX), 1;
	if (!value_chars_ok(v, vn))
		return line_error(c, line, "value of %.*s contains control characters",
				  (int)kn, s), 1;
	memcpy(key, s, kn);
	key[kn] = '\0';
	memcpy(val, v, vn);
	val[vn] = '\0';
	ret = fn(ud, c->file, line, key, val);
	secure_zero(val, sizeof(val));
	if (ret == 1)
		c->bad++;
	return ret;
}

int rec_parse_lines(const char *text, size_t len, const char *file,
		    const struct rec_diag *diag, rec_line_fn fn, void *userdata)
{
	struct line_ctx c = { .file = file ? file : "<input>", .diag = diag };
	const char *p = text, *end = text + len;
	unsigned line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		int ret = one_line(&c, ++line, p, (size_t)(eol - p), fn, userdata);

		if (ret < 0)
			return ret;
		p = nl ? nl + 1 : end;
	}
	return c.bad;
}

struct parse_ctx {
	struct rec *r;
	const struct rec_diag *diag;
};

static void diag_emit(const struct rec_diag *d, enum rec_diag_level lvl,
		      const char *file, unsigned line, const char *msg)
{
	if (d && d->fn)
		d->fn(d->userdata, lvl, file, line, msg);
}

static int parse_kv(void *ud, const char *file, unsigned line, const char *key,
		    const char *value)
{
	struct parse_ctx *c = ud;
	struct ll_error e = { 0 };
	char msg[REC_KEY_MAX + 64];
	int ret;

	if (rec_key_find(rec_get_kind(c->r), key)) {
		if (rec_set(c->r, key, value, &e) < 0) {
			diag_emit(c->diag, REC_DIAG_ERROR, file, line, e.msg);
			return 1;
		}
		return 0;
	}
	ret = rec_set_unknown(c->r, key, value);
	if (ret == -ENOMEM)
		return ret;
	if (ret < 0) {
		snprintf(msg, sizeof(msg), "too many keys (at most %d), %s ignored",
			 REC_MAX_KEYS, key);
		diag_emit(c->diag, REC_DIAG_ERROR, file, line, msg);
		return 1;
	}
	snprintf(msg, sizeof(msg), "unknown key %s kept as is", key);
	diag_emit(c->diag, REC_DIAG_NOTICE, file, line, msg);
	return 0;
}

int rec_parse(struct rec *r, const char *text, size_t len, const char *file,
	      const struct rec_diag *diag)
{
	struct parse_ctx c = { .r = r, .diag = diag };

	return rec_parse_lines(text, len, file, diag, parse_kv, &c);
}

static void diag_stderr(void *ud, enum rec_diag_level lvl, const char *file,
			unsigned line, const char *msg)
{
	fprintf(stderr, "%s: %s:%u: %s\n",
		lvl == REC_DIAG_ERROR ? "error" : "notice", file, line, msg);
}

const struct rec_diag rec_diag_stderr = { .fn = diag_stderr };

