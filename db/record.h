/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record.h: node, discovery and iface records ("key = value" text files).
 *
 * One table (record.c) lists every record key open-iscsi knows: its name,
 * value type, built-in default, visibility and which record kinds carry it.
 * Parsing, validation, file writing and `-o show` printing all read that
 * table, so adding a key is adding one row.
 *
 * Memory: a struct rec owns copies of all its values; rec_get() returns a
 * pointer into the record, valid until the next rec_set()/rec_parse() of
 * that key or rec_free().  rec_format() returns a malloc'd string the caller
 * frees (it may hold secrets: secure_zero it first when it did).  rec_free()
 * wipes secret values before freeing.
 *
 * Values never contain control characters (so never a newline), are at most
 * REC_VALUE_MAX bytes; key names are shorter than REC_KEY_MAX.
 */
#ifndef LUNLINK_DB_RECORD_H
#define LUNLINK_DB_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "libiscsi-core/errors.h"

#define REC_KEY_MAX 128    /* key names are < 128 bytes */
#define REC_VALUE_MAX 255  /* values are <= 255 bytes */
#define REC_MAX_KEYS 256   /* known + unknown keys in one record */
#define REC_LINE_MAX 1024  /* longest non-comment line accepted */

/* Printed after "# BEGIN RECORD ": the open-iscsi version we are compatible
 * with (OPEN_ISCSI_COMPAT_VERSION, set once in the top meson.build). */
const char *rec_version(void);

enum rec_kind {
	REC_NODE = 0,   /* nodes/<iqn>/<addr>,<port>,<tpgt>/<iface> */
	REC_DISC_ST,    /* send_targets/<addr>,<port>/st_config */
	REC_IFACE,      /* ifaces/<name> */
	REC_KIND_MAX_
};

enum rec_type {
	REC_T_STR = 0,
	REC_T_INT,      /* decimal, range [min, max] from the table */
	REC_T_BOOL,     /* "Yes" | "No" */
	REC_T_ENUM,     /* one of words[] (stored in the table's spelling) */
	REC_T_LIST,     /* comma-separated subset of words[], e.g. chap_algs */
};

enum rec_flag {
	REC_F_SECRET = 1u << 0,  /* printed "********" unless secrets are shown */
	REC_F_HIDDEN = 1u << 1,  /* accepted when read, never printed or written */
	REC_F_LOOKUP = 1u << 2,  /* identifies the record; iscsiadm refuses
				  * "-o update" ("It is used to look up the
				  * record and cannot be changed.") */
	REC_F_IFACE_MODE = 1u << 3, /* in a node record only changed through
				  * iface mode ("Use iface mode to update
				  * this value.") */
	REC_F_QUIET = 1u << 4,   /* printed and written only when it differs
				  * from the built-in default: keys newer or
				  * rarer than open-iscsi 2.1.8's output */
};

/*
 * What iscsid does with a key (the "effect" column of the key table).
 * Every key round-trips through records whatever its effect; iscsid
 * names the ineffective ones it finds set (rec_next_ineffective).
 */
enum rec_effect {
	REC_E_APPLIED = 0,        /* iscsid or iscsiadm acts on the value */
	REC_E_NO_EFFECT_TCP,      /* for offload HBAs/other transports only */
	REC_E_NOT_IMPLEMENTED,    /* a feature lunlink does not have */
};

/* "applied", "no effect with iscsi_tcp", "not implemented by lunlink" */
const char *rec_effect_str(enum rec_effect e);

struct rec_key {
	const char *name;
	enum rec_type type;
	const char *def;            /* built-in default as text; "" = empty */
	const char *const *words;   /* ENUM/LIST: NULL-terminated list */
	long min, max;              /* REC_T_INT range (inclusive) */
	unsigned flags;             /* enum rec_flag bits */
	unsigned kinds;             /* bit (1u << enum rec_kind) per kind */
	enum rec_effect effect;
};

/* The keys of one kind in file order: i = 0 .. rec_key_count(kind)-1. */
size_t rec_key_count(enum rec_kind kind);
const struct rec_key *rec_key_at(enum rec_kind kind, size_t i);
/* Look a key up by exact name in one kind; NULL when the kind lacks it. */
const struct rec_key *rec_key_find(enum rec_kind kind, const char *name);

/*
 * Diagnostics of parsers (records, iscsid.conf): one call per problem with
 * the file name and 1-based line.  A NULL struct rec_diag pointer discards
 * them.  REC_DIAG_NOTICE is for harmless things (unknown key kept).
 */
enum rec_diag_level { REC_DIAG_NOTICE = 0, REC_DIAG_ERROR };
typedef void (*rec_diag_fn)(void *userdata, enum rec_diag_level level,
			    const char *file, unsigned line, const char *msg);
