/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * isidfile.h: the file where iscsid records, for each kernel session, its
 * number among its node's sessions and the ISID it logged in with.
 *
 * The kernel cannot give the ISID back (libiscsi has no ISID parameter
 * for iscsi_tcp, so sysfs `isid` stays unset), and a restarted iscsid that
 * derived it again from the order it adopts sessions in could give a
 * session a live sibling's ISID: its next login would then reinstate over
 * that sibling at the target.  The file lives next to the control socket
 * (under /run: it is only true for the kernel sessions of this boot):
 *
 *     # comment lines
 *     lunlink-session-isids 1
 *     SID INDEX ISID TARGET          e.g. "7 2 80a1b2c3d4e5 iqn.2003-01.org.x:t"
 *
 * one line per session, each ending in a newline, fields separated by one
 * space, ISID as 12 lower- or upper-case hex digits.  Anything else makes
 * the whole file corrupt: callers report it and derive the numbers anew.
 */
#ifndef ISCSID_ISIDFILE_H
#define ISCSID_ISIDFILE_H

#include <stddef.h>
#include <stdint.h>

#define ISIDFILE_NAME "session-isids"
#define ISIDFILE_HEADER "lunlink-session-isids 1"
/* Sessions one node may have at once: beyond node.session.nr_sessions'
 * 256, -o new may add some more. */
#define SESSION_INDEX_LIMIT 1024
/* Longest iSCSI name (RFC 7143: 223 bytes) */
#define ISIDFILE_TARGET_MAX 223

struct isid_entry {
	uint32_t sid;
	unsigned index;                     /* < SESSION_INDEX_LIMIT */
	uint8_t isid[6];
	char target[ISIDFILE_TARGET_MAX + 1];
};

struct isid_table {
	struct isid_entry *v;
	size_t n, cap;
};

/*
 * Parses text (len bytes) into t (emptied first).  0, -EINVAL with why
 * naming the line and what is wrong, or -ENOMEM.  On failure t is empty.
 */
int isidfile_parse(const char *text, size_t len, struct isid_table *t, char *why,
		   size_t whylen);
/* Renders t (header included) into a new string; 0 or -ENOMEM. */
int isidfile_format(const struct isid_table *t, char **text, size_t *len);

/* An ISID as the file writes it: 12 lower-case hex digits. */
#define ISIDFILE_HEX_LEN 12
void isidfile_hex(const uint8_t isid[6], char out[ISIDFILE_HEX_LEN + 1]);

/* Reads path: 0, -ENOENT (no file), -EINVAL (corrupt, see why), -errno. */
int isidfile_load(const char *path, struct isid_table *t, char *why, size_t whylen);
/* Replaces path atomically (mode 0600); 0 or -errno. */
int isidfile_save(const char *path, const struct isid_table *t);

/* Appends an entry (the caller keeps sids unique); 0 or -ENOMEM/-EINVAL. */
int isidfile_add(struct isid_table *t, uint32_t sid, unsigned index, const uint8_t isid[6],
		 const char *target);
struct isid_entry *isidfile_find(const struct isid_table *t, uint32_t sid);
/* Removes the entry of sid, if any. */
void isidfile_remove(struct isid_table *t, uint32_t sid);
void isidfile_free(struct isid_table *t);

#endif
