/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of sysfs/boot.c against fake iscsi_boot trees built from the
 * kernel's documented attributes (sysfs-firmware-iscsi_boot*), shaped like
 * the tree Linux 6.1's iscsi_ibft made from the VM's ACPI table. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs/boot.h"
#include "testutil.h"

/* tu_put, with the directories made first. */
static void attr(const char *rel, const char *value)
{
	const char *slash = strrchr(rel, '/');

	tu_mkdirs("%.*s", (int)(slash - rel), rel);
	tu_put(rel, value);
}

static void rm(const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", tu_root, rel);
	ck_assert_int_eq(unlink(path), 0);
}

/* The VM's table: one NIC, target0 (boot selected) and target1 (CHAP). */
static void ibft(void)
{
	attr("firmware/ibft/initiator/index", "0");
	attr("firmware/ibft/initiator/flags", "3");
	attr("firmware/ibft/initiator/initiator-name", "iqn.2005-03.org.open-iscsi:lunlink-ibft");
	attr("firmware/ibft/ethernet0/index", "0");
	attr("firmware/ibft/ethernet0/flags", "3");
	attr("firmware/ibft/ethernet0/ip-addr", "192.0.2.10");
	attr("firmware/ibft/ethernet0/prefix-len", "24");
	attr("firmware/ibft/ethernet0/subnet-mask", "255.255.255.0");
	attr("firmware/ibft/ethernet0/origin", "1");
	attr("firmware/ibft/ethernet0/gateway", "192.0.2.1");
	attr("firmware/ibft/ethernet0/primary-dns", "192.0.2.53");
	attr("firmware/ibft/ethernet0/vlan", "0");
	attr("firmware/ibft/ethernet0/mac", "52:54:00:12:34:99");
	for (int i = 0; i < 2; i++) {
		char rel[128];

		snprintf(rel, sizeof(rel), "firmware/ibft/target%d/index", i);
		attr(rel, i ? "1" : "0");
		snprintf(rel, sizeof(rel), "firmware/ibft/target%d/flags", i);
		attr(rel, i ? "1" : "3");
		snprintf(rel, sizeof(rel), "firmware/ibft/target%d/ip-addr", i);
		attr(rel, "127.0.0.1");
		snprintf(rel, sizeof(rel), "firmware/ibft/target%d/port", i);
		attr(rel, "3260");
		snprintf(rel, sizeof(rel), "firmware/ibft/target%d/lun", i);
		attr(rel, "00000000");
		snprintf(rel, sizeof(rel), "firmware/ibft/target%d/nic-assoc", i);
		attr(rel, "0");
		snprintf(rel, sizeof(rel), "firmware/ibft/target%d/chap-type", i);
		attr(rel, i ? "1" : "0");
		snprintf(rel, sizeof(rel), "firmware/ibft/target%d/target-name", i);
		attr(rel, i ? "iqn.2003-01.org.lunlink.test:chap" :
			      "iqn.2003-01.org.lunlink.test:reference");
	}
	attr("firmware/ibft/target1/chap-name", "lunlink-user");
	attr("firmware/ibft/target1/chap-secret", "secret-of-16-ch");
	attr("class/net/lo/address", "00:00:00:00:00:00");
	attr("class/net/ibft0/address", "52:54:00:12:34:99");
}

START_TEST(test_boot_no_table_is_empty)
{
	struct sysfs_boot_list l;

	ck_assert_int_eq(sysfs_boot_read(tu_root, &l), 0);
	ck_assert_uint_eq(l.n_tables, 0);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_uint_eq(l.n_skipped, 0);
	sysfs_boot_free(&l);
}
END_TEST

START_TEST(test_boot_ibft_targets_joined_with_nic_and_initiator)
{
	struct sysfs_boot_list l;
	const struct sysfs_boot_target *t;

	ibft();
	ck_assert_int_eq(sysfs_boot_read(tu_root, &l), 0);
	ck_assert_uint_eq(l.n_tables, 1);
	ck_assert_uint_eq(l.n_skipped, 0);
	ck_assert_uint_eq(l.n, 2);
	t = &l.t[0];
	ck_assert_str_eq(t->table, "ibft");
	ck_assert_str_eq(t->entry, "target0");
	ck_assert_str_eq(t->transport, "tcp");
	ck_assert_str_eq(t->initiatorname, "iqn.2005-03.org.open-iscsi:lunlink-ibft");
	ck_assert_str_eq(t->isid, "");
	ck_assert_str_eq(t->targetname, "iqn.2003-01.org.lunlink.test:reference");
	ck_assert_str_eq(t->address, "127.0.0.1");
	ck_assert_int_eq(t->port, 3260);
	ck_assert_str_eq(t->lun, "00000000");
	ck_assert_str_eq(t->mac, "52:54:00:12:34:99");
	/* no PCI device link (the VM's table): no interface name, as in open-iscsi */
	ck_assert_str_eq(t->netdev, "");
	ck_assert_str_eq(t->ipaddr, "192.0.2.10");
	ck_assert_int_eq(t->prefix_len, 24);
	ck_assert_str_eq(t->subnet_mask, "255.255.255.0");
	ck_assert_str_eq(t->gateway, "192.0.2.1");
	ck_assert_str_eq(t->primary_dns, "192.0.2.53");
	ck_assert_str_eq(t->secondary_dns, "");
	ck_assert_int_eq(t->origin, 1);
	ck_assert_str_eq(t->chap_name, "");
	t = &l.t[1];
	ck_assert_str_eq(t->entry, "target1");
	ck_assert_str_eq(t->chap_name, "lunlink-user");
	ck_assert_str_eq(t->chap_secret, "secret-of-16-ch");
	sysfs_boot_free(&l);
}
END_TEST

