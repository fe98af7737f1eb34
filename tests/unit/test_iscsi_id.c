/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the udev helper's lookup (udev/iscsi_id.h) against a fake sysfs tree. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "udev/iscsi_id.h"
#include "testutil.h"

#define LUNDIR "/devices/platform/host5/session3/target5:0:0/5:0:0:1"
#define DISK LUNDIR "/block/sdc"
#define PART DISK "/sdc1"
#define TARGET "iqn.2003-01.org.linux-iscsi:t1"
#define SESSION_DIR "class/iscsi_session/session3"
#define CONN_DIR "class/iscsi_connection/connection3:0"

/* Session 3 on host 5; LUN 1 is disk sdc with partition sdc1.  The login
 * went to 127.0.0.1:3260 and the target redirected it to 127.0.0.2:3261. */
static void build_tree(void)
{
	tu_scratch_new();
	tu_mkdirs(PART);
	tu_mkdirs("devices/platform/host5/session3/iscsi_session/session3");
	tu_mkdirs("class/iscsi_session");
	tu_mkdirs(CONN_DIR);
	tu_link("../../devices/platform/host5/session3/iscsi_session/session3", SESSION_DIR);
	tu_put(SESSION_DIR "/targetname", TARGET);
	tu_put(CONN_DIR "/persistent_address", "127.0.0.1");
	tu_put(CONN_DIR "/persistent_port", "3260");
	tu_put(CONN_DIR "/address", "127.0.0.2");
	tu_put(CONN_DIR "/port", "3261");
	tu_put(PART "/partition", "1");
}

START_TEST(test_iscsi_id_disk_gets_session_lun_target_and_persistent_portal)
{
	struct iscsi_id id;

	build_tree();
	ck_assert_int_eq(iscsi_id_lookup(tu_root, DISK, &id), 0);
	ck_assert_uint_eq(id.sid, 3);
	ck_assert_uint_eq(id.lun, 1);
	ck_assert_str_eq(id.target, TARGET);
	ck_assert_str_eq(id.portal, "127.0.0.1:3260");  /* not the redirected one */
	tu_scratch_remove();
}
END_TEST

START_TEST(test_iscsi_id_partition_maps_to_its_disks_lun)
{
	struct iscsi_id id;

	build_tree();
	ck_assert_int_eq(iscsi_id_lookup(tu_root, PART, &id), 0);
	ck_assert_uint_eq(id.sid, 3);
	ck_assert_uint_eq(id.lun, 1);
	ck_assert_str_eq(id.target, TARGET);
	tu_scratch_remove();
}
END_TEST

START_TEST(test_iscsi_id_accepts_full_sys_path)
{
	struct iscsi_id id;

	build_tree();
	ck_assert_int_eq(iscsi_id_lookup(tu_root, "/sys" DISK, &id), 0);
	ck_assert_uint_eq(id.lun, 1);
	tu_scratch_remove();
}
END_TEST

START_TEST(test_iscsi_id_ipv6_portal_is_bracketed)
{
	struct iscsi_id id;

	build_tree();
	tu_put(CONN_DIR "/persistent_address", "fe80::1");
	tu_put(CONN_DIR "/persistent_port", "3261");
	ck_assert_int_eq(iscsi_id_lookup(tu_root, DISK, &id), 0);
	ck_assert_str_eq(id.portal, "[fe80::1]:3261");
	tu_scratch_remove();
}
END_TEST

START_TEST(test_iscsi_id_large_lun_number_is_kept)
{
	struct iscsi_id id;

	build_tree();
	tu_mkdirs("devices/platform/host5/session3/target5:0:0/5:0:0:16384/block/sdd");
	ck_assert_int_eq(iscsi_id_lookup(tu_root,
		"/devices/platform/host5/session3/target5:0:0/5:0:0:16384/block/sdd", &id), 0);
	ck_assert_uint_eq(id.lun, 16384);
	tu_scratch_remove();
}
END_TEST

