/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * text.h: iSCSI text key=value lists (RFC 7143 section 6).
 *
 * A text_list is an ordered list of (key, value) string pairs, as carried in
 * the data segment of Login and Text PDUs: "key=value\0key=value\0...".
 * The list owns copies of its strings; text_list_free() zeroes values before
 * freeing them because CHAP secrets and responses pass through here.
 *
 * text_parse() is the only way network bytes become a list: it checks every
 * bound (key count, key and value length, '=' present, NUL termination,
 * characters allowed in key names) and returns an error in struct ll_error
 * instead of ever crashing on hostile input.
 *
 * Values that span several PDUs (the C bit) are joined with text_accum
 * before parsing; outgoing lists longer than one PDU are cut by the caller
 * with text_encode() + offsets.
 */
#ifndef LUNLINK_TEXT_H
#define LUNLINK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libiscsi-core/errors.h"

#define TEXT_KEY_MAX 63          /* RFC 7143 6.1: key names up to 63 bytes */
#define TEXT_VALUE_MAX 8192      /* longest value we accept (hex/base64 CHAP values fit) */
#define TEXT_MAX_KEYS 512        /* keys per list; more is hostile */
#define TEXT_ACCUM_MAX (256 * 1024) /* total bytes of one text exchange (SendTargets can be long) */

struct text_kv {
	char *key;
	char *value;
};

struct text_list {
	struct text_kv *items;
	size_t n;
	size_t cap;
	size_t max_keys;         /* 0 means TEXT_MAX_KEYS; SendTargets raises it */
};

void text_list_init(struct text_list *l);
/* Frees every string (values zeroed first) and resets the list to empty. */
void text_list_free(struct text_list *l);
/* Appends copies of key and value; -EINVAL on a bad key/value, -E2BIG when full, -ENOMEM. */
int text_list_add(struct text_list *l, const char *key, const char *value);
/* Replaces the value of an existing key or appends it. */
int text_list_set(struct text_list *l, const char *key, const char *value);
/* First value for key, or NULL. */
const char *text_list_get(const struct text_list *l, const char *key);
/* Number of times key occurs (a key offered twice is a protocol error). */
size_t text_list_count(const struct text_list *l, const char *key);

/* True when s is a valid key name: 1..63 bytes of a-z A-Z 0-9 . - + @ _ */
bool text_key_valid(const char *s);

/*
 * Parses a NUL-separated key=value data segment and appends the pairs to
 * out (which the caller initialised).  Empty items (runs of NULs, trailing
 * padding) are skipped.  A final pair without its NUL is accepted: the
 * data segment length already bounds it, and some targets omit it.
 * Values may be empty; they may not contain control characters.
 * On error returns -EINVAL/-E2BIG/-ENOMEM, fills err (code ISCSI_ERR_LOGIN,
 * or ISCSI_ERR_NOMEM) with a message naming the offending key or offset,
 * and leaves out holding the pairs parsed before the bad one (free it).
 */
int text_parse(struct text_list *out, const uint8_t *buf, size_t len,
	       struct ll_error *err);

/*
 * Encodes the list as "k=v\0k=v\0"; *out is malloc'd (never NULL on
 * success, even for an empty list with *len 0); caller frees it, zeroing
 * it first with secure_zero() when it may hold CHAP values.
 */
int text_encode(const struct text_list *l, uint8_t **out, size_t *len);

/* Collects data segments of PDUs sent with the C (continue) bit. */
struct text_accum {
	uint8_t *buf;
	size_t len;
	size_t cap;
};

void text_accum_init(struct text_accum *a);
/* Zeroes and frees the buffer; the accumulator is empty and reusable after. */
void text_accum_free(struct text_accum *a);
/* Appends a segment; -E2BIG past TEXT_ACCUM_MAX (nothing appended), -ENOMEM. */
int text_accum_add(struct text_accum *a, const uint8_t *data, size_t len);

#endif
