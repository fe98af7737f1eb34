/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iqn.c: iSCSI name checks (RFC 3720 3.2.6, RFC 3722), name generation and
 * the portal address parser shared by discovery, redirection and the CLI.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "libiscsi-core/iqn.h"
#include "libiscsi-core/util.h"

void iqn_printable(const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	if (!out || outlen == 0)
		return;
	if (!in)
		in = "(null)";
	for (size_t i = 0; in[i]; i++) {
		unsigned char c = (unsigned char)in[i];
		size_t need = (c >= 0x20 && c < 0x7f && c != '\\') ? 1 : 4;

		/* Keep room for "..." and the NUL. */
		if (o + need + 4 > outlen) {
			if (o + 4 <= outlen) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (need == 1)
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
	}
	out[o] = '\0';
}

/* "\"S\" is not a valid WHAT: why" with S made printable; returns -EINVAL. */
static int not_valid(struct ll_error *err, const char *s, const char *what,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int not_valid(struct ll_error *err, const char *s, const char *what,
		     const char *fmt, ...)
{
	char shown[IQN_PRINTABLE_MAX];

	iqn_printable(s, shown, sizeof(shown));
	LL_ERROR_SET_FROM_ARGS(err, ISCSI_ERR_INVAL, fmt);
	ll_error_prefix(err, "\"%s\" is not a valid %s", shown, what);
	return -EINVAL;
}

#define name_err(err, name, ...) not_valid(err, name, "iSCSI name", __VA_ARGS__)
#define addr_err(err, s, ...) not_valid(err, s, "portal address", __VA_ARGS__)

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 3722 leaves a-z, 0-9, '-', '.', ':' after folding; A-Z fold to a-z. */
static bool name_char_ok(char c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == ':';
}

static int check_chars(const char *name, size_t n, struct ll_error *err)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f)
			return name_err(err, name, "it contains the control character 0x%02x at position %zu",
					c, i + 1);
		if (c >= 0x80)
			return name_err(err, name, "it contains the non-ASCII byte 0x%02x at position %zu",
					c, i + 1);
		if (!name_char_ok((char)c))
			return name_err(err, name,
					"it contains '%c' at position %zu; only letters, digits, '-', '.' and ':' are allowed",
					c, i + 1);
	}
	if (strstr(name, ".."))
		return name_err(err, name, "it contains \"..\"");
	return 0;
}

static int check_hex_name(const char *name, const char *kind, size_t n1, size_t n2,
			  struct ll_error *err)
{
	const char *hex = name + 4;
	size_t n = strlen(hex);

	for (size_t i = 0; i < n; i++)
		if (!is_hex(hex[i]))
			return name_err(err, name, "the %s identifier must be hexadecimal digits, but has '%c'",
					kind, hex[i]);
	if (n != n1 && n != n2) {
		if (n1 == n2)
			return name_err(err, name, "a %s name needs exactly %zu hex digits after \"%.4s\", not %zu",
					kind, n1, name, n);
		return name_err(err, name, "a %s name needs %zu or %zu hex digits after \"%.4s\", not %zu",
				kind, n1, n2, name, n);
	}
	return 0;
}

/* "iqn." yyyy "-" mm "." reversed-domain [":" unique] */
static int check_iqn(const char *name, struct ll_error *err)
{
	const char *p = name + 4, *colon, *auth_end;
	int month;

	for (int i = 0; i < 4; i++)
		if (!is_digit(p[i]))
			return name_err(err, name, "an iqn name must continue with a date \"yyyy-mm.\" after \"iqn.\"");
	if (p[4] != '-' || !is_digit(p[5]) || !is_digit(p[6]) || p[7] != '.')
		return name_err(err, name, "an iqn name must continue with a date \"yyyy-mm.\" after \"iqn.\"");
	month = (p[5] - '0') * 10 + (p[6] - '0');
	if (month < 1 || month > 12)
		return name_err(err, name, "the month %02d in its date is not between 01 and 12", month);
	p += 8;
	colon = strchr(p, ':');
	auth_end = colon ? colon : p + strlen(p);
	if (auth_end == p)
		return name_err(err, name, "the reversed domain name after the date is missing");
	if (*p == '.' || *p == '-' || auth_end[-1] == '.')
		return name_err(err, name, "the reversed domain name \"%.*s\" is malformed",
				(int)(auth_end - p), p);
	if (colon && colon[1] == '\0')
		return name_err(err, name, "nothing follows the ':' after the domain name");
	return 0;
}

