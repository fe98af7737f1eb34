/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Drives the login machine with a scripted fake target: every test sends
 * the initiator's requests through the PDU decoder and answers with
 * crafted Login Responses.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "libiscsi-core/chap.h"
#include "libiscsi-core/login.h"
#include "libiscsi-core/pdu.h"
#include "libiscsi-core/text.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

#define INITIATOR "iqn.2016-04.com.open-iscsi:0123456789ab"
#define TARGET "iqn.2003-01.org.example:disk1"
#define ITT 0x77
#define SECRET "initiatorsecret1"
#define SECRET_IN "targetsecret0002"

static const uint8_t ISID[6] = { 0x00, 0x02, 0x3d, 0x00, 0x00, 0x01 };

struct fake {
	struct login_ctx *ctx;
	struct ll_error err;
	struct pdu_login_req rq;     /* last request */
	size_t rq_dlen;
	struct text_list keys;       /* keys of the last request */
	uint32_t statsn;
	/* mutual CHAP: what the initiator challenged us with */
	uint8_t ichal[CHAP_BINARY_MAX];
	size_t ichal_len;
	unsigned iid;
};

static struct chap_config one_way = {
	.username = "alice", .password = SECRET, .chap_algs = "MD5",
};

static struct chap_config mutual = {
	.username = "alice", .password = SECRET, .username_in = "tgt",
	.password_in = SECRET_IN, .chap_algs = "SHA256,MD5",
};

static struct login_config base_config(void)
{
	struct login_config c = {
		.initiator_name = INITIATOR, .target_name = TARGET,
		.session_type = LOGIN_SESSION_NORMAL,
		.portal = { .host = "127.0.0.1", .port = 3260, .tpgt = -1, .family = AF_INET },
		.cid = 0, .itt = ITT, .cmdsn = 1, .expstatsn = 0,
	};

	memcpy(c.isid, ISID, sizeof(ISID));
	return c;
}

static void fake_start(struct fake *f, const struct login_config *cfg)
{
	memset(f, 0, sizeof(*f));
	text_list_init(&f->keys);
	f->statsn = 100;
	f->ctx = login_new(cfg, &f->err);
	ck_assert_msg(f->ctx != NULL, "login_new: %s", f->err.msg);
}

static void fake_stop(struct fake *f)
{
	text_list_free(&f->keys);
	login_free(f->ctx);
}

/* Takes the initiator's next request and decodes it. */
static void take_request(struct fake *f)
{
	struct ll_error err = { 0 };
	struct pdu_view v;
	uint8_t *p;
	size_t len;

	ck_assert_int_eq(login_next_request(f->ctx, &p, &len), 0);
	ck_assert_int_eq(pdu_parse(p, len, 8192, &v, &err), PDU_OK);
	ck_assert_int_eq(pdu_login_req_decode(p, &f->rq, &err), PDU_OK);
	ck_assert_uint_eq(p[0], 0x43);   /* Login Request, I bit set */
	f->rq_dlen = v.data_len;
	text_list_free(&f->keys);
	ck_assert_int_eq(text_parse(&f->keys, v.data, v.data_len, &err), 0);
	free(p);
}

static void rsp_init(struct fake *f, struct pdu_login_rsp *h, bool t, uint8_t csg, uint8_t nsg)
{
	memset(h, 0, sizeof(*h));
	h->transit = t;
	h->csg = csg;
	h->nsg = t ? nsg : 0;
	memcpy(h->isid, f->rq.isid, 6);
	h->itt = f->rq.itt;
	h->statsn = f->statsn++;
	h->expcmdsn = f->rq.cmdsn;
	h->maxcmdsn = f->rq.cmdsn + 16;
}

static enum login_step send_raw(struct fake *f, const struct pdu_login_rsp *h,
				const uint8_t *data, size_t dlen)
{
	uint8_t bhs[PDU_BHS_LEN], *p;
	size_t len;
	enum login_step s;

	pdu_login_rsp_encode(bhs, h);
	ck_assert_int_eq(pdu_assemble(bhs, data, dlen, &p, &len), 0);
	s = login_handle_response(f->ctx, p, len, &f->err);
	free(p);
	return s;
}

/* Joins NULL-terminated "k=v" strings into a data segment. */
static size_t vjoin(uint8_t *buf, size_t cap, va_list ap)
{
	size_t n = 0;
	const char *kv;

	while ((kv = va_arg(ap, const char *)) != NULL) {
		size_t l = strlen(kv) + 1;

		ck_assert_uint_le(n + l, cap);
		memcpy(buf + n, kv, l);
		n += l;
	}
	return n;
}

static enum login_step respond(struct fake *f, bool t, unsigned csg, unsigned nsg, ...)
{
	struct pdu_login_rsp h;
	uint8_t buf[8192];
	size_t n;
	va_list ap;

	va_start(ap, nsg);
	n = vjoin(buf, sizeof(buf), ap);
	va_end(ap);
	rsp_init(f, &h, t, (uint8_t)csg, (uint8_t)nsg);
	return send_raw(f, &h, buf, n);
}

static enum login_step respond_status(struct fake *f, unsigned cls, unsigned det, ...)
{
	struct pdu_login_rsp h;
	uint8_t buf[1024];
	size_t n;
	va_list ap;

	va_start(ap, det);
	n = vjoin(buf, sizeof(buf), ap);
	va_end(ap);
	rsp_init(f, &h, false, f->rq.csg, 0);
	h.status_class = (uint8_t)cls;
	h.status_detail = (uint8_t)det;
	return send_raw(f, &h, buf, n);
}

/* Keys of the first request that name the login, not offers to answer. */
static const char *const login_names[] = {
	"InitiatorName", "InitiatorAlias", "SessionType", "TargetName",
};

static bool is_login_name(const char *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(login_names); i++)
		if (streq(k, login_names[i]))
			return true;
	return false;
}

/*
 * The target's answer to every operational key of the last request: the
 * first value offered (a valid result for each type), then extra "k=v"
 * (or NULL).  Returns the length of the data segment.
 */
static size_t operational_text(const struct fake *f, uint8_t *buf, size_t cap, const char *extra)
{
	size_t n = 0;
	int w;

	for (size_t i = 0; i < f->keys.n; i++) {
		const char *k = f->keys.items[i].key, *v = f->keys.items[i].value;

		if (is_login_name(k))
			continue;
		if (streq(k, "MaxRecvDataSegmentLength"))
			v = "65536";
		w = snprintf((char *)buf + n, cap - n, "%s=%.*s", k, (int)strcspn(v, ","), v);
		ck_assert(w > 0 && (size_t)w < cap - n);
		n += (size_t)w + 1;
	}
	if (extra) {
		w = snprintf((char *)buf + n, cap - n, "%s", extra);
		ck_assert(w > 0 && (size_t)w < cap - n);
		n += (size_t)w + 1;
	}
	return n;
}

