#!/bin/bash
# vm-timeout: 300
# vm-weight: 45
# lunlink against LIO, the everyday path: discovery, login, the disk with
# the LUN's exact size, 64 MiB of O_DIRECT data, `-m session` at -P 0..3
# (and -P 3 -J against it),
# second login (15), rescan (a new LUN appears), the safe logout (refused
# while the disk, a partition or a device-mapper device on it is mounted,
# naming the mount point), logout (disk gone, -m session exits 21),
# --force, an iser iface refused (12), and iscsid.safe_logout in
# iscsid.conf (an explicit Yes refuses with 28; No logs a mounted disk
# out, as open-iscsi does).
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-lunlink-basic.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"

vm_require_guest "$0"

IQN=iqn.2003-01.org.lunlink.test:basic
P=127.0.0.1
TGT="[iface: default, target: $IQN, portal: $P,3260]"
# Not a power of two, so a size rounded anywhere shows.
LUN_BYTES=$(((72 << 20) + 1536))
LUN1_BYTES=$((8 << 20))
IO_MIB=64

cleanup() {
	local m
	for m in /tmp/mnt-*; do [[ -d $m ]] && umount -l "$m" 2>/dev/null; done
	dmsetup remove --noudevsync lltest >/dev/null 2>&1
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	ll_stop_iscsid
	lio_teardown
}

setup() {
	ll_require_build
	lio_load && lio_create_target "$IQN" 3260 "$LUN_BYTES" ||
		{ not_ok "LIO target configured"; done_testing; }
	ll_start_iscsid || { not_ok "iscsid started"; done_testing; }
	ok "iscsid started"
	expect_eq "$(ll_nice)" -10 "iscsid raised itself to nice -10, as open-iscsi's does"
}

ll_nice() { local f; read -ra f <"/proc/$LL_ISCSID_PID/stat"; echo "${f[18]}"; }

check_discovery() {
	expect_exit 0 iscsiadm -m discovery -t st -p "$P"
	expect_eq "$OUT" "$P:3260,1 $IQN" "discovery prints the target line"
	expect_exit 0 iscsiadm -m node
	expect_eq "$OUT" "$P:3260,1 $IQN" "-m node lists the node"
}

# An iSER record is refused out loud (12), never logged in over TCP instead.
check_iser_refused() {
	expect_exit 0 iscsiadm -m node -o new -T "$IQN" -p "$P:3260,1" -I iser
	expect_exit 12 iscsiadm -m node -T "$IQN" -p "$P" -I iser --login
	expect_match "$OUT" "iSER and offload .* not supported" "iser login names iSER as unsupported"
	expect_exit 21 iscsiadm -m session
	expect_exit 0 iscsiadm -m node -o delete -T "$IQN" -p "$P" -I iser
}

