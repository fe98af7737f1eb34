#!/bin/bash
# vm-weight: 40
# Self-test of the VM harness and its guest libraries: the guest looks as
# promised (kernel, modules, writable overlay root, fresh /tmp, read-only
# /host, configfs, loopback, passed-through environment), lib/lio.sh builds
# multi-LUN targets and takes them down/up, tests/integration/tgtd-fixture.sh starts
# and stops tgtd.
# Uses open-iscsi as the client, so a failure here is the harness's fault.
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/../integration/tgtd-fixture.sh"

vm_require_guest "$0"

IQN=iqn.2003-01.org.lunlink.test:harness
IQN_TGT=iqn.2003-01.org.lunlink.test:harness-tgt
ISCSID_PID=

check_guest() {
	expect_eq "$(id -u)" 0 "runs as root"
	[[ -e /lib/modules/$(uname -r)/modules.dep.bin ]] &&
		ok "modules of the running kernel are installed" ||
		not_ok "modules of the running kernel are installed"
	expect_exit 0 modprobe scsi_transport_iscsi
	expect_exit 0 touch /etc/lunlink-harness-probe
	expect_exit 0 touch /usr/lunlink-harness-probe
	expect_match "$(stat -f -c %T /tmp)" "tmpfs" "/tmp is a tmpfs"
	# A repository that lives under /tmp (a CI clone) stays visible there.
	tmp_expected=
	if [[ $LUNLINK_REPO == /tmp/* ]]; then
		tmp_expected=${LUNLINK_REPO#/tmp/}
		tmp_expected=${tmp_expected%%/*}
	fi
	expect_eq "$(ls -A /tmp)" "$tmp_expected" "/tmp starts empty (but for the repository)"
	local writable
	touch /host/lunlink-harness-probe 2>/dev/null && writable=1 || writable=0
	expect_eq "$writable" 0 "/host is read-only"
	[[ -n $LUNLINK_REPO && -f $LUNLINK_REPO/tests/vm/run.sh ]] &&
		ok "repository visible at \$LUNLINK_REPO" ||
		not_ok "repository visible at \$LUNLINK_REPO" "LUNLINK_REPO=$LUNLINK_REPO"
	[[ -d /sys/kernel/config/target || -d /sys/kernel/config ]] &&
		ok "configfs mounted" || not_ok "configfs mounted"
	expect_eq "$(($(</sys/class/net/lo/flags) & 1))" 1 "loopback is up"
	if [[ -n ${LUNLINK_HARNESS_PROBE:-} ]]; then
		expect_eq "$LUNLINK_HARNESS_PROBE" "a b'c" "LUNLINK_* variables are passed through"
	fi
}

start_iscsid() {
	rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets
	echo "InitiatorName=iqn.2005-03.org.open-iscsi:harness" >/etc/iscsi/initiatorname.iscsi
	modprobe sd_mod
	setsid iscsid -f >/tmp/iscsid.log 2>&1 &
	ISCSID_PID=$!
	vm_wait_for 10 grep -q ISCSIADM_ABSTRACT_NAMESPACE /proc/net/unix
}

stop_all() {
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	[[ -n $ISCSID_PID ]] && kill "$ISCSID_PID" 2>/dev/null
	tgtd_stop
	lio_teardown
}

# Sizes (in sectors) of the disks of the session to IQN, in LUN order.
session_sizes() { # session_sizes IQN
	local s d
	for s in /sys/class/iscsi_session/session*; do
		[[ $(<"$s/targetname") == "$1" ]] || continue
		for d in "$s"/device/target*/*:*:*:*/block/*; do
			[[ -e $d ]] && cat "$d/size"
		done
	done | paste -sd' '
}

check_lio() {
	expect_exit 0 lio_create_target "$IQN" 3260 8M 3M
	expect_exit 0 iscsiadm -m discovery -t st -p 127.0.0.1
	expect_eq "$OUT" "127.0.0.1:3260,1 $IQN" "discovery finds the LIO target"
	lio_disable "$IQN"
	expect_exit 21 iscsiadm -m discovery -t st -p 127.0.0.1
	lio_enable "$IQN"
	expect_exit 0 iscsiadm -m node -T "$IQN" -p 127.0.0.1 --login
	vm_wait_for 10 test "$(session_sizes "$IQN")" = "16384 6144"
	expect_eq "$(session_sizes "$IQN")" "16384 6144" "two LUNs with the requested sizes"
	expect_exit 0 iscsiadm -m node -T "$IQN" -p 127.0.0.1 --logout
	expect_exit 0 lio_delete_target "$IQN"
	local left=(/sys/kernel/config/target/core/fileio_0/*lun*)
	[[ -e ${left[0]} ]] && not_ok "deleting the target removes its backstores" "${left[@]}" ||
		ok "deleting the target removes its backstores"
}

# Not under expect_exit: that runs its command in a subshell, and
# tgtd_start's TGTD_PID and TGTD_PORT must reach this shell.
check_tgt() {
	local p pid gone
	tgtd_start && tgtd_add_target 1 "$IQN_TGT" 32M && ok "tgtd started with a target" ||
		{ not_ok "tgtd started with a target"; return; }
	p=127.0.0.1:$TGTD_PORT
	expect_exit 0 iscsiadm -m discovery -t st -p "$p"
	expect_eq "$OUT" "$p,1 $IQN_TGT" "discovery finds the tgtd target"
	expect_exit 0 iscsiadm -m node -T "$IQN_TGT" -p "$p" --login
	vm_wait_for 10 test "$(session_sizes "$IQN_TGT")" = 65536
	expect_eq "$(session_sizes "$IQN_TGT")" 65536 "tgtd LUN 1 has the requested size"
	expect_exit 0 iscsiadm -m node -T "$IQN_TGT" -p "$p" --logout
	pid=$TGTD_PID
	expect_match "$pid" '^[0-9]+$' "tgtd_start knows tgtd's pid"
	tgtd_stop
	kill -0 "$pid" 2>/dev/null && gone=0 || gone=1
	expect_eq "$gone" 1 "tgtd_stop ends tgtd"
}

at_exit stop_all
check_guest
expect_exit 0 lio_load
start_iscsid && ok "iscsid started" || not_ok "iscsid started"
check_lio
check_tgt
done_testing