START_TEST(test_boot_netdev_from_pci_device_link_first)
{
	struct sysfs_boot_list l;

	ibft();
	attr("devices/pci0000:00/0000:00:03.0/net/ens3/address", "52:54:00:12:34:56");
	tu_link("../../../devices/pci0000:00/0000:00:03.0", "firmware/ibft/ethernet0/device");
	ck_assert_int_eq(sysfs_boot_read(tu_root, &l), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.t[0].netdev, "ens3");
	sysfs_boot_free(&l);
}
END_TEST

START_TEST(test_boot_partial_table_names_what_is_missing)
{
	struct sysfs_boot_list l;

	ibft();
	rm("firmware/ibft/target0/target-name");
	attr("firmware/ibft/target1/nic-assoc", "4");
	attr("firmware/ibft/target2/flags", "0");
	ck_assert_int_eq(sysfs_boot_read(tu_root, &l), 0);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_uint_eq(l.n_skipped, 3);
	ck_assert_str_eq(l.skipped[0], "ibft/target0: no target-name");
	ck_assert_str_eq(l.skipped[1], "ibft/target1: nic-assoc 4 names no ethernet entry");
	ck_assert_str_eq(l.skipped[2], "ibft/target2: no valid flags");
	sysfs_boot_free(&l);
}
END_TEST

START_TEST(test_boot_device_without_net_dir_found_by_mac)
{
	struct sysfs_boot_list l;

	ibft();
	tu_mkdirs("devices/pci0000:00/0000:00:05.0");
	tu_link("../../../devices/pci0000:00/0000:00:05.0", "firmware/ibft/ethernet0/device");
	ck_assert_int_eq(sysfs_boot_read(tu_root, &l), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.t[0].netdev, "ibft0");
	sysfs_boot_free(&l);
}
END_TEST

START_TEST(test_boot_unknown_mac_and_missing_initiator)
{
	struct sysfs_boot_list l;

	ibft();
	tu_mkdirs("devices/pci0000:00/0000:00:05.0");
	tu_link("../../../devices/pci0000:00/0000:00:05.0", "firmware/ibft/ethernet0/device");
	rm("class/net/ibft0/address");
	rm("firmware/ibft/ethernet0/ip-addr");
	attr("firmware/iscsi_boot7/target0/flags", "3");
	ck_assert_int_eq(sysfs_boot_read(tu_root, &l), 0);
	ck_assert_uint_eq(l.n_tables, 2);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_uint_eq(l.n_skipped, 3);
	ck_assert_str_eq(l.skipped[0], "ibft/target0: no network interface has the MAC "
			 "52:54:00:12:34:99 of ethernet0");
	ck_assert_str_eq(l.skipped[2], "iscsi_boot7: no initiator entry");
	sysfs_boot_free(&l);
}
END_TEST

START_TEST(test_boot_hba_table_takes_the_hosts_transport_and_port_default)
{
	struct sysfs_boot_list l;

	attr("class/scsi_host/host7/proc_name", "qla4xxx");
	attr("firmware/iscsi_boot7/initiator/initiator-name", "iqn.1994-05.com.example:hba");
	attr("firmware/iscsi_boot7/ethernet0/index", "0");
	attr("firmware/iscsi_boot7/ethernet0/flags", "2");
	attr("firmware/iscsi_boot7/ethernet0/mac", "00:0e:1e:00:00:01");
	attr("firmware/iscsi_boot7/target0/flags", "2");
	attr("firmware/iscsi_boot7/target0/nic-assoc", "0");
	attr("firmware/iscsi_boot7/target0/target-name", "iqn.2003-01.org.example:boot");
	attr("firmware/iscsi_boot7/target0/ip-addr", "192.0.2.20");
	ck_assert_int_eq(sysfs_boot_read(tu_root, &l), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.t[0].transport, "qla4xxx");
	ck_assert_str_eq(l.t[0].netdev, "");
	ck_assert_int_eq(l.t[0].port, 3260);
	ck_assert_int_eq(l.t[0].origin, -1);
	sysfs_boot_free(&l);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_boot_no_table_is_empty,
		test_boot_ibft_targets_joined_with_nic_and_initiator,
		test_boot_netdev_from_pci_device_link_first,
		test_boot_partial_table_names_what_is_missing,
		test_boot_device_without_net_dir_found_by_mac,
		test_boot_unknown_mac_and_missing_initiator,
		test_boot_hba_table_takes_the_hosts_transport_and_port_default,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "sysfs_boot",
		.setup = tu_scratch_new,
		.teardown = tu_scratch_remove,
		.tests = tests,
	});
}
