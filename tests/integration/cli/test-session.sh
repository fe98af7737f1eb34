#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Session mode and the session actions of node mode against a fake sysfs
# tree (LUNLINK_SYSFS_ROOT) laid out like Linux 6.1's, and fake_iscsid for
# the iscsid side (states, logout, rescan).  The expected -P outputs in
# session-ref/ are open-iscsi 2.1.8's own output for the same three
# sessions, captured in the test VM (tests/vm), byte for byte.
set -u
. "$(dirname "$0")/cli-lib.sh"
. "$(dirname "$0")/fake-sysfs.sh"

REF=$(cd "$(dirname "$0")/session-ref" && pwd)
SYS=$TESTDIR/sys
export LUNLINK_SYSFS_ROOT=$SYS
export LUNLINK_IPC_TIMEOUT=10

T1=iqn.2003-01.org.lunlink.test:one
T2=iqn.2003-01.org.lunlink.test:two
T3=iqn.2003-01.org.lunlink.test:three
V6FULL=0000:0000:0000:0000:0000:0000:0000:0001

same_as() { # same_as FILE: stdout equals the file byte for byte
	[ "$OUT" = "$(cat "$1")" ]
}

states() { # fake_iscsid arguments: every session LOGGED IN / NO CHANGE
	local sid
	for sid in "$@"; do
		printf -- '--state\n%s\n' "$sid=LOGGED IN/NO CHANGE"
	done
}

mkdir -p "$SYS/class" "$SYS/module/scsi_transport_iscsi"
put "$SYS/module/scsi_transport_iscsi/version" 2.0-870

# --- no sessions at all
run -m session
expect_rc "no_sessions_exits_21" 21
expect_err "no_sessions_message" "iscsiadm: No active sessions."
run -m session -P 9
expect_rc "no_sessions_wins_over_bad_level" 21
run -m session -u
expect_rc "session_logout_without_sessions_exits_21" 21
expect_err "session_logout_without_sessions_message" "iscsiadm: No matching sessions found"
run -m session -R
expect_rc "session_rescan_without_sessions_exits_21" 21
expect_err "session_rescan_without_sessions_message" "iscsiadm: No session found."
run -m node -u
expect_err "node_logout_without_sessions_message" "iscsiadm: No matching sessions found"
run -m node --logoutall=all
expect_rc "logoutall_without_sessions_exits_21" 21

add_session 1 0 "$T1" 127.0.0.1 127.0.0.1 sda
add_session 2 1 "$T2" 127.0.0.1 127.0.0.1 sdb sdc
add_session 3 2 "$T3" ::1 "$V6FULL" sdd

# --- listing from sysfs alone: iscsid is not running
run -m session
expect_rc "list_exits_0" 0
check "flat_list_matches_open_iscsi" same_as "$REF/session-P0.txt"
run -m session -P 0
check "P0_is_the_flat_list" same_as "$REF/session-P0.txt"
run -m session -P 1
expect_rc "P1_without_iscsid_exits_0" 0
check "P1_without_iscsid_says_unknown" \
	[ "$(grep -c $'^\t\tiSCSI Connection State: Unknown$' <<<"$OUT")" = 3 ]
check "P1_without_iscsid_internal_unknown" \
	[ "$(grep -c $'^\t\tInternal iscsid Session State: Unknown$' <<<"$OUT")" = 3 ]
check "P1_without_iscsid_reports_connect_failure" grep -q "can not connect to iSCSI daemon" <<<"$ERR"

# --- trees, with iscsid's states
mapfile -t STATE_ARGS < <(states 1 2 3)
fake_start "${STATE_ARGS[@]}"
for level in 1 2 3; do
	run -m session -P $level
	expect_rc "P${level}_exits_0" 0
	check "P${level}_matches_open_iscsi_byte_for_byte" same_as "$REF/session-P$level.txt"
