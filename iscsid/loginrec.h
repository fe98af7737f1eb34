/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loginrec.h: from a node or discovery record (as iscsiadm sent it) to the
 * login machine's configuration.
 *
 * struct login_params owns copies of every string the login needs
 * (including CHAP secrets); loginrec_clear() zeroes them.  The embedded
 * login_config points into the same struct, so a login_params must not be
 * copied or moved after it is filled.
 */
#ifndef ISCSID_LOGINREC_H
#define ISCSID_LOGINREC_H

#include <stdint.h>

#include "db/record.h"
#include "iscsid/tcpconn.h"
#include "libiscsi-core/ipc.h"
#include "libiscsi-core/login.h"

struct login_params {
	struct login_config cfg;
	struct chap_config chap;
	struct neg_config neg;
	char initiator_name[IQN_NAME_MAX + 1];
	char target_name[IQN_NAME_MAX + 1];
	char iface[REC_VALUE_MAX + 1];
	char username[REC_VALUE_MAX + 1], password[REC_VALUE_MAX + 1];
	char username_in[REC_VALUE_MAX + 1], password_in[REC_VALUE_MAX + 1];
	char chap_algs[REC_VALUE_MAX + 1];
	unsigned login_timeout;    /* seconds for the connect and each login answer */
	unsigned auth_timeout;     /* seconds for each answer while authenticating */
	unsigned active_timeout;   /* discovery: seconds for each SendTargets answer */
	unsigned logout_timeout;
	unsigned reopen_max;
	struct tcpconn_opts tcp;   /* node.conn[0].tcp.* (discovery: defaults) */
};

/*
 * Builds a record of `kind` from the IPC_A_KV attributes of a request.
 * Keys the kind does not have are ignored unless they are unknown to every
 * kind; a bad value fails with a message naming the key.
 */
int loginrec_rec_from_msg(const struct ipc_msg *m, enum rec_kind kind, struct rec **out,
			  struct ll_error *err);

/* Normal session login from a node record.  The initiator name is the
 * record's iface.initiatorname, else iname (may be NULL), else
 * initiatorname.iscsi (generated when missing). */
int loginrec_from_node(struct login_params *p, const struct rec *node, const char *iname,
		       unsigned session_index, struct ll_error *err);
/* Discovery session login from a sendtargets discovery record and the
 * iface it goes through (-I; NULL: unbound); iname as above. */
int loginrec_from_discovery(struct login_params *p, const struct rec *disc,
			    const struct rec *iface, const char *iname, struct ll_error *err);
void loginrec_clear(struct login_params *p);

/*
 * How long to wait for the next login answer in login state st: after the
 * target answered once, the security (CHAP) stage may take auth_timeout
 * (a target may ask a RADIUS server); everything else login_timeout.
 * Never 0 (15 s when the record says 0).
 */
unsigned loginrec_step_timeout(const struct login_params *p, enum login_state st);

/*
 * Logs at notice level, one line per key, every key of r set away from its
 * default that iscsid does not act on (the key table's effect column).
 * Called once per session and once per discovery; `who` starts the lines.
 */
void loginrec_report_ineffective(const struct rec *r, const char *who);

/*
 * ISID of type "random" (RFC 7143 10.12.5): the "random" part is derived
 * from the initiator name, target, portal, iface and session index with
 * SHA-256, so the same node always gets the same ISID (what RFC 7143 asks
 * for: stable per initiator-portal/target pair) while different nodes get
 * unrelated ones.
 */
void loginrec_isid(const char *iname, const char *target, const char *portal,
		   const char *iface, unsigned session_index, uint8_t isid[6]);
/* Sets p->cfg.isid for the node's session number session_index (0 for
 * the first of node.session.nr_sessions). */
void loginrec_set_session_index(struct login_params *p, unsigned session_index);

#endif
