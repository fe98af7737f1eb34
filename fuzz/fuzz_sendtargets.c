/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_sendtargets: the SendTargets answer parser and the exchange.
 *
 * Input: byte 0 selects what runs:
 *   bit 0 set  st_parse_response() on the rest (the joined text);
 *   bit 0 clr  an exchange: the rest is what the target sends, cut into
 *              PDUs by their headers (stream.h); bit 1 patches our ITT
 *              into Text Responses; bit 2 declares a 512-byte receive
 *              limit instead of 8192.
 * Invariants: every target kept has a valid name and 1..ST_MAX_PORTALS
 * portals; warnings are bounded; errors carry a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz/stream.h"
#include "libiscsi-core/pdu.h"
#include "libiscsi-core/sendtargets.h"
#include "libiscsi-core/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FUZZ_VERBOSE=1 traces each step (to check seeds and triage crashes). */
static bool verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	return 0;
}

#define ITT 0x2000

static const struct iscsi_addr disc = {
	.host = "192.0.2.1", .port = 3260, .tpgt = -1, .family = AF_INET,
};

static void check_result(const struct st_result *r)
{
	if (r->nwarnings > ST_MAX_WARNINGS || r->ntargets > ST_MAX_TARGETS)
		abort();
	for (size_t i = 0; i < r->ntargets; i++) {
		const struct st_target *t = &r->targets[i];
		char buf[ISCSI_HOST_MAX + 32];

		if (iqn_validate(t->name, NULL) < 0 || t->nportals == 0 ||
		    t->nportals > ST_MAX_PORTALS)
			abort();
		for (size_t j = 0; j < t->nportals; j++)
			if (iqn_format_address(&t->portals[j], true, buf, sizeof(buf)) < 0)
				abort();
	}
	for (size_t i = 0; i < r->nwarnings; i++)
		if (!r->warnings[i] || !r->warnings[i][0])
			abort();
}

static void parse_only(const uint8_t *data, size_t size)
{
	struct st_result r;

	if (st_parse_response(data, size, &disc, &r, NULL) < 0)
		return;
	check_result(&r);
	st_result_free(&r);
}

static uint8_t *response(uint8_t mode, const uint8_t *pdu, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		abort();
	memcpy(copy, pdu, len);
	if (fuzz_bit(mode, 1) && len >= PDU_BHS_LEN &&
	    (copy[PDU_OFF_OPCODE] & PDU_OPCODE_MASK) == PDU_OP_TEXT_RSP)
		put_be32(copy + PDU_OFF_ITT, ITT);
	return copy;
}

static void exchange(uint8_t mode, const uint8_t *data, size_t size)
{
	struct st_config cfg = {
		.itt = ITT, .cmdsn = 2, .expstatsn = 1, .discovery = disc,
		.max_recv_data = fuzz_bit(mode, 2) ? 512 : 8192,
	};
	struct ll_error e = { 0 };
	struct st_exchange *x = st_exchange_new(&cfg, &e);
	enum st_step s = ST_MORE;
	struct stream st;

	if (!x)
		abort();
	stream_init(&st, data, size);
	while (s == ST_MORE) {
		const uint8_t *pdu;
		uint8_t *req, *rsp;
		size_t len, rlen;

		if (st_next_request(x, &req, &rlen, NULL) < 0)
			abort();   /* ST_MORE promised a request */
		free(req);
		if (!stream_next(&st, &pdu, &len))
			break;
		rsp = response(mode, pdu, len);
		memset(&e, 0, sizeof(e));
		s = st_handle_response(x, rsp, len, &e);
		free(rsp);
		if (verbose)
			fprintf(stderr, "sendtargets: %zu-byte PDU -> step %d %s\n", len, s, e.msg);
		if (s == ST_ERROR && (!e.code || !e.msg[0]))
			abort();
	}
	if (s == ST_DONE) {
		struct st_result r;

		if (st_take_result(x, &r) < 0)
			abort();
		check_result(&r);
		if (verbose)
			fprintf(stderr, "sendtargets: %zu targets, %zu warnings\n", r.ntargets, r.nwarnings);
		st_result_free(&r);
	}
	st_exchange_free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (fuzz_bit(data[0], 0))
		parse_only(data + 1, size - 1);
	else
		exchange(data[0], data + 1, size - 1);
	return 0;
}