done
check "session_info_asked_once" [ "$(grep -c SESSION_INFO "$FAKE_LOG")" = 3 ]
run -m session -P 3
check "P3_never_shows_sysfs_secrets" not grep -q sysfs-secret-value <<<"$OUT"
put "$SYS/class/iscsi_connection/connection2:0/header_digest" 1
run -m session -r 2 -P 2
expect_out_line "digest_1_is_crc32c" $'\t\tHeaderDigest: CRC32C'
expect_out_line "digest_0_is_none" $'\t\tDataDigest: None'
put "$SYS/class/iscsi_connection/connection2:0/header_digest" 0
run -m session -P 4
expect_rc "bad_level_exits_7" 7
expect_err "bad_level_message" "iscsiadm: Invalid info level 4. Try 0 - 3."

# --- -r: one session, by number or by sysfs path
run -m session -r 2 -P 3
expect_rc "r2_P3_exits_0" 0
check "r2_P3_matches_open_iscsi" same_as "$REF/session-r2-P3.txt"
run -m session -r 1 -P 1
check "r1_P1_is_the_first_block" [ "$OUT" = "$(head -16 "$REF/session-P1.txt")" ]
run -m session -r /sys/devices/platform/host1/session2 -P 3
check "r_device_path_selects_session" same_as "$REF/session-r2-P3.txt"
run -m session -r /sys/devices/platform/host1/session2/target1:0:0/1:0:0:1 -P 3
check "r_lun_path_selects_session" same_as "$REF/session-r2-P3.txt"
run -m session -r /sys/class/iscsi_session/session2 -P 3
check "r_class_path_selects_session" same_as "$REF/session-r2-P3.txt"
run -m session -r abc
expect_rc "r_garbage_exits_1" 1
expect_err "r_garbage_message" "iscsiadm: abc is an invalid session ID or path"
run -m session -r 0
expect_rc "r_zero_exits_1" 1
run -m session -r 99 -P 1
expect_rc "r_unknown_sid_exits_22" 22
expect_err "r_unknown_sid_message" "iscsiadm: Could not get session info for sid 99"
run -m session -r 99 -u
expect_rc "r_unknown_sid_logout_exits_22" 22
run -m session -o new
expect_rc "new_without_sid_exits_7" 7
expect_err "new_without_sid_message" "iscsiadm: session mode: Operation 'new' only allowed with specific session IDs"
run -m session -r 99 -o new
expect_rc "new_unknown_sid_exits_22" 22
expect_err "new_unknown_sid_message" "iscsiadm: Could not get session info for sid 99"

# --- -r drops down to the session's node record
"$ISCSIADM" -m node -o new -T "$T1" -p 127.0.0.1:3260,1 >/dev/null
"$ISCSIADM" -m node -o new -T "$T2" -p 127.0.0.1:3260,1 >/dev/null
"$ISCSIADM" -m node -o new -T "$T3" -p '[::1]:3260,1' >/dev/null
run -m session -r 1
expect_rc "r1_without_level_shows_record" 0
expect_out_line "r1_record_names_target" "node.name = $T1"
check "r1_record_is_only_that_one" not grep -q "$T2" <<<"$OUT"
run -m session -r 1 -o update -n node.session.timeo.replacement_timeout -v 30
expect_rc "r1_update_exits_0" 0
run -m node -T "$T1" -p 127.0.0.1
expect_out_line "r1_update_changed_the_record" "node.session.timeo.replacement_timeout = 30"
run -m node -T "$T2" -p 127.0.0.1
expect_out_line "r1_update_left_others_alone" "node.session.timeo.replacement_timeout = 120"
# several pairs go to the session's record together
run -m session -r 1 -o update -n node.session.queue_depth -v 33 -n node.session.timeo.replacement_timeout -v 44
expect_rc "r1_two_pairs_exit_0" 0
run -m node -T "$T1" -p 127.0.0.1
expect_out_line "r1_first_pair_landed" "node.session.queue_depth = 33"
expect_out_line "r1_second_pair_landed" "node.session.timeo.replacement_timeout = 44"
run -m session -r 1 -o update -n node.session.queue_depth -v 34 -n node.session.timeo.replacement_timeout
expect_rc "r1_trailing_name_exits_7" 7
run -m session -r 1 -o update -n node.session.queue_depth
expect_err "r1_name_alone_message_as_open_iscsi" "iscsiadm: update requires name and value"
run -m node -T "$T1" -p 127.0.0.1
expect_out_line "r1_refused_pairs_changed_nothing" "node.session.queue_depth = 33"
run -m session -r 1 -o delete
expect_rc "delete_of_used_record_exits_15" 15
expect_err "delete_of_used_record_message" "iscsiadm: This command will remove the record [iface: default, target: $T1, portal: 127.0.0.1,3260], but a session is using it. Logout session then rerun command to remove record."
expect_err "delete_of_used_record_summary" "iscsiadm: Could not execute operation on all records: session exists"
run -m node -T "$T1" -o delete
expect_rc "node_delete_of_used_record_exits_15" 15
run -m node -T "$T1" -p 127.0.0.1
expect_rc "used_record_kept" 0

