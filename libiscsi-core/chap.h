/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * chap.h: the initiator side of iSCSI CHAP (RFC 7143 12.1.3, RFC 1994).
 *
 * The login machine drives one struct chap_ctx per login attempt:
 *
 *   chap_init(&c, &cfg, &err)            credentials + chap_algs from the record
 *   chap_build_offer(&c, req, &err)      adds CHAP_A=7,5 (our preference order)
 *   chap_handle_challenge(&c, rsp, req, &err) target's CHAP_A/CHAP_I/CHAP_C in, our
 *                                        CHAP_N/CHAP_R (+ CHAP_I/CHAP_C when
 *                                        mutual) out
 *   chap_verify_target(&c, rsp, &err)    mutual only: target's CHAP_N/CHAP_R
 *   chap_done(&c)                        true once the login may leave the
 *                                        security stage (T bit)
 *   chap_clear(&c)                       zeroes every secret and buffer
 *
 * Memory: the context is caller-allocated with fixed-size buffers and owns
 * private copies of the credentials (the config strings may be freed after
 * chap_init).  Nothing is allocated except inside OpenSSL while hashing.
 * Every failure fills struct ll_error with code ISCSI_ERR_LOGIN_AUTH_FAILED
 * (24) and one sentence naming the key or record setting at fault, except
 * chap_parse_algs() which validates a record value (ISCSI_ERR_INVAL).
 * Functions return 0 on success and a negative value on failure.
 *
 * Secrets shorter than RFC 7143's 12-byte minimum are accepted (open-iscsi
 * sends them and LIO/tgt accept them); chap_secret_is_short() lets the
 * caller warn.  Mutual CHAP with password == password_in is refused, as the
 * RFC requires distinct secrets per direction.
 *
 * Hashes and base64 come from OpenSSL libcrypto (EVP); no digest code here.
 */
#ifndef LUNLINK_CHAP_H
#define LUNLINK_CHAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libiscsi-core/errors.h"
#include "libiscsi-core/text.h"

/* CHAP_A values (IANA "PPP Authentication Algorithms"). */
enum chap_alg {
	CHAP_ALG_MD5 = 5,
	CHAP_ALG_SHA1 = 6,
	CHAP_ALG_SHA256 = 7,
	CHAP_ALG_SHA3_256 = 8,
};

#define CHAP_MAX_ALGS 4
#define CHAP_BINARY_MAX 1024      /* RFC 7143 12.1.3: C and R at most 1024 bytes */
#define CHAP_DIGEST_MAX 32        /* longest digest we support (SHA-256, SHA3-256) */
#define CHAP_CHALLENGE_MIN 16     /* our challenges: max(16, digest length) bytes */
#define CHAP_NAME_MAX 256         /* CHAP_N / usernames (open-iscsi: 256) */
#define CHAP_SECRET_MAX 256       /* passwords (open-iscsi: 256) */
#define CHAP_SECRET_MIN_RFC 12    /* RFC 7143 12.1.3: at least 96 bits */

/* open-iscsi's name for an algorithm ("MD5", "SHA1", "SHA256", "SHA3-256"); NULL if unknown. */
const char *chap_alg_name(enum chap_alg alg);
/* Digest length in bytes, 0 for an unknown algorithm. */
size_t chap_alg_digest_len(enum chap_alg alg);

/*
 * Parses node.session.auth.chap_algs ("SHA3-256,SHA256,SHA1,MD5"): names
 * are case-insensitive, separated by commas with optional blanks; a repeated
 * name is kept once; NULL or an empty string means open-iscsi's default
 * "MD5".  Unknown names fail with ISCSI_ERR_INVAL naming the bad word.
 */
int chap_parse_algs(const char *s, enum chap_alg out[CHAP_MAX_ALGS], size_t *n,
		    struct ll_error *err);

/*
 * RFC 7143 6.1 binary values: "0x"/"0X" + hex digits (an odd count means an
 * implied leading zero nibble: byte length (n+1)/2) or "0b"/"0B" + base64.
 * Writes at most cap bytes.  Returns 0, -EINVAL when malformed or empty,
 * -E2BIG when the decoded value exceeds cap.
 */
int chap_decode_binary(const char *value, uint8_t *out, size_t cap, size_t *len);
/* Encodes "0x" + lowercase hex; out needs 2 * len + 3 bytes.  -E2BIG if cap is short. */
int chap_encode_hex(const uint8_t *in, size_t len, char *out, size_t cap);

