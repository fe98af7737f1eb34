#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Firmware mode (-m fw, -m fw -l, -m discovery -t fw) against fake
# iscsi_boot trees (LUNLINK_SYSFS_ROOT) made of the kernel's documented
# attributes (Documentation/ABI/testing/sysfs-firmware-iscsi_boot*), laid
# out like the tree Linux 6.1's iscsi_ibft made from the test VM's ACPI
# table (tests/vm/lib/ibft.py); fake_iscsid stands in for iscsid.
set -u
. "$(dirname "$0")/cli-lib.sh"

SYS=$TESTDIR/sys
export LUNLINK_SYSFS_ROOT=$SYS
export LUNLINK_IPC_TIMEOUT=10
IB=$SYS/firmware/ibft
T0=iqn.2003-01.org.lunlink.test:reference
T1=iqn.2003-01.org.lunlink.test:chap
INAME=iqn.2005-03.org.open-iscsi:lunlink-ibft
NODES=$ISCSI_CONFIG_DIR/nodes

put() { # put FILE VALUE: one sysfs attribute
	mkdir -p "$(dirname "$1")"
	printf '%s\n' "$2" >"$1"
}

target() { # target N FLAGS NAME
	put "$IB/target$1/index" "$1"
	put "$IB/target$1/flags" "$2"
	put "$IB/target$1/ip-addr" 127.0.0.1
	put "$IB/target$1/port" 3260
	put "$IB/target$1/lun" 00000000
	put "$IB/target$1/nic-assoc" 0
	put "$IB/target$1/chap-type" 0
	put "$IB/target$1/target-name" "$3"
}

mkdir -p "$SYS/firmware"

# --- no table: open-iscsi's message and exit code for every fw command
for cmd in "-m fw" "-m fw -l" "-m discovery -t fw" "-m discovery -t fw -l"; do
	# shellcheck disable=SC2086
	run $cmd
	expect_rc "no_table_exits_21 ($cmd)" 21
	check "no_table_message ($cmd)" [ "$ERR" = "iscsiadm: Could not get list of targets from firmware. (err 21)" ]
	expect_out "no_table_no_stdout ($cmd)" ""
done
run -m fw -J
expect_rc "no_table_json_exits_21" 21
expect_out "no_table_json_empty_records" "$(printf '{\n  "version": 1,\n  "records": [\n  ]\n}')"
run -m fw -P 1
expect_rc "fw_P_refused" 7
expect_err "fw_P_message" "iscsiadm: fw mode: option '-P' is not allowed/supported"

# --- the VM's table
put "$IB/initiator/index" 0
put "$IB/initiator/flags" 3
put "$IB/initiator/initiator-name" "$INAME"
put "$IB/ethernet0/index" 0
put "$IB/ethernet0/flags" 3
put "$IB/ethernet0/ip-addr" 192.0.2.10
put "$IB/ethernet0/prefix-len" 24
put "$IB/ethernet0/subnet-mask" 255.255.255.0
put "$IB/ethernet0/origin" 1
put "$IB/ethernet0/gateway" 192.0.2.1
put "$IB/ethernet0/primary-dns" 192.0.2.53
put "$IB/ethernet0/vlan" 0
put "$IB/ethernet0/mac" 52:54:00:12:34:99
target 0 3 "$T0"
target 1 1 "$T1"
put "$IB/target1/chap-type" 1
put "$IB/target1/chap-name" lunlink-user
put "$IB/target1/chap-secret" secret-of-16-ch

# ethernet0 linked to a PCI device without a network interface, and no
# interface has its MAC: every target unusable, and said so
mkdir -p "$SYS/devices/pci0000:00/0000:00:05.0"
ln -s "$SYS/devices/pci0000:00/0000:00:05.0" "$IB/ethernet0/device"
run -m fw
expect_rc "unknown_mac_exits_21" 21
expect_err "unknown_mac_named" "iscsiadm: firmware boot table: ibft/target0: no network interface has the MAC 52:54:00:12:34:99 of ethernet0; entry skipped"
put "$SYS/class/net/ibft0/address" 52:54:00:12:34:99
run -m fw
expect_out_line "netdev_found_by_mac" "iface.net_ifacename = ibft0"
# no device link at all (the VM's table): no interface name, as open-iscsi
rm "$IB/ethernet0/device"

