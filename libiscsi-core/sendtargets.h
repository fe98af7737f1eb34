/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sendtargets.h: SendTargets discovery (RFC 7143 section 13.8, appendix C)
 * as a pure state object.
 *
 * After a Discovery-session login, the caller creates an exchange, sends
 * the bytes st_next_request() gives, feeds every received PDU to
 * st_handle_response(), and repeats while it answers ST_MORE.  Long
 * answers come in several Text Responses (F bit clear, a target transfer
 * tag to echo, possibly the C bit when a key=value is split); the
 * exchange asks for the rest with empty Text Requests and joins the data,
 * bounded by TEXT_ACCUM_MAX bytes and ST_MAX_PDUS responses.
 *
 * The joined list is untrusted: every TargetName must be a valid iSCSI
 * name and every TargetAddress a valid "host[:port][,tpgt]".  A bad name
 * drops that target (and its addresses), a bad address drops that address;
 * the other targets are kept and each problem becomes a warning sentence
 * naming the discovery portal and the (escaped) bad value.
 *
 * A TargetName without any TargetAddress means the target is reached
 * through the discovery portal itself (RFC 7143 appendix C); it gets the
 * discovery portal's host and port and tpgt ISCSI_TPGT_UNKNOWN (-1), as
 * open-iscsi records it, because the portal group tag is not known.
 *
 * Memory: the exchange owns everything until st_take_result() moves the
 * result to the caller, who frees it with st_result_free().  PDUs returned
 * by st_next_request() are malloc'd and freed by the caller.
 */
#ifndef LUNLINK_SENDTARGETS_H
#define LUNLINK_SENDTARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libiscsi-core/errors.h"
#include "libiscsi-core/iqn.h"

#define ST_MAX_PDUS 1024           /* Text Responses in one exchange */
#define ST_MAX_KEYS 16384          /* key=value items in the joined response */
#define ST_MAX_TARGETS 4096
#define ST_MAX_PORTALS 64          /* per target */
#define ST_MAX_WARNINGS 32         /* further problems are counted, not kept */

struct st_target {
	char name[IQN_NAME_MAX + 1];
	size_t nportals;
	struct iscsi_addr *portals;
	bool via_discovery_portal;   /* no TargetAddress was given */
};

struct st_result {
	struct st_target *targets;
	size_t ntargets;
	char **warnings;             /* sentences, each malloc'd */
	size_t nwarnings;
	size_t nwarnings_dropped;    /* problems beyond ST_MAX_WARNINGS */
};

struct st_config {
	uint32_t itt;
	uint32_t cmdsn;              /* next CmdSN (the login's CmdSN) */
	uint32_t expstatsn;          /* last login response's StatSN + 1 */
	uint32_t max_recv_data;      /* our MaxRecvDataSegmentLength; 0 = 8192 */
	const char *query;           /* SendTargets value; NULL = "All" */
	struct iscsi_addr discovery; /* portal of this discovery session */
};

enum st_step {
	ST_ERROR = -1,
	ST_MORE = 0,                 /* send st_next_request() and wait again */
	ST_DONE = 1,                 /* result ready: st_take_result() */
};

struct st_exchange;

struct st_exchange *st_exchange_new(const struct st_config *cfg, struct ll_error *err);
void st_exchange_free(struct st_exchange *x);

/* Next Text Request to send (malloc'd, caller frees); -EINVAL when none is due. */
int st_next_request(struct st_exchange *x, uint8_t **pdu, size_t *len,
		    struct ll_error *err);

/* Feeds one whole received PDU. */
enum st_step st_handle_response(struct st_exchange *x, const uint8_t *pdu,
				size_t len, struct ll_error *err);

/* Moves the result out (valid once after ST_DONE); -EINVAL otherwise. */
int st_take_result(struct st_exchange *x, struct st_result *out);

/* Sequence numbers to continue the session with (e.g. for the Logout). */
uint32_t st_cmdsn(const struct st_exchange *x);
uint32_t st_expstatsn(const struct st_exchange *x);

/*
 * Parses a joined SendTargets text (NUL-separated key=value items) into
 * out.  Problems with single targets become warnings; only out-of-memory
 * fails (-ENOMEM).  Usable without an exchange (e.g. tests, offload).
 */
int st_parse_response(const uint8_t *text, size_t len,
		      const struct iscsi_addr *discovery, struct st_result *out,
		      struct ll_error *err);

void st_result_free(struct st_result *r);

#endif
