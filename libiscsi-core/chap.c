/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * chap.c: initiator side of iSCSI CHAP (RFC 7143 12.1.3, RFC 1994).
 *
 * Everything received here comes from a target we have not authenticated
 * yet, so each value is length-checked before it is decoded, and every
 * buffer that held a secret or a digest is zeroed before it goes out of
 * scope.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "libiscsi-core/chap.h"
#include "libiscsi-core/negotiate.h"
#include "libiscsi-core/util.h"

#define AUTH ISCSI_ERR_LOGIN_AUTH_FAILED

/* open-iscsi's names, the CHAP_A number, and OpenSSL's fetch name. */
static const struct {
	enum chap_alg alg;
	const char *name;
	const char *evp_name;
	size_t len;
} alg_table[] = {
	{ CHAP_ALG_MD5, "MD5", "MD5", 16 },
	{ CHAP_ALG_SHA1, "SHA1", "SHA1", 20 },
	{ CHAP_ALG_SHA256, "SHA256", "SHA2-256", 32 },
	{ CHAP_ALG_SHA3_256, "SHA3-256", "SHA3-256", 32 },
};

static int alg_index(enum chap_alg alg)
{
	for (size_t i = 0; i < ARRAY_SIZE(alg_table); i++)
		if (alg_table[i].alg == alg)
			return (int)i;
	return -1;
}

const char *chap_alg_name(enum chap_alg alg)
{
	int i = alg_index(alg);

	return i < 0 ? NULL : alg_table[i].name;
}

size_t chap_alg_digest_len(enum chap_alg alg)
{
	int i = alg_index(alg);

	return i < 0 ? 0 : alg_table[i].len;
}

/* One comma-separated word of chap_algs, blanks trimmed. */
static int parse_alg_word(const char *w, size_t n, enum chap_alg *alg,
			  struct ll_error *err)
{
	while (n && isblank((unsigned char)*w)) {
		w++;
		n--;
	}
	while (n && isblank((unsigned char)w[n - 1]))
		n--;
	for (size_t i = 0; i < ARRAY_SIZE(alg_table); i++) {
		if (strlen(alg_table[i].name) == n &&
		    strncasecmp(alg_table[i].name, w, n) == 0) {
			*alg = alg_table[i].alg;
			return 0;
		}
	}
	return ll_error_set(err, ISCSI_ERR_INVAL,
			    "node.session.auth.chap_algs: unknown CHAP algorithm '%.*s' (known: MD5, SHA1, SHA256, SHA3-256)",
			    (int)(n > 64 ? 64 : n), w);
}

int chap_parse_algs(const char *s, enum chap_alg out[CHAP_MAX_ALGS], size_t *n,
		    struct ll_error *err)
{
	const char *p = s;

