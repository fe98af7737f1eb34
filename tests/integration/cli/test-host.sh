#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Host mode against a fake sysfs tree (LUNLINK_SYSFS_ROOT) laid out like
# the VM's Linux with one iscsi_tcp session, and fake_iscsid for iscsid's
# states.  host-ref/ holds open-iscsi 2.1.8's own `-m host -P 0..4` output
# for that session, captured in the test VM (tests/vm), byte for byte.
set -u
. "$(dirname "$0")/cli-lib.sh"

REF=$(cd "$(dirname "$0")/host-ref" && pwd)
SYS=$TESTDIR/sys
export LUNLINK_SYSFS_ROOT=$SYS
export LUNLINK_IPC_TIMEOUT=10

IQN=iqn.2003-01.org.lunlink.test:reference
INAME=iqn.2005-03.org.open-iscsi:lunlink-vm

put() { # put FILE VALUE: one sysfs attribute
	mkdir -p "$(dirname "$1")"
	printf '%s\n' "$2" >"$1"
}

# add_host H IPADDR HWADDR NETDEV: an iscsi_tcp host ("(null)" = unset)
add_host() {
	local h=$SYS/class/iscsi_host/host$1 s=$SYS/class/scsi_host/host$1
	put "$h/ipaddress" "$2"
	put "$h/hwaddress" "$3"
	put "$h/netdev" "$4"
	put "$h/initiatorname" "(null)"
	put "$s/proc_name" iscsi_tcp
	put "$s/state" running
}

# add_session SID HOST DISK: a logged-in session to $IQN on 127.0.0.1
add_session() {
	local sid=$1 host=$2 dev=devices/platform/host$2/session$1
	local s=$SYS/$dev/iscsi_session/session$sid
	local c=$SYS/class/iscsi_connection/connection$sid:0
	local l=$SYS/$dev/target$host:0:0/$host:0:0:0
	mkdir -p "$s" "$SYS/class/iscsi_session"
	ln -s "../../$dev/iscsi_session/session$sid" "$SYS/class/iscsi_session/session$sid"
	ln -s "../../../session$sid" "$s/device"
	put "$s/targetname" "$IQN"
	put "$s/tpgt" 1
	put "$s/state" LOGGED_IN
	put "$s/creator" 812
	put "$s/ifacename" default
	put "$s/initiatorname" "$INAME"
	put "$s/first_burst_len" 65536
	put "$s/max_burst_len" 262144
	put "$s/max_outstanding_r2t" 1
	put "$s/immediate_data" 1
	put "$s/initial_r2t" 1
	put "$c/persistent_address" 127.0.0.1
	put "$c/persistent_port" 3260
	put "$c/address" 127.0.0.1
	put "$c/port" 3260
	put "$c/header_digest" 0
	put "$c/data_digest" 0
	put "$c/max_recv_dlength" 262144
	put "$c/max_xmit_dlength" 262144
	put "$l/state" running
	put "$l/type" 0
	mkdir -p "$l/block/$3"
}

same_as() { # same_as FILE: stdout equals the file byte for byte
	[ "$OUT" = "$(cat "$1")" ]
}

mkdir -p "$SYS/class" "$SYS/module/scsi_transport_iscsi"
put "$SYS/module/scsi_transport_iscsi/version" 2.0-870

# --- no hosts at all
for args in "" "-P 1" "-H 0"; do
	# shellcheck disable=SC2086
	run -m host $args
	expect_rc "no_hosts_exits_21${args:+ ($args)}" 21
	expect_err "no_hosts_message${args:+ ($args)}" "iscsiadm: No iSCSI hosts."
done
run -m host -P 5
expect_rc "bad_level_wins_over_no_hosts" 7

add_host 0 127.0.0.1 "(null)" "(null)"
add_session 1 0 sda

# --- listing from sysfs alone
run -m host
expect_rc "list_exits_0" 0
check "flat_matches_open_iscsi" same_as "$REF/host-P0.txt"
run -m host -P -1
check "P-1_is_flat" same_as "$REF/host-P0.txt"
run -m host -P 1
check "P1_matches_open_iscsi" same_as "$REF/host-P1.txt"
run -m host -P 2
expect_rc "P2_without_iscsid_exits_0" 0
expect_out_line "P2_without_iscsid_unknown_state" $'\t\t\tiSCSI Connection State: Unknown'

# --- trees with iscsid's states
fake_start --state "1=LOGGED IN/NO CHANGE"
for level in 0 1 2 3 4; do
	run -m host -P $level
	expect_rc "P${level}_exits_0" 0
	check "P${level}_matches_open_iscsi_byte_for_byte" same_as "$REF/host-P$level.txt"