# --- login of a record that has its session already: no request at all
: >"$FAKE_LOG"
run -m node -T "$T1" -p 127.0.0.1 --login
expect_rc "second_login_exits_15" 15
expect_out "second_login_prints_nothing_on_stdout" ""
check "second_login_stderr_is_open_iscsis" [ "$ERR" = "iscsiadm: default: 1 session requested, but 1 already present.
iscsiadm: Could not log into all portals" ]
check "second_login_sends_nothing" not grep -q LOGIN "$FAKE_LOG"
"$ISCSIADM" -m node -o new -T iqn.2003-01.org.lunlink.test:four -p 127.0.0.1:3260,1 >/dev/null
run -m node --login
expect_rc "mixed_login_exits_15" 15
expect_out "mixed_login_announces_only_the_new_one" "Logging in to [iface: default, target: iqn.2003-01.org.lunlink.test:four, portal: 127.0.0.1,3260]
Login to [iface: default, target: iqn.2003-01.org.lunlink.test:four, portal: 127.0.0.1,3260] successful."
check "mixed_login_three_already_present" [ "$(grep -c "already present" <<<"$ERR")" = 3 ]
check "mixed_login_sends_one_request" [ "$(grep -c LOGIN "$FAKE_LOG")" = 1 ]
"$ISCSIADM" -m node -o delete -T iqn.2003-01.org.lunlink.test:four >/dev/null

# --- rescan (statistics: test-stats.sh)
: >"$FAKE_LOG"
run -m session -R
expect_rc "rescan_all_exits_0" 0
expect_out "rescan_all_lines" "Rescanning session [sid: 1, target: $T1, portal: 127.0.0.1,3260]
Rescanning session [sid: 2, target: $T2, portal: 127.0.0.1,3260]
Rescanning session [sid: 3, target: $T3, portal: ::1,3260]"
check "rescan_sends_three_requests" [ "$(grep -c '^conn [0-9]* RESCAN' "$FAKE_LOG")" = 3 ]
check "rescan_requests_share_one_connection" \
	[ "$(grep '^conn [0-9]* RESCAN' "$FAKE_LOG" | cut -d' ' -f2 | sort -u | wc -l)" = 1 ]
run -m session -r 2 -R
expect_out "rescan_one" "Rescanning session [sid: 2, target: $T2, portal: 127.0.0.1,3260]"
run -m node -T "$T3" -R
expect_out "node_rescan_matches_target" "Rescanning session [sid: 3, target: $T3, portal: ::1,3260]"
run -m node -T nosuch -R
expect_rc "node_rescan_no_match_21" 21
expect_err "node_rescan_no_match_message" "iscsiadm: No session found."
fake_stop
fake_start "${STATE_ARGS[@]}" --rescan "2=9:cannot scan host 1"
run -m session -R
expect_rc "rescan_failure_exit_code" 9
expect_err "rescan_failure_line" "iscsiadm: Could not rescan session sid 2."
expect_err "rescan_failure_reason" "iscsiadm: cannot scan host 1"
expect_err "rescan_failure_summary" "iscsiadm: Could not execute operation on all sessions: internal error"
fake_stop

# --- logout: filters, pipelining, iscsid's refusal, --force
MOUNTED="session 2 ($T2) is in use: /dev/sdb is mounted on /srv/data; unmount it first, or force the logout with --force"
fake_start "${STATE_ARGS[@]}" --logout "2=28:$MOUNTED"
run -m node -T "$T2" -p 127.0.0.1 --logout
expect_rc "mounted_logout_refused_28" 28
expect_out "mounted_logout_stdout" "Logging out of session [sid: 2, target: $T2, portal: 127.0.0.1,3260]"
check "mounted_logout_stderr" [ "$ERR" = "iscsiadm: Could not logout of [sid: 2, target: $T2, portal: 127.0.0.1,3260].
iscsiadm: initiator reported error (28 - device or resource in use)
iscsiadm: $MOUNTED
iscsiadm: Could not logout of all requested sessions" ]
check "logout_sends_sid" grep -q "LOGOUT id [0-9]* sid=2 nkv" "$FAKE_LOG"
: >"$FAKE_LOG"
run -m node -T "$T2" -p 127.0.0.1 --logout --force
check "force_sets_the_flag" grep -q "LOGOUT id [0-9]* sid=2 flags=1 nkv" "$FAKE_LOG"
fake_stop
fake_start "${STATE_ARGS[@]}"
run -m node -T "$T2" -p 127.0.0.1 --logout --force
expect_rc "forced_logout_exits_0" 0
expect_out "logout_lines" "Logging out of session [sid: 2, target: $T2, portal: 127.0.0.1,3260]
Logout of [sid: 2, target: $T2, portal: 127.0.0.1,3260] successful."
run -m node -T "$T2" -p 127.0.0.1:3261 --logout
expect_rc "logout_other_port_no_match" 21
expect_err "logout_no_match_message" "iscsiadm: No matching sessions found"
run -m node -p 127.0.0.2 -u
expect_rc "logout_other_address_no_match" 21
run -m node -T "$T3" -I nosuch -u
expect_rc "logout_unknown_iface_exits_3" 3
expect_err "logout_unknown_iface_message" "iscsiadm: Could not read iface info for nosuch."
run -m node -T "$T3" -p '[::1]' -I default -u
expect_rc "logout_v6_iface_default_exits_0" 0
expect_out_line "logout_v6_portal_unbracketed" "Logout of [sid: 3, target: $T3, portal: ::1,3260] successful."
: >"$FAKE_LOG"
run -m node -u
expect_rc "logout_all_matching_exits_0" 0
check "logout_sends_three_requests" [ "$(grep -c '^conn [0-9]* LOGOUT' "$FAKE_LOG")" = 3 ]
# each request names the whole set (iscsid judges a multipath map's paths together)
check "logout_requests_name_the_set" \
	[ "$(grep -c '^conn [0-9]* LOGOUT id [0-9]* sid=[123] sids=1,2,3 nkv=2$' "$FAKE_LOG")" = 3 ]
check "logout_requests_share_one_connection" \
	[ "$(grep '^conn [0-9]* LOGOUT' "$FAKE_LOG" | cut -d' ' -f2 | sort -u | wc -l)" = 1 ]
check "logout_lines_first_then_results" [ "$(sed -n 4p <<<"$OUT")" = "Logout of [sid: 1, target: $T1, portal: 127.0.0.1,3260] successful." ]
run -m session -r 3 -u
expect_out "session_r_logout" "Logging out of session [sid: 3, target: $T3, portal: ::1,3260]
Logout of [sid: 3, target: $T3, portal: ::1,3260] successful."
run -m session -r 1 -u -o update
expect_rc "logout_and_op_refused" 7
expect_err "logout_and_op_message" "iscsiadm: Invalid parameters. Login/logout and op passed in"
run -m discovery -t st -p 127.0.0.1 --force
expect_rc "force_refused_outside_node_and_session" 7
expect_err "force_refused_message" "iscsiadm: discovery mode: option '--force' is not allowed/supported"
run --help
expect_out_line "help_documents_force" "iscsiadm -m node|session ... [-u | -U all,manual,automatic] --force   (lunlink: log out even while a disk of the session is mounted)"
fake_stop

# --- logout order: open-iscsi groups the sessions of a target together
add_session 4 3 "$T1" 127.0.0.1 127.0.0.1 sde
fake_start
run -m session -u
expect_out "logout_groups_by_target" "Logging out of session [sid: 1, target: $T1, portal: 127.0.0.1,3260]
Logging out of session [sid: 4, target: $T1, portal: 127.0.0.1,3260]
Logging out of session [sid: 2, target: $T2, portal: 127.0.0.1,3260]
Logging out of session [sid: 3, target: $T3, portal: ::1,3260]
Logout of [sid: 1, target: $T1, portal: 127.0.0.1,3260] successful.
Logout of [sid: 4, target: $T1, portal: 127.0.0.1,3260] successful.
Logout of [sid: 2, target: $T2, portal: 127.0.0.1,3260] successful.
Logout of [sid: 3, target: $T3, portal: ::1,3260] successful."
fake_stop

# --- node.session.nr_sessions: T1 has two sessions now (sid 1 and 4)
D1="[iface: default, target: $T1, portal: 127.0.0.1,3260]"
fake_start
"$ISCSIADM" -m node -T "$T1" -o update -n node.session.nr_sessions -v 2
: >"$FAKE_LOG"
run -m node -T "$T1" -p 127.0.0.1 --login
expect_rc "nr2_with_two_present_exits_15" 15
check "nr2_with_two_present_message" [ "$ERR" = "iscsiadm: default: 2 sessions requested, but 2 already present.
iscsiadm: Could not log into all portals" ]
check "nr2_with_two_present_sends_nothing" not grep -q LOGIN "$FAKE_LOG"
"$ISCSIADM" -m node -T "$T1" -o update -n node.session.nr_sessions -v 4
run -m node -T "$T1" -p 127.0.0.1 --login
expect_rc "nr4_with_two_present_exits_0" 0
expect_out "nr4_logs_in_the_two_missing" "Logging in to $D1 (multiple)
Logging in to $D1 (multiple)
Login to $D1 successful.
Login to $D1 successful."
check "nr4_sends_two_requests" [ "$(grep -c ' LOGIN ' "$FAKE_LOG")" = 2 ]
check "nr4_requests_are_not_one_more" not grep -q "LOGIN.*flags=" "$FAKE_LOG"
: >"$FAKE_LOG"
run -m session -r 4 -o new
expect_rc "new_exits_0" 0
expect_out "new_lines_as_open_iscsi" "Logging in to $D1 (multiple)
Login to $D1 successful."
check "new_sends_one_login_flagged_multiple" \
	[ "$(grep -c "LOGIN id [0-9]* node.name=$T1 .*flags=2 " "$FAKE_LOG")" = 1 ]
"$ISCSIADM" -m node -T "$T1" -o update -n node.session.nr_sessions -v 1
: >"$FAKE_LOG"
run -m session -r 4 -o new
check "new_ignores_nr_sessions" [ "$(grep -c ' LOGIN ' "$FAKE_LOG")" = 1 ]
fake_stop

# --- iscsid goes away in the middle of a batch (it closes the connection
#     when the 4th request arrives: sid 3 for logout, which groups by
#     target, sid 4 for rescan): the answered ones are printed, the
#     rest fails with 18 and says why
fake_start --hangup 4
run -m session -u
expect_rc "logout_iscsid_gone_exits_18" 18
expect_out_line "logout_iscsid_gone_answered_printed" "Logout of [sid: 2, target: $T2, portal: 127.0.0.1,3260] successful."
check "logout_iscsid_gone_stderr" [ "$ERR" = "iscsiadm: Could not logout of [sid: 3, target: $T3, portal: ::1,3260].
iscsiadm: initiator reported error (18 - could not communicate to iscsid)
iscsiadm: iscsid closed the connection before replying
iscsiadm: Could not logout of all requested sessions" ]
fake_stop
fake_start --hangup 4
run -m session -R
expect_rc "rescan_iscsid_gone_exits_18" 18
check "rescan_iscsid_gone_stderr" [ "$ERR" = "iscsiadm: Could not rescan session sid 4.
iscsiadm: iscsid closed the connection before replying
iscsiadm: Could not execute operation on all sessions: could not communicate to iscsid" ]
fake_stop
# --- iscsid unreachable: nothing is logged out (open-iscsi's exit 21)
run -m session -r 2 -u
expect_rc "logout_without_iscsid_exits_21" 21
expect_out "logout_without_iscsid_announces" "Logging out of session [sid: 2, target: $T2, portal: 127.0.0.1,3260]"
expect_err "logout_without_iscsid_reported" "iscsiadm: initiator reported error (20 - could not connect to iscsid)"
expect_err "logout_without_iscsid_summary" "iscsiadm: No matching sessions found"

# --- --logoutall picks by the record's node.startup, never onboot
# like open-iscsi, a manual node.conn[0].startup also counts as manual
"$ISCSIADM" -m node -T "$T1" -o update -n node.startup -v automatic
"$ISCSIADM" -m node -T "$T1" -o update -n node.conn[0].startup -v automatic
"$ISCSIADM" -m node -T "$T2" -o update -n node.startup -v onboot
fake_start
run -m node --logoutall=automatic
expect_rc "logoutall_automatic_exits_0" 0
expect_out "logoutall_automatic_takes_both_T1_sessions" "Logging out of session [sid: 1, target: $T1, portal: 127.0.0.1,3260]
Logging out of session [sid: 4, target: $T1, portal: 127.0.0.1,3260]
Logout of [sid: 1, target: $T1, portal: 127.0.0.1,3260] successful.
Logout of [sid: 4, target: $T1, portal: 127.0.0.1,3260] successful."
run -m node --logoutall=manual
expect_out_line "logoutall_manual_takes_T3" "Logout of [sid: 3, target: $T3, portal: ::1,3260] successful."
check "logoutall_manual_only_T3" [ "$(grep -c '^Logout of' <<<"$OUT")" = 1 ]
: >"$FAKE_LOG"
run -m node --logoutall=all
check "logoutall_all_skips_onboot" not grep -q "sid=2" "$FAKE_LOG"
run -m node --logoutall=onboot
expect_rc "logoutall_onboot_refused_7" 7
expect_err "logoutall_onboot_message" "iscsiadm: Invalid logoutall option onboot."
remove_session 3 2
remove_session 4 3
"$ISCSIADM" -m node -T "$T2" -o update -n node.startup -v manual
run -m node --logoutall=all
expect_rc "logoutall_all_with_manual_T2" 0
"$ISCSIADM" -m node -T "$T3" -o delete
run -m node --logoutall=all
expect_out_line "logoutall_skips_sessions_without_record" "Logout of [sid: 2, target: $T2, portal: 127.0.0.1,3260] successful."
fake_stop

# --- open-iscsi sorts session directories as text: session10 before session2
add_session 10 9 "$T3" 127.0.0.1 127.0.0.1 sdj
run -m session
check "sysfs_name_order" [ "$(cut -d' ' -f2 <<<"$OUT" | tr '\n' ' ')" = "[1] [10] [2] " ]

finish
