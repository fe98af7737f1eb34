/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_req.h: handlers of session requests from iscsiadm. */
#ifndef ISCSID_SESSION_REQ_H
#define ISCSID_SESSION_REQ_H

#include "iscsid/control.h"
#include "libiscsi-core/errors.h"

struct daemon;

/* Opens the kernel interface on first use (loads iscsi_tcp). */
int daemon_kernel(struct daemon *d, struct ll_error *err);
void session_handle_login(struct daemon *d, struct request *req);
void session_handle_logout(struct daemon *d, struct request *req);
void session_handle_rescan(struct daemon *d, struct request *req);
void session_handle_info(struct daemon *d, struct request *req);
/* session_adopt.c: adopt every kernel session found in sysfs. */
int sessions_adopt_all(struct daemon *d);

#endif
