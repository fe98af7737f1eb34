/* SPDX-License-Identifier: GPL-2.0-or-later */
/* portal.c: -p parsing and open-iscsi's portal text (see portal.h). */
#include <stdio.h>
#include <string.h>

#include "iscsiadm/portal.h"
#include "libiscsi-core/util.h"

int portal_arg_parse(const char *s, struct portal_arg *out, struct ll_error *err)
{
	struct iscsi_addr a;

	if (iqn_parse_address(s, IQN_ADDR_USER, &a, err) < 0)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	str_copy(out->address, sizeof(out->address), a.host);
	out->port = a.port;
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
