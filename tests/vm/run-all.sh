#!/bin/bash
# Run every tests/vm/t-*.sh in its own VM boot and summarise.
#
#   run-all.sh [PATTERN...]     only tests whose file name contains a PATTERN
#
# Prepares the cache first (tests/vm/prepare.sh). Exits 1 when preparation
# fails, any test fails, times out or its VM does not boot; no test is ever
# skipped. A test may ask for more time or memory with header lines
# "# vm-timeout: SECONDS" (default 300) and "# vm-mem: MIB" (default 2048),
# and for an extra ACPI table with "# vm-acpitable: GENERATOR" (a script
# under tests/vm/ that writes the table to the file named by its argument;
# qemu gets it with -acpitable file=...).
#
# LUNLINK_VM_JOBS=N boots up to N guests at a time (default 2 when the
# machine has 2 or more CPUs and the memory for two guests, else 1). Tests
# start longest first, by their "# vm-weight: SECONDS" header (the usual
# wall time, boot included; without one a test counts as long as its
# timeout), so the last to end are short ones. With one job a test's output
# streams as it runs; with more, each test's output is printed in one block
# when it ends.
# Each test's full output is kept in $LUNLINK_VM_LOGS (default
# <cache>/logs/<date>), and every "METRIC name=value" line it prints is
# repeated in the summary.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
cache=${LUNLINK_VM_CACHE:-$repo/.vm-cache}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

header_word() { # header_word FILE KEY: the value of a "# KEY: word" header line
	sed -n "1,30s/^# $2: *\([^ ]*\).*/\1/p" "$1" | head -n1
}

header_value() { # header_value FILE KEY DEFAULT
	local v
	v=$(sed -n "1,30s/^# $2: *\([0-9][0-9]*\).*/\1/p" "$1" | head -n1)
	echo "${v:-$3}"
}

weight_of() { header_value "$1" vm-weight "$(header_value "$1" vm-timeout 300)"; }

# Two guests need their memory plus room for qemu and the host side.
default_jobs() { # default_jobs TEST...
	local t mem max=0 avail
	(($(nproc) >= 2)) || { echo 1; return; }
	for t in "$@"; do
		mem=$(header_value "$t" vm-mem 2048)
		((mem > max)) && max=$mem
	done
	avail=$(awk '$1 == "MemAvailable:" { print int($2 / 1024) }' /proc/meminfo)
	((avail >= 2 * (max + 512))) && echo 2 || echo 1
}

t_all=$(now)
t0=$(now)
# Once, before any guest starts: run.sh would otherwise race to rebuild it.
if ! "$here/prepare.sh"; then
	echo "run-all: prepare.sh failed" >&2
	exit 1
fi
echo "run-all: prepare.sh took $(since "$t0")s"

