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

t_all=$(now)
t0=$(now)
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

# Seen by t-harness.sh, which checks that LUNLINK_* variables get through.
export LUNLINK_HARNESS_PROBE="a b'c"

declare -a rows=() metrics=()
failed=0
for t in "${tests[@]}"; do
	name=${t##*/}
	log=$logs/${name%.sh}.log
	echo "=== $name"
	t0=$(now)
	qemu_extra=${LUNLINK_VM_QEMU_EXTRA:-}
	acpi=$(header_word "$t" vm-acpitable)
	if [[ -n $acpi ]]; then
		table=$cache/acpitable-${name%.sh}.bin
		"$here/$acpi" "$table" || echo "run-all: $acpi failed" >&2
		qemu_extra+=" -acpitable file=$table"
	fi
	LUNLINK_VM_QEMU_EXTRA=$qemu_extra "$here/run.sh" \
		--timeout "$(header_value "$t" vm-timeout 300)" \
		--mem "$(header_value "$t" vm-mem 2048)" "$t" 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
	wall=$(since "$t0")
	case $status in
	0) result=PASS ;;
	124) result=TIMEOUT ;;
	125) result=VM-FAIL ;;
	*) result="FAIL($status)" ;;
	esac
	((status == 0)) || failed=$((failed + 1))
	rows+=("$(printf '%-34s %-10s %6ss' "$name" "$result" "$wall")")
	while IFS= read -r m; do
		metrics+=("$name: ${m#METRIC }")
	done < <(grep '^METRIC ' "$log")
done

echo
echo "=== summary (logs in $logs)"
printf '%s\n' "${rows[@]}"
if ((${#metrics[@]} > 0)); then
	echo "--- metrics"
	printf '%s\n' "${metrics[@]}"
fi
echo "--- ${#tests[@]} test(s), $failed failed, total wall $(since "$t_all")s"
((failed == 0))
