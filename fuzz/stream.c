/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stream.c: PDU framing of fuzz input (see stream.h). */
#include "fuzz/stream.h"
#include "libiscsi-core/pdu.h"
#include "libiscsi-core/util.h"

void stream_init(struct stream *s, const uint8_t *data, size_t size)
{
	s->p = data;
	s->left = size;
}

bool stream_next(struct stream *s, const uint8_t **pdu, size_t *len)
{
	size_t total = s->left;

	if (!s->left)
		return false;
	if (s->left >= PDU_BHS_LEN) {
		/* The same arithmetic as pdu_total_len(), without its limit. */
		total = PDU_BHS_LEN + (size_t)s->p[PDU_OFF_AHS_LEN] * 4 +
			ALIGN4((size_t)get_be24(s->p + PDU_OFF_DSL));
		if (total > s->left)
			total = s->left;
	}
	*pdu = s->p;
	*len = total;
	s->p += total;
	s->left -= total;
	return true;
}
