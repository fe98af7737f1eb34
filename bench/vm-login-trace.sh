#!/bin/bash
# Where lunlink's --loginall of N targets spends its time, and what iscsid
# keeps per session (runs in the test VM; start it with
# `bench/run.sh logintrace N`, reports land in
# $TMPDIR/lunlink-bench-logintrace-N/).
#
#   progress   every 5 s during --loginall: sessions in sysfs, /dev/sdX
#              nodes, iscsid's RSS and threads. Counted with one directory
#              read each, so the watching itself costs next to nothing
#              (the bench's per-session walk is timed apart: "walk").
#   perf       `perf record -a` over the whole --loginall (by command, and
#              the top symbols), unless PERF=none
#   memory     iscsid's VmRSS/VmHWM before discovery, after it and with N
#              sessions, its largest mappings, and the RSS per session
#
# Nothing is asserted beyond the phases working.
set -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/guest-libs.sh"

N=${1:-256}
CAP=${LUNLINK_BENCH_CAP:-900}
P=127.0.0.1
BASE=iqn.2003-01.org.lunlink.test:scale
OUTD=${LUNLINK_VM_OUT:-/tmp/trace}
LL_DEBUG=${LUNLINK_BENCH_DEBUG:-1}
PERF=${PERF:-perf}

mem() { # mem WHAT: one METRIC line per figure of iscsid's status
	local k v
	while read -r k v _; do
		case $k in
		VmRSS: | VmHWM: | RssAnon: | Threads:)
			echo "METRIC trace_n${N}_${1}_${k%:}=$v"
			;;
		esac
	done <"/proc/$LL_ISCSID_PID/status"
}

count() { # sets SESS and DISKS with one directory read each
	local a
	shopt -s nullglob
	a=(/sys/class/iscsi_session/session*)
	SESS=${#a[@]}
	a=(/dev/sd*)
	DISKS=${#a[@]}
	shopt -u nullglob
}

progress() { # progress T0 PID: until N disks, the login exits or the cap
	local t0=$1 pid=$2 rss thr
	while :; do
		count
		rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$LL_ISCSID_PID/status")
		thr=$(awk '/^Threads:/ { print $2 }' "/proc/$LL_ISCSID_PID/status")
		diag "t=$(vm_seconds_since "$t0") sessions=$SESS disks=$DISKS iscsid_rss_kb=$rss" \
			"threads=$thr load=$(cut -d' ' -f1-3 /proc/loadavg)"
		((DISKS >= N)) && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		(($(vm_now) - t0 < CAP * 1000000)) || return 1
		vm_sleep 5
	done
}

perf_start() {
	[[ $PERF == none ]] && return 0
	"$PERF" record -a -F 250 -o /tmp/perf-login.data -- sleep 100000 >/dev/null 2>&1 &
	PERF_PID=$!
	vm_wait_for 60 test -s /tmp/perf-login.data
	vm_sleep 5
}

perf_stop() {
	[[ $PERF == none ]] && return 0
	kill -INT "$PERF_PID"
	wait "$PERF_PID"
	"$PERF" report -i /tmp/perf-login.data --stdio --sort comm --percent-limit 0.5 2>/dev/null |
		grep -v '^#' | grep . | head -n 25 >"$OUTD/loginall.bycomm.txt"
	"$PERF" report -i /tmp/perf-login.data --stdio --sort comm,dso,sym --percent-limit 0.3 \
		2>/dev/null | grep -v '^#' | grep . | head -n 80 >"$OUTD/loginall.txt"
	diag "perf by command:"
	sed 's/^/#   /' "$OUTD/loginall.bycomm.txt"
	diag "perf top symbols:"
	head -n 25 "$OUTD/loginall.txt" | sed 's/^/#   /'
}

# iscsid's mappings by resident size: heap, thread stacks and arenas, libraries.
mappings() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { name = $6 ? $6 : "[anon " $1 "]" }
	     /^Rss:/ { rss[name] += $2 }
	     END { for (n in rss) if (rss[n] >= 64) printf "%8d kB %s\n", rss[n], n }' \
		"/proc/$LL_ISCSID_PID/smaps" | sort -rn | head -n 20 >"$OUTD/iscsid-maps.txt"
	diag "iscsid mappings by RSS:"
	sed 's/^/#   /' "$OUTD/iscsid-maps.txt"
}

mkdir -p "$OUTD"
ll_require_build
lio_load && scl_make_targets "$BASE" "$N" 16M || { not_ok "LIO targets"; done_testing; }
modprobe -a iscsi_tcp sd_mod
diag "guest: $(nproc) CPU, $(awk '/MemTotal/ { print $2 }' /proc/meminfo) kB"
ll_start_iscsid || { not_ok "iscsid"; done_testing; }
mem start
iscsiadm -m discovery -t st -p "$P" >/dev/null || not_ok "discovery"
mem discovered
rss0=$(awk '/^VmRSS:/ { print $2 }' "/proc/$LL_ISCSID_PID/status")
perf_start
t0=$(vm_now)
iscsiadm -m node --loginall=all >/tmp/trace-login.out 2>&1 &
lpid=$!
if progress "$t0" "$lpid"; then
	echo "METRIC trace_n${N}_loginall_s=$(vm_seconds_since "$t0")"
	ok "$N disks after --loginall"
else
	not_ok "$N disks after --loginall" "$DISKS disks, $SESS sessions"
fi
wait "$lpid"
expect_eq "$?" 0 "--loginall=all exits 0"
perf_stop
mem loggedin
rss1=$(awk '/^VmRSS:/ { print $2 }' "/proc/$LL_ISCSID_PID/status")
echo "METRIC trace_n${N}_rss_per_session_b=$(((rss1 - rss0) * 1024 / N))"
mappings
# What one check of the bench's per-session walk costs at N sessions.
t0=$(vm_now)
scl_sessions
echo "METRIC trace_n${N}_walk_s=$(vm_seconds_since "$t0")"
diag "walk: $SCL_SESS sessions, $SCL_UP LOGGED_IN, $SCL_DISKS with a disk"
cp "$LL_ISCSID_LOG" "$OUTD/" 2>/dev/null
done_testing
