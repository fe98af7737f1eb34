/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of sysfs/host.c against a fake tree shaped like the VM kernel's
 * (Linux 6.1, iscsi_tcp: ipaddress set, the other attributes "(null)"). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs/host.h"
#include "testutil.h"

/* tu_put, with the directories made first. */
static void attr(const char *rel, const char *value)
{
	const char *slash = strrchr(rel, '/');

	tu_mkdirs("%.*s", (int)(slash - rel), rel);
	tu_put(rel, value);
}

static void tcp_host(unsigned h, const char *ip, const char *hw)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "class/iscsi_host/host%u/ipaddress", h);
	attr(rel, ip);
	snprintf(rel, sizeof(rel), "class/iscsi_host/host%u/hwaddress", h);
	attr(rel, hw);
	snprintf(rel, sizeof(rel), "class/iscsi_host/host%u/netdev", h);
	attr(rel, "(null)");
	snprintf(rel, sizeof(rel), "class/iscsi_host/host%u/initiatorname", h);
	attr(rel, "(null)");
	snprintf(rel, sizeof(rel), "class/scsi_host/host%u/proc_name", h);
	attr(rel, "iscsi_tcp");
	snprintf(rel, sizeof(rel), "class/scsi_host/host%u/state", h);
	attr(rel, "running");
}

START_TEST(test_host_reads_attributes_and_null_is_empty)
{
	struct sysfs_host h;

	tcp_host(3, "127.0.0.1", "(null)");
	ck_assert_int_eq(sysfs_host_read(tu_root, 3, &h), 0);
	ck_assert_uint_eq(h.host_no, 3);
	ck_assert_str_eq(h.transport, "tcp");
	ck_assert_str_eq(h.state, "running");
	ck_assert_str_eq(h.ipaddress, "127.0.0.1");
	ck_assert_str_eq(h.hwaddress, "");
	ck_assert_str_eq(h.netdev, "");
	ck_assert_str_eq(h.initiatorname, "");
	ck_assert_int_eq(sysfs_host_read(tu_root, 4, &h), -ENOENT);
}
END_TEST

START_TEST(test_host_list_sorted_as_text_and_skips_junk)
{
	struct sysfs_host *l;
	size_t n;

	ck_assert_int_eq(sysfs_host_list(tu_root, &l, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(l);
	tcp_host(2, "127.0.0.1", "(null)");
	tcp_host(10, "::1", "(null)");
	tcp_host(1, "127.0.0.1", "(null)");
	attr("class/iscsi_host/hostX/ipaddress", "1.2.3.4");
	attr("class/iscsi_host/host5x/ipaddress", "1.2.3.4");
	ck_assert_int_eq(sysfs_host_list(tu_root, &l, &n), 0);
	ck_assert_uint_eq(n, 3);
	/* open-iscsi's alphasort order: host1, host10, host2 */
	ck_assert_uint_eq(l[0].host_no, 1);
	ck_assert_uint_eq(l[1].host_no, 10);
	ck_assert_uint_eq(l[2].host_no, 2);
	ck_assert_str_eq(l[1].ipaddress, "::1");
	free(l);
}
END_TEST

START_TEST(test_host_bare_directory_reads_empty)
{
	struct sysfs_host h;

	tu_mkdirs("class/iscsi_host/host7");
	ck_assert_int_eq(sysfs_host_read(tu_root, 7, &h), 0);
	ck_assert_str_eq(h.transport, "");
	ck_assert_str_eq(h.state, "");
	ck_assert_str_eq(h.ipaddress, "");
}
END_TEST

START_TEST(test_host_found_by_mac_in_any_case)
{
	unsigned host = 99;

	tcp_host(0, "127.0.0.1", "(null)");
	tcp_host(6, "10.0.0.2", "52:54:00:aa:bb:cc");
	ck_assert_int_eq(sysfs_host_by_hwaddress(tu_root, "52:54:00:AA:BB:CC", &host), 0);
	ck_assert_uint_eq(host, 6);
	ck_assert_int_eq(sysfs_host_by_hwaddress(tu_root, "52:54:00:aa:bb:cd", &host), -ENOENT);
	/* "(null)" must not match a MAC of "" either */
	ck_assert_int_eq(sysfs_host_by_hwaddress(tu_root, "", &host), -EINVAL);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_host_reads_attributes_and_null_is_empty,
		test_host_list_sorted_as_text_and_skips_junk,
		test_host_bare_directory_reads_empty,
		test_host_found_by_mac_in_any_case,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "sysfs_host",
		.setup = tu_scratch_new,
		.teardown = tu_scratch_remove,
		.tests = tests,
	});
}
