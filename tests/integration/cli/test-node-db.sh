#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -m node record management: outputs and exit codes as open-iscsi 2.1.8.
set -u
. "$(dirname "$0")/cli-lib.sh"

T1=iqn.2016-01.com.example:tg1
T2=iqn.2016-01.com.example:tg2
V6=iqn.2016-01.com.example:v6

run -m node
expect_rc "empty_db_list_exits_21" 21
expect_err "empty_db_list_says_no_records" "iscsiadm: No records found"
run -m node -P 1
expect_rc "empty_db_tree_exits_21" 21
run -m node -T $T1 -p 127.0.0.1 -o show
expect_rc "show_missing_record_exits_21" 21
run -m node -T $T1 -p 127.0.0.1 -o update -n node.startup -v automatic
expect_rc "update_missing_record_exits_21" 21
expect_err "update_missing_record_message" "iscsiadm: No records found"

# iscsid.conf templates apply to new records
printf 'node.conn[0].timeo.login_timeout = 15\nnode.session.initial_login_retry_max = 8\n' \
	>"$ISCSI_CONFIG_DIR/iscsid.conf"

run -m node -o new -T $T1 -p 127.0.0.1:3260,1
expect_rc "new_static_record_exits_0" 0
expect_out "new_static_record_line" "New iSCSI node [tcp:[hw=,ip=,net_if=,iscsi_if=default] 127.0.0.1,3260,1 $T1] added"
run -m node -o new -T $T2 -p 10.0.0.2:3261,2
run -m node -o new -T $V6 -p '[fe80::1]:3260,5'
expect_out "new_ipv6_record_line_has_raw_address" "New iSCSI node [tcp:[hw=,ip=,net_if=,iscsi_if=default] fe80::1,3260,5 $V6] added"
run -m node -o new -T $T1 -p 10.0.0.9:3260,1 -I iser
expect_out "new_record_with_iser_iface" "New iSCSI node [iser:[hw=,ip=,net_if=,iscsi_if=iser] 10.0.0.9,3260,1 $T1] added"

check "record_file_is_private" [ "$(stat -c %a "$ISCSI_CONFIG_DIR/nodes/$T1/127.0.0.1,3260,1/default")" = 600 ]

run -m node
expect_rc "list_exits_0" 0
expect_out "list_is_sorted_flat_open_iscsi_format" "10.0.0.9:3260,1 $T1
127.0.0.1:3260,1 $T1
10.0.0.2:3261,2 $T2
[fe80::1]:3260,5 $V6"

run -m node -P 1
expect_out "tree_format" "Target: $T1
	Portal: 10.0.0.9:3260,1
		Iface Name: iser
	Portal: 127.0.0.1:3260,1
		Iface Name: default
Target: $T2
	Portal: 10.0.0.2:3261,2
		Iface Name: default
Target: $V6
	Portal: [fe80::1]:3260,5
		Iface Name: default"

run -m node -T $T1 -p 127.0.0.1
expect_rc "dump_exits_0" 0
check "dump_starts_with_begin_record" [ "$(head -1 <<<"$OUT")" = "# BEGIN RECORD 2.1.8" ]
check "dump_ends_with_end_record" [ "$(tail -1 <<<"$OUT")" = "# END RECORD" ]
expect_out_line "dump_has_name" "node.name = $T1"
expect_out_line "dump_has_tpgt" "node.tpgt = 1"
expect_out_line "dump_is_static" "node.discovery_type = static"
expect_out_line "dump_empty_value" "node.discovery_address = <empty>"
expect_out_line "dump_template_applied" "node.conn[0].timeo.login_timeout = 15"
expect_out_line "dump_template_applied_retry" "node.session.initial_login_retry_max = 8"

# every key the seed document (and os-brick) sets, round trip
set_key() {
	run -m node -T $T1 -p 127.0.0.1 -o update -n "$1" -v "$2"
	expect_rc "update_$1_exits_0" 0
	check "update_$1_is_silent" [ -z "$OUT$ERR" ]
}
set_key node.session.auth.authmethod CHAP
set_key node.session.auth.username usuario
set_key node.session.auth.password password1234
set_key node.session.auth.username_in tgtuser
set_key node.session.auth.password_in tgtsecret1234
set_key node.startup automatic
set_key node.conn[0].startup automatic
set_key node.session.timeo.replacement_timeout 5
set_key node.conn[0].iscsi.HeaderDigest CRC32C
set_key node.session.iscsi.FirstBurstLength 65536
set_key node.session.nr_sessions 2
set_key node.session.scan manual

run -m node -T $T1 -p 127.0.0.1
expect_out_line "auth_method_kept" "node.session.auth.authmethod = CHAP"
expect_out_line "username_kept" "node.session.auth.username = usuario"
expect_out_line "password_masked" "node.session.auth.password = ********"
expect_out_line "username_in_kept" "node.session.auth.username_in = tgtuser"
expect_out_line "password_in_masked" "node.session.auth.password_in = ********"
expect_out_line "startup_kept" "node.startup = automatic"
expect_out_line "conn_startup_kept" "node.conn[0].startup = automatic"
expect_out_line "replacement_timeout_kept" "node.session.timeo.replacement_timeout = 5"
expect_out_line "header_digest_kept" "node.conn[0].iscsi.HeaderDigest = CRC32C"
expect_out_line "first_burst_kept" "node.session.iscsi.FirstBurstLength = 65536"
expect_out_line "nr_sessions_kept" "node.session.nr_sessions = 2"
expect_out_line "scan_kept" "node.session.scan = manual"
check "secrets_never_printed_without_S" not grep -q -e password1234 -e tgtsecret1234 <<<"$OUT"
run -m node -T $T1 -p 127.0.0.1 -o show -S
expect_out_line "show_S_reveals_password" "node.session.auth.password = password1234"
expect_out_line "show_S_reveals_password_in" "node.session.auth.password_in = tgtsecret1234"
check "record_file_has_secret_for_iscsid" grep -qx "node.session.auth.password = password1234" \
	"$ISCSI_CONFIG_DIR/nodes/$T1/127.0.0.1,3260,1/default"

