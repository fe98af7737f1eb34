#!/bin/bash
# vm-timeout: 240
# vm-mem: 2048
# vm-weight: 94
# Scale smoke test: lunlink with 32 sessions on one LIO portal. Asserts
# correctness only, never a time (bench/vm-scale.sh measures):
#   1. discovery finds the 32 targets; --loginall=all gives 32 disks
#   2. -m session lists each session once, -P 3 shows a disk for each,
#      -m session -r SID -P 3 shows that session alone, -m node 32 records
#   3. a storm: every TPG disabled for 5 s with two writers of known data;
#      all 32 sessions come back LOGGED_IN with their disks, no write
#      failed and every block holds its last write; a session's names,
#      portal and timeouts in sysfs are those of before
#   4. iscsid restarted: no session logged in again (same TCP connections)
#   5. --logoutall=all: no session, iSCSI host or disk is left when it
#      returns
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-scale-smoke.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"
. "$here/lib/fault.sh"
. "$here/lib/scale.sh"

vm_require_guest "$0"

N=32
P=127.0.0.1
BASE=iqn.2003-01.org.lunlink.test:smoke

cleanup() {
	scl_lio_enable "$BASE" "$N" 1 2>/dev/null
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	ll_stop_iscsid
}

count_lines() { # count_lines TEXT REGEX
	grep -cE -- "$2" <<<"$1"
}

test_login() {
	expect_exit 0 iscsiadm -m discovery -t st -p "$P"
	expect_eq "$(count_lines "$OUT" "^$P:3260,1 $BASE-[0-9]+\$")" "$N" "discovery lists $N targets"
	expect_exit 0 iscsiadm -m node --loginall=all
	scl_wait_disks "$N" 60
	expect_eq "$SCL_DISKS/$SCL_SESS" "$N/$N" "loginall: $N sessions, each with a disk"
}

test_listing() {
	local sid
	expect_exit 0 iscsiadm -m session
	expect_eq "$(count_lines "$OUT" "^tcp: \[[0-9]+\] $P:3260,1 $BASE-[0-9]+ \(non-flash\)\$")" \
		"$N" "-m session: one line per session"
	expect_eq "$(grep -oE "$BASE-[0-9]+ " <<<"$OUT" | sort -u | grep -c .)" "$N" \
		"-m session: every target once"
	expect_exit 0 iscsiadm -m session -P 3
	expect_eq "$(count_lines "$OUT" $'^\t\t\tAttached scsi disk sd[a-z]+\t\tState: running$')" \
		"$N" "-m session -P 3: a running disk under each session"
	sid=$(ll_sid_of "$BASE-7")
	expect_exit 0 iscsiadm -m session -r "$sid" -P 3
	expect_eq "$(count_lines "$OUT" '^Target: ')/$(count_lines "$OUT" $'^\t\tSID: ')" "1/1" \
		"-m session -r $sid -P 3: one session"
	expect_match "$OUT" $'\n\t\tSID: '"$sid"$'\n' "-m session -r $sid -P 3: that session"
	expect_match "$OUT" "Target: $BASE-7 " "-m session -r $sid -P 3: its target"
	expect_exit 0 iscsiadm -m node
	expect_eq "$(count_lines "$OUT" "^$P:3260,1 $BASE-[0-9]+\$")" "$N" "-m node: $N records"
}

# What the kernel keeps of session SID from its first login: a reconnect
# hands it no names, portal or timeouts again (session_kernel.c).
kept_values() { # kept_values SID
	local s=/sys/class/iscsi_session/session$1 c=/sys/class/iscsi_connection/connection$1:0 f v
	for f in $s/targetname $s/initiatorname $s/recovery_tmo $s/abort_tmo $s/lu_reset_tmo \
		$s/tgt_reset_tmo $s/tpgt $c/persistent_address $c/persistent_port $c/ping_tmo \
		$c/recv_tmo; do
		read -r v <"$f" || v="(unreadable)"
		printf '%s=%s ' "${f##*/}" "$v"
	done
}

test_storm() {
	local sid kept
	sid=$(ll_sid_of "$BASE-3")
	kept=$(kept_values "$sid")
	scl_writers_start "$BASE" 2 8 || return
	scl_writers_wait 3 60 || not_ok "storm: writers running before the outage"
	scl_lio_enable "$BASE" "$N" 0 || not_ok "storm: every TPG disabled"
	vm_sleep 5
	scl_sessions
	((SCL_UP < N)) && ok "storm: sessions went down ($SCL_UP of $N up)" ||
		not_ok "storm: sessions went down" "all $N still LOGGED_IN"
	scl_lio_enable "$BASE" "$N" 1 || not_ok "storm: every TPG enabled"
	scl_wait_up "$N" 90
	expect_eq "$SCL_UP/$SCL_SESS" "$N/$N" "storm: all $N sessions LOGGED_IN again"
	expect_eq "$(kept_values "$sid")" "$kept" "storm: session $sid keeps its names, portal, timeouts"
	scl_wait_disks "$N" 30
	expect_eq "$SCL_DISKS" "$N" "storm: all $N disks are back"
	scl_writers_wait 3 60 || not_ok "storm: writers go on after the outage"
	scl_writers_finish storm
}

test_restart() {
	local before after
	before=$(scl_conn_ports)
	ll_stop_iscsid
	ll_start_iscsid || not_ok "restart: iscsid comes back"
	expect_exit 0 iscsiadm -m session -r "$(ll_sid_of "$BASE-1")" -P 1
	expect_match "$OUT" "Internal iscsid Session State: NO CHANGE" "restart: iscsid answers"
	vm_sleep 2
	after=$(scl_conn_ports)
	expect_eq "$after" "$before" "restart: the same $N connections, nothing logged in again"
}

test_logout() {
	expect_exit 0 iscsiadm -m node --logoutall=all
	expect_eq "$(count_lines "$OUT" '^Logout of \[sid: [0-9]+, target: .*\] successful\.$')" \
		"$N" "logoutall: $N logouts reported successful"
	# a logout is answered once the kernel reports its session destroyed
	# (in the background: session_reap.c), so none may be left now
	scl_sessions
	expect_eq "$SCL_SESS" 0 "logoutall: no session left when it returns"
	local hosts=(/sys/class/iscsi_host/host*)
	[[ -e ${hosts[0]} ]] && not_ok "logoutall: no iSCSI host left when it returns" \
		"${hosts[*]}" || ok "logoutall: no iSCSI host left when it returns"
	local left=(/sys/class/scsi_disk/*)
	[[ -e ${left[0]} ]] && not_ok "logoutall: no SCSI disk left" "${left[*]}" ||
		ok "logoutall: no SCSI disk left"
}

at_exit cleanup
at_exit ll_diag_on_failure
ll_require_build
modprobe -a iscsi_tcp sd_mod || not_ok "iscsi_tcp and sd_mod loaded"
scl_make_targets "$BASE" "$N" 16M || { not_ok "LIO: $N targets"; done_testing; }
ll_start_iscsid || { not_ok "iscsid started"; done_testing; }
test_login
test_listing
test_storm
test_restart
test_logout
done_testing
