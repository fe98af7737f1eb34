#!/bin/bash
# vm-timeout: 180
# vm-weight: 27
# lunlink with several targets and LUNs on LIO: a target with three LUNs
# and a second target; --loginall=all logs into both (one Login line
# each) and every disk appears with its exact size; -m session lists both;
# --logoutall=all logs out of both; node.startup automatic vs manual with
# --loginall=automatic; -m session -r SID -u logs out one session.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-lunlink-multi.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"

vm_require_guest "$0"

P=127.0.0.1
IQN_A=iqn.2003-01.org.lunlink.test:multi-a
IQN_B=iqn.2003-01.org.lunlink.test:multi-b
# LUN sizes in 512-byte sectors (distinct, so a mix-up shows).
SIZES_A="16384 24576 40961"
SIZES_B=32768

cleanup() {
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	ll_stop_iscsid
	lio_teardown
}

setup() {
	ll_require_build
	lio_load && lio_create_target "$IQN_A" 3260 8M 12M $((40961 * 512)) &&
		lio_create_target "$IQN_B" 3260 16M ||
		{ not_ok "LIO targets configured"; done_testing; }
	ll_start_iscsid || { not_ok "iscsid started"; done_testing; }
	ok "iscsid started"
	expect_exit 0 iscsiadm -m discovery -t st -p "$P"
	expect_eq "$(sort <<<"$OUT")" "$P:3260,1 $IQN_A
$P:3260,1 $IQN_B" "discovery lists both targets"
}

sizes_of() { # sizes_of IQN -> sector counts of its disks, LUN order
	local d out=()
	for d in $(ll_session_disks "$1"); do out+=("$(<"/sys/block/$d/size")"); done
	echo "${out[*]}"
}

all_disks_ready() {
	local d n=0
	for d in $(ll_session_disks "$IQN_A") $(ll_session_disks "$IQN_B"); do
		[[ -b /dev/$d ]] && n=$((n + 1))
	done
	((n == 4))
}

login_lines() { # login_lines IQN...: what open-iscsi prints for each, sorted
	local q
	for q in "$@"; do
		echo "Logging in to [iface: default, target: $q, portal: $P,3260]"
		echo "Login to [iface: default, target: $q, portal: $P,3260] successful."
	done | sort
}

check_loginall() {
	local t0 disks
	t0=$(vm_now)
	expect_exit 0 iscsiadm -m node --loginall=all
	expect_eq "$(sort <<<"$OUT")" "$(login_lines "$IQN_A" "$IQN_B")" \
		"--loginall=all prints a Login line per node"
	vm_wait_for 20 all_disks_ready
	diag "--loginall=all to 4 disks: $(vm_seconds_since "$t0") s"
	expect_eq "$(sizes_of "$IQN_A")" "$SIZES_A" "target A: three disks with their sizes"
	expect_eq "$(sizes_of "$IQN_B")" "$SIZES_B" "target B: one disk with its size"
	read -ra disks <<<"$(ll_session_disks "$IQN_A")"
	[[ -n ${disks[2]:-} ]] && ll_random_check "/dev/${disks[2]}" 8 "target A LUN 2"
	expect_exit 0 iscsiadm -m session
	expect_eq "$(sort <<<"$OUT")" "$(printf '%s\n' \
		"tcp: [$(ll_sid_of "$IQN_A")] $P:3260,1 $IQN_A (non-flash)" \
		"tcp: [$(ll_sid_of "$IQN_B")] $P:3260,1 $IQN_B (non-flash)" | sort)" \
		"-m session lists both sessions"
	expect_exit 15 iscsiadm -m node --loginall=all
}

check_logoutall() {
	local sa sb d left=0
	local all
	read -ra all <<<"$(ll_session_disks "$IQN_A") $(ll_session_disks "$IQN_B")"
	sa=$(ll_sid_of "$IQN_A")
	sb=$(ll_sid_of "$IQN_B")
	expect_exit 0 iscsiadm -m node --logoutall=all
	expect_eq "$(sort <<<"$OUT")" "$(printf '%s\n' \
		"Logging out of session [sid: $sa, target: $IQN_A, portal: $P,3260]" \
		"Logout of [sid: $sa, target: $IQN_A, portal: $P,3260] successful." \
		"Logging out of session [sid: $sb, target: $IQN_B, portal: $P,3260]" \
		"Logout of [sid: $sb, target: $IQN_B, portal: $P,3260] successful." | sort)" \
		"--logoutall=all prints a Logout line per session"
	for d in "${all[@]}"; do vm_wait_for 10 test ! -e "/dev/$d" || left=$((left + 1)); done
	expect_eq "$left" 0 "all ${#all[@]} disks are gone"
	expect_exit 21 iscsiadm -m session
	expect_exit 21 iscsiadm -m node --logoutall=all
}

check_startup() {
	local sid
	expect_exit 0 iscsiadm -m node -T "$IQN_A" -p "$P" -o update -n node.startup -v automatic
	expect_exit 0 iscsiadm -m node -T "$IQN_B" -p "$P" -o update -n node.startup -v manual
	expect_exit 0 iscsiadm -m node --loginall=automatic
	expect_eq "$OUT" "$(login_lines "$IQN_A")" "--loginall=automatic logs into the automatic node only"
	[[ -n $(ll_sid_of "$IQN_A") && -z $(ll_sid_of "$IQN_B") ]] &&
		ok "only target A has a session" || not_ok "only target A has a session"
	expect_exit 0 iscsiadm -m node --logoutall=automatic
	vm_wait_for 10 test -z "$(ll_sid_of "$IQN_A")"
	expect_eq "$(ll_sid_of "$IQN_A")" "" "--logoutall=automatic logs out the automatic node"
	# One session by its id.
	expect_exit 0 iscsiadm -m node -T "$IQN_B" -p "$P" --login
	sid=$(ll_sid_of "$IQN_B")
	expect_exit 0 iscsiadm -m session -r "$sid" -u
	expect_eq "$OUT" "Logging out of session [sid: $sid, target: $IQN_B, portal: $P,3260]
Logout of [sid: $sid, target: $IQN_B, portal: $P,3260] successful." "-m session -r SID -u logs out that session"
	expect_eq "$(ll_sid_of "$IQN_B")" "" "no session to B left"
}

at_exit cleanup
at_exit ll_diag_on_failure
setup
check_loginall
check_logoutall
check_startup
done_testing
