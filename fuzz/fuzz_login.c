/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_login: the login machine answered by an arbitrary target.
 *
 * Input: byte 0 selects the configuration, the rest is what the target
 * sends, cut into PDUs by their own headers (stream.h).
 *   bit 0     Discovery session (else Normal)
 *   bits 1-2  0 no CHAP, 1 one-way CHAP (MD5), 2 mutual CHAP (SHA256,MD5),
 *             3 one-way CHAP required (AuthMethod=CHAP only)
 *   bit 3     patch our ITT and ISID into every Login Response, so the
 *             fuzzer spends its time on keys rather than on matching tags
 *   bit 4     send our text in 64-byte pieces (C bit on requests)
 *   bit 5     accept only 512-byte response data segments
 * Invariants: the machine asks for a request after every LOGIN_CONTINUE or
 * LOGIN_REDIRECT and that request is a well-formed Login Request; every
 * failure comes with a message naming the target; a finished login has a
 * session handle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz/stream.h"
#include "libiscsi-core/login.h"
#include "libiscsi-core/pdu.h"
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

#define ITT 0x1000
static const uint8_t ISID[PDU_ISID_LEN] = { 0x80, 0x12, 0x34, 0x56, 0x78, 0x9a };

static const struct chap_config chap_one_way = {
	.username = "initiator", .password = "initiator-secret", .chap_algs = "MD5",
};
static const struct chap_config chap_mutual = {
	.username = "initiator", .password = "initiator-secret",
	.username_in = "target", .password_in = "target-secret-1", .chap_algs = "SHA256,MD5",
};

static void config_from(uint8_t mode, struct login_config *c)
{
	memset(c, 0, sizeof(*c));
	c->initiator_name = "iqn.2016-04.com.open-iscsi:fuzz0123abcd";
	c->target_name = "iqn.2003-01.org.example:fuzz.disk1";
	c->session_type = fuzz_bit(mode, 0) ? LOGIN_SESSION_DISCOVERY : LOGIN_SESSION_NORMAL;
	memcpy(c->portal.host, "127.0.0.1", sizeof("127.0.0.1"));
	c->portal.port = 3260;
	c->portal.tpgt = -1;
	c->portal.family = AF_INET;
	memcpy(c->isid, ISID, sizeof(ISID));
	c->itt = ITT;
	c->cmdsn = 1;
	switch ((mode >> 1) & 3) {
	case 1:
		c->chap = &chap_one_way;
		break;
	case 2:
		c->chap = &chap_mutual;
		break;
	case 3:
		c->chap = &chap_one_way;
		c->chap_required = true;
		break;
	}
	if (fuzz_bit(mode, 4))
		c->max_send_data = 64;
	if (fuzz_bit(mode, 5))
		c->max_recv_data = 512;
}

/* Our request must be a Login Request the target could read. */
static void check_request(const struct login_config *c, uint8_t *req, size_t len)
{
	uint32_t max_send = c->max_send_data ? c->max_send_data : LOGIN_DATA_DEFAULT;
	struct pdu_login_req rq;
	struct pdu_view v;

	if (pdu_parse(req, len, max_send, &v, NULL) != PDU_OK ||
	    pdu_login_req_decode(req, &rq, NULL) != PDU_OK ||
	    rq.itt != ITT || memcmp(rq.isid, ISID, PDU_ISID_LEN) != 0 ||
	    (rq.transit && rq.cont))
		abort();
	secure_zero(req, len);
	free(req);
}

/* A copy of the PDU, with our tags patched in when asked. */
static uint8_t *response(uint8_t mode, const uint8_t *pdu, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		abort();
	memcpy(copy, pdu, len);
	if (fuzz_bit(mode, 3) && len >= PDU_BHS_LEN &&
	    (copy[PDU_OFF_OPCODE] & PDU_OPCODE_MASK) == PDU_OP_LOGIN_RSP) {
		put_be32(copy + PDU_OFF_ITT, ITT);
		memcpy(copy + PDU_OFF_LOGIN_ISID, ISID, PDU_ISID_LEN);
	}
	return copy;
}

static void check_end(struct login_ctx *ctx, enum login_step s, const struct ll_error *e)
{
	struct neg_params p;

	if (s == LOGIN_DONE) {
		login_get_params(ctx, &p);
		if (!login_tsih(ctx) || login_get_state(ctx) != LOGIN_S_FULL_FEATURE)
			abort();
	} else if (s == LOGIN_FAILED) {
		if (!e->code || !strstr(e->msg, "login to ") ||
		    login_get_state(ctx) != LOGIN_S_FAILED)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ll_error e = { 0 };
	struct login_config c;
	struct login_ctx *ctx;
	struct stream st;
	enum login_step s = LOGIN_CONTINUE;

	if (size < 1)
		return 0;
	config_from(data[0], &c);
	ctx = login_new(&c, &e);
	if (!ctx)
		abort();   /* the configuration is valid */
	stream_init(&st, data + 1, size - 1);
	while (s == LOGIN_CONTINUE || s == LOGIN_REDIRECT) {
		const uint8_t *pdu;
		uint8_t *req, *rsp;
		size_t len, rlen;

		if (login_next_request(ctx, &req, &rlen) < 0)
			abort();   /* the machine stalled */
		check_request(&c, req, rlen);
		if (!stream_next(&st, &pdu, &len))
			break;
		rsp = response(data[0], pdu, len);
		memset(&e, 0, sizeof(e));
		s = login_handle_response(ctx, rsp, len, &e);
		free(rsp);
		if (verbose)
			fprintf(stderr, "login: %zu-byte PDU -> step %d, state %s %s\n", len, s,
				login_state_str(login_get_state(ctx)), e.msg);
		check_end(ctx, s, &e);
	}
	login_free(ctx);
	return 0;
}
