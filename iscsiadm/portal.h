/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * portal.h: the -p argument ("ip", "ip:port", "[v6]:port", "v6",
 * "host:port,tpgt").
 *
 * A -p without a port means 3260, when matching records as when creating
 * one (open-iscsi 2.1.8's `-m node -p ADDR` does not list ADDR's records on
 * other ports); the tpgt is ignored when matching.  Nothing allocates.
 */
#ifndef ISCSIADM_PORTAL_H
#define ISCSIADM_PORTAL_H

#include <stdbool.h>
#include <stddef.h>

#include "libiscsi-core/errors.h"
#include "libiscsi-core/iqn.h"

struct portal_arg {
	char address[ISCSI_HOST_MAX];  /* without brackets */
	int port;                      /* as given, or 3260 */
	int tpgt;                      /* -1 when not given */
};

/* 0, or -EINVAL with err (ISCSI_ERR_INVAL) saying what is wrong. */
int portal_arg_parse(const char *s, struct portal_arg *out, struct ll_error *err);

/* open-iscsi's portal text: "addr:port", or "[addr]:port" when the address
 * has no '.' (IPv6, and also dot-less host names, as open-iscsi does). */
void portal_format(char *buf, size_t len, const char *address, int port);

#endif
