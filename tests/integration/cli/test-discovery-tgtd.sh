#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# iscsiadm -> the real iscsid -> a private tgtd on 127.0.0.1: SendTargets
# discovery end to end, with and without discovery CHAP.  Fails (never skips)
# when tgtd is not installed.  No kernel is needed (discovery only).
set -u
here=$(cd "$(dirname "$0")" && pwd)
ISCSID_BIN=${2:?usage: test-discovery-tgtd.sh iscsiadm iscsid}
set -- "$1" ""
. "$here/cli-lib.sh"
# shellcheck source=tests/integration/tgtd-fixture.sh
. "$here/../tgtd-fixture.sh"

at_exit tgtd_stop
tgtd_start_or_exit
P=$TGTD_PORT
T1=iqn.2024-01.org.lunlink.test:one
T2=iqn.2024-01.org.lunlink.test:two
tgtd_add_target 1 $T1 || exit 1
tgtd_add_target 2 $T2 || exit 1

# started with a soft limit of 256 open files: iscsid needs more than the
# usual 1,024 for 1,024 sessions and raises it to 16,384 (or the hard limit)
iscsid_start bash -c 'ulimit -Sn 256 && exec "$@"' iscsid "$ISCSID_BIN" -f
check "iscsid_listens" [ -S "$ISCSID_SOCKET" ]
soft=$(awk '/^Max open files/ { print $4 }' "/proc/$ISCSID_PID/limits")
hard=$(ulimit -Hn)
check "iscsid_raises_its_open_file_limit" [ "$soft" = unlimited -o "$soft" = "$hard" -o \
	"$soft" -ge 16384 ]

run -m discovery -t sendtargets -p 127.0.0.1:$P
expect_rc "discovery_against_tgtd_exits_0" 0
expect_out "discovery_against_tgtd_output" "127.0.0.1:$P,1 $T1
127.0.0.1:$P,1 $T2"
run -m node
expect_out "discovery_against_tgtd_records" "127.0.0.1:$P,1 $T1
127.0.0.1:$P,1 $T2"
run -m discovery
expect_out "discovery_record_listed" "127.0.0.1:$P via sendtargets"

# a target removed on the target side disappears from the node DB
tgtd_adm --mode target --op delete --force --tid 2 >/dev/null
run -m discovery -t st -p 127.0.0.1:$P
expect_out "rediscovery_output" "127.0.0.1:$P,1 $T1"
run -m node
expect_out "rediscovery_deletes_stale_record" "127.0.0.1:$P,1 $T1"

# discovery CHAP: refused without, accepted with the discoverydb record's
tgtd_add_account discuser discsecret1234 || exit 1
tgtd_bind_account "" discuser || exit 1
run -m discovery -t st -p 127.0.0.1:$P
expect_rc "discovery_chap_missing_exits_24" 24
expect_err "discovery_chap_missing_summary" "iscsiadm: Could not perform SendTargets discovery: iSCSI login failed due to authorization failure"
run -m discoverydb -t st -p 127.0.0.1:$P -o update -n discovery.sendtargets.auth.authmethod -v CHAP
run -m discoverydb -t st -p 127.0.0.1:$P -o update -n discovery.sendtargets.auth.username -v discuser
run -m discoverydb -t st -p 127.0.0.1:$P -o update -n discovery.sendtargets.auth.password -v discsecret1234
run -m discoverydb -t st -p 127.0.0.1:$P --discover
expect_rc "discoverydb_chap_exits_0" 0
expect_out "discoverydb_chap_output" "127.0.0.1:$P,1 $T1"

# a key iscsid cannot act on: kept in the record, named in iscsid's log
# once for this discovery, at notice level; keys at their default are not
run -m discoverydb -t st -p 127.0.0.1:$P -o update -n discovery.sendtargets.use_discoveryd -v Yes
expect_rc "ineffective_key_update_exits_0" 0
run -m discoverydb -t st -p 127.0.0.1:$P -o show
expect_out_line "ineffective_key_round_trips" "discovery.sendtargets.use_discoveryd = Yes"
NOTICE="iscsid: notice: discovery 127.0.0.1:$P: discovery.sendtargets.use_discoveryd = Yes is kept in the record but has no effect: not implemented by lunlink"
check "no_notice_while_keys_are_default" not grep -q "notice:" "$TESTDIR/iscsid.log"
run -m discoverydb -t st -p 127.0.0.1:$P --discover
expect_rc "discovery_with_ineffective_key_exits_0" 0
check "ineffective_key_noticed_once" [ "$(grep -cxF -- "$NOTICE" "$TESTDIR/iscsid.log")" = 1 ]
check "only_that_key_noticed" [ "$(grep -c "notice:" "$TESTDIR/iscsid.log")" = 1 ]

# nobody listening
run -m discovery -t st -p 127.0.0.1:1
expect_rc "refused_connection_exits_4" 4
expect_err "refused_connection_summary" "iscsiadm: Could not perform SendTargets discovery: encountered connection failure"

[ "$FAIL" = 0 ] || { echo "# iscsid log:"; sed 's/^/#   /' "$ISCSID_LOG"; }
finish
