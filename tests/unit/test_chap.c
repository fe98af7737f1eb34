/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "libiscsi-core/chap.h"
#include "libiscsi-core/util.h"
#include "testutil.h"

/*
 * Expected digests were computed independently of this code with
 *   printf '\x01secretsecret\x00\x01...\x0f' | openssl dgst -<alg>
 * i.e. H(id=0x01 || "secretsecret" || bytes 00..0f).
 */
static const uint8_t chal16[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};
#define CHAL16_HEX "0x000102030405060708090a0b0c0d0e0f"

static const struct {
	enum chap_alg alg;
	const char *hex;
} vectors[] = {
	{ CHAP_ALG_MD5, "0x226dc576c33f04ff9c3a200ffe35f442" },
	{ CHAP_ALG_SHA1, "0xae35ac1694de2cf7e68e790fbface9a28501fed7" },
	{ CHAP_ALG_SHA256, "0x024aef34e176668b34ec2bf7f5525e3bf7f0e94d7cec77cb07d08c3d5a8e23ca" },
	{ CHAP_ALG_SHA3_256, "0xe2bd0aba5f885a39aa4fbebccc63203c2f728f034cbaf009b44c2f0c5544f172" },
};

START_TEST(test_chap_response_matches_known_digest_for_each_algorithm)
{
	for (size_t i = 0; i < ARRAY_SIZE(vectors); i++) {
		uint8_t out[CHAP_DIGEST_MAX];
		char hex[2 * CHAP_DIGEST_MAX + 3];
		size_t n = 0;

		ck_assert_int_eq(chap_compute_response(vectors[i].alg, 1,
						       (const uint8_t *)"secretsecret", 12,
						       chal16, sizeof(chal16), out, &n), 0);
		ck_assert_uint_eq(n, chap_alg_digest_len(vectors[i].alg));
		ck_assert_int_eq(chap_encode_hex(out, n, hex, sizeof(hex)), 0);
		ck_assert_str_eq(hex, vectors[i].hex);
	}
}
END_TEST

START_TEST(test_chap_alg_names_and_lengths)
{
	ck_assert_str_eq(chap_alg_name(CHAP_ALG_MD5), "MD5");
	ck_assert_str_eq(chap_alg_name(CHAP_ALG_SHA256), "SHA256");
	ck_assert_str_eq(chap_alg_name(CHAP_ALG_SHA3_256), "SHA3-256");
	ck_assert_ptr_null(chap_alg_name((enum chap_alg)9));
	ck_assert_uint_eq(chap_alg_digest_len(CHAP_ALG_SHA1), 20);
	ck_assert_uint_eq(chap_alg_digest_len((enum chap_alg)4), 0);
}
END_TEST

