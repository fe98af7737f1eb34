#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Logins go to iscsid (here fake_iscsid) pipelined on one connection; the
# output lines and exit codes are open-iscsi 2.1.8's.
set -u
. "$(dirname "$0")/cli-lib.sh"

T1=iqn.2016-01.com.example:tg1
T2=iqn.2016-01.com.example:tg2
"$ISCSIADM" -m node -o new -T $T1 -p 127.0.0.1:3260,1 >/dev/null
"$ISCSIADM" -m node -o new -T $T2 -p 127.0.0.2:3260,1 >/dev/null
"$ISCSIADM" -m node -T $T1 -p 127.0.0.1 -o update -n node.session.auth.password -v secret123456

LOGGING1="Logging in to [iface: default, target: $T1, portal: 127.0.0.1,3260]"
LOGIN1="[iface: default, target: $T1, portal: 127.0.0.1,3260]"

# --- iscsid not running, no iscsid.startup
run -m node -T $T1 -p 127.0.0.1 --login
expect_rc "login_without_iscsid_exits_20" 20
expect_out "login_without_iscsid_still_announces" "$LOGGING1"
expect_err "not_running_message" "iscsiadm: iscsid is not running. Could not start it up automatically using the startup command in the iscsid.conf iscsid.startup setting. Please check that the file exists or that your init scripts have started iscsid."
expect_err "cannot_connect_message" "iscsiadm: can not connect to iSCSI daemon (111)!"
expect_err "could_not_login_line" "iscsiadm: Could not login to $LOGIN1."
expect_err "reported_error_20" "iscsiadm: initiator reported error (20 - could not connect to iscsid)"
expect_err "could_not_log_into_all" "iscsiadm: Could not log into all portals"
# every record fails with 20, but the connect failure is said only once
run -m node -l
expect_rc "login_all_without_iscsid_exits_20" 20
check "connect_failure_said_once" [ "$(grep -c "could not connect to iscsid at" <<<"$ERR")" = 1 ]
check "each_record_reported_20" [ "$(grep -cxF "iscsiadm: initiator reported error (20 - could not connect to iscsid)" <<<"$ERR")" = 2 ]

# --- iscsid.startup starts it (like "systemctl start iscsid.socket")
printf 'iscsid.startup = %s --log %s </dev/null >/dev/null 2>&1 & echo $! > %s\n' "$FAKE_ISCSID" "$FAKE_LOG" "$TESTDIR/started.pid" \
	>"$ISCSI_CONFIG_DIR/iscsid.conf"
run -m node -T $T1 -p 127.0.0.1 -l
expect_rc "startup_command_starts_iscsid" 0
expect_out "login_success_lines" "$LOGGING1
Login to $LOGIN1 successful."
[ -s "$TESTDIR/started.pid" ] && kill "$(cat "$TESTDIR/started.pid")" 2>/dev/null
: >"$ISCSI_CONFIG_DIR/iscsid.conf"
sleep 0.2

# --- success, and what iscsiadm sends
fake_start --login "$T2=24:target iqn.2016-01.com.example:tg2 at 127.0.0.2:3260 rejected the login: CHAP username or secret is wrong (status 0x0201)"
run -m node -T $T1 -p 127.0.0.1 -l
expect_rc "login_exits_0" 0
expect_out "login_output" "$LOGGING1
Login to $LOGIN1 successful."
check "request_carries_record" grep -q "LOGIN .*node.name=$T1 node.conn\[0\].address=127.0.0.1 node.conn\[0\].port=3260" "$FAKE_LOG"
check "request_carries_initiator_name" grep -q "iface.initiatorname=iqn.2016-04.com.open-iscsi:lunlinktest" "$FAKE_LOG"
check "request_carries_chap_secret" grep -q "node.session.auth.password=set" "$FAKE_LOG"

# --- failure with iscsid's explanation
run -m node -T $T2 -l
expect_rc "auth_failure_exits_24" 24
expect_err "auth_failure_could_not_login" "iscsiadm: Could not login to [iface: default, target: $T2, portal: 127.0.0.2,3260]."
expect_err "auth_failure_open_iscsi_line" "iscsiadm: initiator reported error (24 - iSCSI login failed due to authorization failure)"
expect_err "auth_failure_our_sentence" "iscsiadm: target iqn.2016-01.com.example:tg2 at 127.0.0.2:3260 rejected the login: CHAP username or secret is wrong (status 0x0201)"
expect_err "auth_failure_summary" "iscsiadm: Could not log into all portals"

