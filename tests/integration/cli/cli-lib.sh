# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# cli-lib.sh: helpers for the iscsiadm integration tests.  Source it with
# the iscsiadm and fake_iscsid paths in $1 and $2.  Every test script gets a
# private ISCSI_CONFIG_DIR and ISCSID_SOCKET under a temp dir (removed on
# exit), so tests never touch /etc/iscsi and can run in parallel.
#
#   run ARGS...            runs iscsiadm; sets OUT, ERR (text) and RC
#   check NAME COND...     one named check: COND is one command (a test, grep,
#                          a function); counts pass/fail and returns COND's
#                          status.  Everything the check asserts must be in
#                          COND: in `check NAME A && B`, B is no part of it.
#   expect_rc NAME N       check "$RC" = N
#   expect_out NAME TEXT   check stdout is exactly TEXT
#   expect_err NAME TEXT   check stderr contains the line TEXT
#   fake_start ARGS...     start fake_iscsid (FAKE_LOG is its request log)
#   fake_stop              stop it
#   iscsid_start CMD...    start a real iscsid (CMD: its path and options;
#                          log in ISCSID_LOG), wait for its socket; stopped
#                          on exit
#   at_exit CMD            cleanup command, run (newest first) on exit
#   finish                 prints the summary and exits 0, or 1 when a check
#                          failed or none ran; a script that exits without
#                          calling finish fails too

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

OUT=
ERR=
RC=
PASS=0
FAIL=0
_FINISHED=0
_AT_EXIT=()

at_exit() { _AT_EXIT+=("$1"); }

_cleanup() {
	local status=$? i
	trap '' INT TERM
	fake_stop
	_iscsid_stop
	for ((i = ${#_AT_EXIT[@]} - 1; i >= 0; i--)); do
		eval "${_AT_EXIT[i]}" || true
	done
	rm -rf "$TESTDIR"
	if [ "$_FINISHED" = 0 ]; then
		echo "# the script ended before finish (status $status)"
		[ "$status" != 0 ] || status=1
	fi
	exit "$status"
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
		return 0
	fi
	FAIL=$((FAIL + 1))
	echo "not ok - $name"
	echo "#   rc=$RC"
	echo "#   stdout: ${OUT//$'\n'/$'\n'#           }"
	echo "#   stderr: ${ERR//$'\n'/$'\n'#           }"
	return 1
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

ISCSID_PID=
ISCSID_LOG="$TESTDIR/iscsid.log"
iscsid_start() {
	# setsid: iscsid signals its whole process group when it stops.
	setsid "$@" >"$ISCSID_LOG" 2>&1 &
	ISCSID_PID=$!
	for _ in $(seq 1 100); do
		[ -S "$ISCSID_SOCKET" ] && return 0
		sleep 0.05
	done
	return 1
}

_iscsid_stop() {
	[ -n "$ISCSID_PID" ] || return 0
	kill "$ISCSID_PID" 2>/dev/null
	wait "$ISCSID_PID" 2>/dev/null
	ISCSID_PID=
}

fake_stop() {
	if [ -n "$FAKE_PID" ]; then
		kill "$FAKE_PID" 2>/dev/null
		wait "$FAKE_PID" 2>/dev/null
	fi
	FAKE_PID=
}

finish() {
	_FINISHED=1
	if [ "$PASS" = 0 ] && [ "$FAIL" = 0 ]; then
		# (never "1..0": TAP reads that as "all skipped")
		echo "Bail out! no check ran"
		exit 1
	fi
	echo "1..$((PASS + FAIL))"
	echo "# $PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
	exit $?
}