done
run -m host -P 5
expect_rc "P5_exits_7" 7
expect_err "P5_message" "iscsiadm: Invalid info level 5. Try 0 - 4."
run -m host -P -2
expect_rc "P-2_exits_7" 7

# --- -H: checked, and (like open-iscsi 2.1.8) every host is listed
run -m host -H 0 -P 4
check "H0_P4_matches_open_iscsi" same_as "$REF/host-P4.txt"
run -m host -H 99 -P 1
expect_rc "H99_exits_0" 0
check "H99_lists_every_host" same_as "$REF/host-P1.txt"
run -m host -H abc
check "H_abc_is_host_0" same_as "$REF/host-P0.txt"
run -m host -H -1
expect_rc "H_negative_exits_7" 7
expect_err "H_negative_message" "iscsiadm: Invalid host no -1. Numerical result out of range."
run -m host -H 4294967296
expect_rc "H_too_big_exits_7" 7
run -m host -H 52:54:00:12:34:56
expect_rc "H_unknown_mac_exits_7" 7
expect_err "H_unknown_mac_message" "iscsiadm: Could not match MAC to host."
expect_out "H_unknown_mac_prints_nothing" ""

# --- offload submodes: open-iscsi's answers for an iscsi_tcp host
run -m host -C stats
expect_rc "stats_exits_1" 1
expect_err "stats_message" "iscsiadm: get_host_stats failed: host statistics are not supported by this transport (iscsi_tcp)"
run -m host -H 0 -C chap
expect_rc "chap_without_op_exits_7" 7
expect_err "chap_without_op_message" "iscsiadm: CHAP mode requires host no and valid operation"
run -m host -H 0 -C chap -o show
expect_rc "chap_show_exits_1" 1
check "chap_show_messages" [ "$ERR" = "iscsiadm: Received iferror -22: Invalid argument.
iscsiadm: get_chap_info failed. errno=0" ]
run -m host -H 0 -C chap -o new -x 0
expect_rc "chap_new_without_values_exits_0" 0
expect_err "chap_new_without_values_message" "iscsiadm: Chap username/password not provided."
run -m host -H 0 -C chap -o delete -x 0
expect_rc "chap_delete_not_supported_27" 27
run -m host -C flashnode
expect_rc "flashnode_exits_21" 21
expect_err "flashnode_message" "iscsiadm: No flashnodes attached to host 0."
run -m host -H 3 -C flashnode -o show
expect_err "flashnode_names_the_host" "iscsiadm: No flashnodes attached to host 3."
run -m host -C bogus
check "unknown_submode_lists_hosts" same_as "$REF/host-P0.txt"
run -m host -n node.name -v x
expect_rc "n_v_without_chap_refused" 7
run -m host -H 0 -C chap -o new -n username -v u
expect_rc "chap_new_with_values_not_supported_27" 27
run -m host -o show
check "op_lists_hosts" same_as "$REF/host-P0.txt"
fake_stop

# --- more hosts: directory names sorted as text, IPv6, MAC, bare host
add_host 10 ::1 52:54:00:aa:bb:cc eth1
put "$SYS/class/iscsi_host/host10/initiatorname" "$INAME"
mkdir -p "$SYS/class/iscsi_host/host2"
run -m host
expect_out "three_hosts_in_name_order" "tcp: [0] 127.0.0.1,[<empty>],<empty> <empty>
tcp: [10] [::1],[52:54:00:aa:bb:cc],eth1 $INAME
<empty>: [2] <empty>,[<empty>],<empty> <empty>"
run -m host -H 52:54:00:AA:BB:CC -P 1
expect_rc "H_mac_any_case_exits_0" 0
expect_out_line "P1_v6_bracketed" $'\tIPaddress: [::1]'
expect_out_line "P1_bare_host_state_unknown" $'\tState: Unknown'
check "P1_bare_host_transport_empty" [ "$(grep -c $'^\tTransport: <empty>$' <<<"$OUT")" = 1 ]
run -m host -P 2
check "P2_sessions_only_under_their_host" [ "$(grep -c $'^\tSessions:$' <<<"$OUT")" = 1 ]
put "$SYS/class/iscsi_host/host10/ipaddress" "(null)"
run -m host -H 10
expect_out_line "null_ipaddress_is_empty" "tcp: [10] <empty>,[52:54:00:aa:bb:cc],eth1 $INAME"

finish
