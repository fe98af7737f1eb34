/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stream.h: cuts a fuzz input into PDUs the way a TCP receiver would.
 *
 * Fuzz targets that drive a state machine (login, SendTargets) read their
 * input as a byte stream from a target: each PDU is framed by its own BHS
 * (48 bytes + TotalAHSLength words + DataSegmentLength padded to 4).  The
 * last piece may be shorter than its header says; it is handed out as is
 * so the consumers see truncated PDUs too.  No length is trusted: every
 * piece lies inside the input.
 *
 * Memory: stream_next() returns a view into the input, nothing is allocated.
 */
#ifndef LUNLINK_FUZZ_STREAM_H
#define LUNLINK_FUZZ_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stream {
	const uint8_t *p;
	size_t left;
};

void stream_init(struct stream *s, const uint8_t *data, size_t size);
/* Next PDU-sized piece; false when the input is used up. */
bool stream_next(struct stream *s, const uint8_t **pdu, size_t *len);

/* Mode bits the targets read from their first input byte. */
static inline bool fuzz_bit(uint8_t mode, unsigned bit)
{
	return (mode >> bit) & 1u;
}

#endif