static enum login_step answer_operational_with(struct fake *f, bool t, uint16_t tsih,
					       const char *extra)
{
	struct pdu_login_rsp h;
	uint8_t buf[4096];
	size_t n = operational_text(f, buf, sizeof(buf), extra);

	rsp_init(f, &h, t, PDU_STAGE_OPERATIONAL, PDU_STAGE_FULL_FEATURE);
	h.tsih = tsih;
	return send_raw(f, &h, buf, n);
}

static enum login_step answer_operational(struct fake *f, bool t, uint16_t tsih)
{
	return answer_operational_with(f, t, tsih, NULL);
}

static bool has_security_key(const struct text_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strncmp(l->items[i].key, "AuthMethod", 10) ||
		    !strncmp(l->items[i].key, "CHAP_", 5))
			return true;
	return false;
}

/*
 * Without credentials the first request is already in the operational
 * stage (RFC 7143 6.3), asking for the full feature phase, with no
 * AuthMethod and the operational offer.
 */
static void first_operational(struct fake *f)
{
	take_request(f);
	ck_assert_uint_eq(f->rq.csg, PDU_STAGE_OPERATIONAL);
	ck_assert_uint_eq(f->rq.nsg, PDU_STAGE_FULL_FEATURE);
	ck_assert(f->rq.transit && !f->rq.cont);
	ck_assert_str_eq(f->keys.items[0].key, "InitiatorName");
	ck_assert_ptr_null(text_list_get(&f->keys, "AuthMethod"));
	ck_assert(!has_security_key(&f->keys));
	ck_assert_ptr_nonnull(text_list_get(&f->keys, "HeaderDigest"));
	ck_assert_ptr_nonnull(text_list_get(&f->keys, "MaxRecvDataSegmentLength"));
	ck_assert_int_eq(login_get_state(f->ctx), LOGIN_S_OPERATIONAL);
}

/*
 * With credentials (one_way): the security stage, where the target picks
 * AuthMethod=None; the initiator then asks to leave and the target agrees.
 */
static void security_none(struct fake *f)
{
	take_request(f);
	ck_assert_uint_eq(f->rq.csg, PDU_STAGE_SECURITY);
	ck_assert_str_eq(text_list_get(&f->keys, "AuthMethod"), "CHAP,None");
	ck_assert(!f->rq.transit);
	ck_assert_int_eq(respond(f, false, 0, 0, "AuthMethod=None", "TargetPortalGroupTag=1", NULL),
			 LOGIN_CONTINUE);
	take_request(f);
	ck_assert_uint_eq(f->rq.csg, PDU_STAGE_SECURITY);
	ck_assert(f->rq.transit);
	ck_assert_uint_eq(f->rq.nsg, PDU_STAGE_OPERATIONAL);
	ck_assert_uint_eq(f->keys.n, 0);
	ck_assert_int_eq(respond(f, true, 0, 1, NULL), LOGIN_CONTINUE);
	ck_assert_int_eq(login_get_state(f->ctx), LOGIN_S_OPERATIONAL);
	ck_assert(!login_used_chap(f->ctx));
}

static void operational_done(struct fake *f)
{
	take_request(f);
	ck_assert_uint_eq(f->rq.csg, PDU_STAGE_OPERATIONAL);
	ck_assert_uint_eq(f->rq.nsg, PDU_STAGE_FULL_FEATURE);
	ck_assert(f->rq.transit);
	ck_assert_int_eq(answer_operational(f, true, 0x1234), LOGIN_DONE);
	ck_assert_int_eq(login_get_state(f->ctx), LOGIN_S_FULL_FEATURE);
}

static void assert_failed(struct fake *f, enum login_step s, int code, const char *why)
{
	uint8_t *p;
	size_t len;

	ck_assert_int_eq(s, LOGIN_FAILED);
	ck_assert_int_eq(login_get_state(f->ctx), LOGIN_S_FAILED);
	ck_assert_int_eq(f->err.code, code);
	ck_assert_msg(strstr(f->err.msg, why) != NULL, "\"%s\" lacks \"%s\"", f->err.msg, why);
	ck_assert_int_eq(login_next_request(f->ctx, &p, &len), -EINVAL);
}

static void binval(const char *hex, uint8_t *out, size_t cap, size_t *len)
{
	ck_assert_ptr_nonnull(hex);
	ck_assert_int_eq(chap_decode_binary(hex, out, cap, len), 0);
}

/* Target side of CHAP: checks the initiator's CHAP_R for our challenge. */
static void check_initiator_response(struct fake *f, enum chap_alg alg, uint8_t id,
				     const uint8_t *chal, size_t chal_len)
{
	uint8_t want[CHAP_DIGEST_MAX], got[CHAP_BINARY_MAX];
	size_t wl, gl;

	ck_assert_str_eq(text_list_get(&f->keys, "CHAP_N"), "alice");
	binval(text_list_get(&f->keys, "CHAP_R"), got, sizeof(got), &gl);
	ck_assert_int_eq(chap_compute_response(alg, id, (const uint8_t *)SECRET, strlen(SECRET),
					       chal, chal_len, want, &wl), 0);
	ck_assert_uint_eq(gl, wl);
	ck_assert_mem_eq(got, want, wl);
}