# --- several records: every one tried, first error returned
run -m node -l
expect_rc "mixed_results_exit_with_first_error" 24
expect_out "mixed_results_stdout" "$LOGGING1
Logging in to [iface: default, target: $T2, portal: 127.0.0.2,3260]
Login to $LOGIN1 successful."
run -m node -T nope -l
expect_rc "login_no_match_exits_21" 21
expect_err "login_no_match_message" "iscsiadm: No records found"
fake_stop

# --- already logged in: iscsid words it like open-iscsi
fake_start --login "$T1=15:default: 1 session requested, but 1 already present."
run -m node -T $T1 -l
expect_rc "session_exists_exits_15" 15
expect_err "session_exists_message" "iscsiadm: default: 1 session requested, but 1 already present."
check "session_exists_has_no_could_not_login" not grep -q "Could not login to" <<<"$ERR"
fake_stop

# --- a sentence from iscsid on a success is not printed (open-iscsi prints
#     only its "successful" line)
fake_start --login "$T1=0:iscsid has something to say"
run -m node -T $T1 -l
expect_rc "success_with_sentence_exits_0" 0
check "success_prints_nothing_on_stderr" [ -z "$ERR" ]
fake_stop

# --- iscsid goes away in the middle of a batch: what it answered is
#     printed, the rest fails with 18 and says why
fake_start --hangup 2
run -m node -l
expect_rc "iscsid_gone_exits_18" 18
expect_out "iscsid_gone_first_login_printed" "$LOGGING1
Logging in to [iface: default, target: $T2, portal: 127.0.0.2,3260]
Login to $LOGIN1 successful."
check "iscsid_gone_stderr" [ "$ERR" = "iscsiadm: Could not login to [iface: default, target: $T2, portal: 127.0.0.2,3260].
iscsiadm: initiator reported error (18 - could not communicate to iscsid)
iscsiadm: iscsid closed the connection before replying
iscsiadm: Could not log into all portals" ]
fake_stop

# --- 64 logins pipelined on one connection: fake answers only after all
#     64 arrived (newest first), so waiting per request would time out
for i in $(seq 1 62); do
	"$ISCSIADM" -m node -o new -T "iqn.2016-01.com.example:many$i" -p "10.1.0.$i:3260,1" >/dev/null
done
fake_start --hold 64
LUNLINK_IPC_TIMEOUT=20 run -m node --loginall=all
expect_rc "loginall_64_pipelined_exits_0" 0
check "loginall_64_all_successful" [ "$(grep -c ' successful\.$' <<<"$OUT")" = 64 ]
check "loginall_64_on_one_connection" [ "$(grep -c '^conn 1 LOGIN' "$FAKE_LOG")" = 64 ]
check "loginall_prints_results_in_record_order" [ "$(grep '^Login to' <<<"$OUT" | head -1)" = "Login to [iface: default, target: iqn.2016-01.com.example:many1, portal: 10.1.0.1,3260] successful." ]
fake_stop

# --- iscsid answers a batch a few at a time (its login window): 64 answers
#     50 ms apart take 3.2 s, three times the 1 s wait; each answer moves the
#     deadline, so none is cut short
fake_start --hold 64 --pace 50
LUNLINK_IPC_TIMEOUT=1 run -m node --loginall=all
expect_rc "loginall_paced_exits_0" 0
check "loginall_paced_all_successful" [ "$(grep -c ' successful\.$' <<<"$OUT")" = 64 ]
fake_stop

# --- startup modes
for i in $(seq 1 62); do
	"$ISCSIADM" -m node -o delete -T "iqn.2016-01.com.example:many$i" >/dev/null
done
"$ISCSIADM" -m node -T $T1 -o update -n node.startup -v automatic
"$ISCSIADM" -m node -T $T2 -o update -n node.startup -v onboot
fake_start
run -m node -L automatic
expect_rc "loginall_automatic_exits_0" 0
check "loginall_automatic_sends_one_login" [ "$(grep -c LOGIN "$FAKE_LOG")" = 1 ]
check "loginall_automatic_picks_automatic" grep -q "LOGIN .*node.name=$T1 " "$FAKE_LOG"
: >"$FAKE_LOG"
run -m node --loginall=all
check "loginall_all_sends_one_login" [ "$(grep -c LOGIN "$FAKE_LOG")" = 1 ]
check "loginall_all_skips_onboot" not grep -q "LOGIN .*node.name=$T2 " "$FAKE_LOG"
: >"$FAKE_LOG"
run -m node -L onboot
check "loginall_onboot_sends_one_login" [ "$(grep -c LOGIN "$FAKE_LOG")" = 1 ]
check "loginall_onboot_picks_onboot" grep -q "LOGIN .*node.name=$T2 " "$FAKE_LOG"
"$ISCSIADM" -m node -o update -n node.conn[0].startup -v automatic
"$ISCSIADM" -m node -o update -n node.startup -v manual
run -m node -L manual
check "loginall_manual_matches_node_startup" [ "$RC" = 0 ]
"$ISCSIADM" -m node -o update -n node.conn[0].startup -v manual
"$ISCSIADM" -m node -o update -n node.startup -v onboot
run -m node -L automatic
expect_rc "loginall_nothing_matching_exits_21" 21
expect_err "loginall_nothing_matching_message" "iscsiadm: No records found"
run -m node -L bogus
expect_rc "loginall_bad_mode_exits_7" 7
expect_err "loginall_bad_mode_message" "iscsiadm: Invalid loginall option bogus."
run -m node -T $T1 -l -u
expect_err "login_and_logout_refused" "iscsiadm: Invalid parameters. Both login and logout passed in"
run -m node -T $T1 -l -o update
expect_err "login_and_op_refused" "iscsiadm: Invalid parameters. Login/logout and op passed in"
fake_stop

# --- no reply: timeout; -W: do not wait
"$ISCSIADM" -m node -o update -n node.startup -v manual
fake_start --silent
LUNLINK_IPC_TIMEOUT=1 run -m node -T $T1 -l
expect_rc "no_reply_times_out_with_33" 33
expect_err "no_reply_reported" "iscsiadm: initiator reported error (33 - iscsid request timed out)"
start=$(date +%s)
run -m node -T $T1 -l -W
expect_rc "no_wait_returns_0" 0
expect_out "no_wait_only_announces" "$LOGGING1"
check "no_wait_does_not_wait" [ $(( $(date +%s) - start )) -lt 5 ]
sleep 0.2
check "no_wait_request_was_sent" [ "$(grep -c LOGIN "$FAKE_LOG")" = 2 ]
fake_stop

# --- initiator name: generated when missing; an iface's own name wins
rm -f "$ISCSI_CONFIG_DIR/initiatorname.iscsi"
fake_start
run -m node -T $T1 -l
expect_rc "login_with_generated_name_exits_0" 0
check "initiatorname_file_generated" grep -q '^InitiatorName=iqn\.2016-04\.com\.open-iscsi:[0-9a-f]\{12\}$' "$ISCSI_CONFIG_DIR/initiatorname.iscsi"
gen=$(sed -n 's/^InitiatorName=//p' "$ISCSI_CONFIG_DIR/initiatorname.iscsi")
check "generated_name_sent" grep -q "iface.initiatorname=$gen" "$FAKE_LOG"
"$ISCSIADM" -m iface -I if1 -o new >/dev/null
"$ISCSIADM" -m iface -I if1 -o update -n iface.initiatorname -v iqn.2016-04.com.open-iscsi:ifname >/dev/null
"$ISCSIADM" -m node -o new -T $T1 -p 127.0.0.1:3260,1 -I if1 >/dev/null
: >"$FAKE_LOG"
run -m node -T $T1 -I if1 -l
expect_out_line "iface_login_names_iface" "Login to [iface: if1, target: $T1, portal: 127.0.0.1,3260] successful."
check "iface_initiator_name_sent" grep -q "iface.initiatorname=iqn.2016-04.com.open-iscsi:ifname" "$FAKE_LOG"
fake_stop

finish
