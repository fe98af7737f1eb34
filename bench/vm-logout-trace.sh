#!/bin/bash
# Where one --logoutall (and one recovery storm) spends its time (runs in
# the test VM; start it with `bench/run.sh trace N`): N targets, lunlink's
# --loginall, then one target's outage (storm1), a storm and a --logoutall
# with iscsid's debug log
# time-stamped (LUNLINK_LOG_TIME), and the number of sessions left sampled
# every 250 ms; then the same logout by open-iscsi (LUNLINK_BENCH_WHO).
# The logs land in $TMPDIR/lunlink-bench-trace-N/: iscsid.log (each
# session's steps and every netlink request that blocked for 2 ms or more,
# at debug level 2), marks (phase starts and ends on the same clock) and
# NAME.samples ("uptime sessions logged-in" lines).
# LUNLINK_BENCH_NO_STORM=1 skips both storms; LUNLINK_BENCH_STRACE=1 keeps
# strace -f -tt -T of each iscsid's netlink and socket calls during the
# logout (NAME.strace) to compare the kernel's time per call side by side
# (any other value: strace's own -e trace= set, "all" for every call).
# Each storm (from re-enabling to all LOGGED_IN) and each --logoutall also
# get CPU accounting:
# the guest's idle share (/proc/stat) and the CPU time of each thread class
# (cls in cpu_report below) from /proc/*/task/*/stat, as METRIC lines and
# NAME.cpu (per thread); the bench shell's share of it is split into the
# loop that re-enables the TPGs (LIO's work, done in that shell's writes to
# configfs) and its wait. LUNLINK_BENCH_STORMS lists the storms each
# initiator gets, by how the bench waits for all LOGGED_IN: "walk" (the
# every-session walk of scl_sessions every 0.1 s, the wait before
# 2026-12-07) and "pending" (scl_wait_up: only the states not yet seen up);
# default "walk pending" (NAME storm_ll_walk1, storm_ll_pending2).
# The 250 ms sampler (~1 ms per state read under TCG) runs in the storms
# only with LUNLINK_BENCH_SAMPLE=1;
# LUNLINK_BENCH_STORM1=K repeats storm1 K times (its time is the phase of
# the retry pause when the TPG returns, so it varies by up to 2 s).
# LUNLINK_BENCH_STRACE_STORM=1 counts every system call of the iscsid
# (strace -c -f) from re-enabling to all LOGGED_IN in each storm
# (NAME.strace-c; slows the storm, so its time is not comparable); any
# other value is strace's -e trace= set, each call logged (NAME.strace).
# LUNLINK_BENCH_WRITERS=K (default 0) runs K writers of known data (the
# dd O_DIRECT loops of tests/vm/lib/fault.sh, on the disks of targets 1..K,
# as bench/vm-scale.sh's storm) through each storm: started before the
# TPGs go down, checked for no failed write and every block read back
# after it; their loops and dd show as the class "writers", and marks gets
# "writer K SID" lines. open-iscsi's iscsid log (oi-iscsid.log) gets the
# same monotonic time stamp per line as lunlink's.
set -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/guest-libs.sh"

N=${1:-64}
P=127.0.0.1
BASE=iqn.2003-01.org.lunlink.test:scale
OUTD=${LUNLINK_VM_OUT:-/tmp/trace}
LL_DEBUG=${LUNLINK_BENCH_DEBUG:-2}
export LUNLINK_LOG_TIME=1
OI_PID=

mono() { local up _; read -r up _ </proc/uptime; echo "$up"; }

# shell_ticks [all]: TICKS = the bench shell's own utime + stime (all: and
# that of its reaped children); no fork, which would count itself
shell_ticks() {
	local st f
	read -r st <"/proc/$$/stat"
	read -ra f <<<"${st##*) }"
	TICKS=$((f[11] + f[12]))
	[[ ${1:-} != all ]] || TICKS=$((TICKS + f[13] + f[14]))
}