START_TEST(test_chap_parse_algs_keeps_order_and_rejects_unknown_names)
{
	enum chap_alg a[CHAP_MAX_ALGS];
	size_t n = 0;
	struct ll_error err = { 0 };

	ck_assert_int_eq(chap_parse_algs("SHA3-256,SHA256,SHA1,MD5", a, &n, &err), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(a[0], CHAP_ALG_SHA3_256);
	ck_assert_int_eq(a[1], CHAP_ALG_SHA256);
	ck_assert_int_eq(a[2], CHAP_ALG_SHA1);
	ck_assert_int_eq(a[3], CHAP_ALG_MD5);

	ck_assert_int_eq(chap_parse_algs(" sha256 , md5,SHA256", a, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(a[0], CHAP_ALG_SHA256);
	ck_assert_int_eq(a[1], CHAP_ALG_MD5);

	ck_assert_int_eq(chap_parse_algs(NULL, a, &n, &err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(a[0], CHAP_ALG_MD5);

	ck_assert_int_lt(chap_parse_algs("SHA256,SHA512", a, &n, &err), 0);
	ck_assert_int_eq(err.code, ISCSI_ERR_INVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "'SHA512'"));
	ck_assert_int_lt(chap_parse_algs("MD5,", a, &n, &err), 0);
	ck_assert_int_lt(chap_parse_algs("SHA-256", a, &n, &err), 0);
}
END_TEST

START_TEST(test_chap_decode_hex_accepts_odd_digit_count_and_rejects_junk)
{
	uint8_t b[8];
	size_t n = 0;

	ck_assert_int_eq(chap_decode_binary("0x0aFF", b, sizeof(b), &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(b[0], 0x0a);
	ck_assert_uint_eq(b[1], 0xff);
	/* RFC 7143 6.1: n digits are (n+1)/2 bytes, so "0xabc" is 0a bc */
	ck_assert_int_eq(chap_decode_binary("0Xabc", b, sizeof(b), &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(b[0], 0x0a);
	ck_assert_uint_eq(b[1], 0xbc);

	ck_assert_int_eq(chap_decode_binary("0x", b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(chap_decode_binary("0x12g4", b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(chap_decode_binary("0x12 34", b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(chap_decode_binary("1234", b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(chap_decode_binary("", b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(chap_decode_binary(NULL, b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(chap_decode_binary("0x112233445566778899", b, sizeof(b), &n), -E2BIG);
}
END_TEST

START_TEST(test_chap_decode_base64_handles_padding_and_rejects_malformed)
{
	uint8_t b[32];
	size_t n = 0;

	ck_assert_int_eq(chap_decode_binary("0baGVsbG8gd29ybGQ=", b, sizeof(b), &n), 0);
	ck_assert_uint_eq(n, 11);
	ck_assert_int_eq(memcmp(b, "hello world", 11), 0);
	/* unpadded form is accepted too */
	ck_assert_int_eq(chap_decode_binary("0BaGVsbG8gd29ybGQ", b, sizeof(b), &n), 0);
	ck_assert_uint_eq(n, 11);
	ck_assert_int_eq(chap_decode_binary("0bAAEC", b, sizeof(b), &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(b[2], 2);

	ck_assert_int_eq(chap_decode_binary("0b", b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(chap_decode_binary("0bA", b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(chap_decode_binary("0baGVs bG8=", b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(chap_decode_binary("0ba=GV", b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(chap_decode_binary("0baGVsbG8===", b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(chap_decode_binary("0baGVsbG8gd29ybGQ=", b, 4, &n), -E2BIG);
}
END_TEST

START_TEST(test_chap_decode_refuses_values_longer_than_1024_bytes)
{
	char *v = malloc(2 + 2 * 1025 + 1);
	uint8_t b[CHAP_BINARY_MAX];
	size_t n = 0;

	strcpy(v, "0x");
	memset(v + 2, 'a', 2 * 1025);
	v[2 + 2 * 1025] = '\0';
	ck_assert_int_eq(chap_decode_binary(v, b, sizeof(b), &n), -E2BIG);
	v[2 + 2 * 1024] = '\0';
	ck_assert_int_eq(chap_decode_binary(v, b, sizeof(b), &n), 0);
	ck_assert_uint_eq(n, 1024);
	free(v);
}
END_TEST

START_TEST(test_chap_secret_length_check_flags_short_secrets)
{
	ck_assert(chap_secret_is_short("short"));
	ck_assert(!chap_secret_is_short("twelve-bytes"));
	ck_assert(!chap_secret_is_short(""));
	ck_assert(!chap_secret_is_short(NULL));
}
END_TEST

static void init_ok(struct chap_ctx *c, const char *algs, bool mutual)
{
	struct chap_config cfg = {
		.username = "alice", .password = "secretsecret",
		.username_in = mutual ? "target1" : NULL,
		.password_in = mutual ? "targetsecret1" : NULL,
		.chap_algs = algs,
	};
	struct ll_error err = { 0 };

	ck_assert_int_eq(chap_init(c, &cfg, &err), 0);
}

static void offer(struct chap_ctx *c, const char *expect)
{
	struct text_list out;
	struct ll_error err = { 0 };

	text_list_init(&out);
	ck_assert_int_eq(chap_build_offer(c, &out, &err), 0);
	ck_assert_str_eq(text_list_get(&out, "CHAP_A"), expect);
	text_list_free(&out);
}

static int challenge(struct chap_ctx *c, const char *a, const char *i, const char *cv,
		     struct text_list *out, struct ll_error *err)
{
	struct text_list in;
	int r;

	text_list_init(&in);
	if (a)
		ck_assert_int_eq(text_list_add(&in, "CHAP_A", a), 0);
	if (i)
		ck_assert_int_eq(text_list_add(&in, "CHAP_I", i), 0);
	if (cv)
		ck_assert_int_eq(text_list_add(&in, "CHAP_C", cv), 0);
	r = chap_handle_challenge(c, &in, out, err);
	text_list_free(&in);
	return r;
}

START_TEST(test_chap_one_way_login_sends_name_and_known_response)
{
	struct chap_ctx c;
	struct text_list out;
	struct ll_error err = { 0 };

	init_ok(&c, "SHA256,MD5", false);
	offer(&c, "7,5");
	ck_assert(!chap_done(&c));
	text_list_init(&out);
	ck_assert_int_eq(challenge(&c, "5", "1", CHAL16_HEX, &out, &err), 0);
	ck_assert_str_eq(text_list_get(&out, "CHAP_N"), "alice");
	ck_assert_str_eq(text_list_get(&out, "CHAP_R"), vectors[0].hex);
	ck_assert_ptr_null(text_list_get(&out, "CHAP_C"));
	ck_assert(chap_done(&c));
	ck_assert(!chap_awaiting_target(&c));
	text_list_free(&out);
	chap_clear(&c);
}
END_TEST

START_TEST(test_chap_accepts_base64_challenge_and_hex_chap_i)
{
	struct chap_ctx c;
	struct text_list out;
	struct ll_error err = { 0 };

	init_ok(&c, "SHA3-256", false);
	offer(&c, "8");
	text_list_init(&out);
	/* base64 of bytes 00..0f, CHAP_I=1 written in hex */
	ck_assert_int_eq(challenge(&c, "8", "0x01", "0bAAECAwQFBgcICQoLDA0ODw==", &out, &err), 0);
	ck_assert_str_eq(text_list_get(&out, "CHAP_R"), vectors[3].hex);
	text_list_free(&out);
	chap_clear(&c);
}
END_TEST

START_TEST(test_chap_rejects_algorithm_we_did_not_offer)
{
	struct chap_ctx c;
	struct text_list out;
	struct ll_error err = { 0 };

	init_ok(&c, "SHA256", false);
	offer(&c, "7");
	text_list_init(&out);
	ck_assert_int_lt(challenge(&c, "5", "1", CHAL16_HEX, &out, &err), 0);
	ck_assert_int_eq(err.code, ISCSI_ERR_LOGIN_AUTH_FAILED);
	ck_assert_str_eq(err.msg, "target chose CHAP_A=5 which we did not offer");
	ck_assert_uint_eq(out.n, 0);
	ck_assert(!chap_done(&c));
	text_list_free(&out);
	chap_clear(&c);
}
END_TEST

START_TEST(test_chap_rejects_chap_a_list_reject_and_garbage)
{
	static const char *bad[] = { "7,5", "Reject", "seven", "" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct chap_ctx c;
		struct text_list out;
		struct ll_error err = { 0 };

		init_ok(&c, "SHA256,MD5", false);
		offer(&c, "7,5");
		text_list_init(&out);
		ck_assert_int_lt(challenge(&c, bad[i], "1", CHAL16_HEX, &out, &err), 0);
		ck_assert_int_eq(err.code, ISCSI_ERR_LOGIN_AUTH_FAILED);
		text_list_free(&out);
		chap_clear(&c);
	}
}
END_TEST

START_TEST(test_chap_rejects_bad_identifier_and_bad_challenge)
{
	static const struct { const char *i, *c; } bad[] = {
		{ "256", CHAL16_HEX }, { "-1", CHAL16_HEX }, { "1x", CHAL16_HEX },
		{ NULL, CHAL16_HEX }, { "1", NULL }, { "1", "0x" }, { "1", "0xzz" },
		{ "1", "abcd" }, { "1", "0b!!!!" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct chap_ctx c;
		struct text_list out;
		struct ll_error err = { 0 };

		init_ok(&c, "MD5", false);
		offer(&c, "5");
		text_list_init(&out);
		ck_assert_int_lt(challenge(&c, "5", bad[i].i, bad[i].c, &out, &err), 0);
		ck_assert_int_eq(err.code, ISCSI_ERR_LOGIN_AUTH_FAILED);
		ck_assert_ptr_null(text_list_get(&out, "CHAP_R"));
		text_list_free(&out);
		chap_clear(&c);
	}
}
END_TEST

START_TEST(test_chap_rejects_challenge_longer_than_1024_bytes)
{
	struct chap_ctx c;
	struct text_list out;
	struct ll_error err = { 0 };
	char *v = malloc(2 + 2 * 1025 + 1);

	strcpy(v, "0x");
	memset(v + 2, '5', 2 * 1025);
	v[2 + 2 * 1025] = '\0';
	init_ok(&c, "MD5", false);
	offer(&c, "5");
	text_list_init(&out);
	ck_assert_int_lt(challenge(&c, "5", "1", v, &out, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "1024"));
	text_list_free(&out);
	chap_clear(&c);
	free(v);
}
END_TEST

START_TEST(test_chap_challenge_before_offer_is_refused)
{
	struct chap_ctx c;
	struct text_list out;
	struct ll_error err = { 0 };

	init_ok(&c, "MD5", false);
	text_list_init(&out);
	ck_assert_int_lt(challenge(&c, "5", "1", CHAL16_HEX, &out, &err), 0);
	ck_assert_int_eq(err.code, ISCSI_ERR_LOGIN_AUTH_FAILED);
	text_list_free(&out);
	chap_clear(&c);
}
END_TEST

/* Independent of chap.c: one-shot EVP_Digest over the concatenation. */
static void expected_response(const char *evp_name, uint8_t id, const char *secret,
			      const uint8_t *chal, size_t clen, uint8_t *out, unsigned *olen)
{
	uint8_t buf[1 + 64 + CHAP_DIGEST_MAX];
	size_t sl = strlen(secret);

	buf[0] = id;
	memcpy(buf + 1, secret, sl);
	memcpy(buf + 1 + sl, chal, clen);
	ck_assert_int_eq(EVP_Digest(buf, 1 + sl + clen, out, olen,
				    EVP_get_digestbyname(evp_name), NULL), 1);
}

/* Runs the mutual exchange up to the point where the target must answer. */
static void mutual_until_target_answer(struct chap_ctx *c, uint8_t *id, uint8_t *chal,
				       size_t *clen)
{
	struct text_list out;
	struct ll_error err = { 0 };
	uint64_t v;

	init_ok(c, "SHA256", true);
	offer(c, "7");
	text_list_init(&out);
	ck_assert_int_eq(challenge(c, "7", "200", CHAL16_HEX, &out, &err), 0);
	ck_assert_str_eq(text_list_get(&out, "CHAP_N"), "alice");
	ck_assert_ptr_nonnull(text_list_get(&out, "CHAP_R"));
	ck_assert_ptr_nonnull(text_list_get(&out, "CHAP_I"));
	ck_assert_int_eq(sscanf(text_list_get(&out, "CHAP_I"), "%lu", &v), 1);
	ck_assert_uint_le(v, 255);
	*id = (uint8_t)v;
	ck_assert_int_eq(chap_decode_binary(text_list_get(&out, "CHAP_C"), chal, CHAP_BINARY_MAX, clen), 0);
	ck_assert_uint_eq(*clen, 32);   /* SHA-256 digest length */
	ck_assert(!chap_done(c));
	ck_assert(chap_awaiting_target(c));
	text_list_free(&out);
}

static int target_answers(struct chap_ctx *c, const char *name, const uint8_t *resp,
			  size_t rlen, struct ll_error *err)
{
	struct text_list in;
	char hex[2 * CHAP_DIGEST_MAX + 3];
	int r;

	ck_assert_int_eq(chap_encode_hex(resp, rlen, hex, sizeof(hex)), 0);
	text_list_init(&in);
	ck_assert_int_eq(text_list_add(&in, "CHAP_N", name), 0);
	ck_assert_int_eq(text_list_add(&in, "CHAP_R", hex), 0);
	r = chap_verify_target(c, &in, err);
	text_list_free(&in);
	return r;
}

START_TEST(test_chap_mutual_accepts_target_that_knows_password_in)
{
	struct chap_ctx c;
	struct ll_error err = { 0 };
	uint8_t id, chal[CHAP_BINARY_MAX], resp[EVP_MAX_MD_SIZE];
	size_t clen;
	unsigned rlen;

	mutual_until_target_answer(&c, &id, chal, &clen);
	expected_response("SHA256", id, "targetsecret1", chal, clen, resp, &rlen);
	ck_assert_int_eq(target_answers(&c, "target1", resp, rlen, &err), 0);
	ck_assert(chap_done(&c));
	chap_clear(&c);
}
END_TEST

START_TEST(test_chap_mutual_rejects_wrong_target_response)
{
	struct chap_ctx c;
	struct ll_error err = { 0 };
	uint8_t id, chal[CHAP_BINARY_MAX], resp[EVP_MAX_MD_SIZE];
	size_t clen;
	unsigned rlen;

	mutual_until_target_answer(&c, &id, chal, &clen);
	expected_response("SHA256", id, "wrongsecret12", chal, clen, resp, &rlen);
	ck_assert_int_lt(target_answers(&c, "target1", resp, rlen, &err), 0);
	ck_assert_int_eq(err.code, ISCSI_ERR_FATAL_LOGIN);
	ck_assert_str_eq(err.msg, "target's CHAP response is wrong (mutual CHAP: target does not know password_in)");
	ck_assert(!chap_done(&c));
	chap_clear(&c);
}
END_TEST

START_TEST(test_chap_mutual_rejects_truncated_target_response)
{
	struct chap_ctx c;
	struct ll_error err = { 0 };
	uint8_t id, chal[CHAP_BINARY_MAX], resp[EVP_MAX_MD_SIZE];
	size_t clen;
	unsigned rlen;

	mutual_until_target_answer(&c, &id, chal, &clen);
	expected_response("SHA256", id, "targetsecret1", chal, clen, resp, &rlen);
	ck_assert_int_lt(target_answers(&c, "target1", resp, rlen - 1, &err), 0);
	ck_assert(!chap_done(&c));
	chap_clear(&c);
}
END_TEST

START_TEST(test_chap_mutual_rejects_wrong_target_name)
{
	struct chap_ctx c;
	struct ll_error err = { 0 };
	uint8_t id, chal[CHAP_BINARY_MAX], resp[EVP_MAX_MD_SIZE];
	size_t clen;
	unsigned rlen;

	mutual_until_target_answer(&c, &id, chal, &clen);
	expected_response("SHA256", id, "targetsecret1", chal, clen, resp, &rlen);
	ck_assert_int_lt(target_answers(&c, "mallory", resp, rlen, &err), 0);
	ck_assert_str_eq(err.msg, "target's CHAP_N 'mallory' does not match node.session.auth.username_in");
	chap_clear(&c);
}
END_TEST

START_TEST(test_chap_refuses_reflected_challenge)
{
	struct chap_ctx c;
	struct text_list out;
	struct ll_error err = { 0 };
	uint8_t id, chal[CHAP_BINARY_MAX];
	size_t clen;
	char hex[2 * CHAP_BINARY_MAX + 3];

	mutual_until_target_answer(&c, &id, chal, &clen);
	ck_assert_int_eq(chap_encode_hex(chal, clen, hex, sizeof(hex)), 0);
	/* a re-login on the same context: the target sends back our challenge */
	chap_restart(&c);
	offer(&c, "7");
	text_list_init(&out);
	ck_assert_int_lt(challenge(&c, "7", "3", hex, &out, &err), 0);
	ck_assert_int_eq(err.code, ISCSI_ERR_LOGIN_AUTH_FAILED);
	ck_assert_ptr_nonnull(strstr(err.msg, "reflection"));
	ck_assert_ptr_null(text_list_get(&out, "CHAP_R"));
	text_list_free(&out);
	chap_clear(&c);
}
END_TEST

START_TEST(test_chap_mutual_generates_fresh_challenges)
{
	struct chap_ctx c1, c2;
	uint8_t id1, id2, ch1[CHAP_BINARY_MAX], ch2[CHAP_BINARY_MAX];
	size_t l1, l2;

	mutual_until_target_answer(&c1, &id1, ch1, &l1);
	mutual_until_target_answer(&c2, &id2, ch2, &l2);
	ck_assert_uint_eq(l1, l2);
	ck_assert_int_ne(memcmp(ch1, ch2, l1), 0);
	chap_clear(&c1);
	chap_clear(&c2);
}
END_TEST

START_TEST(test_chap_init_refuses_same_secret_both_directions)
{
	struct chap_ctx c;
	struct ll_error err = { 0 };
	struct chap_config cfg = {
		.username = "alice", .password = "samesecret12",
		.username_in = "target1", .password_in = "samesecret12",
	};

	ck_assert_int_lt(chap_init(&c, &cfg, &err), 0);
	ck_assert_int_eq(err.code, ISCSI_ERR_LOGIN_AUTH_FAILED);
	ck_assert_ptr_nonnull(strstr(err.msg, "local and remote CHAP secrets must differ"));
}
END_TEST

START_TEST(test_chap_init_refuses_missing_or_half_credentials)
{
	struct chap_ctx c;
	struct ll_error err = { 0 };
	struct chap_config no_pw = { .username = "alice", .password = "" };
	struct chap_config half = { .username = "alice", .password = "secretsecret",
				    .username_in = "t" };
	struct chap_config bad_alg = { .username = "alice", .password = "secretsecret",
				       .chap_algs = "MD4" };

	ck_assert_int_lt(chap_init(&c, &no_pw, &err), 0);
	ck_assert_int_eq(err.code, ISCSI_ERR_LOGIN_AUTH_FAILED);
	ck_assert_int_lt(chap_init(&c, &half, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "password_in"));
	ck_assert_int_lt(chap_init(&c, &bad_alg, &err), 0);
	ck_assert_int_eq(err.code, ISCSI_ERR_LOGIN_AUTH_FAILED);
	ck_assert_ptr_nonnull(strstr(err.msg, "MD4"));
}
END_TEST

START_TEST(test_chap_init_refuses_overlong_password)
{
	struct chap_ctx c;
	struct ll_error err = { 0 };
	char pw[CHAP_SECRET_MAX + 1];
	struct chap_config cfg = { .username = "alice", .password = pw };

	memset(pw, 'p', sizeof(pw) - 1);
	pw[sizeof(pw) - 1] = '\0';
	ck_assert_int_lt(chap_init(&c, &cfg, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "node.session.auth.password"));
}
END_TEST

START_TEST(test_chap_clear_zeroes_secrets)
{
	struct chap_ctx c;
	static const uint8_t zero[sizeof(struct chap_ctx)];

	init_ok(&c, "MD5", true);
	ck_assert_str_eq(c.password, "secretsecret");
	chap_clear(&c);
	ck_assert_int_eq(memcmp(&c, zero, sizeof(c)), 0);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_chap_response_matches_known_digest_for_each_algorithm,
		test_chap_alg_names_and_lengths,
		test_chap_parse_algs_keeps_order_and_rejects_unknown_names,
		test_chap_decode_hex_accepts_odd_digit_count_and_rejects_junk,
		test_chap_decode_base64_handles_padding_and_rejects_malformed,
		test_chap_decode_refuses_values_longer_than_1024_bytes,
		test_chap_secret_length_check_flags_short_secrets,
		test_chap_one_way_login_sends_name_and_known_response,
		test_chap_accepts_base64_challenge_and_hex_chap_i,
		test_chap_rejects_algorithm_we_did_not_offer,
		test_chap_rejects_chap_a_list_reject_and_garbage,
		test_chap_rejects_bad_identifier_and_bad_challenge,
		test_chap_rejects_challenge_longer_than_1024_bytes,
		test_chap_challenge_before_offer_is_refused,
		test_chap_mutual_accepts_target_that_knows_password_in,
		test_chap_mutual_rejects_wrong_target_response,
		test_chap_mutual_rejects_truncated_target_response,
		test_chap_mutual_rejects_wrong_target_name,
		test_chap_refuses_reflected_challenge,
		test_chap_mutual_generates_fresh_challenges,
		test_chap_init_refuses_same_secret_both_directions,
		test_chap_init_refuses_missing_or_half_credentials,
		test_chap_init_refuses_overlong_password,
		test_chap_clear_zeroes_secrets,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "chap",
		.tests = tests,
	});
}
