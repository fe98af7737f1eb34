/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of iscsid's safe logout decision (logoutcheck, mpathcheck,
 * mountcheck) against a fake sysfs tree laid out like Linux 6.1's and a
 * mount table in mountinfo format that libmount reads:
 *
 *   session2 (host2) -> sdb 8:16 --+
 *                                  +-> dm-0 253:0 "mpatha" (mpath-36001405aa)
 *   session3 (host3) -> sdc 8:32 --+
 *   session4 (host4) -> sdd 8:48      (a plain disk)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsid/logoutcheck.h"
#include "testutil.h"

#define T2 "iqn.2003-01.org.linux-iscsi:mp"
#define WWID "36001405aa"

static char mountinfo[PATH_MAX + 32];
static unsigned leaving_sids[4];
static size_t nleaving;
static int fake_opens;

static bool leaving(void *ud, uint32_t sid)
{
	(void)ud;
	for (size_t i = 0; i < nleaving; i++)
		if (leaving_sids[i] == sid)
			return true;
	return false;
}

static int open_count(void *ud, const char *name)
{
	(void)ud;
	ck_assert_str_eq(name, "mpatha");
	return fake_opens;
}

static void add_disk(unsigned sid, const char *disk, const char *devno)
{
	char lun[256], rel[512];

	snprintf(lun, sizeof(lun), "devices/platform/host%u/session%u/target%u:0:0/%u:0:0:0",
		 sid, sid, sid, sid);
	tu_mkdirs("%s/block/%s/holders", lun, disk);
	snprintf(rel, sizeof(rel), "%s/state", lun);
	tu_put(rel, "running");
	snprintf(rel, sizeof(rel), "%s/block/%s/dev", lun, disk);
	tu_put(rel, devno);
	snprintf(rel, sizeof(rel), "%s/block/%s/device", lun, disk);
	snprintf(lun, sizeof(lun), "../../../%u:0:0:0", sid);
	tu_link(lun, rel);
	snprintf(lun, sizeof(lun), "devices/platform/host%u/session%u/target%u:0:0/%u:0:0:0",
		 sid, sid, sid, sid);
	snprintf(rel, sizeof(rel), "../../%s/block/%s", lun, disk);
	snprintf(lun, sizeof(lun), "class/block/%s", disk);
	tu_link(rel, lun);
	tu_mkdirs("class/iscsi_session/session%u", sid);
	snprintf(rel, sizeof(rel), "class/iscsi_session/session%u/state", sid);
	tu_put(rel, "LOGGED_IN");
}

static void build_tree(void)
{
	tu_scratch_new();
	tu_mkdirs("class/block");
	add_disk(2, "sdb", "8:16");
	add_disk(3, "sdc", "8:32");
	add_disk(4, "sdd", "8:48");
	tu_mkdirs("devices/virtual/block/dm-0/slaves");
	tu_mkdirs("devices/virtual/block/dm-0/holders");
	tu_mkdirs("devices/virtual/block/dm-0/dm");
	tu_put("devices/virtual/block/dm-0/dev", "253:0");
	tu_put("devices/virtual/block/dm-0/dm/name", "mpatha");
	tu_put("devices/virtual/block/dm-0/dm/uuid", "mpath-" WWID);
	tu_link("../../devices/virtual/block/dm-0", "class/block/dm-0");
	tu_link("../../../../platform/host2/session2/target2:0:0/2:0:0:0/block/sdb",
		"devices/virtual/block/dm-0/slaves/sdb");
	tu_link("../../../../platform/host3/session3/target3:0:0/3:0:0:0/block/sdc",
		"devices/virtual/block/dm-0/slaves/sdc");
	tu_link("../../../../../../../../virtual/block/dm-0", "class/block/sdb/holders/dm-0");
	tu_link("../../../../../../../../virtual/block/dm-0", "class/block/sdc/holders/dm-0");
	snprintf(mountinfo, sizeof(mountinfo), "%s/mountinfo", tu_tmp);
	tu_put("mountinfo", "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw");
	nleaving = 0;
	fake_opens = 0;
}

static void mount_on(const char *devno, const char *source, const char *target)
{
	char line[512];

	snprintf(line, sizeof(line),
		 "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
		 "36 22 %s / %s rw,relatime shared:9 - ext4 %s rw", devno, target, source);
	tu_put("mountinfo", line);
}

/* logoutcheck_session for the disks of session sid; msg in *msg. */
static int check_session(unsigned sid, const char *disk, char *msg, size_t len)
{
	const struct mpath_env env = {
		.mc = { .sysroot = tu_root, .mountinfo = mountinfo,
			.swaps = "/nonexistent/swaps" },
		.leaving = leaving, .open_count = open_count,
	};
	const char *disks[] = { disk };

	msg[0] = '\0';
	return logoutcheck_session(&env, sid, T2, disks, 1, msg, len);
}

