/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record_keys.h (internal to db/): the key tables behind record.h, and
 * what record_parse.c needs from record.c.
 * One array per record kind, in the order open-iscsi writes the keys; the
 * iface.* rows are the same in node and iface records.
 */
#ifndef LUNLINK_DB_RECORD_KEYS_H
#define LUNLINK_DB_RECORD_KEYS_H

#include <stddef.h>

#include "db/record.h"

struct rec_table {
	const struct rec_key *keys;
	size_t n;
};

/* Indexed by enum rec_kind. */
extern const struct rec_table rec_tables[REC_KIND_MAX_];

/* Keep a key the table does not know (last value wins); -E2BIG past
 * REC_MAX_KEYS keys in the record, -ENOMEM. (record.c, for record_parse.c) */
int rec_set_unknown(struct rec *r, const char *name, const char *value);

#endif
