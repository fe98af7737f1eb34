#!/bin/bash
# vm-timeout: 180
# vm-weight: 32
# lunlink's CHAP against LIO: one-way and mutual CHAP set with
# `-o update -n node.session.auth.*`, each giving a disk that carries data;
# the seed document's flow (only username and password set, as open-iscsi
# accepts); no or wrong credentials -> exit 24 with a message saying the
# target rejected them; wrong mutual secret -> 19 (open-iscsi's code);
# discovery CHAP through `-m discoverydb`.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-lunlink-chap.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"

vm_require_guest "$0"

IQN=iqn.2003-01.org.lunlink.test:chap
P=127.0.0.1
USER=lunlink-user
PASS=secret-of-16-ch
MUSER=lunlink-target
MPASS=mutual-secret-17c
DUSER=lunlink-disc
DPASS=discovery-secret-1
DAUTH=$LIO_CFS/iscsi/discovery_auth
IO_MIB=16

cleanup() {
	[[ -d $DAUTH ]] && printf 0 >"$DAUTH/enforce_discovery_auth" 2>/dev/null
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	ll_stop_iscsid
	lio_teardown
}

setup() {
	ll_require_build
	lio_load && lio_create_target "$IQN" 3260 32M &&
		lio_set_chap "$IQN" "$USER" "$PASS" ||
		{ not_ok "LIO target with CHAP configured"; done_testing; }
	ll_start_iscsid || { not_ok "iscsid started"; done_testing; }
	ok "iscsid started"
	expect_exit 0 iscsiadm -m discovery -t st -p "$P"
}

login() { iscsiadm -m node -T "$IQN" -p "$P" --login; }

# login_with_data NAME: login exits 0, a disk appears, data round-trips,
# logout exits 0.
login_with_data() {
	expect_exit 0 login || return 1
	if vm_wait_for 10 ll_disk_of "$IQN"; then
		ok "$1: disk /dev/$DISK appears"
		ll_random_check "/dev/$DISK" "$IO_MIB" "$1"
	else
		not_ok "$1: disk appears"
	fi
	[[ $1 == one-way ]] && check_listing
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" --logout
	vm_wait_for 10 test ! -e "/dev/$DISK"
}

# -P 3 shows the CHAP user names, never the secrets.
check_listing() {
	expect_exit 0 iscsiadm -m session -P 3
	expect_lines "$OUT" "-P 3 CHAP section" $'\t\t'"username: $USER" \
		$'\t\t'"password: ********"
	[[ $OUT == *"$PASS"* ]] && not_ok "-P 3 hides the CHAP secret" ||
		ok "-P 3 hides the CHAP secret"
}

check_rejected() { # check_rejected NAME
	expect_exit 24 login
	expect_match "$OUT" "target rejected the credentials" "$1: message says the target rejected the credentials"
	expect_eq "$(ll_sid_of "$IQN")" "" "$1: no session left behind"
}

check_one_way() {
	expect_exit 24 login
	expect_eq "$(ll_sid_of "$IQN")" "" "no credentials: no session"
	ll_node_chap "$IQN" "$P" "$USER" wrong-secret-xxx
	check_rejected "wrong password"
	ll_node_chap "$IQN" "$P" wronguser "$PASS"
	check_rejected "wrong user name"
	ll_node_chap "$IQN" "$P" "$USER" "$PASS"
	login_with_data one-way
}

# The seed document sets only username and password; open-iscsi logs in
# with CHAP then (authmethod stays None in the record).
check_seed_flow() {
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" -o delete
	expect_exit 0 iscsiadm -m discovery -t st -p "$P"
	ll_node_update "$IQN" "$P" node.session.auth.username "$USER" &&
		ll_node_update "$IQN" "$P" node.session.auth.password "$PASS"
	expect_exit 0 login
	expect_eq "$OUT" "Logging in to [iface: default, target: $IQN, portal: $P,3260]
Login to [iface: default, target: $IQN, portal: $P,3260] successful." "seed-document CHAP login prints open-iscsi's lines"
	iscsiadm -m node -T "$IQN" -p "$P" --logout >/dev/null 2>&1
}

check_mutual() {
	lio_set_chap "$IQN" "$USER" "$PASS" "$MUSER" "$MPASS" ||
		{ not_ok "LIO mutual CHAP configured"; return; }
	ll_node_chap "$IQN" "$P" "$USER" "$PASS" "$MUSER" wrong-mutual-xxx
	expect_exit 19 login
	expect_eq "$(ll_sid_of "$IQN")" "" "wrong mutual secret: no session"
	ll_node_chap "$IQN" "$P" "$USER" "$PASS" "$MUSER" "$MPASS"
	login_with_data mutual
	# Back to one-way on the target, mutual asked by the initiator: fine.
	lio_set_chap "$IQN" "$USER" "$PASS"
}

check_discovery_chap() {
	local d=(-m discoverydb -t st -p "$P")
	[[ -d $DAUTH ]] || { not_ok "LIO has discovery_auth"; return; }
	printf %s "$DUSER" >"$DAUTH/userid" && printf %s "$DPASS" >"$DAUTH/password" &&
		printf 1 >"$DAUTH/enforce_discovery_auth" ||
		{ not_ok "LIO discovery CHAP enforced"; return; }
	expect_exit 24 iscsiadm -m discovery -t st -p "$P"
	expect_exit 0 iscsiadm "${d[@]}" -o new
	expect_exit 0 iscsiadm "${d[@]}" -o update -n discovery.sendtargets.auth.authmethod -v CHAP
	expect_exit 0 iscsiadm "${d[@]}" -o update -n discovery.sendtargets.auth.username -v "$DUSER"
	expect_exit 0 iscsiadm "${d[@]}" -o update -n discovery.sendtargets.auth.password -v wrong-secret-xxx
	expect_exit 24 iscsiadm "${d[@]}" --discover
	expect_exit 0 iscsiadm "${d[@]}" -o update -n discovery.sendtargets.auth.password -v "$DPASS"
	expect_exit 0 iscsiadm "${d[@]}" --discover
	expect_eq "$OUT" "$P:3260,1 $IQN" "discovery with CHAP lists the target"
	printf 0 >"$DAUTH/enforce_discovery_auth"
}

at_exit cleanup
at_exit ll_diag_on_failure
setup
check_one_way
check_seed_flow
check_mutual
check_discovery_chap
done_testing
