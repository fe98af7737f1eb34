#!/bin/bash
# Where lunlink's --loginall of N targets spends its time, and what iscsid
# keeps per session (runs in the test VM; start it with
# `bench/run.sh logintrace N...`, reports land in
# $TMPDIR/lunlink-bench-logintrace-N/
# for the largest N). With several N (ascending) the targets of the largest
# are made once and each N logs in to the first N of them (the others
# disabled, so discovery finds N), then logs out, with a fresh iscsid each:
# growth measured in one boot.
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

NS=("${@:-256}")
N=${NS[-1]}
CAP=${LUNLINK_BENCH_CAP:-900}
P=127.0.0.1
BASE=iqn.2003-01.org.lunlink.test:scale
OUTD=${LUNLINK_VM_OUT:-/tmp/trace}
LL_DEBUG=${LUNLINK_BENCH_DEBUG:-1}
PERF=${PERF:-perf}

mem() { # mem N WHAT: one METRIC line per figure of iscsid's status
	local k v
	while read -r k v _; do
		case $k in
		VmRSS: | VmHWM: | RssAnon: | Threads:)
			echo "METRIC trace_n${1}_${2}_${k%:}=$v"
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

status_of() { # status_of KEY: a field of iscsid's /proc status, bash only
	local k v
	while read -r k v _; do
		[[ $k == "$1:" ]] && echo "$v" && return
	done <"/proc/$LL_ISCSID_PID/status"
}

progress() { # progress N T0 PID: until N disks, the login exits or the cap
	local n=$1 t0=$2 pid=$3 load
	while :; do
		count
		read -r load </proc/loadavg
		diag "t=$(vm_seconds_since "$t0") sessions=$SESS disks=$DISKS" \
			"iscsid_rss_kb=$(status_of VmRSS) threads=$(status_of Threads) load=${load% * *}"
		((DISKS >= n)) && return 0
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

one_n() { # one_n N LAST: discovery and --loginall of the first N targets
	local n=$1 last=$2 t0 lpid rc rss0 rss1 i f cur
	for ((i = 1; i <= N; i++)); do
		f=$LIO_CFS/iscsi/$BASE-$i/tpgt_1/enable
		read -r cur <"$f"
		[[ $cur == $((i <= n)) ]] || printf %s $((i <= n)) >"$f"
	done
	ll_start_iscsid || { not_ok "iscsid"; return 1; }
	mem "$n" start
	iscsiadm -m discovery -t st -p "$P" >/dev/null || not_ok "n=$n: discovery"
	mem "$n" discovered
	rss0=$(status_of VmRSS)
	[[ $last == 1 ]] && perf_start
	t0=$(vm_now)
	iscsiadm -m node --loginall=all >/tmp/trace-login.out 2>&1 &
	lpid=$!
	if progress "$n" "$t0" "$lpid"; then
		echo "METRIC trace_n${n}_loginall_s=$(vm_seconds_since "$t0")"
		ok "n=$n: $n disks after --loginall"
	else
		not_ok "n=$n: $n disks after --loginall" "$DISKS disks, $SESS sessions"
	fi
	wait "$lpid" && rc=0 || rc=$?
	expect_eq "$rc" 0 "n=$n: --loginall=all exits 0" || tail -n 5 /tmp/trace-login.out
	[[ $last == 1 ]] && perf_stop
	mem "$n" loggedin
	rss1=$(status_of VmRSS)
	echo "METRIC trace_n${n}_rss_per_session_b=$(((rss1 - rss0) * 1024 / n))"
	if [[ $last == 1 ]]; then
		mappings
		# What one check of the bench's per-session walk costs at N sessions.
		t0=$(vm_now)
		scl_sessions
		echo "METRIC trace_n${n}_walk_s=$(vm_seconds_since "$t0")"
		diag "walk: $SCL_SESS sessions, $SCL_UP LOGGED_IN, $SCL_DISKS with a disk"
		return 0
	fi
	iscsiadm -m node --logoutall=all >/dev/null 2>&1 || not_ok "n=$n: --logoutall"
	scl_wait_none 900 || not_ok "n=$n: no session left"
	iscsiadm -m node -o delete >/dev/null 2>&1
	ll_stop_iscsid
}

mkdir -p "$OUTD"
ll_require_build
lio_load && scl_make_targets "$BASE" "$N" 16M || { not_ok "LIO targets"; done_testing; }
modprobe -a iscsi_tcp sd_mod
diag "guest: $(nproc) CPU, $(awk '/MemTotal/ { print $2 }' /proc/meminfo) kB"
for n in "${NS[@]}"; do
	one_n "$n" $((n == N))
done
cp "$LL_ISCSID_LOG" "$OUTD/" 2>/dev/null
done_testing
