/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of sysfs/ against a fake sysfs tree laid out like Linux 6.1's. */
#include <check.h>
#include <stdbool.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs/sysfs.h"
#include "testutil.h"

/* Session 3 on host 5 with LUN 0 (controller) and LUN 1 (disk sdc). */
static void build_tree(void)
{
	tu_scratch_new();
	tu_mkdirs("devices/platform/host5/session3/target5:0:0/5:0:0:0");
	tu_mkdirs("devices/platform/host5/session3/target5:0:0/5:0:0:1/block/sdc");
	tu_mkdirs("devices/platform/host5/session3/iscsi_session/session3");
	tu_mkdirs("class/iscsi_session");
	tu_mkdirs("class/iscsi_connection/connection3:0");
	tu_mkdirs("class/scsi_host/host5");
	tu_mkdirs("class/iscsi_host/host5");
	tu_mkdirs("module/scsi_transport_iscsi");
	tu_link("../../devices/platform/host5/session3/iscsi_session/session3",
		"class/iscsi_session/session3");
	tu_link("../..", "devices/platform/host5/session3/iscsi_session/session3/device");
	tu_put("class/iscsi_session/session3/targetname", "iqn.2003-01.org.linux-iscsi:t1");
	tu_put("class/iscsi_session/session3/tpgt", "1");
	tu_put("class/iscsi_session/session3/state", "LOGGED_IN");
	tu_put("class/iscsi_session/session3/recovery_tmo", "120");
	tu_put("class/iscsi_session/session3/creator", "812");
	tu_put("class/iscsi_session/session3/ifacename", "default");
	tu_put("class/iscsi_session/session3/targetalias", "(null)");
	tu_put("class/iscsi_session/session3/initial_r2t", "1");
	tu_put("class/iscsi_session/session3/first_burst_len", "65536");
	tu_put("devices/platform/host5/session3/target5:0:0/5:0:0:0/state", "running");
	tu_put("devices/platform/host5/session3/target5:0:0/5:0:0:0/type", "12");
	tu_put("devices/platform/host5/session3/target5:0:0/5:0:0:1/state", "running");
	tu_put("devices/platform/host5/session3/target5:0:0/5:0:0:1/type", "0");
	tu_put("class/iscsi_connection/connection3:0/persistent_address", "127.0.0.1");
	tu_put("class/iscsi_connection/connection3:0/persistent_port", "3260");
	tu_put("class/iscsi_connection/connection3:0/address", "127.0.0.2");
	tu_put("class/iscsi_connection/connection3:0/port", "3261");
	tu_put("class/iscsi_connection/connection3:0/max_recv_dlength", "262144");
	tu_put("class/scsi_host/host5/proc_name", "iscsi_tcp");
	tu_put("class/scsi_host/host5/state", "running");
	tu_put("module/scsi_transport_iscsi/version", "2.0-870");
}

START_TEST(test_sysfs_reads_session_connection_host_and_luns)
{
	struct sysfs_session s;

	build_tree();
	ck_assert_int_eq(sysfs_session_read(tu_root, 3, &s), 0);
	ck_assert_str_eq(s.targetname, "iqn.2003-01.org.linux-iscsi:t1");
	ck_assert_int_eq(s.tpgt, 1);
	ck_assert_str_eq(s.state, "LOGGED_IN");
	ck_assert_str_eq(s.targetalias, "");   /* the kernel's "(null)" means unset */
	ck_assert_int_eq(s.recovery_tmo, 120);
	ck_assert(!s.flash);
	ck_assert(s.has_host);
	ck_assert_uint_eq(s.host_no, 5);
	ck_assert_str_eq(s.transport, "tcp");
	ck_assert_str_eq(s.conn.persistent_address, "127.0.0.1");
	ck_assert_int_eq(s.conn.persistent_port, 3260);
	ck_assert_str_eq(s.conn.address, "127.0.0.2");
	ck_assert_int_eq(s.conn.port, 3261);
	ck_assert_int_eq(s.conn.max_recv_dlength, 262144);
	ck_assert_int_eq(s.first_burst_len, 65536);
	ck_assert_int_eq(s.initial_r2t, 1);
	ck_assert_int_eq(s.immediate_data, -1);   /* attribute absent */
	ck_assert_int_eq(s.abort_tmo, -1);
	ck_assert_uint_eq(s.nluns, 2);
	ck_assert_uint_eq(s.luns[0].lun, 0);
	ck_assert_int_eq(s.luns[0].type, 12);
	ck_assert_str_eq(s.luns[0].disk, "");
	ck_assert_uint_eq(s.luns[1].lun, 1);
	ck_assert_str_eq(s.luns[1].disk, "sdc");
	ck_assert_str_eq(s.luns[1].state, "running");
	sysfs_session_clear(&s);
	tu_scratch_remove();
}
END_TEST

