#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -J/--json: for every listing mode, the text and the JSON of the same
# listing are taken and compared field by field (json_vs_text.py parses the
# text on its own).  Also: one JSON document on stdout, also when empty,
# open-iscsi's exit codes, secrets masked as in text, -J refused where
# nothing is listed.  Fixtures: fake sysfs, fake_iscsid, a temp node DB.
set -u
. "$(dirname "$0")/cli-lib.sh"
. "$(dirname "$0")/fake-sysfs.sh"

CMP=$(cd "$(dirname "$0")" && pwd)/json_vs_text.py
SYS=$TESTDIR/sys
export LUNLINK_SYSFS_ROOT=$SYS
export LUNLINK_IPC_TIMEOUT=10

T1=iqn.2003-01.org.lunlink.test:one
T2=iqn.2003-01.org.lunlink.test:two
T3=iqn.2003-01.org.lunlink.test:three

is_json() { # stdout is exactly one JSON document with "version": 1
	python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); sys.exit(d["version"]!=1)' <<<"$OUT"
}

# same_listing NAME KIND LEVEL ARGS...: text and -J agree field by field
same_listing() {
	local name=$1 kind=$2 level=$3
	shift 3
	run "$@"
	local text_rc=$RC
	printf '%s\n' "$OUT" >"$TESTDIR/text"
	run "$@" -J
	printf '%s\n' "$OUT" >"$TESTDIR/json"
	check "${name}_same_exit_code" [ "$RC" = "$text_rc" ]
	check "${name}_json_matches_text" "$CMP" "$kind" "$level" "$TESTDIR/text" "$TESTDIR/json"
}

mkdir -p "$SYS/class" "$SYS/module/scsi_transport_iscsi"
put "$SYS/module/scsi_transport_iscsi/version" 2.0-870

# --- empty listings: one document with an empty array, open-iscsi's code
run -m session -J
expect_rc "no_sessions_exits_21" 21
check "no_sessions_is_json" is_json
expect_out "no_sessions_empty_array" "$(printf '{\n  "version": 1,\n  "print_level": 0,\n  "sessions": [\n  ]\n}')"
expect_err "no_sessions_error_on_stderr" "iscsiadm: No active sessions."
run -m session --json -P 3
expect_rc "no_sessions_P3_exits_21" 21
check "no_sessions_P3_is_json" is_json

add_session 1 0 "$T1" 127.0.0.1 127.0.0.1 sda
add_session 2 1 "$T2" 127.0.0.1 127.0.0.1 sdb sdc
add_session 3 2 "$T3" ::1 ::1 sdd
# a LUN without a disk, a user name, a CRC32C digest: fields that vary
mkdir -p "$SYS/devices/platform/host1/session2/target1:0:0/1:0:0:2"
put "$SYS/devices/platform/host1/session2/target1:0:0/1:0:0:2/state" running
put "$SYS/devices/platform/host1/session2/iscsi_session/session2/username" alice
put "$SYS/class/iscsi_connection/connection2:0/header_digest" 1
put "$SYS/devices/platform/host0/session1/iscsi_session/session1/abort_tmo" -1
put "$SYS/class/iscsi_host/host1/hwaddress" 52:54:00:12:34:56
put "$SYS/class/iscsi_host/host1/netdev" eth1

# --- sessions: iscsid down (states unknown), then up
for level in 0 1; do
	same_listing "session_P${level}_iscsid_down" session $level -m session -P $level
done
fake_start --state "1=LOGGED IN/NO CHANGE" --state "2=IN LOGIN/REOPEN" --state "3=LOGGED IN/NO CHANGE"
for level in 0 1 2 3; do
	same_listing "session_P${level}" session $level -m session -P $level
done
same_listing "session_r2_P3" session 3 -m session -r 2 -P 3
run -m session -P 3 -J
check "P3_json_names_dev" grep -q '"dev": "/dev/sdc"' <<<"$OUT"
check "P3_json_masks_chap" grep -q '"password": "\*\*\*\*\*\*\*\*"' <<<"$OUT"
check "P3_json_never_shows_sysfs_secret" not grep -q sysfs-secret-value <<<"$OUT"
run -m session -P 4 -J
expect_rc "bad_level_exits_7" 7
expect_out "bad_level_prints_nothing" ""

# --- hosts
for level in 0 1 2 3 4; do
	same_listing "host_P${level}" host $level -m host -P $level
