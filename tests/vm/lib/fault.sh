# shellcheck shell=bash
# Fault injection and a writer of known data, for the recovery tests in the
# VM guest. Source after lib/assert.sh, lib/vm.sh, lib/lio.sh and
# lib/lunlink.sh.
#
#   flt_start MODULES IQN SIZE [IQN SIZE]...
#                                   the build, modprobe -a MODULES, one LIO
#                                   target per IQN (one LUN of SIZE, port
#                                   3260), iscsid; ends the test on failure
#   flt_cleanup                     the at_exit handler: stops the writer
#                                   (10 s), lifts netem from lo, stops
#                                   iscsid, removes every LIO target
#   flt_login IQN [NAME VALUE]...   discovery, set each node key, login; sets
#                                   SID, DISK (fails the test and returns 1
#                                   when no disk appears)
#   flt_writer_start DEV MIB        writes numbered 1 MiB blocks with O_DIRECT
#                                   into the first MIB MiB of DEV, in a loop,
#                                   until flt_writer_stop; sets FLT_WRITER_PID
#   flt_writer_writes               writes logged so far (completed ones)
#   flt_writer_wait_writes N [S]    wait (S s, default 60) until N more writes
#                                   completed successfully
#   flt_writer_stop [S]             stop it (lets the current write finish);
#                                   1 if it is still stuck after S s (120)
#   flt_writer_stats                sets FLT_WRITES, FLT_ERRORS, FLT_STALL_US
#                                   (longest single write), FLT_FIRST_ERR_US
#                                   (end time of the first failed write, 0 if
#                                   none), FLT_LATER_ERR_MAX_US (longest
#                                   failed write after the first)
#   flt_writer_verify NAME          read the region back and check every
#                                   block holds its last successful write
#   flt_sess_state SID / flt_conn_state SID   sysfs states ("" when gone)
#   flt_wait_state SID STATE S      poll until the session state is STATE
#   flt_kill_conn                   ss -K the initiator's connection(s) to
#                                   127.0.0.1:3260; prints how many died
#   flt_local_port                  local port of the established connection
#   flt_target_sessions IQN         sessions LIO holds for target IQN (a
#                                   reinstated session replaces the old one)
#   flt_metric NAME T0_US [T1_US]   prints "METRIC NAME=seconds" (T1 = now)
#   flt_us_to_s US                  "S.mmm"
#
# The writer: write number k (from 0) goes to block k % MIB and carries
# chunk k % (MIB + 1) of a random pattern file, so every pass over the
# region writes different data: a lost or misplaced write leaves a block
# whose content does not match the last write the log says succeeded. Each
# write is one `dd oflag=direct`, logged as "k start_us end_us status"
# (status 99: the device node was gone).

FLT_DIR=${FLT_DIR:-/tmp/flt}
FLT_WRITER_PID=
FLT_P=127.0.0.1

flt_us_to_s() { printf '%d.%03d\n' $(($1 / 1000000)) $((($1 % 1000000) / 1000)); }

flt_metric() { # flt_metric NAME T0_US [T1_US]
	local t1=${3:-$(vm_now)}
	echo "METRIC $1=$(flt_us_to_s $((t1 - $2)))"
}