/* A name that would make a link path leave /dev/disk/by-iscsi. */
START_TEST(test_iscsi_id_target_name_with_slash_or_dotdot_gets_no_target)
{
	static const char *const bad[] = {
		"iqn.2003-01.org.x:../../../etc",
		"iqn.2003-01.org.x:a/b",
		"iqn.2003-01.org.x:a b",
		"iqn.2003-01.org.x:t1\nID_ISCSI_LUN=99",
		"not-an-iscsi-name",
		"",
	};
	struct iscsi_id id;

	build_tree();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tu_put(SESSION_DIR "/targetname", bad[i]);
		ck_assert_int_eq(iscsi_id_lookup(tu_root, DISK, &id), 0);
		ck_assert_msg(id.target[0] == '\0', "accepted target name #%zu", i);
		/* The rest of the identity is still there. */
		ck_assert_uint_eq(id.sid, 3);
		ck_assert_uint_eq(id.lun, 1);
	}
	tu_scratch_remove();
}
END_TEST

/* A 300-byte name must be refused, not cut to a valid-looking 223 bytes. */
START_TEST(test_iscsi_id_overlong_target_name_is_refused_not_truncated)
{
	char name[400];
	struct iscsi_id id;

	build_tree();
	strcpy(name, "iqn.2003-01.org.x:");
	memset(name + strlen(name), 'a', 300);
	name[18 + 300] = '\0';
	tu_put(SESSION_DIR "/targetname", name);
	ck_assert_int_eq(iscsi_id_lookup(tu_root, DISK, &id), 0);
	ck_assert_str_eq(id.target, "");

	/* The longest valid name, 223 bytes, is still accepted. */
	name[223] = '\0';
	ck_assert_uint_eq(strlen(name), 223);
	tu_put(SESSION_DIR "/targetname", name);
	ck_assert_int_eq(iscsi_id_lookup(tu_root, DISK, &id), 0);
	ck_assert_str_eq(id.target, name);
	tu_scratch_remove();
}
END_TEST

START_TEST(test_iscsi_id_bad_portal_values_are_left_out)
{
	static const char *const bad_addr[] = { "1.2.3.4 x", "a/b", "[::1]", "" };
	struct iscsi_id id;

	build_tree();
	for (size_t i = 0; i < sizeof(bad_addr) / sizeof(bad_addr[0]); i++) {
		tu_put(CONN_DIR "/persistent_address", bad_addr[i]);
		ck_assert_int_eq(iscsi_id_lookup(tu_root, DISK, &id), 0);
		ck_assert_msg(id.portal[0] == '\0', "accepted address #%zu", i);
	}
	tu_put(CONN_DIR "/persistent_address", "127.0.0.1");
	tu_put(CONN_DIR "/persistent_port", "70000");
	ck_assert_int_eq(iscsi_id_lookup(tu_root, DISK, &id), 0);
	ck_assert_str_eq(id.portal, "");
	tu_put(CONN_DIR "/persistent_port", "3260,1");
	ck_assert_int_eq(iscsi_id_lookup(tu_root, DISK, &id), 0);
	ck_assert_str_eq(id.portal, "");
	tu_scratch_remove();
}
END_TEST

START_TEST(test_iscsi_id_non_iscsi_devices_are_enodev)
{
	static const char *const paths[] = {
		/* a SATA disk */
		"/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda",
		/* the SCSI device of an iSCSI LUN, not its block device */
		LUNDIR,
		LUNDIR "/block",
		/* something below the disk that is not a partition */
		DISK "/sdc1/holders",
		/* a session component that is not a session */
		"/devices/platform/host5/session3x/target5:0:0/5:0:0:1/block/sdc",
		"/devices/platform/host5/session/target5:0:0/5:0:0:1/block/sdc",
		/* H:C:T:L not directly above block */
		"/devices/platform/host5/session3/target5:0:0/5:0:0/block/sdc",
	};
	struct iscsi_id id;

	build_tree();
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		ck_assert_msg(iscsi_id_lookup(tu_root, paths[i], &id) == -ENODEV,
			      "path #%zu was not refused", i);
	tu_scratch_remove();
}
END_TEST

START_TEST(test_iscsi_id_malformed_paths_are_einval)
{
	struct iscsi_id id;

	build_tree();
	ck_assert_int_eq(iscsi_id_lookup(tu_root, "devices/platform/host5/session3", &id), -EINVAL);
	ck_assert_int_eq(iscsi_id_lookup(tu_root, "", &id), -EINVAL);
	ck_assert_int_eq(iscsi_id_lookup(tu_root, NULL, &id), -EINVAL);
	ck_assert_int_eq(iscsi_id_lookup(tu_root, LUNDIR "/../5:0:0:1/block/sdc", &id), -EINVAL);
	ck_assert_int_eq(iscsi_id_lookup(tu_root,
		"/devices/platform/host5/session99999999999/target5:0:0/5:0:0:1/block/sdc", &id),
		-ENODEV);
	tu_scratch_remove();
}
END_TEST