logs=${LUNLINK_VM_LOGS:-$cache/logs/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$logs"

tests=()
for t in "$here"/t-*.sh; do
	[[ -f $t ]] || continue
	if (($# > 0)); then
		match=0
		for p in "$@"; do [[ ${t##*/} == *"$p"* ]] && match=1; done
		((match)) || continue
	fi
	tests+=("$t")
done
if ((${#tests[@]} == 0)); then
	echo "run-all: no tests matched" >&2
	exit 1
fi

jobs=${LUNLINK_VM_JOBS:-$(default_jobs "${tests[@]}")}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "run-all: bad LUNLINK_VM_JOBS=$jobs" >&2; exit 1; }
# wait -n -p (which job ended) needs bash 5.1.
if ((jobs > 1)) && ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] < 501)); then
	echo "run-all: bash ${BASH_VERSION} cannot wait for any one of several jobs; one guest at a time"
	jobs=1
fi

# Longest first; equal weights keep file-name order (sort -s).
mapfile -t order < <(for t in "${tests[@]}"; do printf '%s\t%s\n' "$(weight_of "$t")" "$t"; done |
	sort -s -t $'\t' -k1,1nr | cut -f2)

# Seen by t-harness.sh, which checks that LUNLINK_* variables get through.
export LUNLINK_HARNESS_PROBE="a b'c"

# run_one TEST LOG: boots the test's guest with its output in LOG (also
# shown as it comes when one job runs); writes "STATUS WALL" to LOG.result.
run_one() {
	local t=$1 log=$2 name=${1##*/} t0 qemu_extra acpi table pid status tailpid=
	t0=$(now)
	qemu_extra=${LUNLINK_VM_QEMU_EXTRA:-}
	acpi=$(header_word "$t" vm-acpitable)
	if [[ -n $acpi ]]; then
		table=$cache/acpitable-${name%.sh}.bin
		"$here/$acpi" "$table" >>"$log" 2>&1 || echo "run-all: $acpi failed" >>"$log"
		qemu_extra+=" -acpitable file=$table"
	fi
	LUNLINK_VM_QEMU_EXTRA=$qemu_extra "$here/run.sh" \
		--timeout "$(header_value "$t" vm-timeout 300)" \
		--mem "$(header_value "$t" vm-mem 2048)" "$t" >>"$log" 2>&1 &
	pid=$!
	if ((jobs == 1)); then
		tail -n +1 -f --pid="$pid" -- "$log" &
		tailpid=$!
	fi
	# Passed on to run.sh, which stops its guest and exits 125.
	trap 'kill -TERM "$pid" 2>/dev/null' TERM
	while :; do
		wait "$pid"
		status=$?
		kill -0 "$pid" 2>/dev/null || break
	done
	[[ -n $tailpid ]] && wait "$tailpid"
	echo "$status $(since "$t0")" >"$log.result"
}

result_word() {
	case $1 in
	0) echo PASS ;;
	124) echo TIMEOUT ;;
	125) echo VM-FAIL ;;
	*) echo "FAIL($1)" ;;
	esac
}

declare -A running=() row=()
failed=0 sum=0
# report TEST: after it ended, its block (when not streamed) and result line.
report() {
	local t=$1 name=${1##*/} log status=125 wall=0 result
	log=$logs/${name%.sh}.log
	[[ -s $log.result ]] && read -r status wall <"$log.result"
	rm -f "$log.result"
	result=$(result_word "$status")
	((status == 0)) || failed=$((failed + 1))
	sum=$(awk -v a="$sum" -v b="$wall" 'BEGIN { print a + b }')
	((jobs > 1)) && { echo "=== $name"; cat "$log"; }
	printf '=== %s: %s after %ss (%d of %d done)\n' "$name" "$result" "$wall" \
		$((${#row[@]} + 1)) "${#tests[@]}"
	row[$t]=$(printf '%-34s %-10s %6ss' "$name" "$result" "$wall")
}

stop_all() {
	local p
	for p in "${!running[@]}"; do kill -TERM "$p" 2>/dev/null; done
	wait
	echo "run-all: interrupted" >&2
	exit 130
}
trap stop_all INT TERM

echo "run-all: ${#tests[@]} test(s), $jobs at a time, longest first"
next=0
while ((next < ${#order[@]} || ${#running[@]} > 0)); do
	while ((next < ${#order[@]} && ${#running[@]} < jobs)); do
		t=${order[next]}
		next=$((next + 1))
		log=$logs/$(basename "$t" .sh).log
		: >"$log"
		echo "=== ${t##*/} started (+$(since "$t_all")s)"
		run_one "$t" "$log" &
		running[$!]=$t
	done
	ended=
	if ((${#running[@]} == 1)); then
		ended=${!running[*]}
		wait "$ended"
	else
		wait -n -p ended
	fi
	[[ -n $ended && -n ${running[$ended]:-} ]] || continue
	report "${running[$ended]}"
	unset "running[$ended]"
done

echo
echo "=== summary (logs in $logs)"
declare -a metrics=()
for t in "${tests[@]}"; do
	echo "${row[$t]}"
	name=${t##*/}
	while IFS= read -r m; do
		metrics+=("$name: ${m#METRIC }")
	done < <(grep '^METRIC ' "$logs/${name%.sh}.log")
done
if ((${#metrics[@]} > 0)); then
	echo "--- metrics"
	printf '%s\n' "${metrics[@]}"
fi
echo "--- ${#tests[@]} test(s), $failed failed, total wall $(since "$t_all")s" \
	"(the tests' own walls add up to ${sum}s; $jobs at a time)"
((failed == 0))
