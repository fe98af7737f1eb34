#!/bin/bash
# vm-timeout: 300
# vm-weight: 95
# iscsid dies and comes back, with a writer of known data running:
#   1. iscsid killed with SIGKILL during I/O: I/O goes on (the kernel owns
#      the session); a restarted iscsid adopts the session without a new
#      login (same TCP connection). Then the path dies silently (netem loss
#      6 s): the adopted session is recovered and reinstated with its
#      original ISID (the target ends up with one session). Then its
#      connection is killed (ss -K): it recovers again. The writer sees no
#      error and the data verifies after each step.
#   2. iscsid killed, then the connection killed while no iscsid runs: the
#      session waits FAILED with I/O queued; a restarted iscsid adopts it,
#      recovers it, and the queued writes complete without error.
#   3. the adopted session logs out cleanly.
# Prints the recovery times as METRIC lines.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-recovery-iscsid.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"
. "$here/lib/fault.sh"

vm_require_guest "$0"

IQN=iqn.2003-01.org.lunlink.test:recovery-iscsid
P=127.0.0.1
REGION_MIB=16

setup() {
	flt_start "sd_mod sch_netem" "$IQN" 64M
	flt_login "$IQN" node.conn[0].timeo.noop_out_interval 2 \
		node.conn[0].timeo.noop_out_timeout 2 \
		node.session.timeo.replacement_timeout 30 || done_testing
}

# restart_iscsid NAME: starts iscsid again; LOG_FROM is the first line of
# its log.
restart_iscsid() {
	LOG_FROM=$(($(wc -l <"$LL_ISCSID_LOG") + 1))
	ll_start_iscsid && ok "$1: iscsid restarted" || not_ok "$1: iscsid restarted"
}

new_log() { tail -n "+$LOG_FROM" "$LL_ISCSID_LOG"; }
_adopted() { new_log | grep -q "adopted from the kernel"; }

test_kill_during_io() {
	local port0 port
	flt_writer_start "/dev/$DISK" "$REGION_MIB"
	flt_writer_wait_writes 3 30 || not_ok "kill: writer running before the kill"
	port0=$(flt_local_port)
	ll_stop_iscsid KILL
	flt_writer_wait_writes 5 30 && ok "kill: I/O goes on without iscsid" ||
		not_ok "kill: I/O goes on without iscsid"
	expect_eq "$(flt_sess_state "$SID")" LOGGED_IN "kill: session stays LOGGED_IN"
	restart_iscsid kill
	vm_wait_for 10 _adopted && ok "kill: iscsid adopts the session" ||
		not_ok "kill: iscsid adopts the session" "$(new_log | head -n 20)"
	new_log | grep -q "adopted from the kernel (state LOGGED_IN)" &&
		ok "kill: adopted as LOGGED_IN" || not_ok "kill: adopted as LOGGED_IN"
	flt_writer_wait_writes 3 30 || not_ok "kill: writer goes on after the restart"
	port=$(flt_local_port)
	expect_eq "$port" "$port0" "kill: no relogin on adoption (same TCP connection)"
	new_log | grep -qE -- "--connected--> LOGIN|logging in" &&
		not_ok "kill: no login in the new iscsid's log" "$(new_log | grep -E -- 'LOGIN|logging in')" ||
		ok "kill: no login in the new iscsid's log"
	expect_exit 0 iscsiadm -m session
	expect_match "$OUT" "\[$SID\] $P:3260,1 $IQN" "kill: -m session lists the adopted session"
	flt_writer_stop
	flt_writer_stats
	echo "METRIC iscsid_kill_io_stall_s=$(flt_us_to_s "$FLT_STALL_US")"
	expect_eq "$FLT_ERRORS" 0 "kill: the writer saw no I/O error"
	flt_writer_verify kill
}

# The adopted session recovers from a killed connection.
test_conn_kill_adopted() {
	local port0 t0
	flt_writer_start "/dev/$DISK" "$REGION_MIB"
	flt_writer_wait_writes 3 30 || not_ok "ss-K: writer running before the fault"
	port0=$(flt_local_port)
	t0=$(vm_now)
	expect_eq "$(flt_kill_conn)" 1 "ss-K: ss -K killed the connection"
	if flt_wait_state "$SID" LOGGED_IN 60 && [[ $(flt_local_port) != "$port0" ]]; then
		ok "ss-K: the adopted session recovers"
		flt_metric adopted_conn_kill_recovery_s "$t0"
	else
		not_ok "ss-K: the adopted session recovers" "state $(flt_sess_state "$SID")" \
			"$(new_log | tail -n 15)"
	fi
	flt_writer_wait_writes 5 60 && ok "ss-K: writer goes on after recovery" ||
		not_ok "ss-K: writer goes on after recovery"
	flt_writer_stop
	flt_writer_stats
	echo "METRIC adopted_conn_kill_io_stall_s=$(flt_us_to_s "$FLT_STALL_US")"
	expect_eq "$FLT_ERRORS" 0 "ss-K: the writer saw no I/O error"
	flt_writer_verify ss-K
}

