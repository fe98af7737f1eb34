#!/bin/bash
# The chaos soak of issue 14, long: tests/vm/t-soak.sh in one VM boot with
# a duration and seed of your choice (the README's test command runs it for
# two minutes with seed 1414).
#
#   bench/soak.sh [--minutes N] [--seed S] [--asan] [--out DIR]
#
# --minutes  how long faults are injected (default 30); set-up and the
#            final checks come on top
# --seed     the fault generator's seed (default: random, printed); the
#            same seed replays the same list of faults
# --asan     iscsid and iscsiadm from an ASan/UBSan build ($LUNLINK_ASAN_BUILD_DIR,
#            default build-vm-asan, made here when missing): every SIGTERM
#            fault then runs LeakSanitizer, and RSS is not compared
# --out      where the guest's logs go (default a new directory under /tmp)
#
# Needs a release build in build-vm (or $LUNLINK_BUILD_DIR). Prints the
# test's TAP output; the fault table and METRIC lines come at the end.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
minutes=30 seed=$((RANDOM % 32768)) asan=0 out=

while (($#)); do
	case $1 in
	--minutes) minutes=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--asan) asan=1; shift ;;
	--out) out=$2; shift 2 ;;
	*) echo "usage: bench/soak.sh [--minutes N] [--seed S] [--asan] [--out DIR]" >&2; exit 2 ;;
	esac
done
[[ $minutes =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ ]] ||
	{ echo "bench/soak.sh: --minutes and --seed take whole numbers" >&2; exit 2; }

build=${LUNLINK_BUILD_DIR:-$repo/build-vm}
if ((asan)); then
	build=${LUNLINK_ASAN_BUILD_DIR:-$repo/build-vm-asan}
	[[ -x $build/iscsid/iscsid ]] ||
		{ meson setup "$build" -Dbuildtype=debugoptimized -Db_sanitize=address,undefined \
			-Db_lundef=false -Dtests=false && ninja -C "$build"; }
	export LUNLINK_SOAK_SANITIZED=1
	export LUNLINK_ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
elif [[ ! -x $build/iscsid/iscsid ]]; then
	meson setup "$build" -Dbuildtype=release -Dtests=false && ninja -C "$build"
fi
export LUNLINK_BUILD_DIR=$build LUNLINK_SOAK_SECONDS=$((minutes * 60)) LUNLINK_SOAK_SEED=$seed
out=${out:-$(mktemp -d /tmp/lunlink-soak.XXXXXX)}
echo "bench/soak.sh: $minutes min, seed $seed, build $build, logs in $out"
# Set-up, the last fault's recovery and the checks take a few minutes more.
bash "$repo/tests/vm/run.sh" --timeout $((minutes * 60 + 900)) --mem 3072 --out "$out" \
	"$repo/tests/vm/t-soak.sh"
