/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iqn.h: iSCSI names and portal addresses, checked before use.
 *
 * Target names and TargetAddress values arrive from the network (discovery,
 * login redirection) and later become directory names in the node database
 * and lines in record files, so they are validated here against the RFC
 * 3720/3722 formats, and an error says exactly what is wrong.  The same
 * address parser reads portals typed by users ("10.0.0.1", "host:3261",
 * "[fe80::1]:3260,1", and with IQN_ADDR_USER also a bare "fe80::1").
 *
 * Nothing here allocates; results go into caller-provided buffers.
 */
#ifndef LUNLINK_IQN_H
#define LUNLINK_IQN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libiscsi-core/errors.h"

#define IQN_NAME_MAX 223                 /* RFC 3720 3.2.6.1 */
#define IQN_DEFAULT_PREFIX "iqn.2016-04.com.open-iscsi"
#define ISCSI_DEFAULT_PORT 3260
#define ISCSI_HOST_MAX 256               /* DNS name (253) or IPv6 with zone, plus NUL */
#define ISCSI_TPGT_UNKNOWN (-1)

/*
 * Checks an iSCSI name: "iqn.YYYY-MM.reversed.domain[:unique]",
 * "eui." + 16 hex digits, or "naa." + 16 or 32 hex digits; at most 223
 * bytes of a-z, 0-9, '-', '.', ':' (upper-case ASCII is accepted because
 * RFC 3722 stringprep folds it to lower case; other non-ASCII is refused).
 * Returns 0, or -EINVAL with err (ISCSI_ERR_INVAL) naming the problem.
 */
int iqn_validate(const char *name, struct ll_error *err);

/*
 * Writes "<prefix>:<12 random hex digits>" like iscsi-iname; prefix NULL
 * means IQN_DEFAULT_PREFIX.  Returns 0, -EINVAL (prefix is not a valid
 * name), -ENAMETOOLONG (buf too small or name > 223) or -errno of getrandom.
 */
int iqn_generate(const char *prefix, char *buf, size_t len);

/*
 * Copies an untrusted string into out for use in messages: printable ASCII
 * is kept, anything else becomes \xNN, and long input is cut with "...".
 */
void iqn_printable(const char *in, char *out, size_t outlen);
#define IQN_PRINTABLE_MAX 128

/* A portal: host without brackets, port, and tpgt (-1 when absent). */
struct iscsi_addr {
	char host[ISCSI_HOST_MAX];
	uint16_t port;
	int tpgt;
	int family;          /* AF_INET, AF_INET6, or AF_UNSPEC for a DNS name */
};

enum iqn_addr_flags {
	IQN_ADDR_USER = 1 << 0,  /* typed by a user: a bare IPv6 address is fine */
};

/*
 * Parses "host[:port][,tpgt]" where host is dotted IPv4, [IPv6] (zone
 * "%ifname" allowed) or a DNS name; port 1..65535 (default 3260), tpgt
 * 0..65535.  Returns 0, or -EINVAL with err (ISCSI_ERR_INVAL) saying what
 * is wrong; out is only written on success.
 */
int iqn_parse_address(const char *s, unsigned flags, struct iscsi_addr *out,
		      struct ll_error *err);

/*
 * Formats "host:port" ("[v6]:port" for IPv6) and ",tpgt" when with_tpgt
 * and tpgt >= 0.  Returns 0 or -ENAMETOOLONG.
 */
int iqn_format_address(const struct iscsi_addr *a, bool with_tpgt, char *buf,
		       size_t len);

#endif
