#!/bin/bash
# vm-timeout: 600
# The chaos soak (issue 14), short: 16 LIO targets, each on its own veth
# path into a namespace, two of them also on a second path (a second portal,
# a session through an iface bound to each path, one dm-multipath map),
# writers of checksummed blocks on 14 of them (on the maps for those two),
# and faults at random from a seeded generator: portal disabled,
# connection killed, netem loss, target restarted, iscsid SIGKILL and
# SIGTERM with restart, logout/login of an idle session, -o update of a
# logged-in record, a marked outage longer than replacement_timeout, two
# faults overlapping, one path of a map taken away (portal, ss -K, netem,
# link down), both paths of a map taken away (marked). Every kind runs at
# least once. Afterwards: no I/O error but in the marked outages (and in the
# long ones within the timeout plus 1 s), every block holds its last write,
# iscsid alive without growth in its anonymous memory (heap, arenas,
# stacks; see lib/soak-iscsid.sh), every session LOGGED_IN, both paths of
# each map active in multipathd and LOGGED_IN sessions, -m session -P 3
# agrees with sysfs, the node database parses. See tests/vm/lib/soak.sh;
# bench/soak.sh runs it long.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-soak.sh
#   LUNLINK_SOAK_SECONDS=1800 LUNLINK_SOAK_SEED=42 ...   (what bench/soak.sh sets)
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"
. "$here/lib/fault.sh"
. "$here/lib/mpath.sh"
. "$here/lib/soak.sh"

vm_require_guest "$0"

# shellcheck disable=SC2034 # lib/soak.sh reads these
SOAK_SEED=${LUNLINK_SOAK_SEED:-1414}
# By default only the first pass: every kind of fault once.
SOAK_SECONDS=${LUNLINK_SOAK_SECONDS:-0}
# bench/soak.sh --asan: LeakSanitizer runs whenever iscsid exits (SIGTERM).
[[ -n ${LUNLINK_ASAN_OPTIONS:-} ]] && export ASAN_OPTIONS=$LUNLINK_ASAN_OPTIONS

at_exit soak_cleanup
at_exit ll_diag_on_failure
at_exit mp_diag
soak_setup
soak_run "$SOAK_SECONDS"
soak_finish
done_testing
