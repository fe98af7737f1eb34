#!/bin/bash
# The README's demo command: install, build, then log in to a throwaway
# local target, use the disk, log out.  This machine's kernel may lack
# iscsi_tcp (as on our CI machines); then the same demo runs inside a qemu
# VM booting Debian's stock kernel (tests/vm/run.sh).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$repo"
bash scripts/deps.sh
[[ -d build-vm ]] || meson setup build-vm -Dbuildtype=release -Dtests=false >/dev/null
ninja -C build-vm >/dev/null
export LUNLINK_BUILD_DIR=$repo/build-vm
if modprobe -q iscsi_tcp 2>/dev/null && modprobe -q target_core_file 2>/dev/null &&
	modprobe -q iscsi_target_mod 2>/dev/null; then
	exec bash scripts/demo-run.sh
fi
echo "This kernel cannot load iscsi_tcp/LIO; running the demo in a VM."
exec bash tests/vm/run.sh --timeout 300 scripts/demo-run.sh
