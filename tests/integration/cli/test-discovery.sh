#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SendTargets discovery through iscsid (here fake_iscsid answering from a
# file): printed portals, node records created/updated/deleted like
# open-iscsi 2.1.8, discoverydb records, failures and exit codes.
set -u
. "$(dirname "$0")/cli-lib.sh"

T1=iqn.2016-01.com.example:tg1
T2=iqn.2016-01.com.example:tg2
T3=iqn.2016-01.com.example:tg3
ANS="$TESTDIR/answer"
N1="$ISCSI_CONFIG_DIR/nodes/$T1/127.0.0.1,3260,1/default"
printf 'T %s\nP 127.0.0.1:3260,1\nP [fe80::1]:3260,1\nT %s\nP 127.0.0.1:3260,1\nW a warning from iscsid\n' \
	$T1 $T2 >"$ANS"

# --- iscsid not reachable
run -m discovery -t sendtargets -p 127.0.0.1
expect_rc "discovery_without_iscsid_exits_20" 20
expect_err "discovery_without_iscsid_message" "iscsiadm: Could not perform SendTargets discovery: could not connect to iscsid"

fake_start --discover "$ANS"
run -m discovery -t sendtargets -p 127.0.0.1
expect_rc "discovery_exits_0" 0
expect_out "discovery_prints_portals_like_open_iscsi" "127.0.0.1:3260,1 $T1
[fe80::1]:3260,1 $T1
127.0.0.1:3260,1 $T2"
expect_err "iscsid_warning_printed" "iscsiadm: a warning from iscsid"
check "request_names_discovery_portal" grep -q "DISCOVER .*discovery.sendtargets.address=127.0.0.1 discovery.sendtargets.port=3260" "$FAKE_LOG"
check "request_carries_initiator_name" grep -q "DISCOVER .*iface.initiatorname=iqn.2016-04.com.open-iscsi:lunlinktest" "$FAKE_LOG"
check "discovery_record_written" [ -f "$ISCSI_CONFIG_DIR/send_targets/127.0.0.1,3260/st_config" ]
run -m discovery
expect_out "discovery_records_listed" "127.0.0.1:3260 via sendtargets"
run -m node
expect_out "node_records_created" "127.0.0.1:3260,1 $T1
[fe80::1]:3260,1 $T1
127.0.0.1:3260,1 $T2"
run -m node -T $T1 -p 127.0.0.1
expect_out_line "node_record_discovery_type" "node.discovery_type = send_targets"
expect_out_line "node_record_discovery_address" "node.discovery_address = 127.0.0.1"
expect_out_line "node_record_discovery_port" "node.discovery_port = 3260"

run -m discovery -t st -p 127.0.0.1 -P 1
expect_out "discovery_tree" "Target: $T1
	Portal: 127.0.0.1:3260,1
		Iface Name: default
	Portal: [fe80::1]:3260,1
		Iface Name: default
Target: $T2
	Portal: 127.0.0.1:3260,1
		Iface Name: default"
run -m discovery -P 1
expect_out "discovery_listing_tree" "SENDTARGETS:
DiscoveryAddress: 127.0.0.1,3260
Target: $T1
	Portal: 127.0.0.1:3260,1
		Iface Name: default
	Portal: [fe80::1]:3260,1
		Iface Name: default
Target: $T2
	Portal: 127.0.0.1:3260,1
		Iface Name: default
iSNS:
No targets found.
STATIC:
No targets found.
FIRMWARE:
No targets found."

# --- default op = new+delete+update: user changes are reset from iscsid.conf
"$ISCSIADM" -m node -T $T1 -p 127.0.0.1 -o update -n node.session.auth.username -v alice
run -m discovery -t st -p 127.0.0.1 -o new
check "op_new_keeps_existing_record" grep -qx "node.session.auth.username = alice" "$N1"
run -m discovery -t st -p 127.0.0.1
check "default_op_rewrites_existing_record" not grep -q "node.session.auth.username" "$N1"

