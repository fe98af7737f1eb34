#!/bin/bash
# vm-timeout: 120
# vm-weight: 21
# The README's demo (scripts/demo-run.sh) must keep working: it exits
# non-zero when the disk does not appear, the data differs, or the disk
# survives logout.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
vm_require_guest "$0"
out=$(bash "$here/../../scripts/demo-run.sh" 2>&1)
rc=$?
expect_eq "$rc" 0 "the demo runs to the end" || diag "$out"
expect_match "$out" "New disk: /dev/sd[a-z]+, 134217728 bytes" "the demo shows the disk and its size"
expect_match "$out" "read back: identical" "the demo's data reads back identical"
expect_match "$out" "/dev/sd[a-z]+ is gone" "the disk goes away at logout"
done_testing