done
run -m host -C flashnode -J
expect_rc "no_flashnodes_exits_21" 21
check "no_flashnodes_is_json" is_json

# --- statistics (fake_iscsid's canned counters)
same_listing "session_stats" stats 0 -m session -s
same_listing "session_r1_stats" stats 0 -m session -r 1 -s
fake_stop

# --- node records: list, tree, one record (secrets masked, -S shows them)
run -m node -J
expect_rc "no_nodes_exits_21" 21
check "no_nodes_is_json" is_json
"$ISCSIADM" -m node -o new -T "$T1" -p 127.0.0.1:3260,1 >/dev/null
"$ISCSIADM" -m node -o new -T "$T2" -p 127.0.0.1:3260 >/dev/null
"$ISCSIADM" -m node -o new -T "$T3" -p '[::1]:3260,1' >/dev/null
"$ISCSIADM" -m iface -o new -I if1 >/dev/null
"$ISCSIADM" -m node -o new -T "$T1" -p 127.0.0.1:3260,1 -I if1 >/dev/null
"$ISCSIADM" -m node -T "$T1" -p 127.0.0.1 -I default -o update \
	-n node.session.auth.authmethod -v CHAP -n node.session.auth.username -v bob \
	-n node.session.auth.password -v json-secret-pw >/dev/null
for level in 0 1; do
	same_listing "node_P${level}" node $level -m node -P $level
done
same_listing "node_record" record 0 -m node -T "$T1" -p 127.0.0.1
same_listing "node_record_S" record 0 -m node -T "$T1" -p 127.0.0.1 -S
same_listing "node_all_records" record 0 -m node -o show
run -m node -T "$T1" -p 127.0.0.1 -I default -J
check "record_json_masks_password" grep -q '"node.session.auth.password": "\*\*\*\*\*\*\*\*"' <<<"$OUT"
check "record_json_hides_secret" not grep -q json-secret-pw <<<"$OUT"
run -m node -T "$T1" -p 127.0.0.1 -I default -J -S
check "record_json_S_shows_secret" grep -q '"node.session.auth.password": "json-secret-pw"' <<<"$OUT"
run -m session -r 1 -J
check "session_r1_record_is_json" is_json

# --- ifaces
"$ISCSIADM" -m iface -I if1 -o update -n iface.ipaddress -v 127.0.0.1 >/dev/null
for level in 0 1; do
	same_listing "iface_P${level}" iface $level -m iface -P $level
done
same_listing "iface_record" record 0 -m iface -I if1

# --- discovery through (fake) iscsid, then the discovery records
printf 'T %s\nP 127.0.0.1:3260,1\nP [fe80::1]:3260,1\nT %s\nP 127.0.0.1:3260,1\n' \
	"$T1" "$T2" >"$TESTDIR/answer"
fake_start --discover "$TESTDIR/answer"
for level in 0 1; do
	same_listing "discovered_P${level}" discovered $level \
		-m discovery -t st -p 127.0.0.1 -o nonpersistent -P $level
done
same_listing "discovered_stored" discovered 0 -m discovery -t st -p 127.0.0.1
same_listing "discoverydb_discovered" discovered 0 -m discoverydb -t st -p 127.0.0.1 -D
fake_stop
"$ISCSIADM" -m node -o new -T "$T3" -p 127.0.0.3 >/dev/null
for level in 0 1; do
	same_listing "discovery_P${level}" discovery $level -m discovery -P $level
	same_listing "discoverydb_P${level}" discovery $level -m discoverydb -P $level
done
same_listing "discovery_record" record 0 -m discovery -p 127.0.0.1
same_listing "discoverydb_record" record 0 -m discoverydb -t st -p 127.0.0.1

# --- -J where nothing is listed: refused out loud
for args in "-m session -u" "-m session -R" "-m node -l" "-m node -o delete" \
	"-m node -o update -n node.startup -v manual" "-m node -L all" "-m iface -o new -I x" \
	"-m discoverydb -t st -p 127.0.0.1 -o delete" "-m discoverydb -t st -p 127.0.0.1 -D -o new" "-m fw -l" "-k 0" "-m iface -C ping -a 127.0.0.1"; do
	# shellcheck disable=SC2086 # word splitting wanted
	run $args -J
	expect_rc "refused_${args// /_}_exits_7" 7
	check "refused_${args// /_}_says_why" grep -q -- "-J/--json applies to listings only" <<<"$ERR"
	expect_out "refused_${args// /_}_prints_nothing" ""
done

finish
