/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_adopt.h: taking over sessions already in the kernel (session_adopt.c). */
#ifndef ISCSID_SESSION_ADOPT_H
#define ISCSID_SESSION_ADOPT_H

#include "libiscsi-core/errors.h"

struct daemon;

/* Adopts the kernel session sid (iscsid restart); 0 when it is ours already. */
int session_adopt(struct daemon *d, unsigned sid, struct ll_error *err);
/* Adopts every kernel session found in sysfs. */
int sessions_adopt_all(struct daemon *d);

#endif
