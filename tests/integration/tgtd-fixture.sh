# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# tgtd-fixture.sh: run a private tgtd on 127.0.0.1, for the host integration
# tests and for the VM tests (tests/vm) alike.  Source it from bash, then:
#
#   tgtd_start                     start tgtd on a free port; sets TGTD_PORT,
#                                  TGTD_CPORT (control socket number), TGTD_DIR
#                                  (temp dir: socket, log, LUN files), TGTD_PID;
#                                  returns 77 when tgtd is not installed
#   tgtd_start_or_exit             tgtd_start, or say why and exit 1 (a missing
#                                  tgtd is a broken setup, never a skip)
#   tgtd_add_target TID IQN [SIZE] target with a file-backed LUN 1 (tgtd's LUN 0
#                                  is its controller), open to all; SIZE as for
#                                  truncate -s (bytes, or 16M), default 16M
#   tgtd_lun_file TID              the backing file of that LUN
#   tgtd_add_account USER PASS     create a CHAP account
#   tgtd_bind_account TID USER [--outgoing]
#                                  TID "" binds to discovery (global) sessions
#   tgtd_unbind_account TID USER [--outgoing]
#   tgtd_adm ARGS...               raw tgtadm on this instance (--lld iscsi added)
#   tgtd_stop                      stop tgtd and remove TGTD_DIR (idempotent)
#
# Every instance has its own control socket under TGTD_DIR (TGT_IPC_SOCKET)
# and its own port, so several test runs can work at the same time.  tgtd
# ignores SIGTERM: tgtd_stop deletes the targets and asks tgtd to exit, and
# falls back to SIGKILL.  Callers should call tgtd_stop from an EXIT trap that
# first ignores INT and TERM (see run-login-tgtd.sh), so cleanup always finishes.
# Only 127.0.0.1 is ever used.

TGTD_DIR=
TGTD_PORT=
TGTD_CPORT=
TGTD_PID=

tgtd_adm() {
	TGT_IPC_SOCKET="$TGTD_DIR/socket" tgtadm -C "$TGTD_CPORT" --lld iscsi "$@"
}

_tgtd_port_busy() {
	[ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]
}

_tgtd_listening() {
	ss -Htlnp "sport = :$1" 2>/dev/null | grep -q "pid=$2,"
}

# Starts one tgtd on PORT/CPORT; 0 once it answers and listens.
_tgtd_try() {
	local port=$1 cport=$2 i
	TGTD_PORT=$port
	TGTD_CPORT=$cport
	TGT_IPC_SOCKET="$TGTD_DIR/socket" tgtd -f -C "$cport" \
		--iscsi "portal=127.0.0.1:$port" >>"$TGTD_DIR/tgtd.log" 2>&1 &
	TGTD_PID=$!
	for i in $(seq 1 50); do
		if ! kill -0 "$TGTD_PID" 2>/dev/null; then
			wait "$TGTD_PID" 2>/dev/null
			TGTD_PID=
			return 1
		fi
		if tgtd_adm --mode target --op show >/dev/null 2>&1 &&
		   _tgtd_listening "$port" "$TGTD_PID"; then
			return 0
		fi
		sleep 0.1
	done
	kill -9 "$TGTD_PID" 2>/dev/null
	wait "$TGTD_PID" 2>/dev/null
	TGTD_PID=
	return 1
}

tgtd_start() {
	local attempt port cport
	command -v tgtd >/dev/null && command -v tgtadm >/dev/null || return 77
	command -v ss >/dev/null || return 77
	TGTD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lunlink-tgtd.XXXXXX") || return 1
	for attempt in $(seq 1 20); do
		port=$(( 20000 + (RANDOM * 32768 + RANDOM + $$) % 40000 ))
		# tgtd accepts control numbers up to 32767.
		cport=$(( 1000 + (RANDOM + $$ + attempt) % 30000 ))
		_tgtd_port_busy "$port" && continue
		_tgtd_try "$port" "$cport" && return 0
	done
	echo "tgtd-fixture: could not start tgtd (log: $TGTD_DIR/tgtd.log)" >&2
	return 1
}

tgtd_start_or_exit() {
	tgtd_start
	case $? in
	0) return 0 ;;
	77) echo "FAIL: tgtd/tgtadm or ss is not installed (run scripts/deps.sh)" >&2 ;;
	*) echo "FAIL: tgtd did not start" >&2 ;;
	esac
	exit 1
}

tgtd_lun_file() { echo "$TGTD_DIR/lun$1.img"; }

tgtd_add_target() {
	local tid=$1 iqn=$2 size=${3:-16M}
	truncate -s "$size" "$(tgtd_lun_file "$tid")" &&
	tgtd_adm --mode target --op new --tid "$tid" --targetname "$iqn" &&
	tgtd_adm --mode logicalunit --op new --tid "$tid" --lun 1 \
		--backing-store "$(tgtd_lun_file "$tid")" &&
	tgtd_adm --mode target --op bind --tid "$tid" --initiator-address ALL
}

tgtd_add_account() {
	tgtd_adm --mode account --op new --user "$1" --password "$2"
}

tgtd_bind_account() {
	local tid=$1 user=$2
	shift 2
	if [ -n "$tid" ]; then
		tgtd_adm --mode account --op bind --tid "$tid" --user "$user" "$@"
	else
		tgtd_adm --mode account --op bind --user "$user" "$@"
	fi
}

tgtd_unbind_account() {
	local tid=$1 user=$2
	shift 2
	if [ -n "$tid" ]; then
		tgtd_adm --mode account --op unbind --tid "$tid" --user "$user" "$@"
	else
		tgtd_adm --mode account --op unbind --user "$user" "$@"
	fi
}

tgtd_stop() {
	local i tid
	if [ -n "$TGTD_PID" ] && kill -0 "$TGTD_PID" 2>/dev/null; then
		for tid in $(tgtd_adm --mode target --op show 2>/dev/null |
			     sed -n 's/^Target \([0-9]*\):.*/\1/p'); do
			tgtd_adm --mode target --op delete --force --tid "$tid" >/dev/null 2>&1
		done
		TGT_IPC_SOCKET="$TGTD_DIR/socket" tgtadm -C "$TGTD_CPORT" \
			--op delete --mode system >/dev/null 2>&1
		for i in $(seq 1 30); do
			kill -0 "$TGTD_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$TGTD_PID" 2>/dev/null
		wait "$TGTD_PID" 2>/dev/null
	fi
	TGTD_PID=
	if [ -n "$TGTD_DIR" ] && [ -d "$TGTD_DIR" ]; then
		rm -rf "$TGTD_DIR"
	fi
	TGTD_DIR=
}