static const uint8_t CHAL[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
#define CHAL_HEX "0x0102030405060708090a0b0c0d0e0f10"

/* Runs AuthMethod=CHAP and the challenge; leaves the initiator's CHAP_R in f->keys. */
static void chap_until_response(struct fake *f, const char *alg)
{
	char a[16];

	take_request(f);
	ck_assert_str_eq(text_list_get(&f->keys, "AuthMethod"), "CHAP,None");
	ck_assert(!f->rq.transit);
	ck_assert_int_eq(respond(f, false, 0, 0, "AuthMethod=CHAP", NULL), LOGIN_CONTINUE);
	take_request(f);
	ck_assert_ptr_nonnull(text_list_get(&f->keys, "CHAP_A"));
	snprintf(a, sizeof(a), "CHAP_A=%s", alg);
	ck_assert_int_eq(respond(f, false, 0, 0, a, "CHAP_I=7", "CHAP_C=" CHAL_HEX, NULL),
			 LOGIN_CONTINUE);
	take_request(f);
	ck_assert(f->rq.transit);
	ck_assert_uint_eq(f->rq.nsg, PDU_STAGE_OPERATIONAL);
	if (text_list_get(&f->keys, "CHAP_C")) {
		f->iid = (unsigned)atoi(text_list_get(&f->keys, "CHAP_I"));
		binval(text_list_get(&f->keys, "CHAP_C"), f->ichal, sizeof(f->ichal), &f->ichal_len);
	}
}

/* The target's mutual CHAP answer, right or wrong. */
static enum login_step mutual_answer(struct fake *f, const char *secret, bool transit)
{
	uint8_t r[CHAP_DIGEST_MAX];
	char hex[2 * CHAP_DIGEST_MAX + 3], rkv[sizeof(hex) + 8];
	size_t rl;

	ck_assert_int_eq(chap_compute_response(CHAP_ALG_SHA256, (uint8_t)f->iid,
					       (const uint8_t *)secret, strlen(secret),
					       f->ichal, f->ichal_len, r, &rl), 0);
	ck_assert_int_eq(chap_encode_hex(r, rl, hex, sizeof(hex)), 0);
	snprintf(rkv, sizeof(rkv), "CHAP_R=%s", hex);
	return respond(f, transit, 0, 1, "CHAP_N=tgt", rkv, NULL);
}

START_TEST(test_login_plain_none_reaches_full_feature_phase)
{
	struct login_config c = base_config();
	struct pdu_login_rsp h;
	struct neg_params p;
	struct fake f;

	c.initiator_alias = "host1";
	fake_start(&f, &c);
	ck_assert_int_eq(login_get_state(f.ctx), LOGIN_S_START);
	first_operational(&f);
	ck_assert_mem_eq(f.rq.isid, ISID, 6);
	ck_assert_uint_eq(f.rq.tsih, 0);
	ck_assert_uint_eq(f.rq.itt, ITT);
	ck_assert_uint_eq(f.rq.cmdsn, 1);
	ck_assert_uint_eq(f.rq.expstatsn, 0);
	ck_assert_uint_eq(f.rq.vmax, 0);
	ck_assert_str_eq(f.keys.items[0].value, INITIATOR);
	ck_assert_str_eq(text_list_get(&f.keys, "InitiatorAlias"), "host1");
	ck_assert_str_eq(text_list_get(&f.keys, "SessionType"), "Normal");
	ck_assert_str_eq(text_list_get(&f.keys, "TargetName"), TARGET);
	ck_assert_ptr_nonnull(text_list_get(&f.keys, "MaxBurstLength"));
	/* The target answers every key but takes one more round to finish. */
	ck_assert_int_eq(answer_operational_with(&f, false, 0, "TargetPortalGroupTag=1"),
			 LOGIN_CONTINUE);
	take_request(&f);
	ck_assert_uint_eq(f.rq.csg, PDU_STAGE_OPERATIONAL);
	ck_assert_uint_eq(f.rq.nsg, PDU_STAGE_FULL_FEATURE);
	ck_assert(f.rq.transit);
	ck_assert_uint_eq(f.rq_dlen, 0);
	ck_assert_uint_eq(f.rq.expstatsn, 101);
	ck_assert_uint_eq(f.rq.cmdsn, 1);
	rsp_init(&f, &h, true, PDU_STAGE_OPERATIONAL, PDU_STAGE_FULL_FEATURE);
	h.tsih = 0x1234;
	ck_assert_int_eq(send_raw(&f, &h, NULL, 0), LOGIN_DONE);
	ck_assert_int_eq(login_get_state(f.ctx), LOGIN_S_FULL_FEATURE);
	ck_assert_uint_eq(login_tsih(f.ctx), 0x1234);
	ck_assert_uint_eq(login_expstatsn(f.ctx), 102);
	ck_assert_uint_eq(login_statsn(f.ctx), 101);
	ck_assert_uint_eq(login_cmdsn(f.ctx), 1);
	ck_assert_uint_eq(login_maxcmdsn(f.ctx), 17);
	ck_assert(!login_used_chap(f.ctx));
	login_get_params(f.ctx, &p);
	ck_assert_int_eq(p.tpgt, 1);
	ck_assert_uint_eq(p.max_xmit_dsl, 65536);
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_without_credentials_starts_in_operational_stage)
{
	struct login_config c = base_config();
	struct fake f, ref;

	fake_start(&f, &c);
	first_operational(&f);
	/* The names come first, then the operational offer. */
	ck_assert_str_eq(f.keys.items[1].key, "SessionType");
	ck_assert_str_eq(f.keys.items[2].key, "TargetName");
	/*
	 * The offer is the one a login with credentials makes on entering
	 * the operational stage: same keys, same values, same order.
	 */
	c.chap = &one_way;
	fake_start(&ref, &c);
	security_none(&ref);
	take_request(&ref);
	ck_assert_uint_eq(ref.rq.csg, PDU_STAGE_OPERATIONAL);
	ck_assert_uint_gt(ref.keys.n, 5);
	ck_assert_uint_eq(f.keys.n, ref.keys.n + 3);
	for (size_t i = 0; i < ref.keys.n; i++) {
		ck_assert_str_eq(f.keys.items[i + 3].key, ref.keys.items[i].key);
		ck_assert_str_eq(f.keys.items[i + 3].value, ref.keys.items[i].value);
	}
	fake_stop(&ref);
	ck_assert(!login_used_chap(f.ctx));
	ck_assert_int_eq(answer_operational(&f, true, 0x1234), LOGIN_DONE);
	ck_assert_uint_eq(login_tsih(f.ctx), 0x1234);
	ck_assert(!login_used_chap(f.ctx));
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_with_credentials_starts_in_security_stage)
{
	static const enum login_session_type types[] = {
		LOGIN_SESSION_NORMAL, LOGIN_SESSION_DISCOVERY,
	};
	struct login_config c = base_config();
	struct fake f;

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		c.session_type = types[i];
		c.chap = &one_way;
		c.chap_required = false;
		fake_start(&f, &c);
		take_request(&f);
		ck_assert_int_eq(login_get_state(f.ctx), LOGIN_S_SECURITY);
		ck_assert_uint_eq(f.rq.csg, PDU_STAGE_SECURITY);
		ck_assert(!f.rq.transit && !f.rq.cont);
		ck_assert_uint_eq(f.rq.nsg, 0);
		ck_assert_str_eq(text_list_get(&f.keys, "AuthMethod"), "CHAP,None");
		ck_assert_ptr_null(text_list_get(&f.keys, "HeaderDigest"));
		ck_assert_ptr_null(text_list_get(&f.keys, "MaxRecvDataSegmentLength"));
		fake_stop(&f);
		/* Required CHAP offers CHAP alone, in the same stage. */
		c.chap_required = true;
		fake_start(&f, &c);
		take_request(&f);
		ck_assert_uint_eq(f.rq.csg, PDU_STAGE_SECURITY);
		ck_assert(!f.rq.transit);
		ck_assert_str_eq(text_list_get(&f.keys, "AuthMethod"), "CHAP");
		ck_assert_ptr_null(text_list_get(&f.keys, "HeaderDigest"));
		fake_stop(&f);
	}
}
END_TEST