# cpu_snap FILE: the guest's "cpu" line of /proc/stat, then "tid pid comm
# ticks" for every thread (utime + stime; a process's line also counts its
# reaped children, cutime + cstime: the bench shell's subshells).
cpu_snap() {
	local cpu
	read -r cpu </proc/stat # the first line is the sum over the CPUs
	{
		echo "$cpu"
		awk '{
			o = index($0, "("); c = length($0)
			while (substr($0, c, 1) != ")") c--
			comm = substr($0, o + 1, c - o - 1); gsub(/ /, "_", comm)
			n = split(substr($0, c + 2), f, " ")
			t = f[12] + f[13]
			split(FILENAME, p, "/")
			if (p[3] == p[5]) t += f[14] + f[15]
			print p[5], p[3], comm, t
		}' /proc/[0-9]*/task/[0-9]*/stat 2>/dev/null
	} >"$1"
	# a window's first snapshot: the shell again, now that it has reaped
	# that awk, so the walk over every thread is not billed to the storm
	[[ ${2:-} != start ]] || { shell_ticks all && echo "$$ $$ bash $TICKS" >>"$1"; }
}

# cpu_report NAME BEFORE AFTER: METRIC lines of the window between two
# snapshots: idle share, and CPU seconds by class (threads that ended in
# between are missing; "unaccounted" is the busy time nobody listed had).
cpu_report() {
	local w=" " spec
	for spec in "${SCL_WRITERS[@]}"; do w+="${spec%%:*} "; done
	awk -v name="$1" -v n="$N" -v self="$$" -v hz="$(getconf CLK_TCK)" -v writers="$w" '
	function cls(comm, pid) {
		if (comm == "dd" || index(writers, " " pid " ")) return "writers"
		if (comm ~ /^iscsid$/) return "iscsid"
		if (comm ~ /^iscsi_(trx|ttx|np)$/) return "lio_" substr(comm, 7)
		if (comm ~ /^kworker/) return "kworker"
		if (comm ~ /udev/) return "udev"
		if (pid == self) return "bench_shell"
		if (comm ~ /^(bash|sleep|awk|cat)$/) return "bench_other"
		if (comm ~ /^(ksoftirqd|rcu_|migration|idle_inject)/) return "kernel_other"
		return "other"
	}
	FNR == 1 {
		busy = 0; for (i = 2; i <= NF; i++) if (i != 5 && i != 6) busy += $i
		if (FILENAME == ARGV[1]) { b0 = busy; i0 = $5 + $6 } else { b1 = busy; i1 = $5 + $6 }
		next
	}
	FILENAME == ARGV[1] { before[$1] = $4; next }
	{
		d = $4 - before[$1]
		if (d <= 0) next
		c = cls($3, $2); sum[c] += d; all += d
		print $1, $2, $3, c, d > ENVIRON["CPU_DETAIL"]
	}
	END {
		tot = (b1 - b0) + (i1 - i0)
		if (tot <= 0) tot = 1
		printf "METRIC trace_n%s_%s_cpu_idle_pct=%.1f\n", n, name, 100 * (i1 - i0) / tot
		printf "METRIC trace_n%s_%s_cpu_total_s=%.2f\n", n, name, tot / hz
		for (c in sum) printf "METRIC trace_n%s_%s_cpu_%s_s=%.2f\n", n, name, c, sum[c] / hz
		printf "METRIC trace_n%s_%s_cpu_unaccounted_s=%.2f\n", n, name, ((b1 - b0) - all) / hz
	}' "$2" "$3"
}

# sample FILE: every 250 ms "uptime sessions up" until killed (the states
# only, no fork: it shares the vCPU with what it watches)
sample() {
	local up _
	while :; do
		_scl_up_walk
		read -r up _ </proc/uptime
		echo "$up $SCL_SESS $SCL_UP"
		vm_sleep 0.25
	done >"$1"
}

# strace_on NAME PID: strace's pid in STRACE_PID once it is attached
strace_on() {
	STRACE_PID=
	[[ -n ${LUNLINK_BENCH_STRACE:-} ]] || return 0
	local set=sendmsg,recvmsg,sendto,recvfrom,write,connect,close
	[[ $LUNLINK_BENCH_STRACE == 1 ]] || set=$LUNLINK_BENCH_STRACE
	strace -f -tt -T -e "trace=$set" -o "$OUTD/$1.strace" -p "$2" 2>/dev/null &
	STRACE_PID=$!
	vm_sleep 1
}
# strace_count_on NAME: strace -c of STORM_PID's iscsid (all threads)
strace_count_on() {
	STRACE_PID=
	[[ -n ${LUNLINK_BENCH_STRACE_STORM:-} ]] || return 0
	if [[ $LUNLINK_BENCH_STRACE_STORM == 1 ]]; then
		strace -c -f -o "$OUTD/$1.strace-c" -p "$STORM_PID" 2>/dev/null &
	else
		strace -f -tt -e "trace=$LUNLINK_BENCH_STRACE_STORM" -o "$OUTD/$1.strace" \
			-p "$STORM_PID" 2>/dev/null &
	fi
	STRACE_PID=$!
	vm_sleep 1
}
strace_off() {
	[[ -n $STRACE_PID ]] || return 0
	kill -INT "$STRACE_PID"
	wait "$STRACE_PID" 2>/dev/null
}

