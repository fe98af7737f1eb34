#!/bin/bash
# The one test command: install dependencies, build (warnings as errors,
# ASan+UBSan for the host tests), run unit and host integration tests, run
# the fuzzers for a short bounded time, then the kernel-path tests in a VM.
# Exits non-zero if anything fails; nothing is skipped.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$repo"
fuzz_seconds=${LUNLINK_FUZZ_SECONDS:-20}

step() { printf '\n==== %s ====\n' "$*"; }

step "dependencies"
bash scripts/deps.sh

step "build (sanitized, -Werror)"
[[ -d build-ci ]] || meson setup build-ci -Dwerror=true -Db_sanitize=address,undefined \
	-Db_lundef=false >/dev/null
ninja -C build-ci

step "unit and host integration tests"
meson test -C build-ci --print-errorlogs --num-processes 2

step "fuzzers (${fuzz_seconds}s each)"
bash fuzz/run-fuzzers.sh "$fuzz_seconds"

step "build for the VM (release)"
[[ -d build-vm ]] || meson setup build-vm -Dwerror=true -Dbuildtype=release -Dtests=false \
	>/dev/null
ninja -C build-vm

step "kernel path tests in a VM"
LUNLINK_BUILD_DIR="$repo/build-vm" bash tests/vm/run-all.sh

step "all tests passed"