RECORD0="# BEGIN RECORD 2.1.8
iface.initiatorname = $INAME
iface.transport_name = tcp
iface.hwaddress = 52:54:00:12:34:99
iface.bootproto = STATIC
iface.ipaddress = 192.0.2.10
iface.prefix_len = 24
iface.subnet_mask = 255.255.255.0
iface.gateway = 192.0.2.1
iface.primary_dns = 192.0.2.53
iface.vlan_id = 0
node.name = $T0
node.conn[0].address = 127.0.0.1
node.conn[0].port = 3260
node.boot_lun = 00000000
# END RECORD"
run -m fw
expect_rc "fw_exits_0" 0
check "fw_first_record" [ "$(sed -n 1,16p <<<"$OUT")" = "$RECORD0" ]
expect_out_line "fw_chap_user" "node.session.auth.username = lunlink-user"
expect_out_line "fw_chap_secret_masked" "node.session.auth.password = ********"
check "fw_secret_never_printed" not grep -q secret-of-16-ch <<<"$OUT$ERR"
check "fw_two_records" [ "$(grep -c '^# END RECORD$' <<<"$OUT")" = 2 ]
expect_err "fw_nothing_on_stderr" ""
check "fw_touches_no_db" [ ! -e "$NODES" ]
# -J: the same records, field by field (json_vs_text.py), secrets masked
printf '%s\n' "$OUT" >"$TESTDIR/fw.txt"
run -m fw -J
printf '%s\n' "$OUT" >"$TESTDIR/fw.json"
expect_rc "fw_json_exits_0" 0
check "fw_json_matches_text" "$(dirname "$0")/json_vs_text.py" record 0 "$TESTDIR/fw.txt" "$TESTDIR/fw.json"
check "fw_json_secret_never_printed" not grep -q secret-of-16-ch <<<"$OUT"
put "$IB/ethernet0/origin" 3
run -m fw
expect_out_line "origin_3_is_dhcp" "iface.bootproto = DHCP"
put "$IB/ethernet0/origin" 1
put "$IB/ethernet0/dhcp" 192.0.2.67
run -m fw
expect_out_line "dhcp_server_is_dhcp" "iface.bootproto = DHCP"
put "$IB/ethernet0/dhcp" 0.0.0.0
run -m fw
expect_out_line "dhcp_zero_is_static" "iface.bootproto = STATIC"

# --- -m fw -l: both targets through iscsid, CHAP from the table, no records
fake_start
run -m fw -l
expect_rc "fw_login_exits_0" 0
# one target after the other, as open-iscsi's fw logins go
expect_out "fw_login_lines" "Logging in to [iface: default, target: $T0, portal: 127.0.0.1,3260]
Login to [iface: default, target: $T0, portal: 127.0.0.1,3260] successful.
Logging in to [iface: default, target: $T1, portal: 127.0.0.1,3260]
Login to [iface: default, target: $T1, portal: 127.0.0.1,3260] successful."
check "fw_login_uses_table_iname" grep -q "LOGIN .*node.name=$T0 .*iface.initiatorname=$INAME" "$FAKE_LOG"
check "fw_login_chap" grep -q "LOGIN .*node.name=$T1 .*node.session.auth.username=lunlink-user .*node.session.auth.authmethod=CHAP node.session.auth.password=set" "$FAKE_LOG"
check "fw_login_no_chap_for_T0" not grep -q "node.name=$T0 .*authmethod=CHAP" "$FAKE_LOG"
check "fw_login_touches_no_db" [ ! -e "$NODES" ]
: >"$FAKE_LOG"
run -m fw -l -n node.session.auth.username -v other-user
check "fw_login_n_v_applied" [ "$(grep -c "username=other-user" "$FAKE_LOG")" = 2 ]
run -m fw -n node.session.auth.username -v other-user
expect_rc "fw_n_v_without_login_refused" 7
expect_err "fw_n_v_without_login_message" "iscsiadm: fw mode: -n/-v change the boot targets' records only with -l; this command would ignore them."
run -m fw -l -n node.session.nosuch -v 1
expect_rc "fw_login_bad_key_refused" 7
check "fw_login_bad_key_sends_nothing" [ "$(grep -c LOGIN "$FAKE_LOG")" = 2 ]
fake_stop
fake_start --login "$T1=24:CHAP secret rejected"
run -m fw -l
expect_rc "fw_login_failure_exit_code" 24
expect_err "fw_login_failure_line" "iscsiadm: Could not login to [iface: default, target: $T1, portal: 127.0.0.1,3260]."
fake_stop

