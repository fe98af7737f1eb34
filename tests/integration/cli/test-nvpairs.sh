#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Several -n/-v pairs in one command (how csi-lib-iscsi sets CHAP): every
# pair lands, in order, in ONE write of the record; a refused pair leaves
# the record untouched; a -n without its -v, and -n/-v where nothing uses
# them, are refused out loud (open-iscsi 2.1.8 drops them silently; its
# outputs for the cases both handle alike were captured in the test VM).
set -u
. "$(dirname "$0")/cli-lib.sh"
COUNT_WRITES=${3:?usage: test-nvpairs.sh iscsiadm fake_iscsid count_writes}

T=iqn.2016-01.com.example:pairs
P=127.0.0.1
NDIR=$ISCSI_CONFIG_DIR/nodes/$T/$P,3260,1
NREC=$NDIR/default
CHAP=(-n node.session.auth.authmethod -v CHAP -n node.session.auth.username -v u
      -n node.session.auth.password -v p)

# run_counted DIR NAME ARGS...: run iscsiadm, WRITES = writes of DIR/NAME
run_counted() {
	local dir=$1 name=$2
	shift 2
	OUT=$("$COUNT_WRITES" "$TESTDIR/count" "$dir" "$name" "$ISCSIADM" "$@" \
		2>"$TESTDIR/stderr")
	RC=$?
	ERR=$(cat "$TESTDIR/stderr")
	WRITES=$(cat "$TESTDIR/count")
}
has() { grep -qxF -- "$2" "$1"; }
same_file() { cmp -s "$1" "$2"; }

# --- node: -o new takes the pairs too (open-iscsi ignores them there)
run -m node -o new -T $T -p $P:3260,1 -n node.session.queue_depth -v 64 -n node.startup -v automatic
expect_rc "new_with_pairs_exits_0" 0
expect_out "new_with_pairs_line" "New iSCSI node [tcp:[hw=,ip=,net_if=,iscsi_if=default] $P,3260,1 $T] added"
check "new_applied_first_pair" has "$NREC" "node.session.queue_depth = 64"
check "new_applied_second_pair" has "$NREC" "node.startup = automatic"

# --- node: three CHAP pairs, one write
run_counted "$NDIR" default -m node -T $T -p $P -o update "${CHAP[@]}"
expect_rc "three_pairs_exit_0" 0
check "three_pairs_silent" [ -z "$OUT$ERR" ]
check "authmethod_landed" has "$NREC" "node.session.auth.authmethod = CHAP"
check "username_landed" has "$NREC" "node.session.auth.username = u"
check "password_landed" has "$NREC" "node.session.auth.password = p"
check "three_pairs_one_write" [ "$WRITES" = 1 ]

# the same key twice: applied in order, the last one wins
run -m node -T $T -p $P -o update -n node.startup -v manual -n node.startup -v onboot
check "same_key_twice_last_wins" has "$NREC" "node.startup = onboot"
# open-iscsi pairs a -v given before its -n
run -m node -T $T -p $P -o update -v u0 -n node.session.auth.username
expect_rc "value_before_name_exits_0" 0
check "value_before_name_pairs" has "$NREC" "node.session.auth.username = u0"

# --- node: a refused pair means nothing is written
cp "$NREC" "$TESTDIR/before"
run_counted "$NDIR" default -m node -T $T -p $P -o update -n node.session.queue_depth -v 16 \
	-n node.bogus.key -v 1
expect_rc "bad_second_key_exits_7" 7
expect_err "bad_second_key_message" "iscsiadm: Cannot modify node.bogus.key. Invalid param name."
expect_err "bad_second_key_summary" "iscsiadm: Could not execute operation on all records: invalid parameter"
check "bad_second_key_no_write" [ "$WRITES" = 0 ]
check "bad_second_key_record_unchanged" same_file "$NREC" "$TESTDIR/before"
run_counted "$NDIR" default -m node -T $T -p $P -o update -n node.session.queue_depth -v 17 \
	-n node.startup -v sometimes