	*n = 0;
	if (!s || !*s) {
		out[(*n)++] = CHAP_ALG_MD5;
		return 0;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t wlen = comma ? (size_t)(comma - p) : strlen(p);
		enum chap_alg alg = CHAP_ALG_MD5;
		bool dup = false;

		if (parse_alg_word(p, wlen, &alg, err) < 0)
			return -1;
		for (size_t i = 0; i < *n; i++)
			dup |= out[i] == alg;
		if (!dup && *n < CHAP_MAX_ALGS)
			out[(*n)++] = alg;   /* only 4 distinct names parse */
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* Odd digit counts imply a leading zero nibble (RFC 7143 6.1: (n+1)/2 bytes). */
static int decode_hex(const char *h, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(h), bytes = (n + 1) / 2, j = 0;
	size_t i = 0;

	if (n == 0)
		return -EINVAL;
	if (bytes > cap)
		return -E2BIG;
	if (n % 2) {
		int lo = hex_nibble(h[0]);

		if (lo < 0)
			return -EINVAL;
		out[j++] = (uint8_t)lo;
		i = 1;
	}
	for (; i < n; i += 2) {
		int hi = hex_nibble(h[i]), lo = hex_nibble(h[i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[j++] = (uint8_t)(hi << 4 | lo);
	}
	*len = j;
	return 0;
}

static bool b64_char(char c)
{
	return isalnum((unsigned char)c) || c == '+' || c == '/';
}

/*
 * EVP_DecodeBlock skips blanks, needs a multiple of 4 characters and counts
 * padding as output bytes, so the input is checked and padded here first.
 */
static int decode_base64(const char *b, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(b), data = 0, pad = 0;
	char buf[((CHAP_BINARY_MAX + 2) / 3) * 4 + 4];
	uint8_t tmp[sizeof(buf) / 4 * 3];
	int r;

	while (data < n && b64_char(b[data]))
		data++;
	while (data + pad < n && b[data + pad] == '=')
		pad++;
	if (data == 0 || data + pad != n || pad > 2 || data % 4 == 1 ||
	    (pad && (data + pad) % 4))
		return -EINVAL;
	if (data + 4 > sizeof(buf))
		return -E2BIG;
	memcpy(buf, b, data);
	pad = (4 - data % 4) % 4;
	memset(buf + data, '=', pad);
	r = EVP_DecodeBlock(tmp, (const unsigned char *)buf, (int)(data + pad));
	if (r < 0 || (size_t)r < pad)
		return -EINVAL;
	n = (size_t)r - pad;
	if (n > cap) {
		secure_zero(tmp, sizeof(tmp));
		return -E2BIG;
	}
	memcpy(out, tmp, n);
	secure_zero(tmp, sizeof(tmp));
	*len = n;
	return 0;
}

int chap_decode_binary(const char *value, uint8_t *out, size_t cap, size_t *len)
{
	if (!value || strlen(value) < 3 || value[0] != '0')
		return -EINVAL;
	if (value[1] == 'x' || value[1] == 'X')
		return decode_hex(value + 2, out, cap, len);
	if (value[1] == 'b' || value[1] == 'B')
		return decode_base64(value + 2, out, cap, len);
	return -EINVAL;
}

int chap_encode_hex(const uint8_t *in, size_t len, char *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";

	if (cap < 2 * len + 3)
		return -E2BIG;
	out[0] = '0';
	out[1] = 'x';
	for (size_t i = 0; i < len; i++) {
		out[2 + 2 * i] = digits[in[i] >> 4];
		out[3 + 2 * i] = digits[in[i] & 0xf];
	}
	out[2 + 2 * len] = '\0';
	return 0;
}

int chap_compute_response(enum chap_alg alg, uint8_t id,
			  const uint8_t *secret, size_t secret_len,
			  const uint8_t *challenge, size_t challenge_len,
			  uint8_t out[CHAP_DIGEST_MAX], size_t *out_len)
{
	int i = alg_index(alg), r = -ENOTSUP;
	EVP_MD *md;
	EVP_MD_CTX *mctx;
	unsigned int n = 0;

	if (i < 0)
		return -EINVAL;
	md = EVP_MD_fetch(NULL, alg_table[i].evp_name, NULL);
	mctx = EVP_MD_CTX_new();
	if (md && mctx && (size_t)EVP_MD_get_size(md) == alg_table[i].len &&
	    EVP_DigestInit_ex2(mctx, md, NULL) &&
	    EVP_DigestUpdate(mctx, &id, 1) &&
	    EVP_DigestUpdate(mctx, secret, secret_len) &&
	    EVP_DigestUpdate(mctx, challenge, challenge_len) &&
	    EVP_DigestFinal_ex(mctx, out, &n)) {
		*out_len = n;
		r = 0;
	}
	EVP_MD_CTX_free(mctx);   /* cleanses the digest state */
	EVP_MD_free(md);
	return r;
}

bool chap_secret_is_short(const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;

	return n > 0 && n < CHAP_SECRET_MIN_RFC;
}

static bool empty(const char *s)
{
	return !s || !*s;
}

static int copy_cred(char *dst, size_t cap, const char *src, const char *key,
		     struct ll_error *err)
{
	if (str_copy(dst, cap, src ? src : "") < 0)
		return ll_error_set(err, AUTH, "%s is longer than %zu bytes",
				    key, cap - 1);
	return 0;
}

static int check_config(const struct chap_config *cfg, struct ll_error *err)
{
	if (empty(cfg->username) || empty(cfg->password))
		return ll_error_set(err, AUTH,
				    "CHAP needs node.session.auth.username and node.session.auth.password");
	if (empty(cfg->username_in) != empty(cfg->password_in))
		return ll_error_set(err, AUTH,
				    "mutual CHAP needs both node.session.auth.username_in and node.session.auth.password_in");
	if (!empty(cfg->password_in) && streq(cfg->password, cfg->password_in))
		return ll_error_set(err, AUTH,
				    "local and remote CHAP secrets must differ (node.session.auth.password equals password_in)");
	return 0;
}

int chap_init(struct chap_ctx *c, const struct chap_config *cfg, struct ll_error *err)
{
	memset(c, 0, sizeof(*c));
	if (check_config(cfg, err) < 0)
		return -1;
	if (chap_parse_algs(cfg->chap_algs, c->algs, &c->n_algs, err) < 0) {
		if (err)
			err->code = AUTH;
		return -1;
	}
	if (copy_cred(c->username, sizeof(c->username), cfg->username,
		      "node.session.auth.username", err) < 0 ||
	    copy_cred(c->password, sizeof(c->password), cfg->password,
		      "node.session.auth.password", err) < 0 ||
	    copy_cred(c->username_in, sizeof(c->username_in), cfg->username_in,
		      "node.session.auth.username_in", err) < 0 ||
	    copy_cred(c->password_in, sizeof(c->password_in), cfg->password_in,
		      "node.session.auth.password_in", err) < 0) {
		chap_clear(c);
		return -1;
	}
	c->password_len = strlen(c->password);
	c->password_in_len = strlen(c->password_in);
	c->mutual = c->password_in_len > 0;
	c->state = CHAP_ST_INIT;
	return 0;
}

void chap_restart(struct chap_ctx *c)
{
	c->state = CHAP_ST_INIT;
	c->chosen = 0;
}

void chap_clear(struct chap_ctx *c)
{
	secure_zero(c, sizeof(*c));
}

/* Marks the exchange failed and records one sentence with code 24. */
static int fail(struct chap_ctx *c, struct ll_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct chap_ctx *c, struct ll_error *err, const char *fmt, ...)
{
	c->state = CHAP_ST_FAILED;
	LL_ERROR_SET_FROM_ARGS(err, AUTH, fmt);
	return -1;
}

int chap_build_offer(struct chap_ctx *c, struct text_list *out, struct ll_error *err)
{
	char list[CHAP_MAX_ALGS * 4];
	size_t pos = 0;

	if (c->state != CHAP_ST_INIT)
		return fail(c, err, "CHAP offer built twice in one login");
	for (size_t i = 0; i < c->n_algs; i++)
		pos += (size_t)snprintf(list + pos, sizeof(list) - pos, "%s%d",
					i ? "," : "", (int)c->algs[i]);
	if (text_list_add(out, "CHAP_A", list) < 0)
		return ll_error_set(err, AUTH, "cannot add CHAP_A to the login request");
	c->state = CHAP_ST_OFFERED;
	return 0;
}

/* The target must pick exactly one of the algorithms we listed. */
static int check_chosen_alg(struct chap_ctx *c, const char *a, struct ll_error *err)
{
	uint64_t v;

	if (streq(a, "Reject") || streq(a, "NotUnderstood") || streq(a, "Irrelevant"))
		return fail(c, err, "target refused every CHAP algorithm we offered (CHAP_A=%s); check node.session.auth.chap_algs", a);
	if (neg_parse_number(a, &v) < 0)
		return fail(c, err, "target sent a malformed CHAP_A value '%.64s'", a);
	for (size_t i = 0; i < c->n_algs; i++) {
		if ((uint64_t)c->algs[i] == v) {
			c->chosen = c->algs[i];
			return 0;
		}
	}
	return fail(c, err, "target chose CHAP_A=%.64s which we did not offer", a);
}

static const char *need(const struct text_list *in, const char *key)
{
	return text_list_count(in, key) == 1 ? text_list_get(in, key) : NULL;
}

static int add_hex(struct text_list *out, const char *key, const uint8_t *b,
		   size_t n, struct ll_error *err)
{
	char hex[2 * CHAP_BINARY_MAX + 3];
	int r = chap_encode_hex(b, n, hex, sizeof(hex));

	if (r == 0)
		r = text_list_add(out, key, hex);
	secure_zero(hex, sizeof(hex));
	if (r < 0)
		return ll_error_set(err, AUTH, "cannot add %s to the login request", key);
	return 0;
}

/* Our challenge to the target: fresh random id and max(16, digest) random bytes. */
static int add_our_challenge(struct chap_ctx *c, struct text_list *out,
			     struct ll_error *err)
{
	size_t n = chap_alg_digest_len(c->chosen);
	char id[4];

	if (n < CHAP_CHALLENGE_MIN)
		n = CHAP_CHALLENGE_MIN;
	if (RAND_bytes(&c->our_id, 1) != 1 || RAND_bytes(c->our_challenge, (int)n) != 1)
		return fail(c, err, "cannot generate a random CHAP challenge (RAND_bytes failed)");
	c->our_challenge_len = n;
	snprintf(id, sizeof(id), "%u", c->our_id);
	if (text_list_add(out, "CHAP_I", id) < 0)
		return ll_error_set(err, AUTH, "cannot add CHAP_I to the login request");
	return add_hex(out, "CHAP_C", c->our_challenge, n, err);
}

/* Decodes the target's CHAP_C and refuses empty, oversized or reflected ones. */
static int read_challenge(struct chap_ctx *c, const char *cv, uint8_t *chal,
			  size_t *len, struct ll_error *err)
{
	int r = chap_decode_binary(cv, chal, CHAP_BINARY_MAX, len);

	if (r == -E2BIG)
		return fail(c, err, "target's CHAP_C is longer than 1024 bytes");
	if (r < 0 || *len == 0)
		return fail(c, err, "target sent a malformed CHAP_C value '%.64s'", cv);
	if (c->our_challenge_len && *len == c->our_challenge_len &&
	    CRYPTO_memcmp(chal, c->our_challenge, *len) == 0)
		return fail(c, err, "target's CHAP_C repeats the challenge we sent (reflection attack?)");
	return 0;
}

int chap_handle_challenge(struct chap_ctx *c, const struct text_list *in,
			  struct text_list *out, struct ll_error *err)
{
	const char *a = need(in, "CHAP_A"), *i = need(in, "CHAP_I"), *cv = need(in, "CHAP_C");
	uint8_t chal[CHAP_BINARY_MAX], resp[CHAP_DIGEST_MAX];
	size_t chal_len = 0, resp_len = 0;
	uint64_t id;
	int r = -1;

	if (c->state != CHAP_ST_OFFERED)
		return fail(c, err, "target sent a CHAP challenge out of order");
	if (!a)
		return fail(c, err, "target's CHAP reply lacks CHAP_A (or repeats it)");
	if (check_chosen_alg(c, a, err) < 0)
		return -1;
	if (!i || !cv)
		return fail(c, err, "target's CHAP reply lacks %s (or repeats it)",
			    !i ? "CHAP_I" : "CHAP_C");
	if (neg_parse_number(i, &id) < 0 || id > 255)
		return fail(c, err, "target sent a bad CHAP_I '%.64s' (must be 0..255)", i);
	if (read_challenge(c, cv, chal, &chal_len, err) < 0)
		goto out;
	if (chap_compute_response(c->chosen, (uint8_t)id, (const uint8_t *)c->password,
				  c->password_len, chal, chal_len, resp, &resp_len) < 0) {
		fail(c, err, "OpenSSL cannot compute %s digests (FIPS mode?); choose another node.session.auth.chap_algs",
		     chap_alg_name(c->chosen));
		goto out;
	}
	if (text_list_add(out, "CHAP_N", c->username) < 0 ||
	    add_hex(out, "CHAP_R", resp, resp_len, err) < 0) {
		ll_error_set(err, AUTH, "cannot add CHAP_N/CHAP_R to the login request");
		goto out;
	}
	if (c->mutual && add_our_challenge(c, out, err) < 0)
		goto out;
	c->state = c->mutual ? CHAP_ST_RESPONDED : CHAP_ST_DONE;
	r = 0;
out:
	secure_zero(chal, sizeof(chal));
	secure_zero(resp, sizeof(resp));
	return r;
}

int chap_verify_target(struct chap_ctx *c, const struct text_list *in,
		       struct ll_error *err)
{
	const char *n = need(in, "CHAP_N"), *rv = need(in, "CHAP_R");
	uint8_t got[CHAP_BINARY_MAX], want[CHAP_DIGEST_MAX];
	size_t got_len = 0, want_len = 0;
	int r = -1;

	if (c->state != CHAP_ST_RESPONDED)
		return fail(c, err, "target sent CHAP_N/CHAP_R out of order");
	if (!n || !rv)
		return fail(c, err, "target did not answer our CHAP challenge: %s missing (mutual CHAP)",
			    !n ? "CHAP_N" : "CHAP_R");
	if (!streq(n, c->username_in))
		return fail(c, err, "target's CHAP_N '%.64s' does not match node.session.auth.username_in", n);
	if (chap_decode_binary(rv, got, sizeof(got), &got_len) < 0) {
		fail(c, err, "target sent a malformed CHAP_R value '%.64s'", rv);
		goto out;
	}
	if (chap_compute_response(c->chosen, c->our_id, (const uint8_t *)c->password_in,
				  c->password_in_len, c->our_challenge,
				  c->our_challenge_len, want, &want_len) < 0) {
		fail(c, err, "OpenSSL cannot compute %s digests", chap_alg_name(c->chosen));
		goto out;
	}
	if (got_len != want_len || CRYPTO_memcmp(got, want, want_len) != 0) {
		fail(c, err, "target's CHAP response is wrong (mutual CHAP: target does not know password_in)");
		/*
		 * Here the target failed to prove itself to us: not an error in
		 * our credentials.  open-iscsi reports it as a fatal login
		 * error (19), and scripts tell the two cases apart by that.
		 */
		if (err)
			err->code = ISCSI_ERR_FATAL_LOGIN;
		goto out;
	}
	c->state = CHAP_ST_DONE;
	r = 0;
out:
	secure_zero(got, sizeof(got));
	secure_zero(want, sizeof(want));
	return r;
}

bool chap_done(const struct chap_ctx *c)
{
	return c->state == CHAP_ST_DONE;
}

bool chap_awaiting_target(const struct chap_ctx *c)
{
	return c->state == CHAP_ST_RESPONDED;
}