START_TEST(test_login_discovery_session_omits_target_name)
{
	struct login_config c = base_config();
	struct fake f;

	c.session_type = LOGIN_SESSION_DISCOVERY;
	c.target_name = NULL;
	fake_start(&f, &c);
	first_operational(&f);
	ck_assert_str_eq(text_list_get(&f.keys, "SessionType"), "Discovery");
	ck_assert_ptr_null(text_list_get(&f.keys, "TargetName"));
	ck_assert_ptr_null(text_list_get(&f.keys, "MaxBurstLength"));
	ck_assert_int_eq(answer_operational(&f, true, 1), LOGIN_DONE);
	fake_stop(&f);
	/* With credentials the security stage comes first; the name is left out there too. */
	c.chap = &one_way;
	fake_start(&f, &c);
	take_request(&f);
	ck_assert_uint_eq(f.rq.csg, PDU_STAGE_SECURITY);
	ck_assert_str_eq(text_list_get(&f.keys, "SessionType"), "Discovery");
	ck_assert_ptr_null(text_list_get(&f.keys, "TargetName"));
	fake_stop(&f);
	/* Failures name the discovery portal, as there is no target name. */
	c.chap = NULL;
	fake_start(&f, &c);
	take_request(&f);
	assert_failed(&f, respond_status(&f, 2, 1, NULL), ISCSI_ERR_LOGIN_AUTH_FAILED,
		      "login to discovery portal 127.0.0.1:3260 failed: the target rejected the credentials");
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_discovery_without_credentials_starts_in_operational_stage)
{
	struct login_config c = base_config();
	struct neg_params p;
	struct fake f;

	c.session_type = LOGIN_SESSION_DISCOVERY;
	c.target_name = NULL;
	fake_start(&f, &c);
	ck_assert_int_eq(login_get_state(f.ctx), LOGIN_S_START);
	first_operational(&f);
	ck_assert_str_eq(f.keys.items[1].key, "SessionType");
	ck_assert_str_eq(f.keys.items[1].value, "Discovery");
	/* Discovery offers only the keys a discovery session may carry. */
	ck_assert_ptr_null(text_list_get(&f.keys, "InitialR2T"));
	ck_assert_ptr_null(text_list_get(&f.keys, "MaxConnections"));
	ck_assert_int_eq(answer_operational(&f, true, 5), LOGIN_DONE);
	ck_assert_int_eq(login_get_state(f.ctx), LOGIN_S_FULL_FEATURE);
	ck_assert_uint_eq(login_tsih(f.ctx), 5);
	login_get_params(f.ctx, &p);
	ck_assert_uint_eq(p.max_xmit_dsl, 65536);
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_chap_one_way)
{
	struct login_config c = base_config();
	struct fake f;

	c.chap = &one_way;
	fake_start(&f, &c);
	chap_until_response(&f, "5");
	ck_assert_ptr_null(text_list_get(&f.keys, "CHAP_C"));
	check_initiator_response(&f, CHAP_ALG_MD5, 7, CHAL, sizeof(CHAL));
	ck_assert_int_eq(respond(&f, true, 0, 1, NULL), LOGIN_CONTINUE);
	ck_assert(login_used_chap(f.ctx));
	operational_done(&f);
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_chap_mutual)
{
	struct login_config c = base_config();
	struct fake f;

	c.chap = &mutual;
	fake_start(&f, &c);
	chap_until_response(&f, "7");
	check_initiator_response(&f, CHAP_ALG_SHA256, 7, CHAL, sizeof(CHAL));
	ck_assert_uint_ge(f.ichal_len, 32);
	ck_assert_int_eq(mutual_answer(&f, SECRET_IN, true), LOGIN_CONTINUE);
	ck_assert_int_eq(login_get_state(f.ctx), LOGIN_S_OPERATIONAL);
	operational_done(&f);
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_rejects_wrong_mutual_chap_response)
{
	struct login_config c = base_config();
	struct fake f;

	c.chap = &mutual;
	fake_start(&f, &c);
	chap_until_response(&f, "7");
	/* The target failed to prove itself: a fatal login error (19), not 24, as in open-iscsi. */
	assert_failed(&f, mutual_answer(&f, "not-the-secret!", true), ISCSI_ERR_FATAL_LOGIN,
		      "login to target " TARGET " at 127.0.0.1:3260 failed: target's CHAP response is wrong");
	ck_assert_int_eq(f.err.code, 19);
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_rejects_transit_before_mutual_chap_answer)
{
	struct login_config c = base_config();
	struct fake f;

	c.chap = &mutual;
	fake_start(&f, &c);
	chap_until_response(&f, "7");
	assert_failed(&f, respond(&f, true, 0, 1, NULL), ISCSI_ERR_LOGIN_AUTH_FAILED,
		      "without answering our mutual CHAP challenge");
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_rejects_reflected_chap_challenge)
{
	struct login_config c = base_config();
	char chal[2 * CHAP_BINARY_MAX + 16], hex[2 * CHAP_BINARY_MAX + 3];
	struct fake f;

	c.chap = &mutual;
	fake_start(&f, &c);
	chap_until_response(&f, "7");
	/* Instead of answering, send the initiator elsewhere... */
	ck_assert_int_eq(respond_status(&f, 1, 1, "TargetAddress=127.0.0.2:3260,1", NULL), LOGIN_REDIRECT);
	/* ...and there, challenge it with its own challenge. */
	take_request(&f);
	ck_assert_int_eq(respond(&f, false, 0, 0, "AuthMethod=CHAP", NULL), LOGIN_CONTINUE);
	take_request(&f);
	ck_assert_int_eq(chap_encode_hex(f.ichal, f.ichal_len, hex, sizeof(hex)), 0);
	snprintf(chal, sizeof(chal), "CHAP_C=%s", hex);
	assert_failed(&f, respond(&f, false, 0, 0, "CHAP_A=7", "CHAP_I=3", chal, NULL),
		      ISCSI_ERR_LOGIN_AUTH_FAILED, "reflection");
	ck_assert_ptr_nonnull(strstr(f.err.msg, "at 127.0.0.2:3260"));
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_required_chap_refuses_none)
{
	struct login_config c = base_config();
	struct fake f;

	c.chap = &one_way;
	c.chap_required = true;
	fake_start(&f, &c);
	take_request(&f);
	ck_assert_str_eq(text_list_get(&f.keys, "AuthMethod"), "CHAP");
	assert_failed(&f, respond(&f, false, 0, 0, "AuthMethod=None", NULL),
		      ISCSI_ERR_LOGIN_AUTH_FAILED, "requires CHAP authentication");
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_without_credentials_target_requiring_chap_gives_auth_failure)
{
	struct login_config c = base_config();
	struct pdu_login_rsp h;
	struct fake f;

	/* RFC 7143 6.3: the target answers an operational start with 0x0201. */
	fake_start(&f, &c);
	first_operational(&f);
	assert_failed(&f, respond_status(&f, 2, 1, NULL), ISCSI_ERR_LOGIN_AUTH_FAILED,
		      "login to target " TARGET " at 127.0.0.1:3260 failed: the target rejected the credentials (authentication failure) (status 0x0201)");
	ck_assert_int_eq(f.err.code, 24);
	fake_stop(&f);
	/* tgtd leaves the ISID zero in such answers; the status still counts. */
	fake_start(&f, &c);
	first_operational(&f);
	rsp_init(&f, &h, false, PDU_STAGE_OPERATIONAL, 0);
	memset(h.isid, 0, sizeof(h.isid));
	h.status_class = 2;
	h.status_detail = 1;
	assert_failed(&f, send_raw(&f, &h, NULL, 0), ISCSI_ERR_LOGIN_AUTH_FAILED,
		      "authentication failure) (status 0x0201)");
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_target_refusing_offered_auth_methods_gives_auth_failure)
{
	struct login_config c = base_config();
	struct fake f;

	c.chap = &one_way;
	fake_start(&f, &c);
	take_request(&f);
	ck_assert_str_eq(text_list_get(&f.keys, "AuthMethod"), "CHAP,None");
	assert_failed(&f, respond(&f, false, 0, 0, "AuthMethod=Reject", NULL),
		      ISCSI_ERR_LOGIN_AUTH_FAILED,
		      "the target refused our authentication methods CHAP,None (AuthMethod=Reject)");
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_auth_failure_status_gives_exit_24)
{
	struct login_config c = base_config();
	struct fake f;

	c.chap = &one_way;
	fake_start(&f, &c);
	chap_until_response(&f, "5");
	assert_failed(&f, respond_status(&f, 2, 1, NULL), 24,
		      "login to target " TARGET " at 127.0.0.1:3260 failed: the target rejected the credentials (authentication failure) (status 0x0201)");
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_class2_and_class3_statuses)
{
	struct login_config c = base_config();
	struct fake f;

	fake_start(&f, &c);
	take_request(&f);
	assert_failed(&f, respond_status(&f, 2, 3, NULL), ISCSI_ERR_FATAL_LOGIN,
		      "not found at this portal (status 0x0203)");
	fake_stop(&f);
	fake_start(&f, &c);
	take_request(&f);
	assert_failed(&f, respond_status(&f, 3, 1, NULL), ISCSI_ERR_LOGIN,
		      "temporarily unavailable (status 0x0301)");
	fake_stop(&f);
	fake_start(&f, &c);
	take_request(&f);
	assert_failed(&f, respond_status(&f, 2, 0x42, NULL), ISCSI_ERR_FATAL_LOGIN,
		      "class 0x02 detail 0x42");
	fake_stop(&f);
}
END_TEST

