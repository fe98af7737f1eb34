/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_text: the key=value parser (text_parse) on a login/text data
 * segment, plus the continuation accumulator.
 *
 * A list that parses must encode to text that parses back to the same
 * list, and list lookups must agree with the parsed items.
 */
#include <stdlib.h>
#include <string.h>

#include "libiscsi-core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct text_list *l)
{
	struct text_list again;
	uint8_t *enc;
	size_t len;

	if (text_encode(l, &enc, &len) < 0)
		return;
	text_list_init(&again);
	if (text_parse(&again, enc, len, NULL) < 0 || again.n != l->n)
		abort();
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(again.items[i].key, l->items[i].key) ||
		    strcmp(again.items[i].value, l->items[i].value))
			abort();
	text_list_free(&again);
	free(enc);
}

static void lookups(struct text_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *k = l->items[i].key;

		if (!text_key_valid(k) || text_list_count(l, k) == 0 || !text_list_get(l, k))
			abort();
	}
	/* Replacing a value must not disturb the other keys. */
	if (l->n && text_list_set(l, l->items[0].key, "x") == 0 &&
	    strcmp(text_list_get(l, l->items[0].key), "x") != 0)
		abort();
}

/* Feeds the input to the accumulator in pieces cut at every 0xff byte. */
static void accumulate(const uint8_t *data, size_t size)
{
	struct text_accum a;
	size_t off = 0;

	text_accum_init(&a);
	while (off < size) {
		const uint8_t *cut = memchr(data + off, 0xff, size - off);
		size_t n = cut ? (size_t)(cut - (data + off)) : size - off;
		size_t before = a.len;

		/* Each piece lands intact after the previous ones. */
		if (text_accum_add(&a, data + off, n) == 0 &&
		    (a.len != before + n || (n && memcmp(a.buf + before, data + off, n) != 0)))
			abort();
		off += n + 1;
	}
	text_accum_free(&a);
	if (a.buf || a.len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ll_error e = { 0 };
	struct text_list l;
	int r;

	text_list_init(&l);
	r = text_parse(&l, data, size, &e);
	if (r < 0 && !e.msg[0])
		abort();
	if (r == 0) {
		round_trip(&l);
		lookups(&l);
	}
	text_list_free(&l);
	if (l.items || l.n)
		abort();
	accumulate(data, size);
	return 0;
}
