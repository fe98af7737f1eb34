#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Command line handling matches open-iscsi 2.1.8: messages and exit codes.
set -u
. "$(dirname "$0")/cli-lib.sh"

run
expect_rc "no_arguments_exits_7" 7
expect_err "no_arguments_suggests_help" "Try \`iscsiadm --help' for more information."

run --version
expect_rc "version_exits_0" 0
expect_out "version_prints_open_iscsi_line" "iscsiadm version 2.1.8"
run -V -m node
expect_out "version_before_mode_wins" "iscsiadm version 2.1.8"

run --help
expect_rc "help_exits_0" 0
# open-iscsi's eight lines, then lunlink's --force and --json lines
check "help_has_ten_lines" [ "$(wc -l <<<"$OUT")" = 10 ]
check "help_ninth_line_is_force" grep -q -- --force <<<"$(sed -n 9p <<<"$OUT")"
check "help_tenth_line_is_json" grep -q -- "-J | --json" <<<"$(sed -n 10p <<<"$OUT")"
expect_out_line "help_shows_node_usage" "iscsiadm -m node [-hV] [-d debug_level] [-P printlevel] [-L all,manual,automatic,onboot] [-W] [-U all,manual,automatic,onboot] [-S] [[-T targetname -p ip:port -I ifaceN] [-l | -u | -R | -s]] [[-o operation ] [-n name] [-v value]]"

run -m foo
expect_rc "unknown_mode_exits_7" 7
expect_err "unknown_mode_message" "iscsiadm: mode -1 is not yet supported"

run -m
expect_rc "mode_without_argument_exits_7" 7
expect_err "mode_without_argument_getopt_message" "$ISCSIADM: option requires an argument -- 'm'"
expect_err "mode_without_argument_unrecognized" "iscsiadm: unrecognized character 'm'"

run -Z
expect_rc "bad_option_without_mode_exits_7" 7
expect_err "bad_option_without_mode_message" "iscsiadm: unrecognized character 'Z'"

run -m node -Z
expect_rc "bad_option_in_node_mode_exits_7" 7
expect_err "bad_option_in_node_mode_message" "iscsiadm: node mode: option '-?' is not allowed/supported"
check "bad_option_after_mode_reported_once" [ "$(grep -c "invalid option" <<<"$ERR")" = 1 ]

run -Z -m node
check "bad_option_before_mode_reported_twice_like_open_iscsi" [ "$(grep -c "invalid option" <<<"$ERR")" = 2 ]

run -m node --bogus
expect_err "unknown_long_option_message" "$ISCSIADM: unrecognized option '--bogus'"
expect_rc "unknown_long_option_exits_7" 7

run --bogus
expect_err "unknown_long_option_without_mode_suggests_help" "Try \`iscsiadm --help' for more information."

run -m node -r 1
expect_rc "option_not_allowed_in_mode_exits_7" 7
expect_err "option_not_allowed_in_mode_message" "iscsiadm: node mode: option '-r' is not allowed/supported"
run -m discoverydb -T x
expect_err "discoverydb_reports_as_discovery_mode" "iscsiadm: discovery mode: option '-T' is not allowed/supported"
run -m discovery -W
expect_err "discovery_refuses_no_wait" "iscsiadm: discovery mode: option '-W' is not allowed/supported"
run -m iface -T x
expect_err "iface_refuses_targetname" "iscsiadm: iface mode: option '-T' is not allowed/supported"
run -m node -h
expect_err "help_not_allowed_after_node_mode" "iscsiadm: node mode: option '-h' is not allowed/supported"

run -m node -o foo
expect_rc "unknown_op_exits_7" 7
expect_err "unknown_op_message" "iscsiadm: can not recognize operation: 'foo'"

run -m node -P 2
expect_rc "node_print_level_2_exits_7" 7
expect_err "node_print_level_2_message" "iscsiadm: Invalid info level 2. Try 0 or 1."

run -m node -I ""
expect_rc "empty_iface_name_exits_7" 7
expect_out "empty_iface_name_message_on_stdout" "Invalid iface name . Must be from 1 to 64 characters."

run --mode=node --targetname iqn.2001-04.com.example:x --portal 10.0.0.1
expect_rc "long_options_are_accepted" 21
expect_err "long_options_reach_the_node_db" "iscsiadm: No records found"

run -k -1
expect_rc "negative_kill_priority_exits_7" 7
expect_err "negative_kill_priority_message" "iscsiadm: Invalid killiscsid priority -1 Priority must be greater than or equal to zero."
run -k 0
expect_rc "kill_without_iscsid_exits_0_like_open_iscsi" 0
expect_err "kill_without_iscsid_reports_code_20" "iscsiadm: initiator reported error (20 - could not connect to iscsid)"
expect_err "kill_without_iscsid_advice" "iscsiadm: Could not stop iscsid. Trying sending iscsid SIGTERM or SIGKILL signals manually"

run -m session
check "session_mode_without_sysfs_fails" [ "$RC" != 0 ]
check "session_mode_without_sysfs_says_why" [ -n "$ERR" ]

finish