/* Only a refusal with a login status names one; failures of the exchange do not. */
START_TEST(test_login_names_the_refusing_status)
{
	struct login_config c = base_config();
	uint8_t cls = 0, det = 0;
	struct fake f;

	fake_start(&f, &c);
	ck_assert(!login_rejected_status(f.ctx, &cls, &det));
	take_request(&f);
	ck_assert_int_eq(respond_status(&f, 3, 1, NULL), LOGIN_FAILED);
	ck_assert(login_rejected_status(f.ctx, &cls, &det));
	ck_assert_uint_eq(cls, 3);
	ck_assert_uint_eq(det, 1);
	fake_stop(&f);
	fake_start(&f, &c);
	take_request(&f);
	ck_assert_int_eq(respond_status(&f, 2, 3, NULL), LOGIN_FAILED);
	ck_assert(login_rejected_status(f.ctx, &cls, &det));
	ck_assert_uint_eq(cls, 2);
	ck_assert_uint_eq(det, 3);
	fake_stop(&f);
	/* A redirect without an address fails the exchange, not by its status. */
	fake_start(&f, &c);
	take_request(&f);
	ck_assert_int_eq(respond_status(&f, 1, 1, NULL), LOGIN_FAILED);
	ck_assert(!login_rejected_status(f.ctx, &cls, &det));
	fake_stop(&f);
	ck_assert(!login_rejected_status(NULL, &cls, &det));
}
END_TEST

START_TEST(test_login_follows_redirect_to_new_portal)
{
	struct login_config c = base_config();
	const struct iscsi_addr *a;
	struct fake f;

	fake_start(&f, &c);
	first_operational(&f);
	ck_assert_int_eq(respond_status(&f, 1, 2, "TargetAddress=[fe80::1]:3261,2", NULL), LOGIN_REDIRECT);
	ck_assert_int_eq(login_get_state(f.ctx), LOGIN_S_REDIRECTED);
	a = login_redirect_portal(f.ctx);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->host, "fe80::1");
	ck_assert_uint_eq(a->port, 3261);
	ck_assert(login_redirect_permanent(f.ctx));
	ck_assert_uint_eq(login_redirect_count(f.ctx), 1);
	/* After reconnecting, the login starts over, with the whole offer again. */
	first_operational(&f);
	ck_assert_str_eq(text_list_get(&f.keys, "TargetName"), TARGET);
	ck_assert_ptr_nonnull(text_list_get(&f.keys, "MaxBurstLength"));
	ck_assert_int_eq(answer_operational(&f, true, 0x1234), LOGIN_DONE);
	ck_assert_int_eq(login_get_state(f.ctx), LOGIN_S_FULL_FEATURE);
	fake_stop(&f);
	/* With credentials, the new portal sees the security stage again. */
	c.chap = &one_way;
	fake_start(&f, &c);
	security_none(&f);
	take_request(&f);
	ck_assert_int_eq(respond_status(&f, 1, 1, "TargetAddress=127.0.0.2", NULL), LOGIN_REDIRECT);
	ck_assert(!login_redirect_permanent(f.ctx));
	security_none(&f);
	operational_done(&f);
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_redirects_are_bounded)
{
	struct login_config c = base_config();
	struct fake f;
	enum login_step s;
	int n = 0;

	fake_start(&f, &c);
	do {
		take_request(&f);
		s = respond_status(&f, 1, 1, "TargetAddress=10.0.0.9", NULL);
		n++;
	} while (s == LOGIN_REDIRECT);
	ck_assert_int_eq(n, 6);
	assert_failed(&f, s, ISCSI_ERR_FATAL_LOGIN, "redirected more than 5 times");
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_redirect_needs_valid_address)
{
	struct login_config c = base_config();
	struct fake f;

	fake_start(&f, &c);
	take_request(&f);
	assert_failed(&f, respond_status(&f, 1, 1, NULL), ISCSI_ERR_LOGIN, "without a usable TargetAddress");
	fake_stop(&f);
	fake_start(&f, &c);
	take_request(&f);
	assert_failed(&f, respond_status(&f, 1, 1, "TargetAddress=evil/host", NULL), ISCSI_ERR_LOGIN,
		      "not a valid portal address");
	fake_stop(&f);
}
END_TEST

