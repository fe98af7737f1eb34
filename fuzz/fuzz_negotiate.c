/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_negotiate: the operational key negotiator fed a target's keys.
 *
 * Input: byte 0 selects our configuration (bit 0 discovery session,
 * bits 1-2 header digest, bits 3-4 data digest, bit 5 ImmediateData=No,
 * bit 6 InitialR2T=No, bit 7 small MaxRecvDataSegmentLength); the rest
 * is the data segments of successive login responses, cut at 0xff bytes.
 * Each one goes through text_parse() and neg_handle_keys(), the way the
 * login machine does; our answers are encoded as they would be sent.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz/stream.h"
#include "libiscsi-core/negotiate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void config_from(uint8_t mode, struct neg_config *cfg)
{
	neg_config_defaults(cfg);
	cfg->header_digest = (enum neg_digest_pref)((mode >> 1) & 3);
	cfg->data_digest = (enum neg_digest_pref)((mode >> 3) & 3);
	if (fuzz_bit(mode, 5))
		cfg->immediate_data = false;
	if (fuzz_bit(mode, 6))
		cfg->initial_r2t = false;
	if (fuzz_bit(mode, 7))
		cfg->max_recv_dsl = 512;
}

/* One response's keys; false when the negotiation failed. */
static bool one_response(struct neg_ctx *ctx, const uint8_t *seg, size_t len)
{
	struct ll_error e = { 0 };
	struct text_list in, reply;
	uint8_t *enc;
	size_t elen;
	bool ok = true;

	text_list_init(&in);
	text_list_init(&reply);
	if (text_parse(&in, seg, len, NULL) < 0) {
		ok = false;
	} else if (neg_handle_keys(ctx, &in, &reply, &e) < 0) {
		if (!e.msg[0])
			abort();
		ok = false;
	} else if (text_encode(&reply, &enc, &elen) == 0) {
		free(enc);
	}
	text_list_free(&in);
	text_list_free(&reply);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct neg_config cfg;
	struct neg_params p;
	struct neg_ctx ctx;
	struct text_list offer;
	size_t off = 1;
	bool ok = true;

	if (size < 1)
		return 0;
	config_from(data[0], &cfg);
	if (neg_init(&ctx, &cfg, fuzz_bit(data[0], 0), NULL) < 0)
		abort();  /* our own configuration is always valid */
	text_list_init(&offer);
	if (neg_build_offer(&ctx, &offer) < 0)
		abort();
	text_list_free(&offer);
	while (off < size) {
		const uint8_t *cut = memchr(data + off, 0xff, size - off);
		size_t n = cut ? (size_t)(cut - (data + off)) : size - off;

		if (!one_response(&ctx, data + off, n)) {
			ok = false;
			break;
		}
		off += n + 1;
	}
	neg_result(&ctx, &p);
	/* Agreed values stay in their RFC ranges whatever the target said... */
	if (p.max_xmit_dsl < 512 || p.max_xmit_dsl > 16777215 ||
	    p.max_burst < 512 || p.first_burst < 512 ||
	    p.erl > 2 || p.max_connections < 1 ||
	    strnlen(p.target_alias, sizeof(p.target_alias)) == sizeof(p.target_alias) ||
	    strnlen(p.target_address, sizeof(p.target_address)) == sizeof(p.target_address))
		abort();
	/* ...and a successful negotiation never lets unsolicited data exceed a burst. */
	if (ok && neg_complete(&ctx) && (!p.initial_r2t || p.immediate_data) &&
	    p.first_burst > p.max_burst)
		abort();
	return 0;
}
