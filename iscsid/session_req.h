/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session_req.h: handlers of session requests from iscsiadm. */
#ifndef ISCSID_SESSION_REQ_H
#define ISCSID_SESSION_REQ_H

#include "iscsid/control.h"

struct daemon;

void session_handle_login(struct daemon *d, struct request *req);
void session_handle_logout(struct daemon *d, struct request *req);
void session_handle_rescan(struct daemon *d, struct request *req);
void session_handle_info(struct daemon *d, struct request *req);

#endif