/* Each response is right for the operational start except for one field. */
START_TEST(test_login_rejects_foreign_headers)
{
	struct login_config c = base_config();
	struct pdu_login_rsp h;
	struct fake f;

	fake_start(&f, &c);
	first_operational(&f);
	rsp_init(&f, &h, true, 1, 3);
	h.tsih = 1;
	h.vact = 1;
	assert_failed(&f, send_raw(&f, &h, NULL, 0), ISCSI_ERR_LOGIN, "version 1");
	fake_stop(&f);

	fake_start(&f, &c);
	first_operational(&f);
	rsp_init(&f, &h, true, 1, 3);
	h.tsih = 1;
	h.itt = ITT + 1;
	assert_failed(&f, send_raw(&f, &h, NULL, 0), ISCSI_ERR_LOGIN, "task tag 0x00000078");
	fake_stop(&f);

	fake_start(&f, &c);
	first_operational(&f);
	rsp_init(&f, &h, true, 1, 3);
	h.tsih = 1;
	h.isid[5] ^= 1;
	assert_failed(&f, send_raw(&f, &h, NULL, 0), ISCSI_ERR_LOGIN, "different ISID");
	fake_stop(&f);

	fake_start(&f, &c);
	first_operational(&f);
	rsp_init(&f, &h, true, 1, 3);
	h.tsih = 1;
	h.cont = true;
	assert_failed(&f, send_raw(&f, &h, NULL, 0), ISCSI_ERR_LOGIN, "both the T and the C bit");
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_rejects_stage_going_backwards)
{
	struct login_config c = base_config();
	struct fake f;

	/* Without credentials we start operational: the target may not answer in security. */
	fake_start(&f, &c);
	first_operational(&f);
	assert_failed(&f, respond(&f, false, 0, 0, "AuthMethod=None", NULL), ISCSI_ERR_LOGIN,
		      "answered in stage SecurityNegotiation while we are in LoginOperationalNegotiation");
	fake_stop(&f);
	/* With credentials: back to security after both sides left it. */
	c.chap = &one_way;
	fake_start(&f, &c);
	security_none(&f);
	take_request(&f);
	ck_assert_uint_eq(f.rq.csg, PDU_STAGE_OPERATIONAL);
	assert_failed(&f, respond(&f, false, 0, 0, NULL), ISCSI_ERR_LOGIN,
		      "answered in stage SecurityNegotiation while we are in LoginOperationalNegotiation");
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_rejects_unrequested_transit)
{
	struct login_config c = base_config();
	struct fake f;

	c.chap = &one_way;
	fake_start(&f, &c);
	take_request(&f);
	ck_assert(!f.rq.transit);
	assert_failed(&f, respond(&f, true, 0, 1, "AuthMethod=CHAP", NULL), ISCSI_ERR_LOGIN,
		      "although we did not ask to");
	fake_stop(&f);
	/* Jumping further than asked is refused too. */
	fake_start(&f, &c);
	take_request(&f);
	ck_assert_int_eq(respond(&f, false, 0, 0, "AuthMethod=None", NULL), LOGIN_CONTINUE);
	take_request(&f);
	ck_assert(f.rq.transit);
	ck_assert_uint_eq(f.rq.nsg, PDU_STAGE_OPERATIONAL);
	assert_failed(&f, respond(&f, true, 0, 3, NULL), ISCSI_ERR_LOGIN,
		      "asked to move from SecurityNegotiation to FullFeaturePhase");
	fake_stop(&f);
	/* Operational start: while our offer is still being continued, T is not ours yet. */
	c.chap = NULL;
	c.max_send_data = 40;
	fake_start(&f, &c);
	take_request(&f);
	ck_assert_uint_eq(f.rq.csg, PDU_STAGE_OPERATIONAL);
	ck_assert(f.rq.cont && !f.rq.transit);
	assert_failed(&f, respond(&f, true, 1, 3, NULL), ISCSI_ERR_LOGIN,
		      "set the T bit to leave LoginOperationalNegotiation although we did not ask to");
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_bounds_number_of_responses)
{
	struct login_config c = base_config();
	struct fake f;
	enum login_step s;
	unsigned n = 0;

	c.max_pdus = 10;
	fake_start(&f, &c);
	do {
		take_request(&f);
		s = respond(&f, false, 1, 0, NULL);
		n++;
	} while (s == LOGIN_CONTINUE);
	/* Ten responses are taken, the eleventh is one too many. */
	ck_assert_uint_eq(n, c.max_pdus + 1);
	assert_failed(&f, s, ISCSI_ERR_LOGIN, "more than 10 Login Responses");
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_joins_continued_response)
{
	struct login_config c = base_config();
	struct pdu_login_rsp h;
	struct neg_params p;
	uint8_t buf[4096];
	const uint8_t *key;
	struct fake f;
	size_t n, cut;

	/* Operational stage: the answer to our offer comes cut inside a key. */
	fake_start(&f, &c);
	first_operational(&f);
	n = operational_text(&f, buf, sizeof(buf), "TargetAlias=x");
	key = memmem(buf, n, "MaxRecvDataSegmentLength=65536", 30);
	ck_assert_ptr_nonnull(key);
	cut = (size_t)(key - buf) + 27;   /* "...Length=65" | "536" */
	rsp_init(&f, &h, false, 1, 0);
	h.cont = true;
	ck_assert_int_eq(send_raw(&f, &h, buf, cut), LOGIN_CONTINUE);
	take_request(&f);
	ck_assert_uint_eq(f.rq_dlen, 0);
	ck_assert(!f.rq.cont);
	ck_assert(f.rq.transit);   /* still ready to leave, as in the first request */
	ck_assert_uint_eq(f.rq.csg, PDU_STAGE_OPERATIONAL);
	ck_assert_uint_eq(f.rq.nsg, PDU_STAGE_FULL_FEATURE);
	rsp_init(&f, &h, true, 1, 3);
	h.tsih = 0x1234;
	ck_assert_int_eq(send_raw(&f, &h, buf + cut, n - cut), LOGIN_DONE);
	login_get_params(f.ctx, &p);
	ck_assert_uint_eq(p.max_xmit_dsl, 65536);
	fake_stop(&f);

	/* Security stage: "AuthMethod=No" + "ne" is None, and our T stays clear meanwhile. */
	c.chap = &one_way;
	fake_start(&f, &c);
	take_request(&f);
	ck_assert(!f.rq.transit);
	rsp_init(&f, &h, false, 0, 0);
	h.cont = true;
	ck_assert_int_eq(send_raw(&f, &h, (const uint8_t *)"AuthMethod=No", 13), LOGIN_CONTINUE);
	take_request(&f);
	ck_assert_uint_eq(f.rq_dlen, 0);
	ck_assert(!f.rq.cont);
	ck_assert(!f.rq.transit);   /* not ready to leave, as in the first request */
	ck_assert_uint_eq(f.rq.csg, PDU_STAGE_SECURITY);
	rsp_init(&f, &h, false, 0, 0);
	ck_assert_int_eq(send_raw(&f, &h, (const uint8_t *)"ne\0TargetAlias=x", 17), LOGIN_CONTINUE);
	take_request(&f);
	ck_assert(f.rq.transit);   /* None chosen: now we ask to leave */
	ck_assert_uint_eq(f.rq.nsg, PDU_STAGE_OPERATIONAL);
	ck_assert_int_eq(respond(&f, true, 0, 1, NULL), LOGIN_CONTINUE);
	ck_assert_int_eq(login_get_state(f.ctx), LOGIN_S_OPERATIONAL);
	operational_done(&f);
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_sends_long_text_with_c_bit)
{
	struct login_config c = base_config();
	struct text_accum acc;
	struct ll_error err = { 0 };
	struct pdu_view v;
	struct fake f;
	int pieces = 0;

	c.max_send_data = 40;
	fake_start(&f, &c);
	text_accum_init(&acc);
	for (;;) {
		uint8_t *p;
		size_t len;

		ck_assert_int_eq(login_next_request(f.ctx, &p, &len), 0);
		ck_assert_int_eq(pdu_parse(p, len, 8192, &v, &err), PDU_OK);
		ck_assert_int_eq(pdu_login_req_decode(p, &f.rq, &err), 0);
		ck_assert_uint_le(v.data_len, 40);
		ck_assert_uint_eq(f.rq.csg, PDU_STAGE_OPERATIONAL);
		ck_assert_int_eq(text_accum_add(&acc, v.data, v.data_len), 0);
		free(p);
		pieces++;
		if (!f.rq.cont)
			break;
		ck_assert(!f.rq.transit);
		ck_assert_int_eq(respond(&f, false, 1, 0, NULL), LOGIN_CONTINUE);
	}
	ck_assert_int_gt(pieces, 2);
	ck_assert(f.rq.transit);
	ck_assert_uint_eq(f.rq.nsg, PDU_STAGE_FULL_FEATURE);
	/* The pieces join to the whole first request; the target answers it. */
	text_list_free(&f.keys);
	ck_assert_int_eq(text_parse(&f.keys, acc.buf, acc.len, &err), 0);
	text_accum_free(&acc);
	ck_assert_str_eq(text_list_get(&f.keys, "TargetName"), TARGET);
	ck_assert_ptr_null(text_list_get(&f.keys, "AuthMethod"));
	ck_assert_ptr_nonnull(text_list_get(&f.keys, "HeaderDigest"));
	ck_assert_ptr_nonnull(text_list_get(&f.keys, "MaxBurstLength"));
	ck_assert_int_eq(answer_operational(&f, true, 0x1234), LOGIN_DONE);
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_rejects_data_in_ack_of_continued_request)
{
	struct login_config c = base_config();
	struct fake f;

	c.max_send_data = 40;
	fake_start(&f, &c);
	take_request(&f);
	ck_assert(f.rq.cont);
	assert_failed(&f, respond(&f, false, 1, 0, "HeaderDigest=None", NULL), ISCSI_ERR_LOGIN,
		      "instead of an empty response");
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_bounds_joined_response_text)
{
	struct login_config c = base_config();
	struct pdu_login_rsp h;
	uint8_t *big = malloc(8192);
	struct fake f;
	enum login_step s;
	int n = 0;

	memset(big, 'a', 8192);
	memcpy(big, "X-big=", 6);
	fake_start(&f, &c);
	do {
		take_request(&f);
		rsp_init(&f, &h, false, 1, 0);
		h.cont = true;
		s = send_raw(&f, &h, big, 8192);
		n++;
	} while (s == LOGIN_CONTINUE);
	ck_assert_int_eq(n, LOGIN_TEXT_MAX / 8192 + 1);
	assert_failed(&f, s, ISCSI_ERR_LOGIN, "longer than 65536 bytes");
	fake_stop(&f);
	free(big);
}
END_TEST