/*
 * RFC 1994 response: H(id || secret || challenge).  out must hold
 * CHAP_DIGEST_MAX bytes; *out_len gets the digest length.  Fails (-ENOTSUP)
 * when OpenSSL cannot provide the digest (e.g. MD5 under FIPS).
 */
int chap_compute_response(enum chap_alg alg, uint8_t id,
			  const uint8_t *secret, size_t secret_len,
			  const uint8_t *challenge, size_t challenge_len,
			  uint8_t out[CHAP_DIGEST_MAX], size_t *out_len);

/* True when a non-empty secret is shorter than RFC 7143's 12-byte minimum. */
bool chap_secret_is_short(const char *secret);

/* Record settings; the strings are copied by chap_init. */
struct chap_config {
	const char *username;     /* node.session.auth.username (CHAP_N we send) */
	const char *password;     /* node.session.auth.password */
	const char *username_in;  /* node.session.auth.username_in: mutual when */
	const char *password_in;  /*   both _in values are non-empty */
	const char *chap_algs;    /* node.session.auth.chap_algs; NULL = "MD5" */
};

enum chap_state {
	CHAP_ST_INIT,          /* nothing sent yet */
	CHAP_ST_OFFERED,       /* CHAP_A sent, waiting for CHAP_A/I/C */
	CHAP_ST_RESPONDED,     /* CHAP_N/R sent; mutual: waiting for target's N/R */
	CHAP_ST_DONE,          /* authentication complete in every required direction */
	CHAP_ST_FAILED,
};

/* Fields are private to chap.c; the struct is public only so callers can embed it. */
struct chap_ctx {
	enum chap_state state;
	enum chap_alg algs[CHAP_MAX_ALGS];
	size_t n_algs;
	enum chap_alg chosen;
	bool mutual;
	char username[CHAP_NAME_MAX];
	char username_in[CHAP_NAME_MAX];
	char password[CHAP_SECRET_MAX];
	char password_in[CHAP_SECRET_MAX];
	size_t password_len;
	size_t password_in_len;
	uint8_t our_id;                          /* CHAP_I we sent (mutual) */
	uint8_t our_challenge[CHAP_DIGEST_MAX];  /* CHAP_C we sent (mutual) */
	size_t our_challenge_len;                /* 0 when none was sent yet */
};

/*
 * Copies credentials and parses chap_algs.  Fails when username or password
 * is empty, a value is too long, only one of username_in/password_in is set,
 * or password == password_in ("local and remote CHAP secrets must differ").
 */
int chap_init(struct chap_ctx *c, const struct chap_config *cfg, struct ll_error *err);

/*
 * Starts a new exchange on the same context (a re-login): state back to
 * INIT, but the last challenge we sent is kept so that a target reflecting
 * it later is still caught.
 */
void chap_restart(struct chap_ctx *c);

/* Zeroes the whole context (secrets, challenges). Safe on a zeroed struct. */
void chap_clear(struct chap_ctx *c);

/* Adds CHAP_A=<our list in preference order> to out (e.g. "7,5"). */
int chap_build_offer(struct chap_ctx *c, struct text_list *out, struct ll_error *err);

/*
 * Handles the target's CHAP_A, CHAP_I and CHAP_C (all three required):
 * CHAP_A must be a single value we offered; CHAP_I 0..255; CHAP_C a binary
 * value of 1..1024 bytes that is not the challenge we sent (reflection).
 * Adds CHAP_N and CHAP_R to out, and for mutual CHAP also our random CHAP_I
 * and CHAP_C (length max(16, digest length), RAND_bytes).
 */
int chap_handle_challenge(struct chap_ctx *c, const struct text_list *in,
			  struct text_list *out, struct ll_error *err);

/*
 * Mutual CHAP: checks the target's CHAP_N against username_in and CHAP_R
 * against H(our CHAP_I || password_in || our CHAP_C), in constant time.
 */
int chap_verify_target(struct chap_ctx *c, const struct text_list *in,
		       struct ll_error *err);

/* True once the initiator may set the T bit to leave the security stage. */
bool chap_done(const struct chap_ctx *c);
/* True in mutual mode while the target's CHAP_N/CHAP_R are still expected. */
bool chap_awaiting_target(const struct chap_ctx *c);

#endif
