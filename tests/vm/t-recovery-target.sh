#!/bin/bash
# vm-timeout: 300
# vm-weight: 71
# Sessions survive target and network faults with a writer of known data
# running, and nothing is lost. One session (noop_out_interval 2,
# noop_out_timeout 2, replacement_timeout 30) goes through, in turn:
#   1. the target portal disabled for 5 s (LIO tpgt_1/enable 0, then 1)
#   2. its TCP connection killed (ss -K)
#   3. silent path loss (netem loss 100% on lo) for 6 s: the kernel notices
#      through NOP-Out timeout, iscsid recovers once the loss ends
# After each: the writer saw no error, the session is LOGGED_IN with a new
# connection, and every block holds its last write. Prints the recovery
# times as METRIC lines.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-recovery-target.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"
. "$here/lib/fault.sh"

vm_require_guest "$0"

IQN=iqn.2003-01.org.lunlink.test:recovery
REGION_MIB=16
WRITES_AFTER=5      # successful writes wanted after each recovery

setup() {
	flt_start sd_mod "$IQN" 64M
	flt_login "$IQN" node.conn[0].timeo.noop_out_interval 2 \
		node.conn[0].timeo.noop_out_timeout 2 \
		node.session.timeo.replacement_timeout 30 || done_testing
	local s=/sys/class/iscsi_session/session$SID c=/sys/class/iscsi_connection/connection$SID:0
	expect_eq "$(<"$s/recovery_tmo")" 30 "replacement_timeout reaches the kernel (recovery_tmo)"
	expect_eq "$(<"$c/recv_tmo")" 2 "noop_out_interval reaches the kernel (recv_tmo)"
	expect_eq "$(<"$c/ping_tmo")" 2 "noop_out_timeout reaches the kernel (ping_tmo)"
}

# after_fault NAME FAULT_END_US OLD_PORT: the session comes back, the
# writer goes on without errors, the data verifies.
after_fault() {
	local name=$1 t_end=$2 old_port=$3 port
	LOGIN_AT=
	if flt_wait_state "$SID" LOGGED_IN 60; then
		LOGIN_AT=$(vm_now)
		ok "$name: session LOGGED_IN again"
		flt_metric "${name}_recovery_s" "$t_end" "$LOGIN_AT"
	else
		not_ok "$name: session LOGGED_IN again" "state: $(flt_sess_state "$SID")"
	fi
	expect_eq "$(flt_conn_state "$SID")" up "$name: connection up"
	# Same ISID, TSIH 0: the target replaces the old session.
	expect_eq "$(flt_target_sessions "$IQN")" 1 "$name: the target holds one session"
	port=$(flt_local_port)
	[[ -n $port && $port != "$old_port" ]] && ok "$name: a new TCP connection ($old_port -> $port)" ||
		not_ok "$name: a new TCP connection" "before: $old_port, now: '$port'"
	flt_writer_wait_writes "$WRITES_AFTER" 60 &&
		ok "$name: writer goes on ($WRITES_AFTER more writes)" ||
		not_ok "$name: writer goes on ($WRITES_AFTER more writes)"
	flt_writer_stop
	flt_writer_stats
	diag "$name: $FLT_WRITES writes, longest took $(flt_us_to_s "$FLT_STALL_US") s"
	echo "METRIC ${name}_io_stall_s=$(flt_us_to_s "$FLT_STALL_US")"
	expect_eq "$FLT_ERRORS" 0 "$name: the writer saw no I/O error"
	[[ -s $FLT_DIR/writer.err ]] && diag "$name: dd said: $(head -c 300 "$FLT_DIR/writer.err")"
	flt_writer_verify "$name"
}

# begin_fault NAME: starts the writer and lets it get going.
begin_fault() {
	flt_writer_start "/dev/$DISK" "$REGION_MIB"
	flt_writer_wait_writes 3 30 || not_ok "$1: writer running before the fault"
	PORT=$(flt_local_port)
}

test_portal_disabled() {
	local t0 t1
	begin_fault portal_disable
	t0=$(vm_now)
	lio_disable "$IQN" || not_ok "portal disabled"
	diag "portal_disable: writing enable=0 took $(vm_seconds_since "$t0") s"
	t0=$(vm_now)
	vm_sleep 5
	[[ $(flt_sess_state "$SID") == FAILED ]] &&
		ok "portal_disable: session FAILED while the portal is down" ||
		not_ok "portal_disable: session FAILED while the portal is down" \
			"state: $(flt_sess_state "$SID")"
	t1=$(vm_now)
	lio_enable "$IQN" || not_ok "portal enabled"
	after_fault portal_disable "$t1" "$PORT"
	[[ -n $LOGIN_AT ]] && flt_metric portal_disable_outage_to_login_s "$t0" "$LOGIN_AT"
}

test_conn_killed() {
	local t0 n
	begin_fault conn_kill
	t0=$(vm_now)
	n=$(flt_kill_conn)
	expect_eq "$n" 1 "conn_kill: ss -K killed the connection"
	after_fault conn_kill "$t0" "$PORT"
}

nop_timeout_seen() { grep -q "NOP-Out timed out" "$LL_ISCSID_LOG"; }

test_silent_loss() {
	local t0 t1 left
	modprobe sch_netem || not_ok "netem: module sch_netem loads"
	begin_fault netem_loss
	if ! tc qdisc add dev lo root netem loss 100%; then
		not_ok "netem: tc qdisc netem loss 100% on lo"
		flt_writer_stop
		return
	fi
	t0=$(vm_now)
	ok "netem: 100% loss on lo, writer running"
	if flt_wait_state "$SID" FAILED 20; then
		ok "netem: the kernel notices the dead path"
		flt_metric netem_nop_detect_s "$t0"
	else
		not_ok "netem: the kernel notices the dead path" "state: $(flt_sess_state "$SID")"
	fi
	# The path stays dead 6 s in all.
	left=$((6000000 - ($(vm_now) - t0)))
	((left > 0)) && vm_sleep "$(flt_us_to_s "$left")"
	tc qdisc del dev lo root
	t1=$(vm_now)
	vm_wait_for 5 nop_timeout_seen &&
		ok "netem: iscsid logged the NOP-Out timeout (CONN_ERROR NOP_TIMEDOUT)" ||
		not_ok "netem: iscsid logged the NOP-Out timeout (CONN_ERROR NOP_TIMEDOUT)" \
			"$(grep -i 'connection failed' "$LL_ISCSID_LOG" | tail -n 3)"
	after_fault netem_loss "$t1" "$PORT"
}

at_exit flt_cleanup
at_exit ll_diag_on_failure
setup
test_portal_disabled
test_conn_killed
test_silent_loss
done_testing