# --- stale portals: deleted by default/-o delete, kept with -o new
"$ISCSIADM" -m node -o new -T $T3 -p 10.9.9.9:3260,1 >/dev/null
printf 'T %s\nP 127.0.0.1:3260,1\n' $T1 >"$ANS"
run -m discovery -t st -p 127.0.0.1 -o new
run -m node -T $T2
expect_rc "op_new_keeps_stale_record" 0
run -m discovery -t st -p 127.0.0.1
run -m node
expect_out "default_op_deletes_stale_but_not_static" "127.0.0.1:3260,1 $T1
10.9.9.9:3260,1 $T3"

# --- nonpersistent: printed, DB untouched
printf 'T %s\nP 127.0.0.1:3260,1\nT %s\nP 127.0.0.5:3260,3\n' $T1 $T2 >"$ANS"
run -m discovery -t st -p 127.0.0.1 -o nonpersistent
expect_out "nonpersistent_prints" "127.0.0.1:3260,1 $T1
127.0.0.5:3260,3 $T2"
run -m node -T $T2
expect_rc "nonpersistent_writes_nothing" 21

# --- several ifaces: one record per portal and iface
"$ISCSIADM" -m iface -I if1 -o new >/dev/null
run -m discovery -t st -p 127.0.0.1 -I default -I if1 -I nosuch
expect_err "unknown_iface_dropped_with_message" "iscsiadm: Could not read iface info for nosuch. Make sure an iface config with the file name and iface.iscsi_ifacename nosuch is in $ISCSI_CONFIG_DIR/ifaces."
run -m node -T $T2 -P 1
run -m node -P 1
expect_out_line "record_for_second_iface" "		Iface Name: if1"
check "tg2_record_for_if1" [ -f "$ISCSI_CONFIG_DIR/nodes/$T2/127.0.0.5,3260,3/if1" ]
check "tg2_record_for_default" [ -f "$ISCSI_CONFIG_DIR/nodes/$T2/127.0.0.5,3260,3/default" ]

# --- -l logs in to what was found; without -I, as in open-iscsi, through
# every stored iface record (if1), not "default"
printf 'T %s\nP 127.0.0.1:3260,1\n' $T1 >"$ANS"
: >"$FAKE_LOG"
run -m discovery -t st -p 127.0.0.1 -l
expect_rc "discovery_login_exits_0" 0
expect_out "discovery_login_output" "127.0.0.1:3260,1 $T1
Logging in to [iface: if1, target: $T1, portal: 127.0.0.1,3260]
Login to [iface: if1, target: $T1, portal: 127.0.0.1,3260] successful."

# --- a bad name from the network never becomes a path
# ("../evil" would land beside nodes/, "../../evil" beside the config dir)
printf 'T ../evil\nP 127.0.0.1:3260,1\nT ../../evil\nP 127.0.0.1:3260,1\nT %s\nP 127.0.0.1:3260,1\n' \
	$T1 >"$ANS"
run -m discovery -t st -p 127.0.0.1
expect_out "bad_target_name_skipped" "127.0.0.1:3260,1 $T1"
check "bad_target_name_warned" grep -q "Discovery TargetName invalid" <<<"$ERR"
check "nothing_written_beside_nodes" [ ! -e "$ISCSI_CONFIG_DIR/evil" ]
check "nothing_written_outside_the_config_dir" [ ! -e "$TESTDIR/evil" ]

: >"$ANS"
run -m discovery -t st -p 127.0.0.1
expect_rc "no_targets_exits_21" 21
expect_err "no_targets_message" "iscsiadm: No portals found"
fake_stop

# --- failures: iscsid's sentence, open-iscsi's summary, its exit code
fake_start --discover-fail "4:cannot make connection to 127.0.0.1: Connection refused"
run -m discovery -t st -p 127.0.0.1
expect_rc "connect_failure_exits_4" 4
expect_err "connect_failure_detail" "iscsiadm: cannot make connection to 127.0.0.1: Connection refused"
expect_err "connect_failure_summary" "iscsiadm: Could not perform SendTargets discovery: encountered connection failure"
fake_stop
fake_start --discover-fail "24:discovery login to 127.0.0.1:3260 failed: CHAP username or secret is wrong"
run -m discovery -t st -p 127.0.0.1
expect_rc "auth_failure_exits_24" 24
expect_err "auth_failure_summary" "iscsiadm: Could not perform SendTargets discovery: iSCSI login failed due to authorization failure"
fake_stop
# a sentence on a successful answer is not printed: only failures explain
fake_start --discover-fail "0:iscsid has something to say"
run -m discovery -t st -p 127.0.0.1
expect_rc "success_with_sentence_no_portals_21" 21
check "success_sentence_not_printed" [ "$ERR" = "iscsiadm: No portals found" ]
fake_stop