START_TEST(test_sysfs_lists_sessions_sorted_and_skips_junk)
{
	struct sysfs_session *list;
	size_t n;
	char v[32];

	build_tree();
	tu_mkdirs("class/iscsi_session/session10");
	tu_put("class/iscsi_session/session10/targetname", "iqn.2003-01.org.linux-iscsi:t2");
	tu_mkdirs("class/iscsi_session/sessionX");
	tu_mkdirs("class/iscsi_session/session4junk");
	ck_assert_int_eq(sysfs_session_list(tu_root, &list, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(list[0].sid, 3);
	ck_assert_uint_eq(list[1].sid, 10);
	ck_assert(!list[1].has_host);
	ck_assert_uint_eq(list[1].nluns, 0);
	sysfs_sessions_free(list, n);
	ck_assert_int_eq(sysfs_transport_version(tu_root, v, sizeof(v)), 0);
	ck_assert_str_eq(v, "2.0-870");
	tu_scratch_remove();
}
END_TEST

START_TEST(test_sysfs_missing_session_is_enoent_and_empty_tree_lists_nothing)
{
	struct sysfs_session s, *list;
	size_t n = 99;

	tu_scratch_new();
	ck_assert_int_eq(sysfs_session_read(tu_root, 1, &s), -ENOENT);
	ck_assert_int_eq(sysfs_session_list(tu_root, &list, &n), 0);
	ck_assert_uint_eq(n, 0);
	tu_scratch_remove();
}
END_TEST

START_TEST(test_sysfs_flash_session_detected_from_creator)
{
	struct sysfs_session s;

	build_tree();
	tu_put("class/iscsi_session/session3/creator", "-1");
	ck_assert_int_eq(sysfs_session_read(tu_root, 3, &s), 0);
	ck_assert(s.flash);
	sysfs_session_clear(&s);
	tu_scratch_remove();
}
END_TEST

/* The brief part: what a listing line and matching need, nothing more. */
START_TEST(test_sysfs_brief_read_skips_params_and_luns)
{
	struct sysfs_session s, *list;
	size_t n;

	build_tree();
	tu_put("class/iscsi_host/host5/ipaddress", "10.0.0.1");
	tu_put("class/iscsi_session/session3/initiatorname", "iqn.x:y");
	ck_assert_int_eq(sysfs_session_read_parts(tu_root, 3, SYSFS_PART_BRIEF, &s), 0);
	ck_assert_str_eq(s.targetname, "iqn.2003-01.org.linux-iscsi:t1");
	ck_assert_int_eq(s.tpgt, 1);
	ck_assert_str_eq(s.state, "LOGGED_IN");
	ck_assert_str_eq(s.ifacename, "default");
	ck_assert_str_eq(s.transport, "tcp");
	ck_assert(s.has_host);
	ck_assert_str_eq(s.conn.persistent_address, "127.0.0.1");
	ck_assert_int_eq(s.conn.port, 3261);
	ck_assert_int_eq(s.recovery_tmo, -1);        /* not read: unknown */
	ck_assert_int_eq(s.first_burst_len, -1);
	ck_assert_int_eq(s.initial_r2t, -1);
	ck_assert_int_eq(s.conn.max_recv_dlength, -1);
	ck_assert_str_eq(s.initiatorname, "");
	ck_assert_str_eq(s.host_ipaddress, "");
	ck_assert_str_eq(s.host_state, "");
	ck_assert_uint_eq(s.nluns, 0);
	sysfs_session_clear(&s);
	/* each part alone brings its own fields */
	ck_assert_int_eq(sysfs_session_read_parts(tu_root, 3, SYSFS_PART_IFACE, &s), 0);
	ck_assert_str_eq(s.initiatorname, "iqn.x:y");
	ck_assert_str_eq(s.host_ipaddress, "10.0.0.1");
	ck_assert_uint_eq(s.nluns, 0);
	sysfs_session_clear(&s);
	ck_assert_int_eq(sysfs_session_read_parts(tu_root, 3, SYSFS_PART_PARAMS, &s), 0);
	ck_assert_int_eq(s.recovery_tmo, 120);
	ck_assert_int_eq(s.conn.max_recv_dlength, 262144);
	ck_assert_str_eq(s.host_ipaddress, "");
	sysfs_session_clear(&s);
	ck_assert_int_eq(sysfs_session_read_parts(tu_root, 3, SYSFS_PART_LUNS, &s), 0);
	ck_assert_uint_eq(s.nluns, 2);
	ck_assert_str_eq(s.host_state, "running");
	ck_assert_int_eq(s.recovery_tmo, -1);
	sysfs_session_clear(&s);
	ck_assert_int_eq(sysfs_session_list_parts(tu_root, SYSFS_PART_BRIEF, &list, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(list[0].nluns, 0);
	ck_assert_str_eq(list[0].targetname, "iqn.2003-01.org.linux-iscsi:t1");
	sysfs_sessions_free(list, n);
	tu_scratch_remove();
}
END_TEST

/* The list grows past its first allocation (16) without losing entries. */
START_TEST(test_sysfs_lists_many_sessions)
{
	struct sysfs_session *list;
	char path[128];
	size_t n;

	tu_scratch_new();
	for (unsigned i = 1; i <= 40; i++) {
		tu_mkdirs("class/iscsi_session/session%u", i);
		snprintf(path, sizeof(path), "class/iscsi_session/session%u/targetname", i);
		tu_put(path, "iqn.2003-01.org.linux-iscsi:many");
	}
	ck_assert_int_eq(sysfs_session_list_parts(tu_root, SYSFS_PART_BRIEF, &list, &n), 0);
	ck_assert_uint_eq(n, 40);
	for (unsigned i = 0; i < 40; i++)
		ck_assert_uint_eq(list[i].sid, i + 1);
	sysfs_sessions_free(list, n);
	tu_scratch_remove();
}
END_TEST

START_TEST(test_sysfs_parses_session_ids_in_every_form)
{
	unsigned sid;

	ck_assert_int_eq(sysfs_parse_session_id("7", &sid), 0);
	ck_assert_uint_eq(sid, 7);
	ck_assert_int_eq(sysfs_parse_session_id("session12", &sid), 0);
	ck_assert_uint_eq(sid, 12);
	ck_assert_int_eq(sysfs_parse_session_id("/sys/devices/platform/host5/session3/target5:0:0",
						&sid), 0);
	ck_assert_uint_eq(sid, 3);
	ck_assert_int_eq(sysfs_parse_session_id("/sys/class/iscsi_session/session4", &sid), 0);
	ck_assert_uint_eq(sid, 4);
	ck_assert_int_eq(sysfs_parse_session_id("abc", &sid), -EINVAL);
	ck_assert_int_eq(sysfs_parse_session_id("session0", &sid), -EINVAL);
	ck_assert_int_eq(sysfs_parse_session_id("/sys/x/mysession3", &sid), -EINVAL);
	ck_assert_int_eq(sysfs_parse_session_id("12x", &sid), -EINVAL);
	ck_assert_int_eq(sysfs_parse_session_id("99999999999", &sid), -EINVAL);
	ck_assert_int_eq(sysfs_parse_session_id("", &sid), -EINVAL);
}
END_TEST

/* The safe-logout check's read: the LUNs' disks and nothing else. */
START_TEST(test_sysfs_session_disks_lists_only_attached_disks)
{
	char disks[4][32];
	size_t n = 99;

	build_tree();
	tu_mkdirs("devices/platform/host5/session3/target5:0:0/5:0:0:2/block/sdd");
	tu_mkdirs("devices/platform/host5/session3/target5:0:0/power");
	ck_assert_int_eq(sysfs_session_disks(tu_root, 3, disks, 4, &n), 0);
	ck_assert_uint_eq(n, 2);
	/* directory order: either way round, both and only these two */
	ck_assert(strcmp(disks[0], "sdc") == 0 || strcmp(disks[0], "sdd") == 0);
	ck_assert(strcmp(disks[1], "sdc") == 0 || strcmp(disks[1], "sdd") == 0);
	ck_assert_str_ne(disks[0], disks[1]);
	/* capped, never overrun */
	ck_assert_int_eq(sysfs_session_disks(tu_root, 3, disks, 1, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(sysfs_session_disks(tu_root, 4, disks, 4, &n), -ENOENT);
	ck_assert_uint_eq(n, 0);
	tu_scratch_remove();
}
END_TEST

/* A relogin's read: the LUNs' addresses and nothing inside their directories. */
START_TEST(test_sysfs_session_luns_lists_addresses_only)
{
	struct sysfs_lun *luns;
	size_t n = 99;
	bool seen[3] = { false };

	build_tree();
	tu_mkdirs("devices/platform/host5/session3/target5:0:0/5:0:0:2");
	tu_mkdirs("devices/platform/host5/session3/target5:0:0/power");
	ck_assert_int_eq(sysfs_session_luns(tu_root, 3, &luns, &n), 0);
	ck_assert_uint_eq(n, 3);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(luns[i].host, 5);
		ck_assert_uint_eq(luns[i].channel, 0);
		ck_assert_uint_eq(luns[i].target, 0);
		ck_assert_uint_lt(luns[i].lun, 3);
		seen[luns[i].lun] = true;
		/* nothing read inside the LUN: its state, type and disk stay empty */
		ck_assert_str_eq(luns[i].state, "");
		ck_assert_str_eq(luns[i].disk, "");
		ck_assert_int_eq(luns[i].type, 0);
	}
	ck_assert(seen[0] && seen[1] && seen[2]);
	free(luns);
	ck_assert_int_eq(sysfs_session_luns(tu_root, 4, &luns, &n), -ENOENT);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(luns);
	tu_scratch_remove();
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_sysfs_reads_session_connection_host_and_luns,
		test_sysfs_lists_sessions_sorted_and_skips_junk,
		test_sysfs_missing_session_is_enoent_and_empty_tree_lists_nothing,
		test_sysfs_flash_session_detected_from_creator,
		test_sysfs_parses_session_ids_in_every_form,
		test_sysfs_brief_read_skips_params_and_luns,
		test_sysfs_lists_many_sessions,
		test_sysfs_session_disks_lists_only_attached_disks,
		test_sysfs_session_luns_lists_addresses_only,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "sysfs",
		.tests = tests,
	});
}
