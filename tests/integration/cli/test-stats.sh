#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Statistics: -m session -s, -m session -r SID -s, -m node ... -s and
# -m host -H N -C stats against a fake sysfs tree and fake_iscsid's
# counters.  The layout is checked against open-iscsi 2.1.8's own output
# captured in the test VM (tests/vm/reference/session-stats.stdout.txt),
# numbers aside; the numbers against what fake_iscsid sent.
set -u
. "$(dirname "$0")/cli-lib.sh"
. "$(dirname "$0")/fake-sysfs.sh"

OI_STATS=$(cd "$(dirname "$0")/../../vm/reference" && pwd)/session-stats.stdout.txt
SYS=$TESTDIR/sys
export LUNLINK_SYSFS_ROOT=$SYS
export LUNLINK_IPC_TIMEOUT=10

T1=iqn.2003-01.org.lunlink.test:reference
T2=iqn.2003-01.org.lunlink.test:two
NOT_SUPP="iscsiadm: get_host_stats failed: host statistics are not supported by this transport (iscsi_tcp)"

numbers_out() { sed -E 's/: [0-9]+$/: N/'; }

# stdout has open-iscsi's layout (every line, every name, in order).
oi_layout() {
	[ "$(numbers_out <<<"$OUT")" = "$(numbers_out <"$OI_STATS")" ]
}

mkdir -p "$SYS/class"

# --- no session at all
fake_start
run -m session -s
expect_rc "no_session_exits_21" 21
expect_err "no_session_message" "iscsiadm: No session found."
run -m node -T "$T1" -p 127.0.0.1 -s
expect_rc "node_no_session_exits_21" 21
expect_err "node_no_session_message" "iscsiadm: No session found."
check "nothing_asked_without_sessions" not grep -q SESSION_STATS "$FAKE_LOG"

add_session 1 0 "$T1" 127.0.0.1 127.0.0.1 sda
add_session 2 1 "$T2" 127.0.0.1 127.0.0.1 sdb

# --- one session: open-iscsi's block, the counters iscsid sent
run -m session -r 1 -s
expect_rc "r1_exits_0" 0
check "r1_has_open_iscsis_layout" oi_layout
expect_out_line "r1_header" "Stats for session [sid: 1, target: $T1, portal: 127.0.0.1,3260]"
expect_out_line "r1_txdata_octets" $'\ttxdata_octets: 1000'
expect_out_line "r1_scsicmd_pdus" $'\tscsicmd_pdus: 1003'
expect_out_line "r1_timeout_err" $'\ttimeout_err: 1020'
expect_out_line "r1_custom_first" $'\ttx_sendpage_failures: 101'
expect_out_line "r1_custom_last" $'\teh_abort_cnt: 103'
check "r1_asks_for_sid_1" grep -q "SESSION_STATS id [0-9]* sid=1 nkv" "$FAKE_LOG"
run -m session -r /sys/class/iscsi_session/session1 -s
check "r_by_path_same_block" oi_layout

# --- every session, pipelined on one connection, in sysfs order
: >"$FAKE_LOG"
run -m session -s
expect_rc "all_exits_0" 0
check "all_two_blocks" [ "$(grep -c '^Stats for session' <<<"$OUT")" = 2 ]
check "all_second_block_is_session_2" [ "$(grep '^Stats for' <<<"$OUT" | sed -n 2p)" = \
	"Stats for session [sid: 2, target: $T2, portal: 127.0.0.1,3260]" ]
expect_out_line "all_session_2_counter" $'\ttxdata_octets: 2000'
check "all_two_requests" [ "$(grep -c '^conn [0-9]* SESSION_STATS' "$FAKE_LOG")" = 2 ]
check "all_requests_share_one_connection" \
	[ "$(grep '^conn [0-9]* SESSION_STATS' "$FAKE_LOG" | cut -d' ' -f2 | sort -u | wc -l)" = 1 ]

# --- node mode: the sessions of the record
run -m node -T "$T1" -p 127.0.0.1 -s
expect_rc "node_exits_0" 0
check "node_has_open_iscsis_layout" oi_layout
run -m node -T "$T1" -s
check "node_without_portal_same_block" oi_layout
run -m node -T "$T1" -p 127.0.0.2 -s
expect_rc "node_other_portal_exits_21" 21
expect_err "node_other_portal_message" "iscsiadm: No session found."

# --- bad sid: open-iscsi's two lines and 22
run -m session -r 99 -s
expect_rc "bad_sid_exits_22" 22
expect_err "bad_sid_first_line" "iscsiadm: could not read session targetname: 5"
expect_err "bad_sid_second_line" "iscsiadm: Could not get session info for sid 99"
fake_stop

# --- iscsid refuses one session: the others print, the first error wins
fake_start --stats "1=2:no session 1 in the kernel"
run -m session -s
expect_rc "refused_exits_2" 2
check "refused_prints_the_other" [ "$(grep -c '^Stats for session' <<<"$OUT")" = 1 ]
expect_err "refused_reason" "iscsiadm: no session 1 in the kernel"
expect_err "refused_summary" "iscsiadm: Could not execute operation on all sessions: session not found"
fake_stop

# --- iscsid unreachable
run -m session -r 1 -s
expect_rc "no_iscsid_exits_20" 20
expect_out "no_iscsid_prints_no_block" ""
expect_err "no_iscsid_summary" "iscsiadm: Could not execute operation on all sessions: could not connect to iscsid"

# --- host statistics: iscsi_tcp has none, said out loud with exit 1
fake_start
run -m host -H 0 -C stats
expect_rc "host_stats_exits_1" 1
expect_out "host_stats_prints_nothing" ""
check "host_stats_says_not_supported" [ "$ERR" = "$NOT_SUPP" ]
check "host_stats_asks_host_0" grep -q "HOST_STATS id [0-9]* host=0 nkv" "$FAKE_LOG"
run -m host -H 9999 -C stats
expect_rc "host_unknown_exits_12" 12
check "host_unknown_open_iscsis_lines" [ "$ERR" = "iscsiadm: Could not read proc_name for host9999 rc 5.
iscsiadm: Could not match hostno 9999 to transport." ]
put "$SYS/class/scsi_host/host7/proc_name" ata_piix
run -m host -H 7 -C stats
expect_rc "host_not_iscsi_exits_12" 12
check "host_not_iscsi_message" [ "$ERR" = "iscsiadm: Could not match hostno 7 to transport." ]
check "host_checks_before_asking" [ "$(grep -c HOST_STATS "$FAKE_LOG")" = 1 ]
fake_stop
fake_start --host-stats 0
run -m host -H 0 -C stats
expect_rc "host_stats_success_without_counters_is_an_error" 18
fake_stop

finish
