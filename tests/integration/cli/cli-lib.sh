# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# cli-lib.sh: helpers for the iscsiadm integration tests.  Source it with
# the iscsiadm and fake_iscsid paths in $1 and $2.  Every test script gets a
# private ISCSI_CONFIG_DIR and ISCSID_SOCKET under a temp dir (removed on
# exit), so tests never touch /etc/iscsi and can run in parallel.
#
#   run ARGS...            runs iscsiadm; sets OUT, ERR (text) and RC
#   check NAME COND...     one named check: COND is a command; counts pass/fail
#   expect_rc NAME N       check "$RC" = N
#   expect_out NAME TEXT   check stdout is exactly TEXT
#   expect_err NAME TEXT   check stderr contains the line TEXT
#   fake_start ARGS...     start fake_iscsid (FAKE_LOG is its request log)
#   fake_stop              stop it
#   finish                 prints the summary and exits 0/1

ISCSIADM=${1:?usage: test.sh path/to/iscsiadm path/to/fake_iscsid}
FAKE_ISCSID=${2:-}
TESTDIR=$(mktemp -d "${TMPDIR:-/tmp}/lunlink-cli.XXXXXX")
export ISCSI_CONFIG_DIR="$TESTDIR/etc"
export ISCSID_SOCKET="$TESTDIR/iscsid.sock"
FAKE_LOG="$TESTDIR/fake.log"
FAKE_PID=
mkdir -p "$ISCSI_CONFIG_DIR"
printf 'InitiatorName=iqn.2016-04.com.open-iscsi:lunlinktest\n' >"$ISCSI_CONFIG_DIR/initiatorname.iscsi"
: >"$ISCSI_CONFIG_DIR/iscsid.conf"

PASS=0
FAIL=0

_cleanup() {
	trap '' INT TERM
	fake_stop
	rm -rf "$TESTDIR"
}
trap _cleanup EXIT
trap 'exit 1' INT TERM

run() {
	OUT=$("$ISCSIADM" "$@" 2>"$TESTDIR/stderr")
	RC=$?
	ERR=$(cat "$TESTDIR/stderr")
}

check() {
	local name=$1
	shift
	if "$@"; then
		PASS=$((PASS + 1))
		echo "ok - $name"
	else
		FAIL=$((FAIL + 1))
		echo "not ok - $name"
		echo "#   rc=$RC"
		echo "#   stdout: ${OUT//$'\n'/$'\n'#           }"
		echo "#   stderr: ${ERR//$'\n'/$'\n'#           }"
	fi
}

expect_rc() { check "$1" [ "$RC" = "$2" ]; }
expect_out() { check "$1" [ "$OUT" = "$2" ]; }
not() { ! "$@"; }
_has_line() { grep -qxF -- "$2" <<<"$1"; }
expect_err() { check "$1" _has_line "$ERR" "$2"; }
expect_out_line() { check "$1" _has_line "$OUT" "$2"; }

fake_start() {
	rm -f "$TESTDIR/ready" "$FAKE_LOG"
	"$FAKE_ISCSID" --log "$FAKE_LOG" --ready "$TESTDIR/ready" "$@" &
	FAKE_PID=$!
	for _ in $(seq 1 100); do
		[ -e "$TESTDIR/ready" ] && return 0
		sleep 0.05
	done
	echo "fake_iscsid did not start" >&2
	return 1
}

fake_stop() {
	if [ -n "$FAKE_PID" ]; then
		kill "$FAKE_PID" 2>/dev/null
		wait "$FAKE_PID" 2>/dev/null
	fi
	FAKE_PID=
}

finish() {
	echo "# $PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
	exit $?
}
