#!/bin/bash
# Benchmarks against Debian's open-iscsi, measured in the same VM boot
# (the machines are shared and noisy: read the ratios, not the seconds).
#
#   bench/run.sh                  login-to-device (5 each) and --loginall of 64 nodes
#   LUNLINK_BENCH_NODES=16 bench/run.sh
#
# Needs a release build in build-vm (scripts/test-all.sh or scripts/demo.sh
# make one) and the packages of scripts/deps.sh.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
export LUNLINK_BUILD_DIR=${LUNLINK_BUILD_DIR:-$repo/build-vm}
export LUNLINK_BENCH_NODES=${LUNLINK_BENCH_NODES:-64}
[[ -x $LUNLINK_BUILD_DIR/iscsid/iscsid ]] ||
	{ meson setup "$LUNLINK_BUILD_DIR" -Dbuildtype=release -Dtests=false && ninja -C "$LUNLINK_BUILD_DIR"; }
bash "$repo/tests/vm/run.sh" --timeout 900 --mem 3072 "$repo/bench/vm-login-compare.sh" |
	tee /dev/stderr | grep '^METRIC' >"${TMPDIR:-/tmp}/lunlink-bench-metrics.txt"
