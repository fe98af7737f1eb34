#!/bin/bash
# vm-timeout: 240
# vm-weight: 41
# lunlink's statistics against LIO: the kernel's counters through iscsid
# (GET_STATS over NETLINK_ISCSI) for -m session -s, -m session -r SID -s and
# -m node -T -p -s; txdata_octets and the Data-Out count grow by what dd
# wrote; the text is open-iscsi 2.1.8's (tests/vm/reference, captured by
# t-openiscsi-reference.sh against the same target name) once numbers are
# normalised; the error cases (bad sid, no session, unknown host) match it
# byte for byte; -m host -C stats says iscsi_tcp has no host statistics.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-lunlink-stats.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"

vm_require_guest "$0"

# The reference run's target, so the "Stats for session" lines compare.
IQN=iqn.2003-01.org.lunlink.test:reference
P=127.0.0.1
REF=$here/reference
WRITE_MIB=8

cleanup() {
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	ll_stop_iscsid
	lio_teardown
}

setup() {
	ll_require_build
	lio_load && lio_create_target "$IQN" 3260 64M ||
		{ not_ok "LIO target configured"; done_testing; }
	modprobe sd_mod
	ll_start_iscsid || { not_ok "iscsid started"; done_testing; }
	ok "iscsid started"
	iscsiadm -m discovery -t st -p "$P" >/dev/null
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" --login
	vm_wait_for 30 ll_disk_of "$IQN" || { not_ok "disk after login"; done_testing; }
	SID=$(ll_sid_of "$IQN")
	HOST=$(readlink -f "/sys/class/iscsi_session/session$SID/device/..")
	HOST=${HOST##*/host}
}

# Numbers and the sid out, for comparing with open-iscsi's capture.
normalise() { sed -E 's/: [0-9]+$/: N/; s/\[sid: [0-9]+,/[sid: S,/'; }

ref_exit() { # ref_exit NAME: open-iscsi's exit status in the reference run
	awk -F'\t' -v n="$1" '$1 == n { sub(/^exit /, "", $2); print $2 }' "$REF/index.txt"
}

same_text_as_reference() { # same_text_as_reference NAME: $OUT vs NAME.stdout.txt
	expect_eq "$(normalise <<<"$OUT")" "$(normalise <"$REF/$1.stdout.txt")" \
		"$1: open-iscsi's text, numbers aside"
}

counter() { # counter NAME: its value in $OUT
	sed -n "s/^\t$1: //p" <<<"$OUT"
}

check_counters_move() {
	local tx0 do0 tx1 do1
	expect_exit 0 iscsiadm -m session -r "$SID" -s
	tx0=$(counter txdata_octets)
	do0=$(counter dataout_pdus)
	expect_match "$tx0" '^[0-9]+$' "txdata_octets is a number ($tx0)"
	expect_exit 0 dd if=/dev/urandom of="/dev/$DISK" bs=1M count="$WRITE_MIB" \
		oflag=direct status=none
	expect_exit 0 iscsiadm -m session -r "$SID" -s
	tx1=$(counter txdata_octets)
	do1=$(counter dataout_pdus)
	diag "txdata_octets $tx0 -> $tx1, dataout_pdus $do0 -> $do1"
	(( tx1 - tx0 >= WRITE_MIB << 20 )) &&
		ok "txdata_octets grew by at least the $WRITE_MIB MiB written" ||
		not_ok "txdata_octets grew by at least the $WRITE_MIB MiB written"
	(( do1 > do0 )) && ok "dataout_pdus grew" || not_ok "dataout_pdus grew"
	same_text_as_reference session-r-stats
	expect_lines "$OUT" "-r SID -s" \
		"Stats for session [sid: $SID, target: $IQN, portal: $P,3260]" \
		$'\ttx_sendpage_failures: 0' $'\teh_abort_cnt: 0'
}

check_every_form() {
	expect_exit "$(ref_exit session-stats)" iscsiadm -m session -s
	same_text_as_reference session-stats
	expect_exit "$(ref_exit node-stats)" iscsiadm -m node -T "$IQN" -p "$P" -s
	same_text_as_reference node-stats
	expect_exit "$(ref_exit node-stats-noportal)" iscsiadm -m node -T "$IQN" -s
	same_text_as_reference node-stats-noportal
}

check_errors() {
	vm_save bad-sid iscsiadm -m session -r 9999 -s
	expect_eq "$SAVED_RC" "$(ref_exit session-r-bad-stats)" "bad sid: open-iscsi's exit code"
	expect_eq "$SAVED_ERR" "$(<"$REF/session-r-bad-stats.stderr.txt")" "bad sid: open-iscsi's lines"
	vm_save host-bad iscsiadm -m host -H 9999 -C stats
	expect_eq "$SAVED_RC" "$(ref_exit host-bad-stats)" "unknown host: open-iscsi's exit code"
	expect_eq "$SAVED_ERR" "$(<"$REF/host-bad-stats.stderr.txt")" "unknown host: open-iscsi's lines"
	# the kernel itself refuses: iscsi_tcp has no host statistics
	vm_save host iscsiadm -m host -H "$HOST" -C stats
	expect_eq "$SAVED_RC" "$(ref_exit host-stats)" "host stats: open-iscsi's exit code"
	expect_eq "$SAVED_ERR" "iscsiadm: get_host_stats failed: host statistics are not supported by this transport (iscsi_tcp)" \
		"host stats: says the transport has none"
	expect_eq "$SAVED_OUT" "" "host stats: nothing on stdout"
}

# iscsid keeps no counters: a restarted one answers from the kernel too.
check_after_restart() {
	ll_stop_iscsid
	ll_start_iscsid || { not_ok "iscsid restarted"; return; }
	vm_wait_for 30 ll_disk_of "$IQN"
	expect_exit 0 iscsiadm -m session -r "$SID" -s
	same_text_as_reference session-r-stats
}

check_no_session() {
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P" --logout
	vm_save none iscsiadm -m session -s
	expect_eq "$SAVED_RC" "$(ref_exit session-stats-none)" "no session: open-iscsi's exit code"
	expect_eq "$SAVED_ERR" "$(<"$REF/session-stats-none.stderr.txt")" "no session: open-iscsi's line"
	vm_save node-none iscsiadm -m node -T "$IQN" -p "$P" -s
	expect_eq "$SAVED_RC" "$(ref_exit node-stats-none)" "node, no session: open-iscsi's exit code"
	expect_eq "$SAVED_ERR" "$(<"$REF/node-stats-none.stderr.txt")" "node, no session: open-iscsi's line"
}

at_exit ll_diag_on_failure
at_exit cleanup
setup
check_counters_move
check_every_form
check_errors
check_after_restart
check_no_session
done_testing
