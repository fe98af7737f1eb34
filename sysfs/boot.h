/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boot.h: the firmware's iSCSI boot tables as the kernel shows them
 * (Documentation/ABI/testing/sysfs-firmware-iscsi_boot*):
 *
 *   ROOT/firmware/ibft/          the ACPI iBFT (iscsi_ibft module)
 *   ROOT/firmware/iscsi_bootH/   an offload HBA's boot data (host H)
 *     initiator/   initiator-name, isid, ...
 *     ethernetN/   index, flags, mac, ip-addr, prefix-len, subnet-mask,
 *                  gateway, primary-dns, secondary-dns, dhcp, vlan, origin,
 *                  device -> the NIC's PCI device (its net/ names the netdev)
 *     targetN/     index, flags, target-name, ip-addr, port, lun, nic-assoc,
 *                  chap-name, chap-secret, rev-chap-name, rev-chap-name-secret
 *
 * One sysfs_boot_target per usable target, joined with its ethernet entry
 * (nic-assoc = the ethernet's index) and the table's initiator, as
 * open-iscsi joins them.  A target is usable when its flags are set
 * (either the valid or the boot-selected bit), it has a name and an
 * address, and its ethernet entry exists, has flags and a MAC, and (for
 * an iBFT entry linked to a PCI device) the device's network interface,
 * or one carrying that MAC, is found.  Every
 * target left out is named in `skipped` with the reason, so a partial or
 * damaged table is reported instead of silently shrinking.
 *
 * Memory: sysfs_boot_free() releases the list.
 */
#ifndef LUNLINK_SYSFS_BOOT_H
#define LUNLINK_SYSFS_BOOT_H

#include <stddef.h>

#define SYSFS_BOOT_STR 256

struct sysfs_boot_target {
	char table[32];                 /* "ibft", "iscsi_boot3" */
	char entry[32];                 /* "target0" */
	char transport[16];             /* "tcp" for the iBFT, else the HBA's */
	/* initiator/ */
	char initiatorname[224];
	char isid[32];
	/* the associated ethernetN/ */
	char mac[32];
	char netdev[64];                /* "" for an HBA's table or an entry without device */
	char ipaddr[64], subnet_mask[64], gateway[64];
	char primary_dns[64], secondary_dns[64], dhcp[64], vlan[16];
	int prefix_len;                 /* 0 when the table gives none */
	int origin;                     /* -1 when the table gives none; 3 = DHCP */
	/* targetN/ */
	char targetname[224];
	char address[64];
	int port;                       /* 3260 when the table gives none */
	char lun[32];
	char chap_name[SYSFS_BOOT_STR], chap_secret[SYSFS_BOOT_STR];
	char rev_chap_name[SYSFS_BOOT_STR], rev_chap_secret[SYSFS_BOOT_STR];
};

struct sysfs_boot_list {
	struct sysfs_boot_target *t;    /* tables in name order, targets by index */
	size_t n;
	char **skipped;                 /* "ibft/target1: no target-name" */
	size_t n_skipped;
	size_t n_tables;                /* boot tables found (with or without targets) */
};

/* Returns 0 (also when there is no table: n_tables == 0) or -ENOMEM. */
int sysfs_boot_read(const char *root, struct sysfs_boot_list *out);
void sysfs_boot_free(struct sysfs_boot_list *l);

#endif
