/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session_view.h: what `-m session` and `-m host` show of sessions, collected
 * once and rendered either as open-iscsi's text (session_print.c) or as
 * JSON (session_json.c), so the two can never disagree.
 *
 * The view holds the sysfs facts plus what the renderers would otherwise
 * each work out: iscsid's two states, the iface name, the LUNs in
 * open-iscsi's order, and the disks' /dev and by-iscsi names.
 *
 * Memory: a session_views owns its arrays and the iscsid state table
 * (session_views_free()); the sysfs sessions stay the caller's and must
 * outlive the view.
 */
#ifndef ISCSIADM_SESSION_VIEW_H
#define ISCSIADM_SESSION_VIEW_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "iscsiadm/ctx.h"
#include "iscsiadm/session_state.h"
#include "libiscsi-core/ipc_health.h"
#include "sysfs/sysfs.h"

/* The parts of a session tree; -m host shows other sets than -m session. */
enum session_tree_part {
	TREE_IFACE = 1u << 0,     /* Interface: block */
	TREE_STATE = 1u << 1,     /* SID and the three states */
	TREE_TIMEOUTS = 1u << 2,
	TREE_CHAP = 1u << 3,
	TREE_PARAMS = 1u << 4,    /* negotiated iSCSI parameters */
	TREE_HOST = 1u << 5,      /* "Host Number: H  State: ..." under Attached SCSI devices */
	TREE_DEVICES = 1u << 6,   /* the LUNs and their disks */
	TREE_HEALTH = 1u << 7,    /* iscsid's health of the session (JSON only) */
};

#define SESSION_DEV_MAX 64

struct lun_view {
	const struct sysfs_lun *lun;
	char dev[SESSION_DEV_MAX];       /* "/dev/sdb", "" without a disk */
	char by_iscsi[PATH_MAX];         /* its udev link when it exists, else "" */
};

struct session_view {
	const struct sysfs_session *s;
	const char *iface;               /* sysfs ifacename, else "default" */
	const char *conn_state;          /* iscsid's, "Unknown" unless TREE_STATE */
	const char *iscsid_state;
	const char *header_digest;       /* "CRC32C", "None"; NULL when sysfs has none */
	const char *data_digest;
	struct lun_view *luns;           /* open-iscsi's order (alphasort of H:C:T:L) */
	size_t nluns;
	/* iscsid's history of the session (TREE_HEALTH); NULL when iscsid
	 * did not give it.  JSON only: the text never shows it. */
	const struct ll_health *health;
};

struct session_views {
	struct session_view *v;
	size_t n;
	unsigned parts;                  /* enum session_tree_part bits */
	struct session_states st;        /* asked from iscsid only for TREE_STATE */
	struct ll_health *health;        /* TREE_HEALTH: one per session */
	bool *have_health;
};

/* Collects the n sessions; returns 0 or ISCSI_ERR_NOMEM. */
int session_views_collect(struct ctx *c, const struct sysfs_session *const *list, size_t n,
			  unsigned parts, struct session_views *out);
void session_views_free(struct session_views *v);

/* What each -P level of -m session shows (0 for the flat list). */
unsigned session_level_parts(int level);

#endif
