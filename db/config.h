/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.h (db/): ROOT/iscsid.conf and ROOT/initiatorname.iscsi.
 *
 * (Not to be confused with the build's generated config.h; files in db/
 * include that one as <config.h>.)
 *
 * iscsid.conf holds three things: node.* keys and discovery.* keys, which
 * are templates applied to records when they are created (existing records
 * are not changed when the file changes, as in open-iscsi), and the daemon
 * keys iscsid.startup, iscsid.safe_logout, iscsid.ipc_auth_uid.  A missing
 * file is an empty configuration.  Bad lines and bad values are reported
 * with file:line through the diag sink and skipped; they are never fatal.
 *
 * Memory: struct cfg owns its strings; cfg_get() pointers live until
 * cfg_free().  Records from cfg_rec_new() belong to the caller.
 */
#ifndef LUNLINK_DB_CONFIG_H
#define LUNLINK_DB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "db/record.h"
#include "libiscsi-core/errors.h"

#define CFG_FILE "iscsid.conf"
#define CFG_INITIATORNAME_FILE "initiatorname.iscsi"
#define CFG_INAME_PREFIX "iqn.2016-04.com.open-iscsi"
#define CFG_INAME_MAX 223

/* Root directory of configuration and node DB: $ISCSI_CONFIG_DIR when set
 * and non-empty, else DEFAULT_CONFIG_DIR. Same as ndb_default_root(). */
const char *cfg_root(void);

struct cfg;

/* Read ROOT/iscsid.conf (root NULL = cfg_root()). -ENOENT is never returned:
 * a missing file gives an empty cfg.  diag NULL = rec_diag_stderr. */
int cfg_load(const char *root, struct cfg **out, const struct rec_diag *diag,
	     struct ll_error *err);
/* Parse text as if it were iscsid.conf (tests, fuzzing). */
int cfg_load_text(const char *text, size_t len, const char *file,
		  struct cfg **out, const struct rec_diag *diag,
		  struct ll_error *err);
struct cfg *cfg_new_empty(void);
void cfg_free(struct cfg *c);

/* Value of any key as set in the file (last one wins); for the daemon keys
 * the built-in default when absent (iscsid.startup "", iscsid.safe_logout
 * "Yes", unlike open-iscsi's "No"; iscsid.ipc_auth_uid "Yes"); NULL for other absent keys. */
const char *cfg_get(const struct cfg *c, const char *key);
/* Yes/No key; def when absent or not a boolean. */
bool cfg_get_bool(const struct cfg *c, const char *key, bool def);

/* A new record of kind with built-in defaults overlaid by the file's
 * templates: node.* (REC_NODE), discovery.sendtargets.* and
 * discovery.startup/type (REC_DISC_ST), iface.* (REC_IFACE). NULL on ENOMEM.
 * c may be NULL (defaults only). */
struct rec *cfg_rec_new(const struct cfg *c, enum rec_kind kind);
/* Overlay the templates on an existing record (iscsiadm discovery -o
 * update refreshes node records from iscsid.conf). */
void cfg_apply_templates(const struct cfg *c, struct rec *r);

/* ---- initiatorname.iscsi ---- */

struct cfg_iname {
	char name[CFG_INAME_MAX + 1];   /* InitiatorName= */
	char alias[REC_VALUE_MAX + 1];  /* InitiatorAlias=, "" when absent */
};

/* Read ROOT/initiatorname.iscsi (root NULL = cfg_root()). -ENOENT when the
 * file is missing; -EINVAL when it has no valid InitiatorName= line. */
int cfg_iname_read(const char *root, struct cfg_iname *out,
		   struct ll_error *err);
/* "<prefix>:<12 random hex digits>" (prefix NULL = CFG_INAME_PREFIX). */
int cfg_iname_generate(const char *prefix, char *buf, size_t len,
		       struct ll_error *err);
/* Read it, or when the file is missing generate a name and create the
 * file atomically (0644, "InitiatorName=<name>\n"); when two processes race,
 * both end up with the one that was created first.  An existing file
 * without a valid name is never overwritten (-EINVAL). */
int cfg_iname_ensure(const char *root, struct cfg_iname *out,
		     struct ll_error *err);

#endif