START_TEST(test_iscsi_id_vanished_session_is_enoent)
{
	struct iscsi_id id;
	char link[1024];

	build_tree();
	snprintf(link, sizeof(link), "%s/%s", tu_root, SESSION_DIR);
	ck_assert_int_eq(unlink(link), 0);
	ck_assert_int_eq(iscsi_id_lookup(tu_root, DISK, &id), -ENOENT);
	tu_scratch_remove();
}
END_TEST

static char *print_to_string(const struct iscsi_id *id)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	iscsi_id_print(f, id);
	fclose(f);
	return buf;
}

START_TEST(test_iscsi_id_prints_udev_import_lines_and_omits_empty_values)
{
	struct iscsi_id id;
	char *out;

	build_tree();
	ck_assert_int_eq(iscsi_id_lookup(tu_root, PART, &id), 0);
	out = print_to_string(&id);
	ck_assert_str_eq(out, "ID_ISCSI_SESSION=3\n"
			      "ID_ISCSI_LUN=1\n"
			      "ID_ISCSI_TARGET=" TARGET "\n"
			      "ID_ISCSI_PORTAL=127.0.0.1:3260\n"
			      "ID_ISCSI_FIRST_SESSION=1\n");
	free(out);

	tu_put(SESSION_DIR "/targetname", "iqn.2003-01.org.x:t1\nID_ISCSI_LUN=99");
	tu_put(CONN_DIR "/persistent_port", "");
	ck_assert_int_eq(iscsi_id_lookup(tu_root, PART, &id), 0);
	out = print_to_string(&id);
	ck_assert_str_eq(out, "ID_ISCSI_SESSION=3\nID_ISCSI_LUN=1\n");
	free(out);
	tu_scratch_remove();
}
END_TEST

static void add_disk(unsigned sid, unsigned host, const char *disk);

/* Session SID on host HOST to TARGET_NAME; with DISK, LUN 1 is that disk
 * with partition DISK1 (uevent files stand in for the kernel's). */
static void add_session(unsigned sid, unsigned host, const char *target_name, const char *disk)
{
	char sess[128], rel[256];

	snprintf(sess, sizeof(sess), "devices/platform/host%u/session%u", host, sid);
	tu_mkdirs("%s/iscsi_session/session%u", sess, sid);
	tu_mkdirs("class/iscsi_session");
	snprintf(rel, sizeof(rel), "class/iscsi_session/session%u", sid);
	{
		char to[256];

		snprintf(to, sizeof(to), "../../%s/iscsi_session/session%u", sess, sid);
		tu_link(to, rel);
	}
	snprintf(rel, sizeof(rel), "%s/iscsi_session/session%u/device", sess, sid);
	{
		char to[64];

		snprintf(to, sizeof(to), "../../../session%u", sid);
		tu_link(to, rel);
	}
	snprintf(rel, sizeof(rel), "%s/iscsi_session/session%u/targetname", sess, sid);
	tu_put(rel, target_name);
	if (disk)
		add_disk(sid, host, disk);
}

static void add_disk(unsigned sid, unsigned host, const char *disk)
{
	char sess[128], rel[256];

	snprintf(sess, sizeof(sess), "devices/platform/host%u/session%u", host, sid);
	snprintf(rel, sizeof(rel), "%s/target%u:0:0/%u:0:0:1/block/%s/%s1", sess, host, host,
		 disk, disk);
	tu_mkdirs("%s", rel);
	tu_put(strcat(rel, "/partition"), "1");
	snprintf(rel, sizeof(rel), "%s/target%u:0:0/%u:0:0:1/block/%s/%s1/uevent", sess, host,
		 host, disk, disk);
	tu_put(rel, "");
	snprintf(rel, sizeof(rel), "%s/target%u:0:0/%u:0:0:1/block/%s/uevent", sess, host, host,
		 disk);
	tu_put(rel, "");
}

