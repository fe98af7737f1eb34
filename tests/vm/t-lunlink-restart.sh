#!/bin/bash
# vm-timeout: 240
# vm-weight: 68
# iscsid dies and comes back while a session carries I/O: a background
# worker writes and verifies O_DIRECT blocks the whole time. After SIGTERM
# and after SIGKILL the I/O goes on with iscsid gone (no errors, data
# verifies), a new iscsid lists the session (-m session, -P 1 LOGGED IN)
# without logging it in again (same kernel session, same TCP connection:
# same local port, and LIO counted no new login), recovers it when its
# connection is cut (ss -K), and logs it out.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-lunlink-restart.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"

vm_require_guest "$0"

P=127.0.0.1
IQN=iqn.2003-01.org.lunlink.test:restart
ACCEPTS=$LIO_CFS/iscsi/$IQN/fabric_statistics/iscsi_login_stats/accepts
IO=$LL_DIR/io
WORKER=

cleanup() {
	stop_worker
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	ll_stop_iscsid
	lio_teardown
}

setup() {
	ll_require_build
	lio_load && lio_create_target "$IQN" 3260 64M ||
		{ not_ok "LIO target configured"; done_testing; }
	ll_start_iscsid || { not_ok "iscsid started"; done_testing; }
	expect_exit 0 iscsiadm -m discovery -t st -p "$P"
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" --login
	vm_wait_for 10 ll_disk_of "$IQN" || { not_ok "disk appears"; done_testing; }
	ok "disk /dev/$DISK appears"
	SID=$(ll_sid_of "$IQN")
}

# Writes 4 MiB at one of 8 offsets, reads it back, compares; forever
# until $IO.stop appears. Failures go to $IO.err, progress to $IO.rounds.
io_worker() {
	local i=0 off
	while [[ ! -e $IO.stop ]]; do
		off=$(((i % 8) * 4))
		dd if="$IO.pat" of="/dev/$DISK" bs=1M count=4 seek="$off" oflag=direct \
			conv=notrunc status=none 2>>"$IO.err" || echo "round $i: write failed" >>"$IO.err"
		dd if="/dev/$DISK" of="$IO.back" bs=1M count=4 skip="$off" iflag=direct \
			status=none 2>>"$IO.err" || echo "round $i: read failed" >>"$IO.err"
		cmp -s "$IO.pat" "$IO.back" || echo "round $i: data differs" >>"$IO.err"
		i=$((i + 1))
		echo "$i" >"$IO.rounds"
	done
}

rounds() { cat "$IO.rounds" 2>/dev/null || echo 0; }

start_worker() {
	head -c $((4 << 20)) /dev/urandom >"$IO.pat"
	: >"$IO.err"
	io_worker &
	WORKER=$!
	vm_wait_for 20 eval '(($(rounds) >= 2))'
}

stop_worker() {
	[[ -n $WORKER ]] || return 0
	touch "$IO.stop"
	wait "$WORKER"
	WORKER=
}

# The worker gets N more rounds done within 30 s, without an error.
expect_io_goes_on() { # expect_io_goes_on N NAME
	local from
	from=$(rounds)
	vm_wait_for 30 eval "((\$(rounds) >= from + $1))" &&
		ok "$2: I/O goes on ($(($(rounds) - from)) rounds)" ||
		not_ok "$2: I/O goes on" "rounds stuck at $(rounds)"
	[[ -s $IO.err ]] && not_ok "$2: no I/O errors" "$(head -n 5 "$IO.err")" ||
		ok "$2: no I/O errors"
}

local_port() { # the initiator's end of the connection to 3260
	ss -Htn state established '( dport = :3260 )' | awk '{ sub(/.*:/, "", $3); print $3 }'
}

snapshot() { # what must not change when iscsid restarts
	local conn=/sys/class/iscsi_connection/connection$SID:0/state
	echo "sid=$(ll_sid_of "$IQN") port=$(local_port) logins=$(<"$ACCEPTS")" \
		"session=$(<"/sys/class/iscsi_session/session$SID/state")" \
		"conn=$(cat "$conn" 2>/dev/null || echo n/a)"
}

# Kill iscsid with SIGNAL; I/O goes on; a new iscsid adopts the session.
check_restart() { # check_restart SIGNAL
	local before after
	before=$(snapshot)
	ll_stop_iscsid "$1"
	expect_io_goes_on 3 "iscsid killed with SIG$1"
	expect_exit 0 iscsiadm -m session
	expect_eq "$OUT" "tcp: [$SID] $P:3260,1 $IQN (non-flash)" "SIG$1: -m session works with iscsid gone"
	ll_start_iscsid && ok "SIG$1: new iscsid started" || not_ok "SIG$1: new iscsid started"
	expect_exit 0 iscsiadm -m session
	expect_eq "$OUT" "tcp: [$SID] $P:3260,1 $IQN (non-flash)" "SIG$1: new iscsid lists the session"
	expect_exit 0 iscsiadm -m session -P 1
	expect_lines "$OUT" "SIG$1: -P 1 from the new iscsid" $'\t\t'"SID: $SID" \
		$'\t\t'"iSCSI Connection State: LOGGED IN" $'\t\t'"iSCSI Session State: LOGGED_IN"
	expect_io_goes_on 2 "SIG$1: after restart"
	after=$(snapshot)
	expect_eq "$after" "$before" "SIG$1: same session and connection, no new login"
}

# The adopted session's connection is cut: the new iscsid logs in again
# (one new login) and I/O resumes without errors.
check_recovery() {
	local logins
	logins=$(<"$ACCEPTS")
	ss -K -tn state established '( dport = :3260 )' >/dev/null ||
		{ not_ok "connection cut with ss -K"; return; }
	vm_wait_for 30 eval "(( \$(<\"$ACCEPTS\") > logins ))" &&
		vm_wait_for 10 eval '[[ $(<"/sys/class/iscsi_session/session$SID/state") == LOGGED_IN ]]'
	expect_eq "$(<"$ACCEPTS")" $((logins + 1)) "adopted session re-logged in once after its connection was cut"
	expect_io_goes_on 2 "after recovery"
}

check_logout() {
	stop_worker
	expect_eq "$(<"$IO.err")" "" "no I/O error during the whole run ($(rounds) rounds)"
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" --logout
	vm_wait_for 10 test ! -e "/dev/$DISK"
	expect_eq "$?" 0 "the new iscsid logs the session out: disk gone"
	expect_exit 21 iscsiadm -m session
	expect_eq "$(tr -d '\0' <"$LIO_CFS/iscsi/$IQN/tpgt_1/dynamic_sessions")" "" "LIO has no session left"
}

at_exit cleanup
at_exit ll_diag_on_failure
setup
[[ -r $ACCEPTS ]] && ok "LIO login counter readable" || not_ok "LIO login counter readable" "$ACCEPTS"
diag "before: $(snapshot)"
start_worker && ok "background I/O runs" || not_ok "background I/O runs"
check_restart TERM
check_restart KILL
check_recovery
check_logout
done_testing