START_TEST(test_path_with_another_active_path_may_leave)
{
	char msg[1024];

	build_tree();
	mount_on("253:0", "/dev/mapper/mpatha", "/srv/data");
	ck_assert_int_eq(check_session(2, "sdb", msg, sizeof(msg)), 0);
	ck_assert_int_eq(check_session(3, "sdc", msg, sizeof(msg)), 0);
	tu_scratch_remove();
}
END_TEST

START_TEST(test_last_path_of_mounted_map_is_refused_naming_map_and_mount)
{
	char msg[1024];

	build_tree();
	mount_on("253:0", "/dev/mapper/mpatha", "/srv/data");
	/* the other path's session is down (recovering) */
	tu_put("class/iscsi_session/session3/state", "FAILED");
	ck_assert_int_gt(check_session(2, "sdb", msg, sizeof(msg)), 0);
	ck_assert_str_eq(msg, "session 2 (" T2 ") is the last active path of multipath map "
		"mpatha (WWID " WWID "), which is in use: /dev/mapper/mpatha is mounted on "
		"/srv/data; unmount it first, or force the logout with --force");
	/* or its SCSI device is offline */
	tu_put("class/iscsi_session/session3/state", "LOGGED_IN");
	tu_put("class/block/sdc/device/state", "transport-offline");
	ck_assert_int_gt(check_session(2, "sdb", msg, sizeof(msg)), 0);
	tu_put("class/block/sdc/device/state", "running");
	ck_assert_int_eq(check_session(2, "sdb", msg, sizeof(msg)), 0);
	tu_scratch_remove();
}
END_TEST

START_TEST(test_paths_leaving_together_count_as_gone)
{
	char msg[1024];

	build_tree();
	mount_on("253:0", "/dev/mapper/mpatha", "/srv/data");
	leaving_sids[0] = 2;
	leaving_sids[1] = 3;
	nleaving = 2;
	ck_assert_int_gt(check_session(2, "sdb", msg, sizeof(msg)), 0);
	ck_assert_ptr_nonnull(strstr(msg, "last active path of multipath map mpatha"));
	ck_assert_int_gt(check_session(3, "sdc", msg, sizeof(msg)), 0);
	ck_assert_ptr_nonnull(strstr(msg, "session 3 ("));
	/* a plain disk in the same set is judged on its own */
	leaving_sids[2] = 4;
	nleaving = 3;
	ck_assert_int_eq(check_session(4, "sdd", msg, sizeof(msg)), 0);
	tu_scratch_remove();
}
END_TEST

START_TEST(test_unused_map_lets_its_last_path_go)
{
	char msg[1024];

	build_tree();
	tu_put("class/iscsi_session/session3/state", "FAILED");
	ck_assert_int_eq(check_session(2, "sdb", msg, sizeof(msg)), 0);
	ck_assert_str_eq(msg, "");
	tu_scratch_remove();
}
END_TEST

START_TEST(test_map_in_use_by_holder_or_opener)
{
	char msg[1024];

	build_tree();
	tu_put("class/iscsi_session/session3/state", "FAILED");
	fake_opens = 2;
	ck_assert_int_gt(check_session(2, "sdb", msg, sizeof(msg)), 0);
	ck_assert_ptr_nonnull(strstr(msg, "which is in use: it is open 2 times;"));
	tu_mkdirs("devices/virtual/block/dm-1/dm");
	tu_put("devices/virtual/block/dm-1/dev", "253:1");
	tu_put("devices/virtual/block/dm-1/dm/name", "vg-data");
	tu_link("../../devices/virtual/block/dm-1", "class/block/dm-1");
	tu_link("../../dm-1", "devices/virtual/block/dm-0/holders/dm-1");
	ck_assert_int_gt(check_session(2, "sdb", msg, sizeof(msg)), 0);
	ck_assert_ptr_nonnull(strstr(msg, "which is in use: dm-1 (vg-data) is stacked on it;"));
	/* a mount on what is stacked on the map names that mount */
	mount_on("253:1", "/dev/mapper/vg-data", "/home");
	ck_assert_int_gt(check_session(2, "sdb", msg, sizeof(msg)), 0);
	ck_assert_ptr_nonnull(strstr(msg, "in use: /dev/mapper/vg-data is mounted on /home;"));
	tu_scratch_remove();
}
END_TEST

START_TEST(test_plain_disk_keeps_its_message)
{
	char msg[1024];

	build_tree();
	mount_on("8:48", "/dev/sdd", "/mnt");
	ck_assert_int_gt(check_session(4, "sdd", msg, sizeof(msg)), 0);
	ck_assert_str_eq(msg, "session 4 (" T2 ") is in use: /dev/sdd is mounted on /mnt; "
		"unmount it first, or force the logout with --force");
	ck_assert_int_eq(check_session(2, "sdb", msg, sizeof(msg)), 0);
	tu_scratch_remove();
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_path_with_another_active_path_may_leave,
		test_last_path_of_mounted_map_is_refused_naming_map_and_mount,
		test_paths_leaving_together_count_as_gone,
		test_unused_map_lets_its_last_path_go,
		test_map_in_use_by_holder_or_opener,
		test_plain_disk_keeps_its_message,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "logoutcheck",
		.tests = tests,
	});
}
