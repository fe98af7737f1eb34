#!/bin/bash
# The one test command: install dependencies, build (warnings as errors,
# ASan+UBSan for the host tests), run unit and host integration tests, run
# the fuzzers for a short bounded time, then the kernel-path tests in a VM.
# Exits non-zero if anything fails; nothing is skipped.
#
# On a machine with 2 or more CPUs the VM's release build runs beside the
# host tests, the fuzzers run two at a time (each still for its full time)
# and the VM tests boot two guests at a time (tests/vm/run-all.sh,
# LUNLINK_VM_JOBS). Each step's wall time is printed at the end.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$repo"
fuzz_seconds=${LUNLINK_FUZZ_SECONDS:-20}
cpus=$(nproc)
fuzz_jobs=$((cpus >= 2 ? 2 : 1))

declare -a times=()
step_name='' step_t0=0
step() {
	step_end
	step_name=$*
	step_t0=$SECONDS
	printf '\n==== %s ====\n' "$*"
}
step_end() {
	if [[ -n $step_name ]]; then
		times+=("$(printf '%5ds  %s' $((SECONDS - step_t0)) "$step_name")")
	fi
	step_name=''
}

step "dependencies"
bash scripts/deps.sh

step "build (sanitized, -Werror)"
[[ -d build-ci ]] || meson setup build-ci -Dwerror=true -Db_sanitize=address,undefined \
	-Db_lundef=false >/dev/null
ninja -C build-ci
[[ -d build-vm ]] || meson setup build-vm -Dwerror=true -Dbuildtype=release -Dtests=false \
	>/dev/null

step "unit and host integration tests (and the VM's release build beside them)"
# The host tests leave CPU idle while they wait on daemons and timeouts; the
# release build fills some of it.
ninja -C build-vm >build-vm/test-all-ninja.log 2>&1 &
vm_build=$!
meson test -C build-ci --print-errorlogs --num-processes 2

step "fuzzers (${fuzz_seconds}s each, $fuzz_jobs at a time)"
JOBS=$fuzz_jobs bash fuzz/run-fuzzers.sh "$fuzz_seconds"

step "build for the VM (release)"
if ! wait "$vm_build"; then
	cat build-vm/test-all-ninja.log
	echo "test-all: the VM's release build failed" >&2
	exit 1
fi
tail -n 1 build-vm/test-all-ninja.log

step "kernel path tests in a VM"
LUNLINK_BUILD_DIR="$repo/build-vm" bash tests/vm/run-all.sh
step_end

printf '\n==== step times ====\n'
printf '%s\n' "${times[@]}"
printf '%5ds  total\n' "$SECONDS"
echo "==== all tests passed"
