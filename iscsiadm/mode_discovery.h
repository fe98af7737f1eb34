/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mode_discovery.h: `iscsiadm -m discovery` (the legacy form: discovery
 * settings come from iscsid.conf on every run) and `-m discoverydb`
 * (explicit discovery records: -o new/delete/update/show, -D to discover
 * with the stored settings, e.g. discovery CHAP).
 */
#ifndef ISCSIADM_MODE_DISCOVERY_H
#define ISCSIADM_MODE_DISCOVERY_H

#include "iscsiadm/ctx.h"

int mode_discovery(struct ctx *c);
int mode_discoverydb(struct ctx *c);

/* Shared by both: list discovery records ("ADDR:PORT via sendtargets"), or
 * with -P 1 the SENDTARGETS/iSNS/STATIC/FIRMWARE tree. */
int disc_print_all(struct ctx *c);

/* Shared checks of -t: 0 to go on with SendTargets, else the exit code of
 * a type lunlink does not do (printed). */
int disc_check_type(struct ctx *c);

#endif
