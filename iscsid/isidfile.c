/* SPDX-License-Identifier: GPL-2.0-or-later */
/* isidfile.c: the session number and ISID file (see isidfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iscsid/atomicfile.h"
#include "iscsid/isidfile.h"
#include "libiscsi-core/util.h"

/* Far above any real table (a line is at most ~260 bytes); a bigger file
 * is not ours. */
#define ISIDFILE_MAX_BYTES (16u << 20)

static int fail(char *why, size_t whylen, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *why, size_t whylen, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!why || !whylen)
		return -EINVAL;
	if (line)
		n = snprintf(why, whylen, "line %u: ", line);
	if (n >= 0 && (size_t)n < whylen) {
		va_start(ap, fmt);
		vsnprintf(why + n, whylen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A decimal number of 1-10 digits, at most max; *p moves past it. */
static bool take_uint(const char **p, const char *end, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	const char *s = *p;

	while (s < end && *s >= '0' && *s <= '9' && s - *p < 10)
		v = v * 10 + (uint64_t)(*s++ - '0');
	if (s == *p || (s < end && *s >= '0' && *s <= '9') || v > max)
		return false;
	*out = (uint32_t)v;
	*p = s;
	return true;
}

static bool take_isid(const char **p, const char *end, uint8_t isid[6])
{
	const char *s = *p;

	if (end - s < 12)
		return false;
	for (int i = 0; i < 6; i++) {
		int hi = hex_nibble(s[2 * i]), lo = hex_nibble(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		isid[i] = (uint8_t)(hi << 4 | lo);
	}
	*p = s + 12;
	return true;
}

static bool take_space(const char **p, const char *end)
{
	if (*p >= end || **p != ' ')
		return false;
	(*p)++;
	return true;
}

/* The target name: the rest of the line, printable, no blanks. */
static bool valid_target(const char *s, size_t n)
{
	if (n == 0 || n > ISIDFILE_TARGET_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static int parse_entry(struct isid_table *t, const char *s, const char *end, unsigned line,
		       char *why, size_t whylen)
{
	uint32_t sid, index;
	uint8_t isid[6];
	char target[ISIDFILE_TARGET_MAX + 1];

	if (!take_uint(&s, end, UINT32_MAX, &sid) || !take_space(&s, end))
		return fail(why, whylen, line, "expected a session id");
	if (!take_uint(&s, end, SESSION_INDEX_LIMIT - 1, &index) || !take_space(&s, end))
		return fail(why, whylen, line, "expected a session number below %u",
			    SESSION_INDEX_LIMIT);
	if (!take_isid(&s, end, isid) || !take_space(&s, end))
		return fail(why, whylen, line, "expected an ISID of 12 hex digits");
	if (!valid_target(s, (size_t)(end - s)))
		return fail(why, whylen, line, "expected a target name (1-%u printable "
			    "characters, no blanks)", ISIDFILE_TARGET_MAX);
	memcpy(target, s, (size_t)(end - s));
	target[end - s] = '\0';
	if (isidfile_find(t, sid))
		return fail(why, whylen, line, "session %u is listed twice", sid);
	return isidfile_add(t, sid, index, isid, target);
}

int isidfile_parse(const char *text, size_t len, struct isid_table *t, char *why,
		   size_t whylen)
{
	const char *p = text, *end = text + len;
	bool header = false;
	unsigned line = 0;
	int r = 0;

	t->n = 0;
	if (len && text[len - 1] != '\n')
		return fail(why, whylen, 0, "the last line has no newline (cut short)");
	while (p < end && r == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		line++;
		if (memchr(p, '\0', (size_t)(nl - p)))
			r = fail(why, whylen, line, "NUL byte");
		else if (*p == '#')
			;
		else if (!header && (size_t)(nl - p) == strlen(ISIDFILE_HEADER) &&
			 !memcmp(p, ISIDFILE_HEADER, (size_t)(nl - p)))
			header = true;
		else if (!header)
			r = fail(why, whylen, line, "expected \"%s\" first", ISIDFILE_HEADER);
		else
			r = parse_entry(t, p, nl, line, why, whylen);
		p = nl + 1;
	}
	if (r == 0 && !header)
		r = fail(why, whylen, 0, "no \"%s\" line", ISIDFILE_HEADER);
	if (r < 0)
		t->n = 0;
	return r;
}

void isidfile_hex(const uint8_t isid[6], char out[ISIDFILE_HEX_LEN + 1])
{
	snprintf(out, ISIDFILE_HEX_LEN + 1, "%02x%02x%02x%02x%02x%02x", isid[0], isid[1],
		 isid[2], isid[3], isid[4], isid[5]);
}

int isidfile_format(const struct isid_table *t, char **text, size_t *len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return -ENOMEM;
	fprintf(f, "# lunlink iscsid: each kernel session's number among its node's sessions\n"
		   "# and the ISID it logs in with (read back when iscsid adopts sessions)\n"
		   "%s\n", ISIDFILE_HEADER);
	for (size_t i = 0; i < t->n; i++) {
		const struct isid_entry *e = &t->v[i];
		char hex[ISIDFILE_HEX_LEN + 1];

		isidfile_hex(e->isid, hex);
		fprintf(f, "%u %u %s %s\n", e->sid, e->index, hex, e->target);
	}
	if (fclose(f) != 0 || !buf) {
		free(buf);
		return -ENOMEM;
	}
	*text = buf;
	*len = size;
	return 0;
}

static int read_whole(int fd, char **out, size_t *len)
{
	struct stat st;
	char *buf;
	size_t got = 0;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > ISIDFILE_MAX_BYTES)
		return -EFBIG;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return n < 0 ? -errno : -EIO;
		}
		got += (size_t)n;
	}
	*out = buf;
	*len = got;
	return 0;
}

int isidfile_load(const char *path, struct isid_table *t, char *why, size_t whylen)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	t->n = 0;
	if (fd < 0)
		return -errno;
	r = read_whole(fd, &text, &len);
	if (r == -EFBIG)
		return fail(why, whylen, 0, "not a regular file of at most %u bytes",
			    ISIDFILE_MAX_BYTES);
	if (r < 0)
		return r;
	return isidfile_parse(text, len, t, why, whylen);
}

int isidfile_save(const char *path, const struct isid_table *t)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = isidfile_format(t, &text, &len);

	return r < 0 ? r : atomic_write_file(path, text, len, 0600);
}

int isidfile_add(struct isid_table *t, uint32_t sid, unsigned index, const uint8_t isid[6],
		 const char *target)
{
	struct isid_entry *e;

	if (index >= SESSION_INDEX_LIMIT || !valid_target(target, strlen(target)))
		return -EINVAL;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct isid_entry *v = reallocarray(t->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	e = &t->v[t->n++];
	e->sid = sid;
	e->index = index;
	memcpy(e->isid, isid, sizeof(e->isid));
	str_copy(e->target, sizeof(e->target), target);
	return 0;
}

struct isid_entry *isidfile_find(const struct isid_table *t, uint32_t sid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].sid == sid)
			return &t->v[i];
	return NULL;
}

void isidfile_remove(struct isid_table *t, uint32_t sid)
{
	struct isid_entry *e = isidfile_find(t, sid);

	if (e)
		*e = t->v[--t->n];
}

void isidfile_free(struct isid_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}