struct rec_diag {
	rec_diag_fn fn;
	void *userdata;
};
/* A ready-made sink that prints "FILE:LINE: msg" to stderr. */
extern const struct rec_diag rec_diag_stderr;

struct rec;

/* A record of `kind` with every key at its built-in default. NULL on ENOMEM. */
struct rec *rec_new(enum rec_kind kind);
struct rec *rec_dup(const struct rec *r);
void rec_free(struct rec *r);
enum rec_kind rec_get_kind(const struct rec *r);

/* Value text ("" when empty); NULL when the kind has no such key. */
const char *rec_get(const struct rec *r, const char *name);
/* Parsed values; an unknown name or empty value gives the built-in default
 * (0 / false when the key does not exist). Values are validated on set. */
long rec_get_int(const struct rec *r, const char *name);
bool rec_get_bool(const struct rec *r, const char *name);

/*
 * The next key at or after *pos (start at 0) that has no effect and whose
 * value differs from the built-in default, or NULL; *pos moves past it.
 * Keys at their default are skipped: the default is what the key means
 * when nobody set it, so no one expects it to do anything.  Hidden keys
 * (password lengths) are bookkeeping, not settings, and are skipped too.
 */
const struct rec_key *rec_next_ineffective(const struct rec *r, size_t *pos);

/*
 * Set a known key, checking type, enum words, int range and value length.
 * An empty value resets int/bool/enum keys to their built-in default.
 * Returns 0; -ENOENT for a key the kind does not have (err: "Cannot modify
 * <key>. Invalid param name."); -EINVAL for a bad value (err names key and
 * value; a secret's value is not repeated).  err may be NULL.
 */
int rec_set(struct rec *r, const char *name, const char *value,
	    struct ll_error *err);
int rec_set_int(struct rec *r, const char *name, long value,
		struct ll_error *err);
/* Put every key back to its built-in default and drop unknown keys. */
void rec_reset(struct rec *r);
/* Copy the values of every key both kinds share (e.g. an iface record's
 * iface.* keys into a node record). Unknown keys are not copied. */
void rec_copy_common(struct rec *dst, const struct rec *src);

/* Unknown keys read from a file, kept verbatim and written back in order. */
size_t rec_unknown_count(const struct rec *r);
/* i < rec_unknown_count(); returns the name, *value gets the value. */
const char *rec_unknown_get(const struct rec *r, size_t i, const char **value);

/*
 * Parse record text ("key = value" lines, '#' comments, the BEGIN/END
 * RECORD lines) into r, on top of what r holds.  Bad lines (no '=', NUL or
 * control bytes, overlong, bad value, too many keys) are reported through
 * diag with `file` and the line number and skipped; parsing goes on.
 * Unknown keys are kept and reported as notices.
 * Returns the number of bad lines (0 = clean), or -ENOMEM.
 */
int rec_parse(struct rec *r, const char *text, size_t len, const char *file,
	      const struct rec_diag *diag);

/*
 * The line splitter rec_parse() uses, for other "key = value" files
 * (iscsid.conf).  fn gets each well-formed line's key and value (trimmed);
 * fn returns 0, or a negative errno to stop, or 1 when it rejected the line
 * (it has reported why; it is counted as bad).  Returns the number of bad
 * lines or fn's negative errno.
 */
typedef int (*rec_line_fn)(void *userdata, const char *file, unsigned line,
			   const char *key, const char *value);
int rec_parse_lines(const char *text, size_t len, const char *file,
		    const struct rec_diag *diag, rec_line_fn fn, void *userdata);

enum rec_format_mode {
	REC_FMT_FILE = 0,      /* on-disk: empty values omitted, secrets clear */
	REC_FMT_SHOW,          /* -o show: `<empty>`, non-empty secrets
				* "********" (empty ones print `<empty>`) */
	REC_FMT_SHOW_SECRETS,  /* -o show -S: `<empty>`, secrets in clear */
};
/* "# BEGIN RECORD <ver>\n" + "key = value\n"... + "# END RECORD\n";
 * hidden keys are never printed; unknown keys are written (FILE) or shown
 * after the known ones.  Malloc'd; NULL on ENOMEM. */
char *rec_format(const struct rec *r, enum rec_format_mode mode);

/* The "key = value" pairs rec_format() writes, in its order, one call each:
 * value is as shown (secrets masked per mode), "" where the text shows
 * `<empty>`.  iscsiadm's JSON records come from here, so they cannot
 * differ from the text. */
typedef void (*rec_show_fn)(void *userdata, const char *name, const char *value);
void rec_each_shown(const struct rec *r, enum rec_format_mode mode, rec_show_fn fn,
		    void *userdata);

/* Checks shared by rec_set and other modules. */
bool rec_value_is_clean(const char *value);  /* length and no control chars */

#endif