expect_rc "bad_second_value_exits_7" 7
expect_err "bad_second_value_message" "iscsiadm: unknown value format 'sometimes' for parameter name 'node.startup'"
check "bad_second_value_no_write" [ "$WRITES" = 0 ]
check "bad_second_value_record_unchanged" same_file "$NREC" "$TESTDIR/before"
run -m node -T $T -p $P -o update -n node.session.queue_depth -v 18 -n node.name -v iqn.x:y
expect_rc "lookup_key_second_exits_7" 7
expect_err "lookup_key_second_message" "iscsiadm: Cannot modify node.name. It is used to look up the record and cannot be changed."
run -m node -T $T -p $P -o update -n node.session.queue_depth -v 19 -n iface.hwaddress -v 00:11:22:33:44:55
expect_rc "iface_key_second_exits_7" 7
expect_err "iface_key_second_message" "iscsiadm: Cannot modify iface.hwaddress. Use iface mode to update this value."
check "refused_pairs_changed_nothing" same_file "$NREC" "$TESTDIR/before"

# --- -n without -v, -v without -n
run -m node -T $T -p $P -o update -n node.session.auth.username -v u2 -n node.session.auth.password
expect_rc "trailing_name_exits_7" 7
expect_err "trailing_name_message" "iscsiadm: -n node.session.auth.password has no value: give each -n its own -v."
run -m node -T $T -p $P -o update -n node.startup -n node.session.auth.username -v u4
expect_rc "name_then_name_exits_7" 7
expect_err "name_then_name_names_the_first" "iscsiadm: -n node.startup has no value: give each -n its own -v."
run -m node -T $T -p $P -o update -v secret-one -v u5 -n node.session.auth.username
expect_rc "value_then_value_exits_7" 7
expect_err "value_then_value_message" "iscsiadm: A -v value has no -n name: give each -v its own -n."
check "lone_value_not_echoed" not grep -q secret-one <<<"$ERR"
check "lone_pairs_changed_nothing" same_file "$NREC" "$TESTDIR/before"
# no pair at all: open-iscsi's own message and code
run -m node -T $T -p $P -o update -n node.session.auth.username
expect_rc "name_alone_exits_7" 7
expect_err "name_alone_message_as_open_iscsi" "iscsiadm: update requires name and value"
run -m node -T $T -p $P -o update -v x
expect_rc "value_alone_exits_7" 7
expect_err "value_alone_message_as_open_iscsi" "iscsiadm: update requires name and value"
run -m node -o new -T $T -p $P:3260,1 -n node.startup
expect_rc "new_with_lone_name_exits_7" 7

# --- pairs where nothing would use them
run -m node -T $T -p $P -o show -n node.startup -v automatic
expect_rc "show_with_pairs_exits_7" 7
expect_err "show_with_pairs_message" "iscsiadm: node mode: -n/-v change records only with -o update or -o new; this command would ignore them."
run -m node -T $T -p $P -n node.startup
expect_rc "noop_with_name_exits_7" 7
run -m discovery -t st -p $P -o update -n discovery.sendtargets.auth.username -v x
expect_rc "legacy_discovery_with_pairs_exits_7" 7
run -m session -o update -n node.startup -v manual
expect_rc "session_without_r_with_pairs_exits_7" 7
check "unused_pairs_changed_nothing" same_file "$NREC" "$TESTDIR/before"

# --- discoverydb: discovery CHAP the csi-lib-iscsi way
DDIR=$ISCSI_CONFIG_DIR/send_targets/$P,3260
run -m discoverydb -t st -p $P -o new -n discovery.sendtargets.auth.authmethod -v CHAP \
	-n discovery.sendtargets.auth.username -v du
expect_rc "discoverydb_new_with_pairs_exits_0" 0
expect_out "discoverydb_new_line" "New discovery record for [$P,3260] added."
check "discoverydb_new_applied_pairs" has "$DDIR/st_config" "discovery.sendtargets.auth.username = du"
run_counted "$DDIR" st_config -m discoverydb -t st -p $P -o update \
	-n discovery.sendtargets.auth.authmethod -v CHAP -n discovery.sendtargets.auth.username -v du2 \
	-n discovery.sendtargets.auth.password -v dp2
