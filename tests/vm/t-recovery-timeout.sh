#!/bin/bash
# vm-timeout: 360
# vm-weight: 115
# Faults longer than the session can wait, and logout during recovery, with
# a writer of known data running:
#   1. target A (replacement_timeout 5) away for 15 s: the writer gets I/O
#      errors within the timeout plus a small margin (no hang), iscsid keeps
#      trying, and the session comes back when the target does: LOGGED_IN,
#      the same disk, new writes land and verify.
#   2. target B (replacement_timeout 60) disabled, session in recovery:
#      logout returns 0 in bounded time, the disk and the session go, the
#      writer's queued I/O fails instead of hanging, and nothing comes back
#      when the target returns.
#   3. the same while iscsid's reconnect hangs in TCP connect (netem loss
#      100% on lo); afterwards a fresh login to B works.
# Prints the measured times as METRIC lines.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-recovery-timeout.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"
. "$here/lib/fault.sh"

vm_require_guest "$0"

IQN_A=iqn.2003-01.org.lunlink.test:recovery-timeout
IQN_B=iqn.2003-01.org.lunlink.test:recovery-logout
P=127.0.0.1
REGION_MIB=8
TMO=5               # replacement_timeout of target A
AWAY_S=15           # how long target A is away
MARGIN_S=3          # allowed lateness of the I/O errors after TMO
LOGOUT_MAX_S=30

setup() {
	flt_start "sd_mod sch_netem" "$IQN_A" 32M "$IQN_B" 32M
}

_writer_failed() { awk '$4 != 0 { f = 1 } END { exit !f }' "$FLT_DIR/writer.log"; }
_reconnects() { grep -c "reconnect attempt .* failed" "$LL_ISCSID_LOG"; }

test_replacement_timeout() {
	local t0 t1 err_s tries0 tries
	flt_login "$IQN_A" node.session.timeo.replacement_timeout "$TMO" \
		node.conn[0].timeo.noop_out_interval 2 node.conn[0].timeo.noop_out_timeout 2 ||
		return
	expect_eq "$(<"/sys/class/iscsi_session/session$SID/recovery_tmo")" "$TMO" \
		"timeout: recovery_tmo is $TMO"
	flt_writer_start "/dev/$DISK" "$REGION_MIB"
	flt_writer_wait_writes 3 30 || not_ok "timeout: writer running before the fault"
	tries0=$(_reconnects)
	t0=$(vm_now)
	lio_disable "$IQN_A" || not_ok "target A disabled"
	flt_wait_state "$SID" FAILED "$TMO" && ok "timeout: session FAILED when the target goes" ||
		not_ok "timeout: session FAILED when the target goes" "state: $(flt_sess_state "$SID")"
	if vm_wait_for $((TMO + 20)) _writer_failed; then
		flt_writer_stats
		err_s=$(flt_us_to_s $((FLT_FIRST_ERR_US - t0)))
		echo "METRIC timeout_io_error_s=$err_s"
		(((FLT_FIRST_ERR_US - t0) <= (TMO + MARGIN_S) * 1000000)) &&
			ok "timeout: I/O errors after $err_s s (replacement_timeout $TMO + $MARGIN_S s)" ||
			not_ok "timeout: I/O errors within $TMO + $MARGIN_S s" "first error after $err_s s"
	else
		not_ok "timeout: the writer gets I/O errors" "none within $((TMO + 20)) s"
	fi
	# When replacement_timeout expires the kernel marks the session FREE
	# and the disk transport-offline (fails I/O at once).
	expect_eq "$(flt_sess_state "$SID")" FREE "timeout: session FREE after replacement_timeout"
	expect_eq "$(cat "/sys/block/$DISK/device/state" 2>/dev/null)" transport-offline \
		"timeout: disk transport-offline after replacement_timeout"
	# The target stays away AWAY_S in all; iscsid keeps trying.
	vm_sleep "$(flt_us_to_s $((AWAY_S * 1000000 - ($(vm_now) - t0))))"
	tries=$(($(_reconnects) - tries0))
	((tries >= 3)) && ok "timeout: iscsid kept trying ($tries reconnects in $AWAY_S s)" ||
		not_ok "timeout: iscsid kept trying" "$tries failed reconnects in $AWAY_S s"
	flt_writer_stats
	diag "timeout: $FLT_ERRORS failed writes while away"
	# A write queued behind the FREE session would wait for the target
	# (AWAY_S - TMO = 10 s); one failed at once costs a dd start, which in
	# a guest sharing the host with another takes up to about 2 s.
	((FLT_LATER_ERR_MAX_US < TMO * 1000000)) &&
		ok "timeout: later writes fail at once (longest $(flt_us_to_s "$FLT_LATER_ERR_MAX_US") s, < $TMO s)" ||
		not_ok "timeout: later writes fail at once" \
			"a failed write took $(flt_us_to_s "$FLT_LATER_ERR_MAX_US") s"
	t1=$(vm_now)
	lio_enable "$IQN_A" || not_ok "target A enabled"
	if flt_wait_state "$SID" LOGGED_IN 30; then
		ok "timeout: the session comes back when the target does"
		flt_metric timeout_return_s "$t1"
	else
		not_ok "timeout: the session comes back when the target does" \
			"state: $(flt_sess_state "$SID")"
	fi
	expect_eq "$(flt_conn_state "$SID")" up "timeout: connection up"
	flt_writer_wait_writes 5 30 && ok "timeout: new writes succeed on /dev/$DISK" ||
		not_ok "timeout: new writes succeed on /dev/$DISK" \
			"disk state $(cat "/sys/block/$DISK/device/state" 2>/dev/null)"
	expect_eq "$(cat "/sys/block/$DISK/device/state" 2>/dev/null)" running \
		"timeout: disk state running again"
	flt_writer_stop
	flt_writer_verify timeout
}