static bool first_of(unsigned sid, unsigned host, const char *disk)
{
	char path[256];
	struct iscsi_id id;

	snprintf(path, sizeof(path),
		 "/devices/platform/host%u/session%u/target%u:0:0/%u:0:0:1/block/%s", host, sid,
		 host, host, disk);
	ck_assert_int_eq(iscsi_id_lookup(tu_root, path, &id), 0);
	ck_assert_uint_eq(id.sid, sid);
	return id.first;
}

static const char *uevent_of(unsigned sid, unsigned host, const char *disk, const char *part)
{
	static char buf[64];
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path),
		 "%s/devices/platform/host%u/session%u/target%u:0:0/%u:0:0:1/block/%s%s%s/uevent",
		 tu_root, host, sid, host, host, disk, part ? "/" : "", part ? part : "");
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* Sessions 4, 7 and 9 to TARGET, 5 to another target: the link belongs to
 * the lowest-numbered session with the LUN, whatever order disks came in. */
START_TEST(test_iscsi_id_lowest_session_owns_the_link)
{
	tu_scratch_new();
	add_session(7, 2, TARGET, "sdb");
	add_session(9, 3, TARGET, "sdc");
	add_session(5, 4, "iqn.2003-01.org.linux-iscsi:other", "sdd");
	ck_assert(first_of(7, 2, "sdb"));
	ck_assert(!first_of(9, 3, "sdc"));
	ck_assert(first_of(5, 4, "sdd"));           /* another target: its own link */
	add_session(4, 1, TARGET, NULL);             /* lower, but no disk for LUN 1 yet */
	ck_assert(first_of(7, 2, "sdb"));
	add_disk(4, 1, "sda");
	ck_assert(first_of(4, 1, "sda"));
	ck_assert(!first_of(7, 2, "sdb"));
	ck_assert(!first_of(9, 3, "sdc"));
	tu_scratch_remove();
}
END_TEST

/* The owner (session 4) is gone: the next lowest (7) gets a change event
 * for its disk and partition, nobody else does. */
START_TEST(test_iscsi_id_promote_wakes_the_next_lowest_session)
{
	tu_scratch_new();
	add_session(7, 2, TARGET, "sdb");
	add_session(9, 3, TARGET, "sdc");
	add_session(5, 4, "iqn.2003-01.org.linux-iscsi:other", "sdd");
	ck_assert_int_eq(iscsi_id_promote(tu_root, TARGET, 1, 4), 2);
	ck_assert_str_eq(uevent_of(7, 2, "sdb", NULL), "change");
	ck_assert_str_eq(uevent_of(7, 2, "sdb", "sdb1"), "change");
	ck_assert_str_eq(uevent_of(9, 3, "sdc", NULL), "");
	ck_assert_str_eq(uevent_of(5, 4, "sdd", NULL), "");
	/* the removed disk's session may still be there: it is skipped */
	ck_assert_int_eq(iscsi_id_promote(tu_root, TARGET, 1, 7), 2);
	ck_assert_str_eq(uevent_of(9, 3, "sdc", NULL), "change");
	ck_assert_int_eq(iscsi_id_promote(tu_root, TARGET, 2, 4), 0);   /* no LUN 2 */
	ck_assert_int_eq(iscsi_id_promote(tu_root, "iqn.2003-01.org.x:none", 1, 4), 0);
	tu_scratch_remove();
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_iscsi_id_disk_gets_session_lun_target_and_persistent_portal,
		test_iscsi_id_partition_maps_to_its_disks_lun,
		test_iscsi_id_accepts_full_sys_path,
		test_iscsi_id_ipv6_portal_is_bracketed,
		test_iscsi_id_large_lun_number_is_kept,
		test_iscsi_id_target_name_with_slash_or_dotdot_gets_no_target,
		test_iscsi_id_overlong_target_name_is_refused_not_truncated,
		test_iscsi_id_bad_portal_values_are_left_out,
		test_iscsi_id_non_iscsi_devices_are_enodev,
		test_iscsi_id_malformed_paths_are_einval,
		test_iscsi_id_vanished_session_is_enoent,
		test_iscsi_id_prints_udev_import_lines_and_omits_empty_values,
		test_iscsi_id_lowest_session_owns_the_link,
		test_iscsi_id_promote_wakes_the_next_lowest_session,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "iscsi_id",
		.tests = tests,
	});
}
