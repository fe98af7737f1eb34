/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c: iscsiadm, a drop-in for open-iscsi's: options -> one mode
 * function -> open-iscsi exit code.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "iscsiadm/ctx.h"
#include "iscsiadm/json_out.h"
#include "iscsiadm/mode_discovery.h"
#include "iscsiadm/mode_fw.h"
#include "iscsiadm/mode_host.h"
#include "iscsiadm/mode_iface.h"
#include "iscsiadm/mode_node.h"
#include "iscsiadm/mode_session.h"
#include "iscsiadm/opts.h"

static int (*const mode_fn[MODE_MAX_])(struct ctx *c) = {
	[MODE_DISCOVERY] = mode_discovery,
	[MODE_DISCOVERYDB] = mode_discoverydb,
	[MODE_NODE] = mode_node,
	[MODE_SESSION] = mode_session,
	[MODE_HOST] = mode_host,
	[MODE_IFACE] = mode_iface,
	[MODE_FW] = mode_fw,
};

int main(int argc, char **argv)
{
	struct opts o;
	struct ctx c;
	int rc;

	/* Records hold CHAP secrets: nothing we create is for others. */
	umask(0077);
	rc = opts_parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (o.killiscsid < 0 && (rc = opts_check_params(&o)))
		return rc;
	if ((rc = json_check_opts(&o)))
		return rc;
	ctx_init(&c, &o);
	if (o.killiscsid >= 0)
		rc = kill_iscsid(&c, o.killiscsid);
	else
		rc = mode_fn[o.mode](&c);
	ctx_free(&c);
	fflush(stdout);
	return rc;
}