_gone() { ! kill -0 "$1" 2>/dev/null; }

# logout_recovering NAME: logs B's session out while it recovers; the
# logout must return 0 within LOGOUT_MAX_S and take the disk with it.
logout_recovering() {
	local name=$1 t0 pid rc dt
	t0=$(vm_now)
	iscsiadm -m node -T "$IQN_B" -p "$P" --logout >"$LL_DIR/logout.out" 2>&1 &
	pid=$!
	if ! vm_wait_for $((LOGOUT_MAX_S + 30)) _gone "$pid"; then
		not_ok "$name: logout returns" "still running after $((LOGOUT_MAX_S + 30)) s"
		kill "$pid" 2>/dev/null
	fi
	wait "$pid" && rc=0 || rc=$?
	dt=$(($(vm_now) - t0))
	echo "METRIC ${name}_logout_s=$(flt_us_to_s "$dt")"
	expect_eq "$rc" 0 "$name: logout exits 0" || diag "$(<"$LL_DIR/logout.out")"
	((dt < LOGOUT_MAX_S * 1000000)) && ok "$name: logout took $(flt_us_to_s "$dt") s (< $LOGOUT_MAX_S)" ||
		not_ok "$name: logout within $LOGOUT_MAX_S s" "took $(flt_us_to_s "$dt") s"
	vm_wait_for 10 test ! -e "/dev/$DISK" && ok "$name: /dev/$DISK is gone" ||
		not_ok "$name: /dev/$DISK is gone"
	expect_eq "$(ll_sid_of "$IQN_B")" "" "$name: no kernel session left"
	# The queued writes fail rather than hang.
	if flt_writer_stop 20; then
		ok "$name: the writer's pending I/O returned"
		flt_writer_stats
		((FLT_ERRORS > 0)) && ok "$name: the writer saw the disk fail ($FLT_ERRORS errors)" ||
			not_ok "$name: the writer saw the disk fail"
	else
		not_ok "$name: the writer's pending I/O returned" "dd still stuck 20 s after logout"
	fi
	kill -0 "$LL_ISCSID_PID" 2>/dev/null && ok "$name: iscsid still running" ||
		not_ok "$name: iscsid still running"
}

test_logout_target_disabled() {
	flt_login "$IQN_B" node.session.timeo.replacement_timeout 60 || return
	flt_writer_start "/dev/$DISK" "$REGION_MIB"
	flt_writer_wait_writes 3 30 || not_ok "logout: writer running before the fault"
	lio_disable "$IQN_B" || not_ok "target B disabled"
	flt_wait_state "$SID" FAILED 20 && ok "logout: session in recovery" ||
		not_ok "logout: session in recovery" "state: $(flt_sess_state "$SID")"
	# Let iscsid fail a reconnect or two first.
	vm_sleep 2
	logout_recovering logout_disabled
	lio_enable "$IQN_B"
	vm_sleep 6
	expect_eq "$(ll_sid_of "$IQN_B")" "" "logout: no session comes back when the target returns"
}

_connecting() { (($(grep -c -- "--reconnect--> CONNECT" "$LL_ISCSID_LOG") > $1)); }

test_logout_connect_hangs() {
	local n
	flt_login "$IQN_B" node.session.timeo.replacement_timeout 60 \
		node.conn[0].timeo.noop_out_interval 2 node.conn[0].timeo.noop_out_timeout 2 || return
	flt_writer_start "/dev/$DISK" "$REGION_MIB"
	flt_writer_wait_writes 3 30 || not_ok "logout-netem: writer running before the fault"
	n=$(grep -c -- "--reconnect--> CONNECT" "$LL_ISCSID_LOG")
	tc qdisc add dev lo root netem loss 100% || { not_ok "logout-netem: netem loss on lo"; return; }
	flt_wait_state "$SID" FAILED 20 && ok "logout-netem: session in recovery" ||
		not_ok "logout-netem: session in recovery" "state: $(flt_sess_state "$SID")"
	vm_wait_for 10 _connecting "$n" && ok "logout-netem: iscsid is reconnecting" ||
		not_ok "logout-netem: iscsid is reconnecting"
	vm_sleep 1
	logout_recovering logout_connecting
	tc qdisc del dev lo root
	vm_sleep 6
	expect_eq "$(ll_sid_of "$IQN_B")" "" "logout-netem: no session comes back when the path does"
	# flt_login checks the new login and its disk.
	flt_login "$IQN_B"
}

at_exit flt_cleanup
at_exit ll_diag_on_failure
setup
test_replacement_timeout
test_logout_target_disabled
test_logout_connect_hangs
done_testing
