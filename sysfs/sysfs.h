/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysfs.h: a read-only view of the kernel's iSCSI objects in sysfs.
 *
 * Both iscsiadm (-m session works even when iscsid is down) and iscsid
 * (adopting sessions after a restart, finding disks) read the kernel's
 * state through this module:
 *
 *   ROOT/class/iscsi_session/sessionS/        target name, tpgt, state, ...
 *   ROOT/class/iscsi_connection/connectionS:0/ addresses, ports, state
 *   ROOT/class/iscsi_host/hostH/, ROOT/class/scsi_host/hostH/
 *   ROOT/class/iscsi_session/sessionS/device/targetH:C:T/H:C:T:L/block/sdX
 *
 * ROOT is "/sys" in the programs and a fake tree in unit tests.  Values are
 * copied into fixed buffers; an attribute the kernel does not show (older
 * kernels, other transports) reads as "" or -1, never as an error.
 * Memory: sysfs_session_list() returns an array the caller frees with
 * sysfs_sessions_free().
 */
#ifndef LUNLINK_SYSFS_H
#define LUNLINK_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYSFS_ROOT "/sys"
#define SYSFS_VAL_MAX 256

struct sysfs_lun {
	unsigned host, channel, target, lun;
	char state[32];   /* running, blocked, transport-offline, ... */
	char disk[32];    /* "sdb" when a block device is attached, else "" */
	int type;         /* SCSI peripheral type (0 disk, 12 RAID controller) */
};

struct sysfs_conn {
	char address[SYSFS_VAL_MAX];             /* current (after redirect) */
	int port;
	char persistent_address[SYSFS_VAL_MAX];  /* what the user asked for */
	int persistent_port;
	char state[32];                          /* up, down, failed, bound, ... */
	char header_digest[16], data_digest[16];
	long max_recv_dlength, max_xmit_dlength;
	long exp_statsn;
	long ping_tmo, recv_tmo;
};

struct sysfs_session {
	unsigned sid;
	unsigned host_no;
	bool has_host;
	char transport[16];                      /* "tcp" */
	char targetname[224];
	int tpgt;
	char state[32];                          /* LOGGED_IN, FAILED, FREE */
	char ifacename[65];
	char initiatorname[224];
	char targetalias[SYSFS_VAL_MAX];
	char username[SYSFS_VAL_MAX], username_in[SYSFS_VAL_MAX];
	char isid[16];
	long recovery_tmo, abort_tmo, lu_reset_tmo, tgt_reset_tmo;
	long first_burst_len, max_burst_len, max_outstanding_r2t, erl;
	int initial_r2t, immediate_data;         /* 1/0, -1 unknown */
	bool flash;                              /* created by firmware (creator -1) */
	struct sysfs_conn conn;                  /* connection 0 */
	char host_state[32];
	char host_ipaddress[SYSFS_VAL_MAX], host_hwaddress[64], host_netdev[64];
	size_t nluns;
	struct sysfs_lun *luns;                  /* sorted by target, lun */
};

/*
 * What to read of a session.  The brief part is what a one-line listing
 * and matching a session to its record need (sid, target name, tpgt,
 * state, iface name, creator, connection 0's addresses and ports, the
 * host and its transport): about a tenth of the attributes.  Reading every
 * attribute of every session made `-m session` and the logouts pay ~45
 * sysfs reads per session; fields of parts not asked for stay 0/"".
 */
enum {
	SYSFS_PART_BRIEF = 0,
	SYSFS_PART_IFACE = 1 << 0,   /* initiatorname, the host's address, hw, netdev */
	SYSFS_PART_PARAMS = 1 << 1,  /* timeouts, CHAP names, isid, negotiated values */
	SYSFS_PART_LUNS = 1 << 2,    /* LUNs and their disks, the host's state */
	SYSFS_PART_ALL = SYSFS_PART_IFACE | SYSFS_PART_PARAMS | SYSFS_PART_LUNS,
};

/* Every session, sorted by sid.  Returns 0 (also with *n == 0) or -errno. */
int sysfs_session_list(const char *root, struct sysfs_session **out, size_t *n);
int sysfs_session_list_parts(const char *root, unsigned parts, struct sysfs_session **out,
			     size_t *n);
/* One session; -ENOENT when sid does not exist. luns must be freed with
 * sysfs_session_clear(). */
int sysfs_session_read(const char *root, unsigned sid, struct sysfs_session *out);
int sysfs_session_read_parts(const char *root, unsigned sid, unsigned parts,
			     struct sysfs_session *out);
void sysfs_session_clear(struct sysfs_session *s);
/*
 * Only the block devices of a session's LUNs ("sdb"), at most cap, in
 * directory order: what the safe-logout check needs, without the ~30
 * attribute reads of sysfs_session_read_parts().  -ENOENT when the session
 * (or its device directory) does not exist.
 */
int sysfs_session_disks(const char *root, unsigned sid, char (*disks)[32], size_t cap,
			size_t *n);
/*
 * Only the addresses (H:C:T:L) of a session's LUNs, in directory order,
 * nothing read inside them: what a relogin needs to set its disks
 * running, where sysfs_session_read_parts() read 13 session, connection
 * and host attributes and each LUN's state, type and block directory (18
 * files a relogin, against open-iscsi's 5, in a storm of 64 with writers).
 * *out (free() it) is NULL when there is none.  -ENOENT when the session
 * (or its device directory) does not exist.
 */
int sysfs_session_luns(const char *root, unsigned sid, struct sysfs_lun **out, size_t *n);
void sysfs_sessions_free(struct sysfs_session *s, size_t n);

/* Parses "S", "sessionS", or any path with a "sessionS" component
 * ("/sys/devices/platform/hostH/sessionS/...", "/sys/class/iscsi_session/sessionS"). */
int sysfs_parse_session_id(const char *s, unsigned *sid);

/* Reads ROOT/<path> into buf (trailing newline removed). -errno on failure. */
int sysfs_read(const char *root, const char *path, char *buf, size_t len);
/* sysfs_read() of a printf-made path, for values that may be unset: a
 * missing file and the kernel's "(null)" both read as "". */
void sysfs_read_str(const char *root, char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Writes value to ROOT/<path> (e.g. "- - -" to a scan file). */
int sysfs_write(const char *root, const char *path, const char *value);

/* The transport-class version string printed by -m session -P 3. */
int sysfs_transport_version(const char *root, char *buf, size_t len);

#endif
