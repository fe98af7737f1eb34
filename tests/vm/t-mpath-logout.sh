#!/bin/bash
# vm-timeout: 240
# Safe logout of dm-multipath paths with a real multipathd: one LIO target
# (a LUN with a VPD unit serial) on portals 127.0.0.1 and 127.0.0.2, one
# lunlink session through each, one map over both.  With the map mounted:
#   - --logoutall of both paths is refused for each (exit 28, naming the
#     map), and both sessions stay;
#   - logging out one path is allowed, the map keeps the other;
#   - logging out the last path is refused (28) naming the map, its WWID and
#     the mount point; unmounted but held open, refused naming the opener;
#   - --force logs the last path out anyway.
# Logged in again with the map unused, --logoutall logs both paths out.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-mpath-logout.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"
. "$here/lib/mpath.sh"

vm_require_guest "$0"

IQN=iqn.2003-01.org.lunlink.test:mplogout
PA=127.0.0.1
PB=127.0.0.2
MNT=/tmp/mp-mnt
LIO_UNIT_SERIAL=1

cleanup() {
	exec 3<&- 2>/dev/null
	umount "$MNT" 2>/dev/null
	mp_teardown
	iscsiadm -m node --logoutall=all --force >/dev/null 2>&1
	ll_stop_iscsid
	lio_teardown
}

sessions_logged_in() { # sessions_logged_in N: exactly N sessions, all LOGGED_IN
	local s n=0
	for s in /sys/class/iscsi_session/session*/state; do
		[[ -e $s ]] || continue
		[[ $(<"$s") == LOGGED_IN ]] || return 1
		n=$((n + 1))
	done
	((n == $1))
}

login_both() {
	iscsiadm -m node -T "$IQN" -p "$PA" -l >/dev/null &&
		iscsiadm -m node -T "$IQN" -p "$PB" -l >/dev/null && mp_settle &&
		mp_wait_map 2 60
}

setup() {
	ll_require_build
	lio_load && lio_create_target "$IQN" 3260 64M && lio_add_portal "$IQN" "$PB:3260" ||
		{ not_ok "LIO target on two portals"; done_testing; }
	modprobe sd_mod
	ll_start_iscsid || { not_ok "iscsid started"; done_testing; }
	mp_start || { not_ok "multipathd started"; done_testing; }
	expect_exit 0 iscsiadm -m discovery -t st -p "$PA"
	login_both || { not_ok "one map with two active paths"; done_testing; }
	ok "one map ($MP_MAP) with two active paths"
	SA=$(ll_sid_of_portal "$PA") SB=$(ll_sid_of_portal "$PB")
	WWID=$(<"/sys/block/$(basename "$(readlink -f "$MP_DEV")")/dm/uuid")
	WWID=${WWID#mpath-}
	# a forced logout of the last path must not leave I/O queued forever
	dmsetup message "$MP_MAP" 0 fail_if_no_path
	mkdir -p "$MNT" && mkfs.ext4 -q -F "$MP_DEV" && mount "$MP_DEV" "$MNT" &&
		echo data >"$MNT/file" && sync || { not_ok "file system on $MP_DEV"; done_testing; }
	ok "$MP_DEV mounted on $MNT"
}

check_mounted_map() {
	local in_use="is the last active path of multipath map $MP_MAP (WWID $WWID), which is in use"
	local in_use_re=${in_use//[()]/\\&}  # for expect_match: the parentheses literal
	expect_exit 28 iscsiadm -m node --logoutall=all
	expect_match "$OUT" "session $SA \\($IQN\\) $in_use_re: $MP_DEV is mounted on $MNT" \
		"--logoutall of both paths: the first is refused naming map and mount"
	expect_match "$OUT" "session $SB \\($IQN\\) $in_use_re" \
		"--logoutall of both paths: the second is refused too"
	sessions_logged_in 2 && ok "both sessions stay after the refused --logoutall" ||
		not_ok "both sessions stay after the refused --logoutall"

	expect_exit 0 iscsiadm -m session -r "$SA" -u
	[[ ! -e /sys/class/iscsi_session/session$SA ]] && sessions_logged_in 1 &&
		ok "one path logged out while the map keeps the other" ||
		not_ok "one path logged out while the map keeps the other"
	expect_eq "$(cat "$MNT/file" 2>&1)" data "the map still reads through the other path"

	expect_exit 28 iscsiadm -m session -r "$SB" -u
	expect_lines "$OUT" "the last path of the mounted map is refused" \
		"iscsiadm: session $SB ($IQN) $in_use: $MP_DEV is mounted on $MNT; unmount it first, or force the logout with --force"
	umount "$MNT" || not_ok "umount $MNT"
	exec 3<"$MP_DEV"
	# udev's probe after the umount may hold the map open a moment longer
	# (iscsid, at nice -10, can answer before it ends): wait for our one
	vm_wait_for 10 map_open_once || diag "map $MP_MAP still open more than once"
	expect_exit 28 iscsiadm -m session -r "$SB" -u
	expect_match "$OUT" "$in_use_re: it is open 1 time;" \
		"unmounted but held open: still refused, naming the opener"
	expect_exit 0 iscsiadm -m session -r "$SB" -u --force
	sessions_logged_in 0 && ok "--force logs the last path out" ||
		not_ok "--force logs the last path out"
	exec 3<&-
}

map_open_once() {
	local n
	n=$(dmsetup info -c --noheadings -o open "$MP_MAP" 2>/dev/null) && ((n == 1))
}

check_unused_map() {
	# the map lost its paths; nothing uses it now, so it can go
	multipath -F >/dev/null 2>&1
	login_both || { not_ok "map back with two paths"; return; }
	expect_exit 0 iscsiadm -m node --logoutall=all
	sessions_logged_in 0 && ok "an unused map's paths all log out together" ||
		not_ok "an unused map's paths all log out together"
}

at_exit cleanup
at_exit mp_diag
at_exit ll_diag_on_failure
t0=$(vm_now)
setup
check_mounted_map
check_unused_map
echo "METRIC mpath_logout_run_s=$(vm_seconds_since "$t0")"
done_testing
