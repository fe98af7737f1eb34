#!/bin/bash
# Profile of lunlink's control path with N sessions (runs in the test VM;
# start it with `bench/run.sh profile N`, the reports land in
# $TMPDIR/lunlink-bench-profile-N/). Each phase runs under a system-wide
# `perf record` (the guest kernel and both of our programs), and the top of
# `perf report` by command, object and symbol is saved per phase, together
# with iscsid's log and the phase's wall time. Nothing here is asserted
# beyond the phases working: it is where the time goes, not a benchmark.
set -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/guest-libs.sh"

N=${1:-256}
P=127.0.0.1
BASE=iqn.2003-01.org.lunlink.test:scale
OUTD=${LUNLINK_VM_OUT:-/tmp/profile}
LL_DEBUG=${LUNLINK_BENCH_DEBUG:-1}
PERF=${PERF:-perf}

# profiled NAME CMD...: CMD under perf record -a; report saved as NAME.txt
profiled() {
	local name=$1 t0 pp
	shift
	"$PERF" record -a -F 997 -o "/tmp/perf-$name.data" -- sleep 10000 >/dev/null 2>&1 &
	pp=$!
	# perf takes seconds to start under TCG: a phase begun after 1 s was
	# over before the first sample.
	vm_wait_for 30 test -s "/tmp/perf-$name.data"
	vm_sleep 5
	t0=$(vm_now)
	"$@"
	echo "METRIC profile_n${N}_${name}_s=$(vm_seconds_since "$t0")"
	kill -INT "$pp"
	wait "$pp"
	"$PERF" report -i "/tmp/perf-$name.data" --stdio --sort comm,dso,sym --percent-limit 0.7 \
		2>/dev/null | grep -v '^#' | grep . | head -n 60 >"$OUTD/$name.txt"
	"$PERF" report -i "/tmp/perf-$name.data" --stdio --sort comm,dso --percent-limit 1 \
		2>/dev/null | grep -v '^#' | grep . | head -n 15 >"$OUTD/$name.bycomm.txt"
	diag "$name: top entries"
	head -n 12 "$OUTD/$name.txt" | sed 's/^/#   /'
	rm -f "/tmp/perf-$name.data"
}

loginall() {
	iscsiadm -m node --loginall=all >/dev/null 2>&1 || not_ok "loginall"
	scl_wait_disks "$N" 600 || not_ok "all disks"
}
logoutall() {
	iscsiadm -m node --logoutall=all >/dev/null 2>&1 || not_ok "logoutall"
	scl_wait_none 600 || not_ok "no session left"
}
listing() { # listing ARGS...: three runs
	local i t0
	for i in 1 2 3; do
		t0=$(vm_now)
		iscsiadm "$@" >/dev/null 2>&1 || not_ok "iscsiadm $*"
		diag "iscsiadm $*: $(vm_seconds_since "$t0") s"
	done
}
storm() {
	scl_lio_enable "$BASE" "$N" 0
	vm_sleep 5
	scl_lio_enable "$BASE" "$N" 1
	scl_wait_up "$N" 600 || not_ok "all LOGGED_IN after the storm"
}

mkdir -p "$OUTD"
ll_require_build
"$PERF" --version >/dev/null 2>&1 || { not_ok "perf runs in the guest"; done_testing; }
lio_load && scl_make_targets "$BASE" "$N" 16M || { not_ok "LIO targets"; done_testing; }
modprobe -a iscsi_tcp sd_mod
ll_start_iscsid || not_ok "iscsid"
iscsiadm -m discovery -t st -p "$P" >/dev/null || not_ok "discovery"
profiled loginall loginall
profiled session listing -m session
profiled session_p3 listing -m session -P 3
profiled storm storm
profiled logoutall logoutall
ok "profiled $N sessions"
cp "$LL_ISCSID_LOG" "$OUTD/" 2>/dev/null
ll_stop_iscsid
done_testing