expect_rc "discoverydb_three_pairs_exit_0" 0
check "discoverydb_username_landed" has "$DDIR/st_config" "discovery.sendtargets.auth.username = du2"
check "discoverydb_password_landed" has "$DDIR/st_config" "discovery.sendtargets.auth.password = dp2"
check "discoverydb_three_pairs_one_write" [ "$WRITES" = 1 ]
cp "$DDIR/st_config" "$TESTDIR/dbefore"
run -m discoverydb -t st -p $P -o update -n discovery.sendtargets.auth.username -v du4 -n bogus -v 1
expect_rc "discoverydb_bad_second_exits_7" 7
expect_err "discoverydb_bad_second_message" "iscsiadm: Cannot modify bogus. Invalid param name."
check "discoverydb_bad_second_unchanged" same_file "$DDIR/st_config" "$TESTDIR/dbefore"
run -m discoverydb -t st -p $P -o update -n discovery.sendtargets.auth.username
expect_rc "discoverydb_name_alone_exits_7" 7
expect_err "discoverydb_name_alone_message" "iscsiadm: Update requires name and value."
run -m discoverydb -t st -p $P -o update -n discovery.sendtargets.auth.username -v du3 \
	-n discovery.sendtargets.auth.password
expect_rc "discoverydb_trailing_name_exits_7" 7
check "discoverydb_lone_unchanged" same_file "$DDIR/st_config" "$TESTDIR/dbefore"
run -m discoverydb -t st -p $P -o delete -n discovery.sendtargets.auth.username -v x
expect_rc "discoverydb_delete_with_pairs_exits_7" 7
check "discoverydb_delete_refused_kept_record" [ -e "$DDIR/st_config" ]

# --- iface
IDIR=$ISCSI_CONFIG_DIR/ifaces
run -m iface -I if1 -o new -n iface.net_ifacename -v lo
expect_rc "iface_new_with_pair_exits_0" 0
expect_out "iface_new_with_pair_lines" "if1 updated.
New interface if1 added"
check "iface_new_applied_pair" has "$IDIR/if1" "iface.net_ifacename = lo"
run_counted "$IDIR" if1 -m iface -I if1 -o update -n iface.net_ifacename -v lo0 \
	-n iface.initiatorname -v iqn.2005-03.org.example:i1
expect_rc "iface_two_pairs_exit_0" 0
expect_out "iface_two_pairs_line" "if1 updated."
check "iface_first_pair_landed" has "$IDIR/if1" "iface.net_ifacename = lo0"
check "iface_second_pair_landed" has "$IDIR/if1" "iface.initiatorname = iqn.2005-03.org.example:i1"
check "iface_two_pairs_one_write" [ "$WRITES" = 1 ]
cp "$IDIR/if1" "$TESTDIR/ibefore"
run -m iface -I if1 -o update -n iface.net_ifacename -v eth8 -n iface.bogus -v 1
expect_rc "iface_bad_second_exits_7" 7
expect_err "iface_bad_second_message" "iscsiadm: Cannot modify iface.bogus. Invalid param name."
check "iface_bad_second_unchanged" same_file "$IDIR/if1" "$TESTDIR/ibefore"
run -m iface -I if1 -o update -n iface.net_ifacename -v eth9 -n iface.iscsi_ifacename -v other
expect_rc "iface_rename_second_exits_7" 7
check "iface_rename_second_unchanged" same_file "$IDIR/if1" "$TESTDIR/ibefore"
run -m iface -I if1 -o update -n iface.net_ifacename
expect_rc "iface_name_alone_exits_7" 7
expect_err "iface_name_alone_message" "iscsiadm: Update requires name, value, and iface."
run -m iface -I if2 -o new -n iface.bogus -v 1
expect_rc "iface_new_bad_pair_exits_7" 7
check "iface_new_bad_pair_created_nothing" [ ! -e "$IDIR/if2" ]

finish