run -m node -T $T1 -p 127.0.0.1 -o update -n node.session.auth.password -v ""
expect_rc "empty_value_clears_exits_0" 0
run -m node -T $T1 -p 127.0.0.1 -o show
expect_out_line "cleared_password_shows_empty" "node.session.auth.password = <empty>"

# refusals, with open-iscsi's messages
run -m node -T $T1 -p 127.0.0.1 -o update -n node.bogus -v 1
expect_rc "unknown_key_exits_7" 7
expect_err "unknown_key_message" "iscsiadm: Cannot modify node.bogus. Invalid param name."
expect_err "unknown_key_summary" "iscsiadm: Could not execute operation on all records: invalid parameter"
run -m node -T $T1 -p 127.0.0.1 -o update -n node.name -v x
expect_rc "lookup_key_exits_7" 7
expect_err "lookup_key_message" "iscsiadm: Cannot modify node.name. It is used to look up the record and cannot be changed."
run -m node -T $T1 -p 127.0.0.1 -o update -n node.tpgt -v 3
expect_rc "tpgt_is_lookup_key" 7
run -m node -T $T1 -p 127.0.0.1 -o update -n iface.ipaddress -v 1.2.3.4
expect_rc "iface_key_exits_7" 7
expect_err "iface_key_message" "iscsiadm: Cannot modify iface.ipaddress. Use iface mode to update this value."
run -m node -T $T1 -p 127.0.0.1 -o update -n node.startup
expect_rc "update_without_value_exits_7" 7
expect_err "update_without_value_message" "iscsiadm: update requires name and value"
run -m node -T $T1 -p 127.0.0.1 -o update -n node.startup -v bogus
expect_rc "bad_enum_value_exits_7" 7
expect_err "bad_enum_value_open_iscsi_line" "iscsiadm: unknown value format 'bogus' for parameter name 'node.startup'"
run -m node -T $T1 -p 127.0.0.1 -o show
expect_out_line "refused_update_changed_nothing" "node.startup = automatic"
run -m node -o nonpersistent
expect_rc "node_nonpersistent_exits_7" 7
expect_err "node_nonpersistent_message" "iscsiadm: operation is not supported."
run -m node -o new -o delete -T $T1 -p 127.0.0.1
expect_rc "two_ops_exit_7" 7

# filters: any omitted one is a wildcard; -p without a port means 3260, as
# open-iscsi 2.1.8 matches it (the VM diff suite's node-p compares the two)
run -m node -p 10.0.0.2
expect_rc "portal_without_port_is_3260_not_any_port" 21
run -m node -p 10.0.0.2:3261
expect_out_line "portal_with_port_matches_that_port" "node.conn[0].port = 3261"
run -m node -p 127.0.0.1:3260,7
expect_rc "tpgt_in_portal_is_ignored_when_matching" 0
run -m node -p 127.0.0.1:3999
expect_rc "wrong_port_matches_nothing" 21
run -m node -I iser
check "iface_filter_dumps_one_record" [ "$(grep -c '^# BEGIN RECORD' <<<"$OUT")" = 1 ]
expect_out_line "iface_filter_picks_iser" "node.conn[0].address = 10.0.0.9"
run -m node -T $T1
check "target_filter_dumps_both_portals" [ "$(grep -c '^# BEGIN RECORD' <<<"$OUT")" = 2 ]
run -m node -I nosuch
expect_rc "unknown_iface_exits_3_like_open_iscsi" 3
expect_err "unknown_iface_message" "iscsiadm: Could not read iface info for nosuch."
run -m node -p 2001:db8::5
expect_rc "bare_ipv6_portal_parses" 21

# delete
run -m node -o delete -T $T2 -p 10.0.0.2:3261
expect_rc "delete_exits_0" 0
check "delete_is_silent" [ -z "$OUT$ERR" ]
run -m node -T $T2
expect_rc "deleted_record_is_gone" 21
check "delete_removes_target_dir" [ ! -e "$ISCSI_CONFIG_DIR/nodes/$T2" ]
run -m node -o delete -p 9.9.9.9
expect_rc "delete_nothing_exits_21" 21
expect_err "delete_nothing_message" "iscsiadm: No records found"

# -o new over an existing record starts again from the templates
run -m node -o new -T $T1 -p 127.0.0.1:3260,1
run -m node -T $T1 -p 127.0.0.1 -o show
expect_out_line "new_overwrites_existing_record" "node.session.auth.username = <empty>"

# unknown port default and unknown tpgt
run -m node -o new -T $T2 -p 10.0.0.3
expect_out "new_without_port_and_tpgt" "New iSCSI node [tcp:[hw=,ip=,net_if=,iscsi_if=default] 10.0.0.3,3260,-1 $T2] added"
run -m node -T $T2
expect_out_line "unknown_tpgt_dumps_minus_one" "node.tpgt = -1"
run -m node
expect_out_line "unknown_tpgt_lists_as_unsigned_like_open_iscsi" "10.0.0.3:3260,4294967295 $T2"

finish
