/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iscsid's port binding (ifacebind.c): the netdev found by its MAC in a
 * fake sysfs tree, binding a real socket to loopback, and the failures a
 * missing netdev, an unknown MAC and a non-local source address give,
 * each named in the message with its iface.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iscsid/ifacebind.h"
#include "testutil.h"

static char root[64];

static void put_netdev(const char *dev, const char *mac)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/class/net/%s", root, dev);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	strcat(path, "/address");
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n", mac);
	fclose(f);
}

static void setup(void)
{
	char path[128];

	strcpy(root, "/tmp/ifacebind.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/class", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	strcat(path, "/net");
	ck_assert_int_eq(mkdir(path, 0755), 0);
	put_netdev("lo", "00:00:00:00:00:00");
	put_netdev("eth0", "52:54:00:12:34:56");
	put_netdev("veth1", "52:54:00:ab:cd:ef");
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

static int tcp_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	return fd;
}

START_TEST(test_netdev_of_mac_finds_it_in_any_case)
{
	char dev[16] = "";

	ck_assert_int_eq(ifacebind_netdev_of_mac(root, "52:54:00:AB:CD:EF", dev, sizeof(dev)), 0);
	ck_assert_str_eq(dev, "veth1");
	ck_assert_int_eq(ifacebind_netdev_of_mac(root, "52:54:00:12:34:56", dev, sizeof(dev)), 0);
	ck_assert_str_eq(dev, "eth0");
}
END_TEST

START_TEST(test_netdev_of_mac_unknown_is_enodev)
{
	char dev[16] = "";

	ck_assert_int_eq(ifacebind_netdev_of_mac(root, "02:00:00:00:00:99", dev, sizeof(dev)),
			 -ENODEV);
	ck_assert_int_eq(ifacebind_netdev_of_mac("/nonexistent", "52:54:00:12:34:56", dev,
						 sizeof(dev)), -ENODEV);
}
END_TEST

START_TEST(test_mac_of_netdev_refuses_paths)
{
	char mac[64];

	ck_assert_int_eq(ifacebind_mac_of_netdev(root, "eth0", mac, sizeof(mac)), 0);
	ck_assert_str_eq(mac, "52:54:00:12:34:56");
	ck_assert_int_eq(ifacebind_mac_of_netdev(root, "../net/eth0", mac, sizeof(mac)), -ENODEV);
	ck_assert_int_eq(ifacebind_mac_of_netdev(root, "nosuchdev0", mac, sizeof(mac)), -ENODEV);
}
END_TEST

/* The MAC of the fake "lo" leads to the real loopback netdev. */
START_TEST(test_apply_binds_the_netdev_found_by_mac)
{
	struct ifacebind b = { .iface = "lo-by-mac", .hwaddress = "00:00:00:00:00:00",
			       .sysroot = root };
	char dev[16] = "";
	socklen_t len = sizeof(dev);
	int fd = tcp_socket();

	ck_assert_int_eq(ifacebind_apply(&b, fd, AF_INET), 0);
	ck_assert_str_eq(b.bound_dev, "lo");
	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, &len), 0);
	ck_assert_str_eq(dev, "lo");
	close(fd);
}
END_TEST

START_TEST(test_apply_missing_netdev_fails_naming_iface_and_netdev)
{
	struct ifacebind b = { .iface = "port9", .netdev = "nosuchdev0" };
	struct ll_error e = { 0 };
	int fd = tcp_socket();

	ck_assert_int_eq(ifacebind_apply(&b, fd, AF_INET), -ENODEV);
	ck_assert_str_eq(b.failed, "iface.net_ifacename");
	ifacebind_explain(&b, 4, &e);
	ck_assert_int_eq(e.code, 4);
	ck_assert_str_eq(e.msg, "iface port9: cannot bind to network interface nosuchdev0 "
			 "(iface.net_ifacename): no such network interface");
	close(fd);
}
END_TEST

START_TEST(test_apply_unknown_mac_fails_naming_it)
{
	struct ifacebind b = { .iface = "port8", .hwaddress = "02:00:00:00:00:99",
			       .sysroot = root };
	struct ll_error e = { 0 };
	int fd = tcp_socket();

	ck_assert_int_eq(ifacebind_apply(&b, fd, AF_INET), -ENODEV);
	ck_assert_str_eq(b.failed, "iface.hwaddress");
	ifacebind_explain(&b, 4, &e);
	ck_assert_str_eq(e.msg, "iface port8: no network interface has the hardware address "
			 "02:00:00:00:00:99 (iface.hwaddress)");
	close(fd);
}
END_TEST

/* 192.0.2.1 (TEST-NET-1) is never an address of the test host. */
START_TEST(test_apply_non_local_address_fails_naming_it)
{
	struct ifacebind b = { .iface = "port7", .ipaddress = "192.0.2.1" };
	struct ll_error e = { 0 };
	int fd = tcp_socket();

	ck_assert_int_eq(ifacebind_apply(&b, fd, AF_INET), -EADDRNOTAVAIL);
	ck_assert_str_eq(b.failed, "iface.ipaddress");
	ifacebind_explain(&b, 4, &e);
	ck_assert_str_eq(e.msg, "iface port7: cannot bind the source address 192.0.2.1 "
			 "(iface.ipaddress): it is not an address of this host");
	close(fd);
}
END_TEST

START_TEST(test_unbound_iface_binds_nothing)
{
	struct ifacebind b = { .iface = "default" };
	int fd = tcp_socket();

	ck_assert(!ifacebind_wanted(&b));
	ck_assert_int_eq(ifacebind_apply(&b, fd, AF_INET), 0);
	ck_assert_str_eq(b.bound_dev, "");
	close(fd);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_netdev_of_mac_finds_it_in_any_case,
		test_netdev_of_mac_unknown_is_enodev,
		test_mac_of_netdev_refuses_paths,
		test_apply_binds_the_netdev_found_by_mac,
		test_apply_missing_netdev_fails_naming_iface_and_netdev,
		test_apply_unknown_mac_fails_naming_it,
		test_apply_non_local_address_fails_naming_it,
		test_unbound_iface_binds_nothing,
		NULL,
	};

	return tu_run(&(const struct tu_suite){
		.name = "ifacebind",
		.setup = setup,
		.teardown = teardown,
		.tests = tests,
	});
}