START_TEST(test_login_rejects_oversized_response_pdu)
{
	struct login_config c = base_config();
	struct pdu_login_rsp h;
	uint8_t *big = calloc(1, 9000);
	struct fake f;

	fake_start(&f, &c);
	take_request(&f);
	rsp_init(&f, &h, false, 1, 0);
	assert_failed(&f, send_raw(&f, &h, big, 9000), ISCSI_ERR_LOGIN, "more than the 8192 bytes");
	fake_stop(&f);
	free(big);
}
END_TEST

START_TEST(test_login_negotiate_once_violations)
{
	struct login_config c = base_config();
	struct fake f;

	/* AuthMethod again while CHAP is under way. */
	c.chap = &one_way;
	fake_start(&f, &c);
	take_request(&f);
	ck_assert_int_eq(respond(&f, false, 0, 0, "AuthMethod=CHAP", NULL), LOGIN_CONTINUE);
	take_request(&f);
	assert_failed(&f, respond(&f, false, 0, 0, "AuthMethod=CHAP", "CHAP_A=5", "CHAP_I=1",
				  "CHAP_C=" CHAL_HEX, NULL),
		      ISCSI_ERR_LOGIN, "sent AuthMethod at a point");
	fake_stop(&f);

	/* The same CHAP key twice in one response. */
	fake_start(&f, &c);
	take_request(&f);
	ck_assert_int_eq(respond(&f, false, 0, 0, "AuthMethod=CHAP", NULL), LOGIN_CONTINUE);
	take_request(&f);
	assert_failed(&f, respond(&f, false, 0, 0, "CHAP_A=5", "CHAP_I=1", "CHAP_C=" CHAL_HEX,
				  "CHAP_C=0x01", NULL),
		      ISCSI_ERR_LOGIN, "sent CHAP_C twice");
	fake_stop(&f);

	/* Security keys after the security stage. */
	fake_start(&f, &c);
	security_none(&f);
	take_request(&f);
	assert_failed(&f, respond(&f, false, 1, 0, "CHAP_A=5", NULL), ISCSI_ERR_LOGIN,
		      "security key CHAP_A in the operational stage");
	fake_stop(&f);

	/* An operational key answered twice across responses (operational start). */
	c.chap = NULL;
	fake_start(&f, &c);
	first_operational(&f);
	ck_assert_int_eq(respond(&f, false, 1, 0, "MaxBurstLength=262144", NULL), LOGIN_CONTINUE);
	take_request(&f);
	assert_failed(&f, respond(&f, false, 1, 0, "MaxBurstLength=262144", NULL), ISCSI_ERR_LOGIN,
		      "MaxBurstLength again");
	fake_stop(&f);

	/* Without credentials there is no security stage: its keys are refused from the start. */
	fake_start(&f, &c);
	first_operational(&f);
	assert_failed(&f, respond(&f, false, 1, 0, "AuthMethod=CHAP", NULL), ISCSI_ERR_LOGIN,
		      "security key AuthMethod in the operational stage");
	fake_stop(&f);
	fake_start(&f, &c);
	first_operational(&f);
	assert_failed(&f, respond(&f, false, 1, 0, "CHAP_A=5", NULL), ISCSI_ERR_LOGIN,
		      "security key CHAP_A in the operational stage");
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_target_must_answer_every_offer_before_ending)
{
	struct login_config c = base_config();
	struct fake f;

	fake_start(&f, &c);
	first_operational(&f);
	assert_failed(&f, respond(&f, true, 1, 3, "HeaderDigest=None", NULL), ISCSI_ERR_LOGIN,
		      "without answering all the keys we offered");
	fake_stop(&f);
	/* The same after a security stage. */
	c.chap = &one_way;
	fake_start(&f, &c);
	security_none(&f);
	take_request(&f);
	assert_failed(&f, respond(&f, true, 1, 3, "HeaderDigest=None", NULL), ISCSI_ERR_LOGIN,
		      "without answering all the keys we offered");
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_requires_session_handle)
{
	struct login_config c = base_config();
	struct fake f;

	fake_start(&f, &c);
	first_operational(&f);
	assert_failed(&f, answer_operational(&f, true, 0), ISCSI_ERR_LOGIN, "TSIH 0");
	fake_stop(&f);
	/* Reinstating session 9 must not end up in session 10. */
	c.tsih = 9;
	fake_start(&f, &c);
	first_operational(&f);
	ck_assert_uint_eq(f.rq.tsih, 9);
	assert_failed(&f, answer_operational(&f, true, 10), ISCSI_ERR_LOGIN, "session 9");
	fake_stop(&f);
	/* ...and session 9 it is when the target agrees. */
	fake_start(&f, &c);
	first_operational(&f);
	ck_assert_int_eq(answer_operational(&f, true, 9), LOGIN_DONE);
	ck_assert_uint_eq(login_tsih(f.ctx), 9);
	fake_stop(&f);
	/* With credentials, the TSIH is carried through the security stage too. */
	c.chap = &one_way;
	fake_start(&f, &c);
	take_request(&f);
	ck_assert_uint_eq(f.rq.tsih, 9);
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_explains_reject_pdu_and_wrong_opcode)
{
	struct login_config c = base_config();
	struct pdu_reject rj = { .reason = 0x09, .dlength = PDU_BHS_LEN };
	struct pdu_nop_in ni = { .itt = PDU_RESERVED_TAG };
	uint8_t bhs[PDU_BHS_LEN], hdr[PDU_BHS_LEN] = { 0 }, *p;
	struct fake f;
	size_t len;

	fake_start(&f, &c);
	take_request(&f);
	pdu_reject_encode(bhs, &rj);
	ck_assert_int_eq(pdu_assemble(bhs, hdr, sizeof(hdr), &p, &len), 0);
	assert_failed(&f, login_handle_response(f.ctx, p, len, &f.err), ISCSI_ERR_LOGIN,
		      "rejected our Login Request (invalid PDU field");
	free(p);
	fake_stop(&f);

	fake_start(&f, &c);
	take_request(&f);
	pdu_nop_in_encode(bhs, &ni);
	ck_assert_int_eq(pdu_assemble(bhs, NULL, 0, &p, &len), 0);
	assert_failed(&f, login_handle_response(f.ctx, p, len, &f.err), ISCSI_ERR_LOGIN,
		      "received a NOP-In");
	free(p);
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_refuses_out_of_order_calls)
{
	struct login_config c = base_config();
	uint8_t junk[PDU_BHS_LEN] = { 0x23 };
	struct fake f;
	uint8_t *p;
	size_t len;

	fake_start(&f, &c);
	/* A response before any request. */
	assert_failed(&f, login_handle_response(f.ctx, junk, sizeof(junk), &f.err),
		      ISCSI_ERR_INTERNAL, "when none was expected");
	fake_stop(&f);
	fake_start(&f, &c);
	take_request(&f);
	/* A second request while the first is unanswered. */
	ck_assert_int_eq(login_next_request(f.ctx, &p, &len), -EINVAL);
	fake_stop(&f);
}
END_TEST

