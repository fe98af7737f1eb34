#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-fuzzers.sh [SECONDS [TARGET...]]: builds the libFuzzer targets with
# clang (-fsanitize=fuzzer,address,undefined) in $BUILD_DIR (default
# build-fuzz at the top of the source tree) and runs each for SECONDS
# (default 30) after replaying its seed corpus.  Exits non-zero if any
# target crashes, leaks, times out or trips a sanitizer; the input that
# did it is kept in $FUZZ_ARTIFACTS (default $BUILD_DIR/fuzz-artifacts).
# The corpus grown by the runs is kept in $FUZZ_KEEP_CORPUS (default
# $BUILD_DIR/fuzz-corpus), so each run continues where the last stopped.
#
#   fuzz/run-fuzzers.sh            # 30 s each, all targets
#   fuzz/run-fuzzers.sh 300 login  # 5 minutes of the login machine
#   JOBS=2 fuzz/run-fuzzers.sh 60  # two targets at a time
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
secs=${1:-30}
shift $(( $# > 0 ? 1 : 0 ))
build=${BUILD_DIR:-$top/build-fuzz}
export FUZZ_ARTIFACTS=${FUZZ_ARTIFACTS:-$build/fuzz-artifacts}
# Runs build on each other: what one finds, the next starts from.
export FUZZ_KEEP_CORPUS=${FUZZ_KEEP_CORPUS:-$build/fuzz-corpus}
all=(pdu text negotiate login sendtargets record ipc)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

case $secs in
'' | *[!0-9]*) echo "usage: run-fuzzers.sh [SECONDS [TARGET...]]" >&2; exit 2 ;;
esac
command -v clang >/dev/null || { echo "run-fuzzers.sh: clang is not installed" >&2; exit 77; }

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$top" -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false >/dev/null || exit 1
fi
names=()
for t in "${targets[@]}"; do names+=("fuzz/fuzz_$t"); done
ninja -C "$build" "${names[@]}" >/dev/null || { echo "run-fuzzers.sh: build failed" >&2; exit 1; }

dict_of() {
	case $1 in
	pdu) echo "" ;;
	record | ipc) echo "$here/dict/record.dict" ;;
	*) echo "$here/dict/iscsi.dict" ;;
	esac
}

fail=0
run() {
	"$here/run-one.sh" "$build/fuzz/fuzz_$1" "$here/corpus/$1" "$secs" "$(dict_of "$1")"
}
jobs=${JOBS:-1}
pids=()
for t in "${targets[@]}"; do
	run "$t" &
	pids+=($!)
	if [ ${#pids[@]} -ge "$jobs" ]; then
		wait "${pids[0]}" || fail=1
		pids=("${pids[@]:1}")
	fi
done
for p in "${pids[@]}"; do
	wait "$p" || fail=1
done
if [ "$fail" != 0 ]; then
	echo "run-fuzzers.sh: a fuzz target failed; inputs are in $FUZZ_ARTIFACTS" >&2
	exit 1
fi
echo "run-fuzzers.sh: ${#targets[@]} target(s), $secs s each, no crash"
