#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `-m session -J` carries iscsid's health of each session (fake_iscsid's
# made-up figures, see its header) at every -P level, as null when iscsid
# cannot be reached; the text output never shows it.  Fixtures: fake sysfs,
# fake_iscsid.
set -u
. "$(dirname "$0")/cli-lib.sh"
. "$(dirname "$0")/fake-sysfs.sh"

SYS=$TESTDIR/sys
export LUNLINK_SYSFS_ROOT=$SYS
export LUNLINK_IPC_TIMEOUT=10
mkdir -p "$SYS/class" "$SYS/module/scsi_transport_iscsi"
put "$SYS/module/scsi_transport_iscsi/version" 2.0-870
add_session 2 1 iqn.2003-01.org.lunlink.test:two 127.0.0.1 127.0.0.1 sdb
add_session 3 2 iqn.2003-01.org.lunlink.test:three 127.0.0.1 127.0.0.1 sdc

# health SID FILTER: jq's FILTER on that session's health object is true
health() {
	jq -e --argjson sid "$1" ".sessions[] | select(.sid == \$sid) | .health | $2" \
		"$TESTDIR/json" >/dev/null
}

run -m session -P 1
TEXT_DOWN=$OUT
run -m session -J
printf '%s\n' "$OUT" >"$TESTDIR/json"
check "iscsid down: health is null" health 2 '. == null'

fake_start --state "2=LOGGED IN/NO CHANGE" --state "3=LOGGED IN/NO CHANGE"
for level in 0 1 3; do
	run -m session -P $level -J
	printf '%s\n' "$OUT" >"$TESTDIR/json"
	check "P$level: health of session 2 is there" health 2 '.recoveries == 2'
done
check "recovery time in seconds" health 2 '.recovery_seconds_total == 3 and .last_recovery_seconds == 1.5'
check "seconds written with their three decimals" grep -q '"recovery_seconds_total": 3.000,' "$TESTDIR/json"
check "failures by kind" health 2 '.failures == {"conn_error": 2, "nop_timeout": 0, "target_logout": 0, "login_rejected": 0, "login_failed": 0, "connect_failed": 0}'
check "last failure" health 2 '.last_failure == {"kind": "conn_error", "code": 1020, "time": "2025-12-06T05:46:42.000Z", "message": "connection error 1020: TCP connection closed"}'
check "times in ISO 8601 UTC" health 2 '.history_start == "2025-12-06T05:46:40.000Z" and .logged_in_at == "2025-12-06T05:46:40.500Z"'
check "where and how" health 2 '.portal == "127.0.0.1:3260" and .iface == "default" and .local_address == "127.0.0.1" and .state == "LOGGED_IN"'
check "flags" health 2 '.adopted == false and .recovering == false'
check "an adopted session has no login time" health 3 '.adopted == true and .logged_in_at == null'
check "one request per session" test "$(grep -c 'SESSION_HEALTH' "$FAKE_LOG")" = 6
# the text stays open-iscsi's: no health, and the same with iscsid up
run -m session -P 3
check "text shows no health" not grep -qi 'health\|recoveries\|failure' <<<"$OUT"
run -m session
check "flat text shows no health" not grep -qi 'health' <<<"$OUT"
check "text asked iscsid for no health" test "$(grep -c 'SESSION_HEALTH' "$FAKE_LOG")" = 6
fake_stop
check "P1 text with iscsid down names no health either" not grep -qi 'health' <<<"$TEXT_DOWN"
finish