# traced_cpu NAME CMD...: traced, with the CPU accounting of the storms
# around it (the report made after the timed window)
traced_cpu() {
	local name=$1
	cpu_snap "$OUTD/$name.cpu0" start
	traced "$@"
	cpu_snap "$OUTD/$name.cpu1"
	CPU_DETAIL=$OUTD/$name.cpu cpu_report "$name" "$OUTD/$name.cpu0" "$OUTD/$name.cpu1"
}

traced() { # traced NAME CMD...
	local name=$1 sp= t0
	shift
	if [[ ${LUNLINK_BENCH_SAMPLE:-1} != 0 ]]; then
		sample "$OUTD/$name.samples" &
		sp=$!
	fi
	echo "$(mono) $name start" >>"$OUTD/marks"
	t0=$(vm_now)
	"$@"
	echo "METRIC trace_n${N}_${name}_s=$(vm_seconds_since "$t0")"
	echo "$(mono) $name end" >>"$OUTD/marks"
	[[ -z $sp ]] || { kill "$sp"; wait "$sp" 2>/dev/null; }
}

ll_logout() {
	iscsiadm -m node --logoutall=all >/dev/null 2>&1 || not_ok "logoutall"
	scl_wait_none 600 || not_ok "no session left"
}
# the wait of the storms before 2026-12-07: every session's walk each 0.1 s
_walk_up() { scl_sessions && ((SCL_UP >= $1)); }
walk_wait_up() { _scl_poll "$2" _walk_up "$1"; }

