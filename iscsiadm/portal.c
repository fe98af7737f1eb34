/* SPDX-License-Identifier: GPL-2.0-or-later */
/* portal.c: -p parsing and open-iscsi's portal text (see portal.h). */
#include <stdio.h>
#include <string.h>

#include "iscsiadm/portal.h"
#include "libiscsi-core/util.h"

/* Did the user type a port?  "[v6]:p", "v4:p", "host:p" yes; "v4", "host",
 * "[v6]" and a bare IPv6 address (two or more colons) no. */
static bool has_port(const char *s, size_t n)
{
	size_t colons = 0;

	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		return close && (size_t)(close - s) + 1 < n && close[1] == ':';
	}
	for (size_t i = 0; i < n; i++)
		colons += s[i] == ':';
	return colons == 1;
}

int portal_arg_parse(const char *s, struct portal_arg *out, struct ll_error *err)
{
	struct iscsi_addr a;
	const char *comma;
	size_t hostport_len;

	if (iqn_parse_address(s, IQN_ADDR_USER, &a, err) < 0)
		return -EINVAL;
	comma = strchr(s, ',');
	hostport_len = comma ? (size_t)(comma - s) : strlen(s);
	memset(out, 0, sizeof(*out));
	str_copy(out->address, sizeof(out->address), a.host);
	out->port = a.port;
	out->port_given = has_port(s, hostport_len);
	out->tpgt = a.tpgt;
	return 0;
}

void portal_format(char *buf, size_t len, const char *address, int port)
{
	if (strchr(address, '.'))
		snprintf(buf, len, "%s:%d", address, port);
	else
		snprintf(buf, len, "[%s]:%d", address, port);
}
