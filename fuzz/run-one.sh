#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-one.sh FUZZER SEED_DIR SECONDS [DICT]: replays the seed corpus, then
# fuzzes for SECONDS.  New inputs go to a scratch directory, or to
# $FUZZ_KEEP_CORPUS/<fuzzer> when set (the seeds in the repository are never
# modified); a crash leaves its input in
# $FUZZ_ARTIFACTS (default ./fuzz-artifacts) and fails with libFuzzer's
# exit status.  Prints "FUZZ <name> <seconds> s, <runs> runs, exit <rc>".
set -u

bin=${1:?usage: run-one.sh FUZZER SEED_DIR SECONDS [DICT]}
seeds=${2:?seed directory}
secs=${3:-30}
dict=${4:-}
name=$(basename "$bin")
art=${FUZZ_ARTIFACTS:-$PWD/fuzz-artifacts}

mkdir -p "$art" || exit 1
log=$(mktemp "${TMPDIR:-/tmp}/$name.log.XXXXXX") || exit 1
if [ -n "${FUZZ_KEEP_CORPUS:-}" ]; then
	# Inputs found in earlier runs are the starting point of this one.
	scratch=$FUZZ_KEEP_CORPUS/$name
	mkdir -p "$scratch" || exit 1
	trap 'rm -f "$log"' EXIT
else
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || exit 1
	trap 'rm -rf "$scratch" "$log"' EXIT
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

opts=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=131072
      -print_final_stats=1 -artifact_prefix="$art/$name-")
[ -n "$dict" ] && opts+=(-dict="$dict")

start=$(date +%s)
"$bin" "${opts[@]}" "$scratch" "$seeds" >"$log" 2>&1
rc=$?
end=$(date +%s)
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
if [ "$rc" != 0 ]; then
	# From the first report line on (not the progress lines before it).
	awk '/ERROR|runtime error|WARNING: |Test unit written|deadly signal/ { on = 1 } on' "$log" |
		head -n 80
fi
echo "FUZZ $name $((end - start)) s, ${runs:-?} runs, exit $rc"
exit "$rc"