check_login() {
	local t0 pid rc
	t0=$(vm_now)
	iscsiadm -m node -T "$IQN" -p "$P" --login >"$LL_DIR/login.out" 2>&1 &
	pid=$!
	vm_wait_for 30 ll_disk_of "$IQN" || DISK=
	diag "login to /dev node (includes loading iscsi_tcp and sd_mod): $(vm_seconds_since "$t0") s"
	wait "$pid" && rc=0 || rc=$?
	expect_eq "$rc" 0 "login exits 0" || diag "$(<"$LL_DIR/login.out")"
	expect_eq "$(<"$LL_DIR/login.out")" "Logging in to $TGT
Login to $TGT successful." "login prints open-iscsi's two lines"
	if [[ -z $DISK ]]; then
		not_ok "a disk appears after login"
		return 1
	fi
	ok "disk /dev/$DISK appears after login"
	expect_eq "$(($(<"/sys/block/$DISK/size") * 512))" "$LUN_BYTES" "disk has the LUN's exact size"
	SID=$(ll_sid_of "$IQN")
	HOST=$(readlink -f "/sys/class/iscsi_session/session$SID/device")
	HOST=${HOST%/session*}
	HOST=${HOST##*/host}
}

check_data() {
	ll_random_check "/dev/$DISK" "$IO_MIB" "O_DIRECT on /dev/$DISK"
	cmp -s -n $((IO_MIB << 20)) "$LL_DIR/pattern" "$(lio_lun_file "$IQN" 0)" &&
		ok "the target's backing file holds the data" ||
		not_ok "the target's backing file holds the data"
	rm -f "$LL_DIR/pattern"
}

check_session_listing() {
	local line="tcp: [$SID] $P:3260,1 $IQN (non-flash)" common
	expect_exit 0 iscsiadm -m session
	expect_eq "$OUT" "$line" "-m session prints the session line"
	expect_exit 0 iscsiadm -m session -P 0
	expect_eq "$OUT" "$line" "-m session -P 0 is the same line"
	common=("Target: $IQN (non-flash)"
		$'\t'"Current Portal: $P:3260,1"
		$'\t'"Persistent Portal: $P:3260,1"
		$'\t\t'"Iface Name: default"
		$'\t\t'"Iface Transport: tcp"
		$'\t\t'"Iface Initiatorname: $LL_INITIATOR"
		$'\t\t'"SID: $SID"
		$'\t\t'"iSCSI Connection State: LOGGED IN"
		$'\t\t'"iSCSI Session State: LOGGED_IN"
		$'\t\t'"Internal iscsid Session State: NO CHANGE")
	expect_exit 0 iscsiadm -m session -P 1
	expect_lines "$OUT" "-P 1" "${common[@]}"
	expect_exit 0 iscsiadm -m session -P 2
	expect_lines "$OUT" "-P 2" $'\t\t'"Negotiated iSCSI params:" \
		$'\t\t'"HeaderDigest: None" $'\t\t'"Recovery Timeout: 120"
	expect_exit 0 iscsiadm -m session -P 3
	expect_eq "${OUT%%$'\n'*}" "iSCSI Transport Class version 2.0-870" "-P 3 first line"
	expect_lines "$OUT" "-P 3" "${common[@]}" \
		$'\t\t'"Attached SCSI devices:" \
		$'\t\t'"Host Number: $HOST"$'\t'"State: running" \
		$'\t\t'"scsi$HOST Channel 00 Id 0 Lun: 0" \
		$'\t\t\t'"Attached scsi disk $DISK"$'\t\t'"State: running"
}

# -J: the -P 3 document matches the text field by field (the host test's
# comparer) and names the real disk and the live states.
check_session_json() {
	local d=/tmp/session-json dev
	mkdir -p "$d"
	iscsiadm -m session -P 3 >"$d/text" 2>/dev/null
	iscsiadm -m session -P 3 -J >"$d/json" 2>/dev/null
	expect_eq "$?" 0 "-m session -P 3 -J exits 0"
	OUT=$(python3 "$LUNLINK_REPO/tests/integration/cli/json_vs_text.py" session 3 \
		"$d/text" "$d/json" 2>&1)
	expect_eq "$?:$OUT" "0:" "-m session -P 3 -J matches the text field by field"
	dev=$(python3 -c 'import json,sys
s = json.load(open(sys.argv[1]))["sessions"][0]
print(s["devices"][0]["dev"], s["state"]["connection"], s["negotiated"]["header_digest"])' "$d/json")
	expect_eq "$dev" "/dev/$DISK LOGGED IN None" "-P 3 -J: the disk's /dev name and the live states"
}

check_second_login() {
	expect_exit 15 iscsiadm -m node -T "$IQN" -p "$P" --login
	expect_match "$OUT" "iscsiadm: default: 1 session requested, but 1 already present\." \
		"second login says the session exists"
}

# A LUN added on the target shows up after -m session -r SID -R.
check_rescan() {
	local disks sectors
	_lio_add_lun "$IQN" 1 "$LUN1_BYTES" || { not_ok "LUN 1 added on the target"; return; }
	expect_exit 0 iscsiadm -m session -r "$SID" -R
	vm_wait_for 10 eval '[[ $(ll_session_disks "$IQN") == *" "* ]]'
	read -ra disks <<<"$(ll_session_disks "$IQN")"
	expect_eq "${#disks[@]}" 2 "rescan finds the new LUN"
	# The size check runs (and fails) even when the LUN never showed up.
	sectors=0
	[[ -n ${disks[1]:-} ]] && sectors=$(<"/sys/block/${disks[1]}/size")
	expect_eq "$((sectors * 512))" "$LUN1_BYTES" "new LUN has its exact size"
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" -R
	expect_eq "$(ll_session_disks "$IQN")" "${disks[*]}" "node rescan keeps the disks"
	DISKS=("${disks[@]}")
}

# expect_logout_refused WHAT MOUNTPOINT: logout fails (28) naming it.
expect_logout_refused() {
	expect_exit 28 iscsiadm -m node -T "$IQN" -p "$P" --logout
	expect_match "$OUT" "$2" "refusal ($1) names the mount point $2"
	[[ $1 == "whole disk" ]] && diag "refusal: ${OUT//$'\n'/ | }"
	[[ -b /dev/$DISK && -n $(ll_sid_of "$IQN") ]] && ok "session and disk stay ($1)" ||
		not_ok "session and disk stay ($1)"
}

# A one-partition MBR written by hand (no partitioning tool on the host):
# partition 1, type 0x83, from sector 2048 for 32768 sectors.
write_mbr() { # write_mbr DEV
	{
		head -c 446 /dev/zero
		printf '\x00\x00\x00\x00\x83\x00\x00\x00\x00\x08\x00\x00\x00\x80\x00\x00'
		head -c 48 /dev/zero
		printf '\x55\xaa'
	} | dd of="$1" bs=512 count=1 iflag=fullblock oflag=direct status=none
}

check_mounted_refusal() {
	mkdir -p /tmp/mnt-whole /tmp/mnt-part /tmp/mnt-dm
	if mkfs.ext4 -q -F "/dev/$DISK" && mount "/dev/$DISK" /tmp/mnt-whole; then
		expect_logout_refused "whole disk" /tmp/mnt-whole
		umount /tmp/mnt-whole
	else
		not_ok "ext4 on /dev/$DISK mounted"
	fi
	if write_mbr "/dev/$DISK" && blockdev --rereadpt "/dev/$DISK" &&
		vm_wait_for 10 test -b "/dev/${DISK}1" &&
		mkfs.ext4 -q -F "/dev/${DISK}1" && mount "/dev/${DISK}1" /tmp/mnt-part; then
		expect_logout_refused "partition" /tmp/mnt-part
		umount /tmp/mnt-part
	else
		not_ok "ext4 on partition /dev/${DISK}1 mounted"
	fi
	# device-mapper on the disk, after the partition; no udev: dmsetup
	# makes the node itself.
	if modprobe dm_mod && DM_DISABLE_UDEV=1 dmsetup create --noudevsync lltest \
		--table "0 16384 linear /dev/$DISK 40960" &&
		mkfs.ext4 -q -F /dev/mapper/lltest && mount /dev/mapper/lltest /tmp/mnt-dm; then
		expect_logout_refused "device-mapper" /tmp/mnt-dm
		umount /tmp/mnt-dm
	else
		not_ok "ext4 on a dm-linear device over /dev/$DISK mounted"
	fi
	DM_DISABLE_UDEV=1 dmsetup remove --noudevsync lltest 2>/dev/null
}

check_logout() {
	local d gone=1
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" --logout
	expect_eq "$OUT" "Logging out of session [sid: $SID, target: $IQN, portal: $P,3260]
Logout of [sid: $SID, target: $IQN, portal: $P,3260] successful." "logout prints open-iscsi's two lines"
	for d in "${DISKS[@]:-$DISK}"; do
		vm_wait_for 10 test ! -e "/dev/$d" || gone=0
	done
	expect_eq "$gone" 1 "all disks of the session are gone after logout"
	expect_eq "$(ll_sid_of "$IQN")" "" "no kernel session left"
	expect_exit 21 iscsiadm -m session
	expect_eq "$OUT" "iscsiadm: No active sessions." "-m session says no active sessions"
	expect_exit 21 iscsiadm -m node -T "$IQN" -p "$P" --logout
}

check_force() {
	expect_match "$(iscsiadm --help 2>&1)" "--force" "iscsiadm --help documents --force"
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" --login
	vm_wait_for 10 eval '[[ -b /dev/$(ll_session_disks "$IQN" | cut -d" " -f1)1 ]]'
	DISK=$(ll_session_disks "$IQN" | cut -d' ' -f1)
	mount "/dev/${DISK}1" /tmp/mnt-part || { not_ok "partition mounted again"; return; }
	expect_exit 28 iscsiadm -m node -T "$IQN" -p "$P" --logout
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" --logout --force
	vm_wait_for 10 test ! -e "/dev/$DISK"
	expect_eq "$?" 0 "--force logs out a mounted disk"
	umount -l /tmp/mnt-part
}

# restart_with_safe_logout VALUE: iscsid.conf says it, iscsid reads it anew.
restart_with_safe_logout() {
	local conf=$ISCSI_CONFIG_DIR/iscsid.conf
	ll_stop_iscsid
	touch "$conf"
	sed -i '/^iscsid.safe_logout/d' "$conf"
	echo "iscsid.safe_logout = $1" >>"$conf"
	ll_start_iscsid || { not_ok "iscsid restarted with safe_logout = $1"; return 1; }
}

# login_and_mount: logged in, partition 1 of the disk mounted on /tmp/mnt-part.
login_and_mount() {
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" --login
	vm_wait_for 10 eval '[[ -b /dev/$(ll_session_disks "$IQN" | cut -d" " -f1)1 ]]'
	DISK=$(ll_session_disks "$IQN" | cut -d' ' -f1)
	mount "/dev/${DISK}1" /tmp/mnt-part || { not_ok "partition mounted ($1)"; return 1; }
}

check_safe_logout_setting() {
	restart_with_safe_logout Yes && login_and_mount "safe_logout = Yes" || return
	expect_exit 28 iscsiadm -m node -T "$IQN" -p "$P" --logout
	expect_match "$OUT" /tmp/mnt-part "safe_logout = Yes: refusal names the mount point"
	expect_eq "$(ll_session_disks "$IQN" | cut -d' ' -f1)" "$DISK" \
		"safe_logout = Yes: the session and its disk stay"
	umount /tmp/mnt-part
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" --logout
	LL_ISCSID_NICE=3 restart_with_safe_logout No && login_and_mount "safe_logout = No" || return
	expect_eq "$(ll_nice)" 3 "iscsid started at nice 3 keeps it"
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" --logout
	vm_wait_for 10 test ! -e "/dev/$DISK"
	expect_eq "$?" 0 "safe_logout = No: a mounted disk's session logs out"
	expect_exit 21 iscsiadm -m session
	umount -l /tmp/mnt-part
	restart_with_safe_logout Yes
}

at_exit cleanup
at_exit ll_diag_on_failure
setup
check_discovery
check_iser_refused
if check_login; then
	check_data
	check_session_listing
	check_session_json
	check_second_login
	check_rescan
	check_mounted_refusal
	check_logout
	check_force
	check_safe_logout_setting
fi
done_testing