# Right after adoption (the first relogin of the new iscsid) the path dies
# silently: the target still holds the old connection when iscsid logs in
# again, so only a login with the session's original ISID (reinstatement)
# leaves it with one session.
test_silent_loss_adopted() {
	local t0 t1
	flt_writer_start "/dev/$DISK" "$REGION_MIB"
	flt_writer_wait_writes 3 30 || not_ok "loss: writer running before the fault"
	tc qdisc add dev lo root netem loss 100% || { not_ok "loss: netem loss on lo"; return; }
	t0=$(vm_now)
	flt_wait_state "$SID" FAILED 20 && ok "loss: NOP-Out timeout noticed" ||
		not_ok "loss: NOP-Out timeout noticed" "state $(flt_sess_state "$SID")"
	vm_sleep "$(flt_us_to_s $((6000000 - ($(vm_now) - t0))))"
	tc qdisc del dev lo root
	t1=$(vm_now)
	if flt_wait_state "$SID" LOGGED_IN 60; then
		ok "loss: the adopted session recovers"
		flt_metric adopted_netem_recovery_s "$t1"
	else
		not_ok "loss: the adopted session recovers" "state $(flt_sess_state "$SID")"
	fi
	expect_eq "$(flt_target_sessions "$IQN")" 1 \
		"loss: the target holds one session (reinstated with the same ISID)"
	flt_writer_wait_writes 5 60 || not_ok "loss: writer goes on after recovery"
	flt_writer_stop
	flt_writer_stats
	expect_eq "$FLT_ERRORS" 0 "loss: the writer saw no I/O error"
	flt_writer_verify loss
}

test_fail_while_dead() {
	local t0
	flt_writer_start "/dev/$DISK" "$REGION_MIB"
	flt_writer_wait_writes 3 30 || not_ok "dead: writer running before the kill"
	ll_stop_iscsid KILL
	expect_eq "$(flt_kill_conn)" 1 "dead: ss -K killed the connection"
	flt_wait_state "$SID" FAILED 10 && ok "dead: session FAILED, nobody recovers it" ||
		not_ok "dead: session FAILED, nobody recovers it" "state $(flt_sess_state "$SID")"
	vm_sleep 3
	expect_eq "$(flt_sess_state "$SID")" FAILED "dead: still FAILED 3 s later"
	t0=$(vm_now)
	restart_iscsid dead
	vm_wait_for 10 _adopted && ok "dead: iscsid adopts the failed session" ||
		not_ok "dead: iscsid adopts the failed session" "$(new_log | head -n 20)"
	if flt_wait_state "$SID" LOGGED_IN 60; then
		ok "dead: the adopted failed session recovers"
		flt_metric adopt_failed_recovery_s "$t0"
	else
		not_ok "dead: the adopted failed session recovers" "state $(flt_sess_state "$SID")" \
			"$(new_log | tail -n 15)"
	fi
	flt_writer_wait_writes 5 60 && ok "dead: the queued writes complete, writer goes on" ||
		not_ok "dead: the queued writes complete, writer goes on"
	flt_writer_stop
	flt_writer_stats
	echo "METRIC adopt_failed_io_stall_s=$(flt_us_to_s "$FLT_STALL_US")"
	expect_eq "$FLT_ERRORS" 0 "dead: the writer saw no I/O error"
	flt_writer_verify dead
}

test_logout_adopted() {
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" --logout
	vm_wait_for 10 test ! -e "/dev/$DISK" && ok "adopted: /dev/$DISK gone after logout" ||
		not_ok "adopted: /dev/$DISK gone after logout"
	expect_eq "$(ll_sid_of "$IQN")" "" "adopted: no kernel session left"
}

at_exit flt_cleanup
at_exit ll_diag_on_failure
setup
test_kill_during_io
test_silent_loss_adopted
test_conn_kill_adopted
test_fail_while_dead
test_logout_adopted
done_testing
