#!/bin/bash
# Benchmarks against Debian's open-iscsi, measured in the same VM boot
# (the machines are shared and noisy: read the ratios, not the seconds).
#
#   bench/run.sh                  login-to-device (5 each) and --loginall of 64 nodes
#   LUNLINK_BENCH_NODES=16 bench/run.sh
#   bench/run.sh scale [N...]     every control-path phase with N sessions
#                                 (bench/vm-scale.sh), one boot per N;
#                                 default N = 64 256 1024
#   bench/run.sh profile [N]      perf profile of lunlink's phases with N
#                                 sessions (bench/vm-profile.sh, default 256)
#   bench/run.sh trace [N]        time-stamped iscsid log and session counts of
#                                 a storm and a --logoutall with N sessions
#                                 (bench/vm-logout-trace.sh, default 64; set
#                                 LUNLINK_BENCH_WHO="lunlink openiscsi"),
#                                 with CPU accounting of each storm;
#                                 LUNLINK_BENCH_SMP=2 gives the guest 2 vCPUs,
#                                 LUNLINK_BENCH_WRITERS=K K writers of known
#                                 data through each storm (default 0)
#   bench/run.sh logintrace [N...]  --loginall of N targets watched every 5 s,
#                                 under perf, and iscsid's memory per session
#                                 (bench/vm-login-trace.sh, default 256);
#                                 several N: each in turn, in one boot
#   bench/run.sh ab N BUILD...    --loginall/--logoutall of N targets with
#                                 each lunlink build in turn, one boot
#                                 (bench/vm-ab-loginall.sh; 4 rounds;
#                                 LUNLINK_BENCH_AB_STORM=1 adds a storm,
#                                 LUNLINK_BENCH_WRITERS=K writers in it)
#   LUNLINK_BENCH_CAP=S           cap of one open-iscsi phase (default 600 s)
#
# Needs a release build in build-vm (scripts/test-all.sh or scripts/demo.sh
# make one) and the packages of scripts/deps.sh. METRIC lines are kept in
# $TMPDIR/lunlink-bench-metrics.txt (scale: lunlink-bench-scale-N.txt).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
export LUNLINK_BUILD_DIR=${LUNLINK_BUILD_DIR:-$repo/build-vm}
[[ -x $LUNLINK_BUILD_DIR/iscsid/iscsid ]] ||
	{ meson setup "$LUNLINK_BUILD_DIR" -Dbuildtype=release -Dtests=false && ninja -C "$LUNLINK_BUILD_DIR"; }

# Guest memory and time for N sessions: both ends of every session (LIO and
# the initiator's SCSI host) live in the one guest.
guest_mem() { # guest_mem N: MiB
	local mem=3072
	(($1 > 128)) && mem=4096
	(($1 > 512)) && mem=8192
	echo "$mem"
}

scale_one() { # scale_one N
	local n=$1 mem cap=${LUNLINK_BENCH_CAP:-600}
	mem=$(guest_mem "$n")
	bash "$repo/tests/vm/run.sh" --timeout $((1800 + n * 4 + cap * 8)) --mem "$mem" \
		"$repo/bench/vm-scale.sh" "$n" |
		tee /dev/stderr | grep '^METRIC' >"${TMPDIR:-/tmp}/lunlink-bench-scale-$n.txt"
}

if [[ ${1:-} == profile ]]; then
	out=${TMPDIR:-/tmp}/lunlink-bench-profile-${2:-256}
	rm -rf "$out"
	exec bash "$repo/tests/vm/run.sh" --timeout 3600 --mem 4096 --out "$out" \
		"$repo/bench/vm-profile.sh" "${2:-256}"
fi
if [[ ${1:-} == trace ]]; then
	out=${TMPDIR:-/tmp}/lunlink-bench-trace-${2:-64}
	rm -rf "$out"
	exec bash "$repo/tests/vm/run.sh" --timeout 3600 --mem 4096 --out "$out" \
		--smp "${LUNLINK_BENCH_SMP:-1}" "$repo/bench/vm-logout-trace.sh" "${2:-64}"
fi
if [[ ${1:-} == logintrace ]]; then
	shift
	(($#)) || set -- 256
	out=${TMPDIR:-/tmp}/lunlink-bench-logintrace-${*: -1}
	rm -rf "$out"
	exec bash "$repo/tests/vm/run.sh" --timeout $((1200 + ${*: -1} * 2 * $#)) \
		--mem "$(guest_mem "${*: -1}")" --out "$out" "$repo/bench/vm-login-trace.sh" "$@"
fi
if [[ ${1:-} == ab ]]; then
	exec bash "$repo/tests/vm/run.sh" --timeout $((3600 + $2 * 8)) --mem "$(guest_mem "$2")" \
		"$repo/bench/vm-ab-loginall.sh" "${@:2}"
fi
if [[ ${1:-} == scale ]]; then
	shift
	(($#)) || set -- 64 256 1024
	for n in "$@"; do scale_one "$n"; done
	exit 0
fi
export LUNLINK_BENCH_NODES=${LUNLINK_BENCH_NODES:-64}
bash "$repo/tests/vm/run.sh" --timeout 900 --mem 3072 "$repo/bench/vm-login-compare.sh" |
	tee /dev/stderr | grep '^METRIC' >"${TMPDIR:-/tmp}/lunlink-bench-metrics.txt"