# storm NAME walk|pending: every TPG down 5 s; METRIC NAME_up_s from
# re-enabling to all LOGGED_IN, and the CPU accounting of that window.
storm() {
	local t0 k0 k1 wait=scl_wait_up
	[[ $2 == walk ]] && wait=walk_wait_up
	writers_start "$1" || return
	scl_lio_enable "$BASE" "$N" 0
	vm_sleep 5
	echo "$(mono) enable" >>"$OUTD/marks"
	cpu_snap "$OUTD/$1.cpu0" start
	t0=$(vm_now)
	shell_ticks && k0=$TICKS
	strace_count_on "$1"
	scl_lio_enable "$BASE" "$N" 1
	shell_ticks && k1=$TICKS
	echo "$(mono) enabled" >>"$OUTD/marks"
	$wait "${STORM_N:-$N}" 600 || not_ok "$1: all LOGGED_IN after the storm"
	echo "METRIC trace_n${N}_${1}_up_s=$(vm_seconds_since "$t0")"
	strace_off
	cpu_snap "$OUTD/$1.cpu1"
	echo "METRIC trace_n${N}_${1}_cpu_bench_enable_s=$(((k1 - k0) * 100 / $(getconf CLK_TCK)))e-2"
	CPU_DETAIL=$OUTD/$1.cpu cpu_report "$1" "$OUTD/$1.cpu0" "$OUTD/$1.cpu1"
	writers_finish "$1"
}
# writers_start NAME: LUNLINK_BENCH_WRITERS writers, each seen writing
writers_start() {
	local k=${LUNLINK_BENCH_WRITERS:-0} w
	((k > 0)) || return 0
	scl_writers_start "$BASE" "$k" 8 || return 1
	for ((w = 1; w <= k; w++)); do
		echo "$(mono) writer $w $(ll_sid_of "$BASE-$w")" >>"$OUTD/marks"
	done
	scl_writers_wait 3 60 || not_ok "$1: writers running before the outage"
}
writers_finish() { # writers_finish NAME: they go on, then stop and verify
	((${#SCL_WRITERS[@]})) || return 0
	scl_writers_wait 3 120 || not_ok "$1: writers go on after the outage"
	scl_writers_finish "$1"
}
storms() { # storms ll|oi: each one of LUNLINK_BENCH_STORMS, numbered
	local w i=0
	for w in ${LUNLINK_BENCH_STORMS:-walk pending}; do
		i=$((i + 1))
		LUNLINK_BENCH_SAMPLE=${LUNLINK_BENCH_SAMPLE:-0} \
			traced "storm_$1_$w$i" storm "storm_$1_$w$i" "$w"
	done
}
# all_storms ll|oi: storm1 LUNLINK_BENCH_STORM1 times, then the storms
all_storms() {
	local i
	for ((i = 0; i < ${LUNLINK_BENCH_STORM1:-1}; i++)); do storm1 "$1"; done
	storms "$1"
}

# storm1: one target's TPG disabled 5 s; from re-enabling to LOGGED_IN
storm1() {
	local iqn=$BASE-$N sid t0
	sid=$(ll_sid_of "$iqn")
	lio_disable "$iqn"
	vm_sleep 5
	t0=$(vm_now)
	lio_enable "$iqn"
	flt_wait_state "$sid" LOGGED_IN 120 || not_ok "storm1: session $sid LOGGED_IN again"
	echo "METRIC trace_n${N}_storm1_$1_s=$(vm_seconds_since "$t0")"
}
stamp() { # each line of stdin with the monotonic time in front (no fork)
	local l up _
	while IFS= read -r l; do
		read -r up _ </proc/uptime
		echo "$up $l"
	done
}
oi_logout() {
	/usr/sbin/iscsiadm -m node --logoutall=all >/dev/null 2>&1 || diag "oi logoutall failed"
	scl_wait_none 600 || not_ok "open-iscsi: no session left"
}

mkdir -p "$OUTD"
: >"$OUTD/marks"
ll_require_build
lio_load && scl_make_targets "$BASE" "$N" 16M || { not_ok "LIO targets"; done_testing; }
modprobe -a iscsi_tcp sd_mod
echo "$(mono) boot-ref" >>"$OUTD/marks"
for who in ${LUNLINK_BENCH_WHO:-lunlink}; do
	if [[ $who == lunlink ]]; then
		ll_start_iscsid || not_ok "iscsid"
		iscsiadm -m discovery -t st -p "$P" >/dev/null || not_ok "discovery"
		iscsiadm -m node --loginall=all >/dev/null 2>&1 || not_ok "loginall"
		scl_wait_disks "$N" 600 || not_ok "all disks"
		STORM_PID=$LL_ISCSID_PID
		[[ -n ${LUNLINK_BENCH_NO_STORM:-} ]] || all_storms ll
		strace_on logout_ll "$LL_ISCSID_PID"
		traced_cpu logout_ll ll_logout
		strace_off
		ll_stop_iscsid
		cp "$LL_ISCSID_LOG" "$OUTD/iscsid.log"
	else
		rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets
		mkdir -p /etc/iscsi
		echo "InitiatorName=iqn.2005-03.org.open-iscsi:lunlink-vm" >/etc/iscsi/initiatorname.iscsi
		# its log lines carry no time: stamp them on the clock of marks
		setsid /usr/sbin/iscsid -f > >(stamp >>"$OUTD/oi-iscsid.log") 2>&1 &
		OI_PID=$!
		vm_wait_for 10 grep -q ISCSIADM_ABSTRACT_NAMESPACE /proc/net/unix
		/usr/sbin/iscsiadm -m discovery -t st -p "$P" >/dev/null || not_ok "oi discovery"
		# open-iscsi's --loginall of 256 can take minutes: LUNLINK_BENCH_CAP
		# bounds it, and its logout is then traced with the sessions it made
		timeout "${LUNLINK_BENCH_CAP:-600}" /usr/sbin/iscsiadm -m node --loginall=all \
			>/dev/null 2>&1
		scl_sessions
		echo "METRIC trace_n${N}_oi_sessions=$SCL_SESS"
		scl_wait_disks "$SCL_SESS" 120 || not_ok "oi a disk for each of its sessions"
		STORM_PID=$OI_PID
		[[ -n ${LUNLINK_BENCH_NO_STORM:-} ]] || STORM_N=$SCL_SESS all_storms oi
		strace_on logout_oi "$OI_PID"
		traced_cpu logout_oi oi_logout
		strace_off
		kill "$OI_PID"
	fi
done
ok "traced $N sessions"
done_testing