int iqn_validate(const char *name, struct ll_error *err)
{
	size_t n;
	int r;

	if (!name || !*name)
		return ll_error_set(err, ISCSI_ERR_INVAL, "the iSCSI name is empty"), -EINVAL;
	n = strlen(name);
	if (n > IQN_NAME_MAX)
		return name_err(err, name, "it is %zu bytes long, more than the %d allowed",
				n, IQN_NAME_MAX);
	r = check_chars(name, n, err);
	if (r < 0)
		return r;
	if (!strncmp(name, "iqn.", 4))
		return check_iqn(name, err);
	if (!strncmp(name, "eui.", 4))
		return check_hex_name(name, "EUI-64", 16, 16, err);
	if (!strncmp(name, "naa.", 4))
		return check_hex_name(name, "NAA", 16, 32, err);
	return name_err(err, name, "it does not start with \"iqn.\", \"eui.\" or \"naa.\"");
}

int iqn_generate(const char *prefix, char *buf, size_t len)
{
	uint8_t rnd[6];
	ssize_t got;
	int n;

	if (!buf)
		return -EINVAL;
	if (!prefix)
		prefix = IQN_DEFAULT_PREFIX;
	if (iqn_validate(prefix, NULL) < 0)
		return -EINVAL;
	got = getrandom(rnd, sizeof(rnd), 0);
	if (got < 0)
		return -errno;
	if ((size_t)got != sizeof(rnd))
		return -EIO;
	n = snprintf(buf, len, "%s:%02x%02x%02x%02x%02x%02x", prefix,
		     rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
	if (n < 0 || (size_t)n >= len || n > IQN_NAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/* Decimal 0..max without sign, spaces or more than 5 digits. */
static int parse_u16(const char *p, size_t n, unsigned max, unsigned *out)
{
	unsigned v = 0;

	if (n == 0 || n > 5)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return -EINVAL;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* RFC 1123 host name: labels of letters, digits and '-', not at label ends. */
static bool dns_name_ok(const char *h, size_t n)
{
	size_t label = 0;

	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];

		if (c == '.') {
			if (label == 0 || h[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!is_alnum(c) && c != '-')
			return false;
		if (c == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0 && h[n - 1] != '-';
}

static bool all_digits_and_dots(const char *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(h[i]) && h[i] != '.')
			return false;
	return true;
}

/* IPv6 with an optional "%zone" (interface name characters only). */
static bool ipv6_ok(const char *h, size_t n)
{
	char tmp[INET6_ADDRSTRLEN];
	struct in6_addr a6;
	const char *pct = memchr(h, '%', n);
	size_t alen = pct ? (size_t)(pct - h) : n;

	if (alen == 0 || alen >= sizeof(tmp))
		return false;
	memcpy(tmp, h, alen);
	tmp[alen] = '\0';
	if (inet_pton(AF_INET6, tmp, &a6) != 1)
		return false;
	if (pct) {
		size_t zlen = n - alen - 1;

		if (zlen == 0 || zlen > 15)
			return false;
		for (size_t i = alen + 1; i < n; i++)
			if (!is_alnum(h[i]) && h[i] != '-' && h[i] != '_' && h[i] != '.')
				return false;
	}
	return true;
}

/* Classifies and stores the host part (brackets already removed). */
static int store_host(const char *s, const char *h, size_t n, bool v6,
		      struct iscsi_addr *a, struct ll_error *err)
{
	char tmp[INET_ADDRSTRLEN];
	struct in_addr a4;

	if (n == 0)
		return addr_err(err, s, "the host part is empty");
	if (n >= sizeof(a->host))
		return addr_err(err, s, "the host part is %zu bytes long, too long for a host name", n);
	if (v6) {
		if (!ipv6_ok(h, n))
			return addr_err(err, s, "\"%.*s\" is not an IPv6 address", (int)n, h);
		a->family = AF_INET6;
	} else if (all_digits_and_dots(h, n)) {
		if (n >= sizeof(tmp))
			return addr_err(err, s, "\"%.*s\" is not an IPv4 address", (int)n, h);
		memcpy(tmp, h, n);
		tmp[n] = '\0';
		if (inet_pton(AF_INET, tmp, &a4) != 1)
			return addr_err(err, s, "\"%.*s\" is not an IPv4 address", (int)n, h);
		a->family = AF_INET;
	} else {
		if (!dns_name_ok(h, n))
			return addr_err(err, s,
					"the host \"%.*s\" is neither an IP address nor a DNS name (letters, digits, '-' and '.')",
					(int)n, h);
		a->family = AF_UNSPEC;
	}
	memcpy(a->host, h, n);
	a->host[n] = '\0';
	return 0;
}

/* Splits "[v6]", "[v6]:port", "host", "host:port" or a bare v6 (user input). */
static int split_host_port(const char *s, const char *hp, size_t n, unsigned flags,
			   struct iscsi_addr *a, struct ll_error *err)
{
	const char *port = NULL, *colon;
	size_t plen = 0, hlen = n;
	bool v6 = false;
	unsigned v;
	int r;

	if (n > 0 && hp[0] == '[') {
		const char *close = memchr(hp, ']', n);

		if (!close)
			return addr_err(err, s, "the '[' before the IPv6 address has no closing ']'");
		if ((size_t)(close - hp) + 1 < n) {
			if (close[1] != ':')
				return addr_err(err, s, "only \":port\" may follow the ']' of an IPv6 address");
			port = close + 2;
			plen = n - (size_t)(port - hp);
		}
		hp++;
		hlen = (size_t)(close - hp);
		v6 = true;
	} else if ((colon = memchr(hp, ':', n)) != NULL) {
		if (memchr(colon + 1, ':', n - (size_t)(colon + 1 - hp))) {
			if (!(flags & IQN_ADDR_USER))
				return addr_err(err, s, "an IPv6 address must be written in brackets, like [fe80::1]:3260");
			v6 = true;
		} else {
			port = colon + 1;
			plen = n - (size_t)(port - hp);
			hlen = (size_t)(colon - hp);
		}
	}
	r = store_host(s, hp, hlen, v6, a, err);
	if (r < 0)
		return r;
	a->port = ISCSI_DEFAULT_PORT;
	if (port) {
		if (parse_u16(port, plen, 65535, &v) < 0 || v == 0)
			return addr_err(err, s, "the port \"%.*s\" is not a number between 1 and 65535",
					(int)plen, port);
		a->port = (uint16_t)v;
	}
	return 0;
}

int iqn_parse_address(const char *s, unsigned flags, struct iscsi_addr *out,
		      struct ll_error *err)
{
	struct iscsi_addr a = { .tpgt = ISCSI_TPGT_UNKNOWN };
	const char *comma;
	size_t n;
	unsigned v;
	int r;

	if (!s || !out)
		return ll_error_set(err, ISCSI_ERR_INVAL, "no portal address was given"), -EINVAL;
	n = strlen(s);
	if (n == 0)
		return ll_error_set(err, ISCSI_ERR_INVAL, "the portal address is empty"), -EINVAL;
	if (n > 512)
		return addr_err(err, s, "it is %zu bytes long", n);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return addr_err(err, s, "it contains the character 0x%02x at position %zu",
					(unsigned char)s[i], i + 1);
	comma = strchr(s, ',');
	if (comma) {
		size_t tlen = n - (size_t)(comma + 1 - s);

		if (parse_u16(comma + 1, tlen, 65535, &v) < 0)
			return addr_err(err, s, "the portal group tag \"%s\" is not a number between 0 and 65535",
					comma + 1);
		a.tpgt = (int)v;
		n = (size_t)(comma - s);
	}
	r = split_host_port(s, s, n, flags, &a, err);
	if (r < 0)
		return r;
	*out = a;
	return 0;
}

int iqn_format_address(const struct iscsi_addr *a, bool with_tpgt, char *buf,
		       size_t len)
{
	int n;

	if (!a || !buf)
		return -EINVAL;
	if (a->family == AF_INET6)
		n = snprintf(buf, len, "[%s]:%u", a->host, a->port);
	else
		n = snprintf(buf, len, "%s:%u", a->host, a->port);
	if (n >= 0 && (size_t)n < len && with_tpgt && a->tpgt >= 0)
		n += snprintf(buf + n, len - (size_t)n, ",%d", a->tpgt);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}
