/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_reap.h: kernel sessions a logout left for the kernel to destroy
 * in the background, and the logout requests that wait for them.
 *
 * The blocking DESTROY_SESSION request ends, on Linux 6.1, by freeing the
 * SCSI host, and scsi_host_dev_release() waits there in rcu_barrier() for
 * an RCU grace period: ~10 ms a session in the test VM with the CPU idle,
 * under the transport class's one netlink mutex, so a --logoutall of N
 * waited N of them one after another (bench/README.md, "--logoutall: can
 * the kernel's work overlap?").  DESTROY_SESSION_ASYNC does the same work
 * on the kernel's unbound workqueue, several sessions at a time, whose
 * rcu_barrier() calls share grace periods.  The logout is answered when
 * the kernel's DESTROY_SESSION event says the session is gone (its sysfs
 * session and SCSI host are removed by then), as the blocking request did,
 * or after REAP_TIMEOUT_S at the latest.
 */
#ifndef ISCSID_SESSION_REAP_H
#define ISCSID_SESSION_REAP_H

#include <stdbool.h>
#include <stdint.h>

#include "iscsid/control.h"

struct daemon;

#define REAP_TIMEOUT_S 30

/*
 * Asks the kernel to destroy session sid in the background and answers req
 * (may be NULL) once the kernel reports it gone.  false when the kernel
 * refused (a kernel without the request): the caller destroys the session
 * the blocking way and answers req itself.
 */
bool session_reap(struct daemon *d, uint32_t sid, struct request *req);

/* sid is being destroyed: it must not be adopted again from sysfs. */
bool session_reaping(struct daemon *d, uint32_t sid);

/* The kernel's DESTROY_SESSION event: answers the request waiting on sid. */
void session_reaped(struct daemon *d, uint32_t sid);

/* iscsid stops: the waiting requests are answered, the records freed. */
void session_reap_release_all(struct daemon *d);

#endif