# --- discoverydb: stored settings drive discovery (-D)
fake_start --discover "$ANS"
printf 'T %s\nP 127.0.0.9:3260,1\n' $T3 >"$ANS"
run -m discoverydb -t st -p 127.0.0.9 -o new
expect_out "discoverydb_new_line" "New discovery record for [127.0.0.9,3260] added."
run -m discoverydb -t st -p 127.0.0.9 -o update -n discovery.sendtargets.auth.authmethod -v CHAP
expect_rc "discoverydb_update_exits_0" 0
run -m discoverydb -t st -p 127.0.0.9 -o update -n discovery.sendtargets.auth.password -v discsecret12
run -m discoverydb -t st -p 127.0.0.9 -o show
expect_out_line "discoverydb_password_masked" "discovery.sendtargets.auth.password = ********"
run -m discoverydb -t st -p 127.0.0.9 -o update -n discovery.bogus -v 1
expect_err "discoverydb_bad_key_message" "iscsiadm: Cannot modify discovery.bogus. Invalid param name."
run -m discoverydb -t st -p 127.0.0.9 -o update
expect_err "discoverydb_update_needs_value" "iscsiadm: Update requires name and value."
: >"$FAKE_LOG"
run -m discoverydb -t st -p 127.0.0.9 -D
expect_rc "discoverydb_discover_exits_0" 0
expect_out "discoverydb_discover_prints" "127.0.0.9:3260,1 $T3"
check "discoverydb_uses_stored_chap" grep -q "discovery.sendtargets.auth.authmethod=CHAP discovery.sendtargets.auth.password=set" "$FAKE_LOG"
: >"$FAKE_LOG"
run -m discovery -t st -p 127.0.0.9
check "legacy_discovery_uses_iscsid_conf_settings" grep -q "discovery.sendtargets.auth.authmethod=None" "$FAKE_LOG"
run -m discoverydb -t st -p 127.0.0.8 -D
expect_rc "discoverydb_discover_creates_missing_record" 0
check "discoverydb_created_record" [ -f "$ISCSI_CONFIG_DIR/send_targets/127.0.0.8,3260/st_config" ]
run -m discoverydb -t st -p 127.0.0.7 -o show
expect_rc "discoverydb_missing_record_exits_6" 6
expect_err "discoverydb_missing_record_message" "iscsiadm: Discovery record [127.0.0.7,3260] not found."
run -m discoverydb -t st -p 127.0.0.9 -o delete
expect_rc "discoverydb_delete_exits_0" 0
check "discoverydb_delete_removes_record" [ ! -e "$ISCSI_CONFIG_DIR/send_targets/127.0.0.9,3260" ]
run -m discoverydb -t st -p 127.0.0.9 -o update -n discovery.sendtargets.reopen_max -v 2 -o show
expect_err "discoverydb_two_ops_refused" "iscsiadm: Operation is not supported."
run -m discoverydb -p 127.0.0.9 -o show
expect_err "discoverydb_portal_without_type" "iscsiadm: Invalid command. Possibly missing discovery --type."
run -m discovery -t isns -p 127.0.0.1
expect_rc "isns_not_supported_exits_17" 17
run -m discovery -t slp -p 127.0.0.1
expect_err "slp_message" "iscsiadm: SLP discovery is not fully implemented yet."
run -m discovery -t st
expect_err "st_without_portal_message" "iscsiadm: Please specify portal as <ipaddr>[:<ipport>]"
run -m discovery -p 10.10.10.10
expect_rc "legacy_show_missing_exits_7" 7
expect_err "legacy_show_missing_message" "iscsiadm: Discovery record [10.10.10.10,3260] not found!"
fake_stop

finish
