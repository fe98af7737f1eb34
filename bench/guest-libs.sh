# Sourced by the in-guest benchmark scripts: the VM test helpers they share
# (assertions, timing, LIO, lunlink, fault injection, many-target set-up,
# open-iscsi beside lunlink),
# and the refusal to run outside the guest.
bench_here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/vm" && pwd -P)
. "$bench_here/lib/assert.sh"
. "$bench_here/lib/vm.sh"
. "$bench_here/lib/lio.sh"
. "$bench_here/lib/lunlink.sh"
. "$bench_here/lib/fault.sh"
. "$bench_here/lib/scale.sh"
. "$bench_here/lib/openiscsi.sh"
vm_require_guest "$0"
