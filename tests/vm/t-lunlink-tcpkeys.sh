#!/bin/bash
# vm-timeout: 180
# vm-weight: 30
# The record's socket keys reach the kernel's connection, and keys iscsid
# cannot act on are named once per session: node.conn[0].tcp.window_size,
# type_of_service and congestion_control set with `-o update` show up on
# the socket iscsi_tcp uses (ss: buffer sizes, TOS, algorithm), also on
# the socket of a reconnect; host_reset_timeout and xmit_thread_priority
# set away from their defaults give one notice each in iscsid's log,
# not repeated by the reconnect; the record keeps every value.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-lunlink-tcpkeys.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"
. "$here/lib/fault.sh"

vm_require_guest "$0"

IQN=iqn.2003-01.org.lunlink.test:tcpkeys
P=127.0.0.1
WINDOW=100000   # the kernel doubles it (socket(7)); default buffers differ
TOS=16          # 0x10, "low delay"

cleanup() {
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	ll_stop_iscsid
	lio_teardown
}

# The initiator's socket to the target, as ss shows it with memory, TOS
# and TCP information.
sock_info() { ss -Htnmi --tos state established dst "$P" dport = 3260 2>/dev/null; }

check_socket() { # check_socket WHEN
	local s
	s=$(sock_info)
	diag "$1: $s"
	expect_match "$s" "rb$((2 * WINDOW))," "$1: receive buffer is 2 x tcp.window_size"
	expect_match "$s" "tb$((2 * WINDOW))," "$1: send buffer is 2 x tcp.window_size"
	expect_match "$s" "tos:0x10" "$1: TOS is tcp.type_of_service"
	expect_match "$s" " reno " "$1: congestion control is tcp.congestion_control"
}

notices() { grep -cF "$1" "$LL_ISCSID_LOG"; }

main() {
	local sid n1 n2
	at_exit cleanup
	at_exit ll_diag_on_failure
	ll_require_build
	lio_load && lio_create_target "$IQN" 3260 16M ||
		{ not_ok "LIO target configured"; done_testing; }
	ll_start_iscsid || { not_ok "iscsid started"; done_testing; }
	expect_exit 0 iscsiadm -m discovery -t st -p "$P"
	ll_node_update "$IQN" "$P" node.conn[0].tcp.window_size "$WINDOW" &&
		ll_node_update "$IQN" "$P" node.conn[0].tcp.type_of_service "$TOS" &&
		ll_node_update "$IQN" "$P" node.conn[0].tcp.congestion_control reno &&
		ll_node_update "$IQN" "$P" node.session.err_timeo.host_reset_timeout 90 &&
		ll_node_update "$IQN" "$P" node.session.xmit_thread_priority 0 ||
		not_ok "-o update of the socket and no-effect keys"
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" -o show
	expect_lines "$OUT" "record keeps every value" \
		"node.conn[0].tcp.window_size = $WINDOW" \
		"node.conn[0].tcp.type_of_service = $TOS" \
		"node.conn[0].tcp.congestion_control = reno" \
		"node.session.err_timeo.host_reset_timeout = 90" \
		"node.session.xmit_thread_priority = 0"

	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" --login
	sid=$(ll_sid_of "$IQN")
	expect_match "$sid" '^[0-9]+$' "a session exists"
	check_socket "login"
	n1="node.session.err_timeo.host_reset_timeout = 90 is kept in the record but has no effect with iscsi_tcp"
	n2="node.session.xmit_thread_priority = 0 is kept in the record but has no effect with iscsi_tcp"
	expect_eq "$(notices "notice: $IQN $P:3260: $n1")" 1 "host_reset_timeout noticed once"
	expect_eq "$(notices "notice: $IQN $P:3260: $n2")" 1 "xmit_thread_priority noticed once"
	expect_eq "$(notices "notice:")" 2 "keys at their defaults are not noticed"

	# A reconnect gets a new socket with the same settings and no new notice.
	expect_eq "$(flt_kill_conn)" 1 "the connection is cut (ss -K)"
	vm_wait_for 5 test "$(flt_sess_state "$sid")" != LOGGED_IN
	if flt_wait_state "$sid" LOGGED_IN 30; then
		ok "session $sid recovered"
		vm_wait_for 5 test -n "$(sock_info)"
		check_socket "reconnect"
	else
		not_ok "session $sid recovered"
	fi
	expect_eq "$(notices "notice:")" 2 "the reconnect logs no notice again"
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" --logout
	done_testing
}

main "$@"
