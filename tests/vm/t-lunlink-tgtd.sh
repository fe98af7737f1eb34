#!/bin/bash
# vm-timeout: 180
# vm-weight: 27
# lunlink against tgtd, a second and independent target implementation
# (user space, LUN 0 is its controller, the disk is LUN 1): discovery,
# login, the disk with its exact size, O_DIRECT data, -m session, logout;
# sessions to tgtd and LIO at the same time, each logged out on its own;
# CHAP the way the seed document does it (tgtd incominguser, then only
# username and password set on the node).
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-lunlink-tgtd.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/../integration/tgtd-fixture.sh"
. "$here/lib/lunlink.sh"

vm_require_guest "$0"

P=127.0.0.1
TPORT=   # tgtd picks a free port
IQN_T=iqn.2003-01.org.lunlink.test:tgtd
IQN_L=iqn.2003-01.org.lunlink.test:lio-beside-tgtd
T_BYTES=$(((48 << 20) + 512))
IO_MIB=32

cleanup() {
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	ll_stop_iscsid
	tgtd_stop
	lio_teardown
}

setup() {
	ll_require_build
	tgtd_start && tgtd_add_target 1 "$IQN_T" "$T_BYTES" ||
		{ not_ok "tgtd started"; done_testing; }
	ok "tgtd started"
	TPORT=$TGTD_PORT
	lio_load && lio_create_target "$IQN_L" 3260 24M || not_ok "LIO target configured"
	ll_start_iscsid || { not_ok "iscsid started"; done_testing; }
	ok "iscsid started"
}

check_tgtd_alone() {
	local sid
	expect_exit 0 iscsiadm -m discovery -t st -p "$P:$TPORT"
	expect_eq "$OUT" "$P:$TPORT,1 $IQN_T" "discovery of tgtd prints its target line"
	expect_exit 0 iscsiadm -m node -T "$IQN_T" -p "$P:$TPORT" --login
	expect_eq "$OUT" "Logging in to [iface: default, target: $IQN_T, portal: $P,$TPORT]
Login to [iface: default, target: $IQN_T, portal: $P,$TPORT] successful." "login prints open-iscsi's lines"
	if ! vm_wait_for 10 ll_disk_of "$IQN_T"; then
		not_ok "tgtd disk appears"
		return 1
	fi
	ok "tgtd disk /dev/$DISK appears"
	TDISK=$DISK
	expect_eq "$(($(<"/sys/block/$DISK/size") * 512))" "$T_BYTES" "tgtd disk has the exact size"
	ll_random_check "/dev/$DISK" "$IO_MIB" "tgtd O_DIRECT"
	cmp -s -n $((IO_MIB << 20)) "$LL_DIR/pattern" "$(tgtd_lun_file 1)" &&
		ok "tgtd's backing file holds the data" || not_ok "tgtd's backing file holds the data"
	sid=$(ll_sid_of "$IQN_T")
	expect_exit 0 iscsiadm -m session
	expect_eq "$OUT" "tcp: [$sid] $P:$TPORT,1 $IQN_T (non-flash)" "-m session shows the tgtd session"
	expect_exit 15 iscsiadm -m node -T "$IQN_T" -p "$P:$TPORT" --login
}

# LIO and tgtd sessions side by side; logging out of one leaves the other.
check_side_by_side() {
	local sid_l
	expect_exit 0 iscsiadm -m discovery -t st -p "$P"
	expect_exit 0 iscsiadm -m node -T "$IQN_L" -p "$P" --login
	vm_wait_for 10 ll_disk_of "$IQN_L" && ok "LIO disk /dev/$DISK appears beside tgtd's" ||
		not_ok "LIO disk appears beside tgtd's"
	sid_l=$(ll_sid_of "$IQN_L")
	expect_exit 0 iscsiadm -m session
	expect_eq "$(wc -l <<<"$OUT")" 2 "-m session lists two sessions"
	ll_random_check "/dev/$TDISK" 4 "tgtd disk while LIO is logged in"
	expect_exit 0 iscsiadm -m node -T "$IQN_T" -p "$P:$TPORT" --logout
	vm_wait_for 10 test ! -e "/dev/$TDISK"
	expect_eq "$?" 0 "tgtd disk gone after its logout"
	expect_exit 0 iscsiadm -m session
	expect_eq "$OUT" "tcp: [$sid_l] $P:3260,1 $IQN_L (non-flash)" "the LIO session stays"
	[[ -b /dev/$DISK ]] && ok "the LIO disk stays" || not_ok "the LIO disk stays"
	expect_exit 0 iscsiadm -m node -T "$IQN_L" -p "$P" --logout
	expect_exit 21 iscsiadm -m session
}

check_tgtd_chap() {
	tgtd_add_account seeduser seed-password-1 && tgtd_bind_account 1 seeduser ||
		{ not_ok "tgtd CHAP account added"; return; }
	expect_exit 24 iscsiadm -m node -T "$IQN_T" -p "$P:$TPORT" --login
	ll_node_update "$IQN_T" "$P:$TPORT" node.session.auth.username seeduser
	ll_node_update "$IQN_T" "$P:$TPORT" node.session.auth.password seed-password-1
	expect_exit 0 iscsiadm -m node -T "$IQN_T" -p "$P:$TPORT" --login || return
	vm_wait_for 10 ll_disk_of "$IQN_T" && ok "tgtd CHAP session gives a disk" ||
		not_ok "tgtd CHAP session gives a disk"
	expect_exit 0 iscsiadm -m node -T "$IQN_T" -p "$P:$TPORT" --logout
}

at_exit cleanup
at_exit ll_diag_on_failure
setup
check_tgtd_alone && check_side_by_side
check_tgtd_chap
done_testing