flt_start() { # flt_start MODULES IQN SIZE [IQN SIZE]...
	local mods=$1
	shift
	ll_require_build
	# shellcheck disable=SC2086 # a list of modules
	modprobe -a $mods
	lio_load || { not_ok "LIO loaded"; done_testing; }
	while (($# >= 2)); do
		lio_create_target "$1" 3260 "$2" || { not_ok "LIO target $1 configured"; done_testing; }
		shift 2
	done
	ll_start_iscsid || { not_ok "iscsid started"; done_testing; }
	ok "iscsid started"
}

# Whatever state a fault test stopped in (writer stuck in D state, lo
# dropping everything, a session in recovery), leave the guest clean
# enough for the next at_exit handlers (diagnostics) to run.
flt_cleanup() {
	flt_writer_stop 10
	tc qdisc del dev lo root 2>/dev/null
	ll_stop_iscsid
	lio_teardown
}

flt_login() { # flt_login IQN [NAME VALUE]...
	local iqn=$1
	shift
	expect_exit 0 iscsiadm -m discovery -t st -p "$FLT_P" || return 1
	while (($# >= 2)); do
		ll_node_update "$iqn" "$FLT_P" "$1" "$2" ||
			{ not_ok "node update $1=$2"; return 1; }
		shift 2
	done
	expect_exit 0 iscsiadm -m node -T "$iqn" -p "$FLT_P" --login || return 1
	if ! vm_wait_for 20 ll_disk_of "$iqn"; then
		not_ok "a disk appears after login to $iqn"
		return 1
	fi
	SID=$(ll_sid_of "$iqn")
	ok "logged in to $iqn: session $SID, /dev/$DISK"
}

flt_sess_state() { cat "/sys/class/iscsi_session/session$1/state" 2>/dev/null; }
flt_conn_state() { cat "/sys/class/iscsi_connection/connection$1:0/state" 2>/dev/null; }
_flt_state_is() { [[ $(flt_sess_state "$1") == "$2" ]]; }
flt_wait_state() { vm_wait_for "$3" _flt_state_is "$1" "$2"; }

flt_local_port() {
	ss -Htn state established dst 127.0.0.1 dport = 3260 2>/dev/null |
		awk '{ n = split($3, a, ":"); print a[n]; exit }'
}

flt_target_sessions() { grep -c . "$LIO_CFS/iscsi/$1/tpgt_1/dynamic_sessions"; }

flt_kill_conn() {
	# ss lists each killed socket.
	ss -HtnK state established dst 127.0.0.1 dport = 3260 2>/dev/null | grep -c .
}

_flt_writer_loop() { # dev mib pattern log
	local dev=$1 mib=$2 pat=$3 log=$4 k=0 t0 rc
	while [[ ! -e $FLT_DIR/stop ]]; do
		t0=$(vm_now)
		# Once the disk is gone, dd would create a regular file there.
		if [[ -b $dev ]]; then
			dd if="$pat" of="$dev" bs=1M count=1 skip=$((k % (mib + 1))) \
				seek=$((k % mib)) oflag=direct conv=notrunc status=none \
				2>>"$FLT_DIR/writer.err"
			rc=$?
		else
			rc=99
		fi
		echo "$k $t0 $(vm_now) $rc" >>"$log"
		# A dead disk fails at once: don't spin.
		((rc == 0)) || vm_sleep 0.2
		k=$((k + 1))
	done
}

flt_writer_start() { # flt_writer_start DEV MIB
	mkdir -p "$FLT_DIR"
	rm -f "$FLT_DIR/stop" "$FLT_DIR/writer.log" "$FLT_DIR/writer.err"
	: >"$FLT_DIR/writer.log"
	FLT_DEV=$1 FLT_MIB=$2
	[[ -f $FLT_DIR/pattern && $(stat -c %s "$FLT_DIR/pattern") == $(((FLT_MIB + 1) << 20)) ]] ||
		head -c $(((FLT_MIB + 1) << 20)) /dev/urandom >"$FLT_DIR/pattern"
	_flt_writer_loop "$FLT_DEV" "$FLT_MIB" "$FLT_DIR/pattern" "$FLT_DIR/writer.log" &
	FLT_WRITER_PID=$!
}

flt_writer_writes() { local n; n=$(wc -l <"$FLT_DIR/writer.log"); echo "$n"; }

_flt_ok_writes() { awk '$4 == 0' "$FLT_DIR/writer.log" | wc -l; }
_flt_ok_at_least() { (($(_flt_ok_writes) >= $1)); }

flt_writer_wait_writes() { # flt_writer_wait_writes N [S]
	local want=$(($(_flt_ok_writes) + $1))
	vm_wait_for "${2:-60}" _flt_ok_at_least "$want"
}

_flt_writer_gone() { ! kill -0 "$FLT_WRITER_PID" 2>/dev/null; }

# Returns 1 when the writer is still stuck in a write after S seconds.
flt_writer_stop() { # flt_writer_stop [S]
	[[ -n $FLT_WRITER_PID ]] || return 0
	touch "$FLT_DIR/stop"
	vm_wait_for "${1:-120}" _flt_writer_gone || return 1
	wait "$FLT_WRITER_PID" 2>/dev/null
	FLT_WRITER_PID=
}

flt_writer_stats() {
	local k t0 t1 rc
	# shellcheck disable=SC2034 # results for the caller
	FLT_WRITES=0 FLT_ERRORS=0 FLT_STALL_US=0 FLT_FIRST_ERR_US=0 FLT_LATER_ERR_MAX_US=0
	while read -r k t0 t1 rc; do
		FLT_WRITES=$((FLT_WRITES + 1))
		((t1 - t0 > FLT_STALL_US)) && FLT_STALL_US=$((t1 - t0))
		((rc == 0)) && continue
		FLT_ERRORS=$((FLT_ERRORS + 1))
		if ((FLT_FIRST_ERR_US == 0)); then
			FLT_FIRST_ERR_US=$t1
		elif ((t1 - t0 > FLT_LATER_ERR_MAX_US)); then
			FLT_LATER_ERR_MAX_US=$((t1 - t0))
		fi
	done <"$FLT_DIR/writer.log"
}

# Each block must hold the chunk of the last write to it that succeeded. A
# block whose last write failed is skipped (its content is undefined).
flt_writer_verify() { # flt_writer_verify NAME
	local name=$1 k t0 t1 rc b bad=0 checked=0
	local -a last=() failed=()
	while read -r k t0 t1 rc; do
		b=$((k % FLT_MIB))
		if ((rc == 0)); then
			last[b]=$k
			failed[b]=0
		else
			failed[b]=1
		fi
	done <"$FLT_DIR/writer.log"
	if ! dd if="$FLT_DEV" of="$FLT_DIR/readback" bs=1M count="$FLT_MIB" iflag=direct \
		status=none; then
		not_ok "$name: region read back"
		return 1
	fi
	for ((b = 0; b < FLT_MIB; b++)); do
		[[ -n ${last[b]:-} && ${failed[b]} == 0 ]] || continue
		checked=$((checked + 1))
		cmp -s -n $((1 << 20)) -i "$(((last[b] % (FLT_MIB + 1)) << 20)):$((b << 20))" \
			"$FLT_DIR/pattern" "$FLT_DIR/readback" && continue
		bad=$((bad + 1))
		diag "$name: block $b does not hold write ${last[b]}"
	done
	rm -f "$FLT_DIR/readback"
	if ((checked == 0)); then
		not_ok "$name: some blocks verified" "no block had a successful last write"
		return 1
	fi
	expect_eq "$bad" 0 "$name: all $checked written blocks hold their last write"
}
