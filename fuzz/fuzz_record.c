/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_record: the node database's record parser and iscsid.conf.
 *
 * Input: byte 0 modulo 4 picks a node record, a discovery record, an
 * iface record (rec_parse) or iscsid.conf (cfg_load_text); the rest is
 * the file.  Whatever survives parsing must be written out as a file that
 * parses again without a single bad line: the database must never write
 * what it cannot read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/config.h"
#include "db/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Diagnostics must name a line inside the file and say something. */
static void diag_check(void *userdata, enum rec_diag_level level, const char *file,
		       unsigned line, const char *msg)
{
	size_t lines = *(const size_t *)userdata;

	if (!file || !msg || !msg[0] || line == 0 || line > lines)
		abort();
}

static size_t count_lines(const uint8_t *data, size_t size)
{
	size_t n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

/* Writes r, reads it back (no bad line allowed), returns the re-read record. */
static struct rec *reread(const struct rec *r, char **text)
{
	struct rec *again = rec_new(rec_get_kind(r));

	*text = rec_format(r, REC_FMT_FILE);
	if (!again || !*text)
		abort();
	if (rec_parse(again, *text, strlen(*text), "formatted", NULL) != 0)
		abort();
	return again;
}

/*
 * The file the database writes must read back cleanly, and after one
 * write/read the record is a fixed point.  (Not the first one: a string
 * key set empty whose default is not empty, "iface.transport_name = ",
 * is omitted from the file and comes back as its default.)
 */
static void round_trip(const struct rec *r)
{
	char *once, *twice, *thrice;
	struct rec *a = reread(r, &once), *b = reread(a, &twice), *c = reread(b, &thrice);

	if (strcmp(twice, thrice) != 0)
		abort();
	free(rec_format(r, REC_FMT_SHOW));
	free(once);
	free(twice);
	free(thrice);
	rec_free(a);
	rec_free(b);
	rec_free(c);
}

static void record(enum rec_kind kind, const uint8_t *data, size_t size,
		   const struct rec_diag *diag)
{
	struct rec *r = rec_new(kind);

	if (!r)
		abort();
	if (rec_parse(r, (const char *)data, size, "fuzz", diag) >= 0)
		round_trip(r);
	rec_free(r);
}

static void config(const uint8_t *data, size_t size, const struct rec_diag *diag)
{
	struct cfg *c;

	if (cfg_load_text((const char *)data, size, "iscsid.conf", &c, diag, NULL) < 0)
		return;
	(void)cfg_get(c, "iscsid.startup");
	(void)cfg_get_bool(c, "iscsid.safe_logout", false);
	for (int k = 0; k < REC_KIND_MAX_; k++) {
		struct rec *r = cfg_rec_new(c, (enum rec_kind)k);

		if (!r)
			abort();
		round_trip(r);
		rec_free(r);
	}
	cfg_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t lines;
	struct rec_diag diag = { .fn = diag_check, .userdata = &lines };

	if (size < 1)
		return 0;
	lines = count_lines(data + 1, size - 1);
	if (data[0] % 4 == 3)
		config(data + 1, size - 1, &diag);
	else
		record((enum rec_kind)(data[0] % 4), data + 1, size - 1, &diag);
	return 0;
}
