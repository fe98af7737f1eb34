# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# fake-sysfs.sh: a sysfs tree laid out like Linux 6.1's iSCSI classes, for
# iscsiadm tests (LUNLINK_SYSFS_ROOT).  Source after cli-lib.sh; set SYS to
# the tree's root first.
#
#   put FILE VALUE                 one attribute
#   add_session SID HOST TARGET PADDR CADDR DISKS...
#                                  session SID on hostHOST (iscsi_tcp),
#                                  persistent address PADDR, current CADDR,
#                                  LUN i -> DISKS[i]
#   remove_session SID HOST

INAME=${INAME:-iqn.2005-03.org.open-iscsi:lunlink-vm}

put() { # put FILE VALUE: one sysfs attribute
	mkdir -p "$(dirname "$1")"
	printf '%s\n' "$2" >"$1"
}

add_session() {
	local sid=$1 host=$2 target=$3 paddr=$4 caddr=$5 lun=0 disk
	local dev=devices/platform/host$host/session$sid
	local s=$SYS/$dev/iscsi_session/session$sid
	local c=$SYS/$dev/connection$sid:0/iscsi_connection/connection$sid:0
	shift 5
	mkdir -p "$s" "$c" "$SYS/class/iscsi_session" "$SYS/class/iscsi_connection"
	ln -s "../../$dev/iscsi_session/session$sid" "$SYS/class/iscsi_session/session$sid"
	ln -s "../../../session$sid" "$s/device"
	ln -s "../../$dev/connection$sid:0/iscsi_connection/connection$sid:0" \
		"$SYS/class/iscsi_connection/connection$sid:0"
	put "$s/targetname" "$target"
	put "$s/tpgt" 1
	put "$s/state" LOGGED_IN
	put "$s/creator" 812
	put "$s/ifacename" default
	put "$s/initiatorname" "$INAME"
	put "$s/recovery_tmo" 120
	put "$s/tgt_reset_tmo" 30
	put "$s/lu_reset_tmo" 30
	put "$s/abort_tmo" 15
	# unset strings read "(null)" on Linux 6.1
	put "$s/username" "(null)"
	put "$s/username_in" "(null)"
	# never to be printed: iscsiadm does not read secrets from sysfs
	put "$s/password" sysfs-secret-value
	put "$s/password_in" sysfs-secret-value
	put "$s/first_burst_len" 65536
	put "$s/max_burst_len" 262144
	put "$s/max_outstanding_r2t" 1
	put "$s/immediate_data" 1
	put "$s/initial_r2t" 1
	put "$s/erl" 0
	put "$s/target_id" 0
	put "$s/target_state" SCANNED
	put "$c/persistent_address" "$paddr"
	put "$c/persistent_port" 3260
	put "$c/address" "$caddr"
	put "$c/port" 3260
	put "$c/header_digest" 0
	put "$c/data_digest" 0
	put "$c/max_recv_dlength" 262144
	put "$c/max_xmit_dlength" 262144
	put "$c/state" up
	put "$SYS/class/scsi_host/host$host/proc_name" iscsi_tcp
	put "$SYS/class/scsi_host/host$host/state" running
	# iscsi_tcp hosts show their address; hwaddress and netdev are unset
	put "$SYS/class/iscsi_host/host$host/ipaddress" "$caddr"
	put "$SYS/class/iscsi_host/host$host/hwaddress" "(null)"
	put "$SYS/class/iscsi_host/host$host/netdev" "(null)"
	put "$SYS/class/iscsi_host/host$host/initiatorname" "(null)"
	for disk in "$@"; do
		local l=$SYS/$dev/target$host:0:0/$host:0:0:$lun
		put "$l/state" running
		put "$l/type" 0
		mkdir -p "$l/block/$disk"
		lun=$((lun + 1))
	done
}

remove_session() { # remove_session SID HOST
	rm -rf "$SYS/class/iscsi_session/session$1" "$SYS/class/iscsi_connection/connection$1:0" \
		"$SYS/devices/platform/host$2/session$1"
}