# --- -m discovery -t fw: records under nodes/ linked from fw/
run -m discovery -t fw
expect_rc "disc_fw_exits_0" 0
expect_out "disc_fw_lists_portals" "127.0.0.1:3260,1 $T0
127.0.0.1:3260,1 $T1"
check "disc_fw_record_written" [ -f "$NODES/$T1/127.0.0.1,3260,1/default" ]
check "disc_fw_link" [ -L "$ISCSI_CONFIG_DIR/fw/$T1,127.0.0.1,3260,1,default" ]
run -m node -T "$T1" -p 127.0.0.1
expect_out_line "disc_fw_record_type" "node.discovery_type = fw"
expect_out_line "disc_fw_record_chap" "node.session.auth.authmethod = CHAP"
expect_out_line "disc_fw_record_iname" "iface.initiatorname = $INAME"
run -m discovery -P 1
expect_out_line "disc_P1_firmware_section" "FIRMWARE:"
check "disc_P1_lists_fw_targets" [ "$(grep -c "^Target: " <<<"$OUT")" = 2 ]
run -m discovery -t fw -P 1
check "disc_fw_P1_tree" [ "$(head -1 <<<"$OUT")" = "Target: $T0" ]
# a target that left the table loses its record (default op includes delete)
mv "$IB/target1" "$TESTDIR/target1.away"
run -m discovery -t fw
expect_out "disc_fw_after_removal" "127.0.0.1:3260,1 $T0"
check "disc_fw_stale_record_deleted" [ ! -e "$NODES/$T1" ]
check "disc_fw_stale_link_deleted" [ ! -L "$ISCSI_CONFIG_DIR/fw/$T1,127.0.0.1,3260,1,default" ]
mv "$TESTDIR/target1.away" "$IB/target1"
run -m discovery -t fw -o nonpersistent
check "nonpersistent_writes_nothing" [ ! -e "$NODES/$T1" ]
run -m node -o delete
check "node_delete_removes_fw_links" [ -z "$(ls -A "$ISCSI_CONFIG_DIR/fw")" ]
fake_start
run -m discovery -t fw -l
expect_rc "disc_fw_login_exits_0" 0
check "disc_fw_login_two" [ "$(grep -c LOGIN "$FAKE_LOG")" = 2 ]
fake_stop

# --- damaged tables: named, never a crash
rm "$IB/target0/target-name"
put "$IB/target1/nic-assoc" 7
run -m fw
expect_rc "damaged_exits_21" 21
expect_err "damaged_target0" "iscsiadm: firmware boot table: ibft/target0: no target-name; entry skipped"
expect_err "damaged_target1" "iscsiadm: firmware boot table: ibft/target1: nic-assoc 7 names no ethernet entry; entry skipped"
expect_err "damaged_summary" "iscsiadm: Could not get list of targets from firmware. (err 21)"
put "$IB/target1/nic-assoc" 0
run -m fw
expect_rc "one_good_target_is_enough" 0
check "one_good_target_printed" [ "$(grep -c '^# END RECORD$' <<<"$OUT")" = 1 ]
rm -r "$IB/initiator"
run -m fw
expect_err "no_initiator_named" "iscsiadm: firmware boot table: ibft: no initiator entry; entry skipped"
expect_rc "no_initiator_exits_21" 21
printf 'garbage\0\n' >"$IB/initiator"
run -m fw
expect_rc "initiator_file_leaves_targets_usable" 0
check "initiator_file_no_iname" not grep -q "iface.initiatorname" <<<"$OUT"

# --- an offload HBA's table: shown, but not logged in through iscsi_tcp
rm -rf "$IB"
put "$SYS/class/scsi_host/host7/proc_name" qla4xxx
put "$SYS/firmware/iscsi_boot7/initiator/initiator-name" iqn.1994-05.com.example:hba
put "$SYS/firmware/iscsi_boot7/ethernet0/index" 0
put "$SYS/firmware/iscsi_boot7/ethernet0/flags" 2
put "$SYS/firmware/iscsi_boot7/ethernet0/mac" 00:0e:1e:00:00:01
put "$SYS/firmware/iscsi_boot7/target0/flags" 2
put "$SYS/firmware/iscsi_boot7/target0/nic-assoc" 0
put "$SYS/firmware/iscsi_boot7/target0/target-name" iqn.2003-01.org.example:boot
put "$SYS/firmware/iscsi_boot7/target0/ip-addr" 192.0.2.20
run -m fw
expect_rc "hba_table_printed" 0
expect_out_line "hba_transport" "iface.transport_name = qla4xxx"
run -m fw -l
expect_rc "hba_login_refused_12" 12
expect_err "hba_login_message" "iscsiadm: iscsi_boot7/target0: the boot target of a qla4xxx offload HBA; lunlink logs in with iscsi_tcp only"

finish