START_TEST(test_login_new_validates_configuration)
{
	struct login_config c = base_config();
	struct chap_config nopass = { .username = "alice", .password = "" };
	struct ll_error err = { 0 };

	c.initiator_name = "not a name";
	ck_assert_ptr_null(login_new(&c, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "the initiator name is unusable"));
	c = base_config();
	c.target_name = "iqn.2001-01.com.x/../etc";
	ck_assert_ptr_null(login_new(&c, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "the target name is unusable"));
	c = base_config();
	c.chap_required = true;
	ck_assert_ptr_null(login_new(&c, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "no CHAP username and password are configured"));
	c = base_config();
	c.chap = &nopass;
	ck_assert_ptr_null(login_new(&c, &err));
	c = base_config();
	c.initiator_alias = "a\nb";
	ck_assert_ptr_null(login_new(&c, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "control character"));
}
END_TEST

START_TEST(test_login_state_names)
{
	ck_assert_str_eq(login_state_str(LOGIN_S_SECURITY), "SecurityNegotiation");
	ck_assert_str_eq(login_state_str(LOGIN_S_OPERATIONAL), "LoginOperationalNegotiation");
	ck_assert_str_eq(login_state_str(LOGIN_S_FULL_FEATURE), "FullFeaturePhase");
	ck_assert_str_eq(login_state_str(LOGIN_S_REDIRECTED), "Redirected");
	ck_assert_str_eq(login_state_str((enum login_state)42), "Invalid");
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_login_plain_none_reaches_full_feature_phase,
		test_login_without_credentials_starts_in_operational_stage,
		test_login_with_credentials_starts_in_security_stage,
		test_login_discovery_session_omits_target_name,
		test_login_discovery_without_credentials_starts_in_operational_stage,
		test_login_chap_one_way,
		test_login_chap_mutual,
		test_login_rejects_wrong_mutual_chap_response,
		test_login_rejects_transit_before_mutual_chap_answer,
		test_login_rejects_reflected_chap_challenge,
		test_login_required_chap_refuses_none,
		test_login_without_credentials_target_requiring_chap_gives_auth_failure,
		test_login_target_refusing_offered_auth_methods_gives_auth_failure,
		test_login_auth_failure_status_gives_exit_24,
		test_login_class2_and_class3_statuses,
		test_login_names_the_refusing_status,
		test_login_follows_redirect_to_new_portal,
		test_login_redirects_are_bounded,
		test_login_redirect_needs_valid_address,
		test_login_rejects_foreign_headers,
		test_login_rejects_stage_going_backwards,
		test_login_rejects_unrequested_transit,
		test_login_bounds_number_of_responses,
		test_login_joins_continued_response,
		test_login_sends_long_text_with_c_bit,
		test_login_rejects_data_in_ack_of_continued_request,
		test_login_bounds_joined_response_text,
		test_login_rejects_oversized_response_pdu,
		test_login_negotiate_once_violations,
		test_login_target_must_answer_every_offer_before_ending,
		test_login_requires_session_handle,
		test_login_explains_reject_pdu_and_wrong_opcode,
		test_login_refuses_out_of_order_calls,
		test_login_new_validates_configuration,
		test_login_state_names,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "login",
		.tests = tests,
	});
}
