#!/bin/bash
# vm-weight: 55
# Reference run of Debian's open-iscsi (iscsid + iscsiadm from the host
# root) against LIO, inside the VM: proves the kernel path (iscsi_tcp over
# NETLINK_ISCSI, /dev/sdX) works in the harness and records open-iscsi's
# exit codes, output formats and login-to-device time for lunlink to match.
#
#   tests/vm/run.sh tests/vm/t-openiscsi-reference.sh
#   tests/vm/run.sh --out tests/vm/reference tests/vm/t-openiscsi-reference.sh
#
# With --out, every captured command's exact stdout/stderr lands in that
# directory (NAME.stdout.txt, NAME.stderr.txt, index.txt with exit codes).
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"

vm_require_guest "$0"

IQN=iqn.2003-01.org.lunlink.test:reference
IQN_CHAP=iqn.2003-01.org.lunlink.test:chap
PORTAL=127.0.0.1
PORT=3260
LUN_SIZE=64M
LUN_SECTORS=131072 # 64 MiB in 512-byte sectors
INITIATOR=iqn.2005-03.org.open-iscsi:lunlink-vm
CHAP_USER=lunlink-user
CHAP_PASS=secret-of-16-ch
CHAP_MUSER=lunlink-target
CHAP_MPASS=mutual-secret-17c
IO_MIB=16

ISCSID_LOG=/tmp/iscsid.log
ISCSID_PID=

start_iscsid() {
	rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets
	mkdir -p /etc/iscsi
	echo "InitiatorName=$INITIATOR" >/etc/iscsi/initiatorname.iscsi
	# Its own session: on SIGTERM iscsid signals its whole process group,
	# which would otherwise include this script.
	setsid iscsid -f >"$ISCSID_LOG" 2>&1 &
	ISCSID_PID=$!
	# iscsiadm reaches iscsid through this abstract UNIX socket.
	vm_wait_for 10 grep -q ISCSIADM_ABSTRACT_NAMESPACE /proc/net/unix
}

stop_everything() {
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	if [[ -n $ISCSID_PID ]]; then
		kill "$ISCSID_PID" 2>/dev/null
		wait "$ISCSID_PID" 2>/dev/null
	fi
	[[ -n ${LUNLINK_VM_OUT:-} && -f $ISCSID_LOG ]] &&
		cp "$ISCSID_LOG" "$LUNLINK_VM_OUT/iscsid-foreground.txt"
	lio_teardown
}

# The block device of the (only) session to IQN, once the scan made it.
session_disk() { # session_disk IQN -> sdX
	local s d
	for s in /sys/class/iscsi_session/session*; do
		[[ -e $s/targetname && $(<"$s/targetname") == "$1" ]] || continue
		for d in "$s"/device/target*/*:*:*:*/block/*; do
			[[ -e $d ]] && echo "${d##*/}" && return 0
		done
	done
	return 1
}

session_sid() { # session_sid IQN -> N of sessionN
	local s
	for s in /sys/class/iscsi_session/session*; do
		[[ -e $s/targetname && $(<"$s/targetname") == "$1" ]] && echo "${s##*session}" && return 0
	done
	return 1
}

session_host() { # session_host IQN -> H of hostH
	local s h
	for s in /sys/class/iscsi_session/session*; do
		[[ -e $s/targetname && $(<"$s/targetname") == "$1" ]] || continue
		h=$(readlink -f "$s/device/..") && echo "${h##*host}" && return 0
	done
	return 1
}

disk_node_ready() { # disk_node_ready IQN: sets DISK when /dev/sdX exists
	DISK=$(session_disk "$1") && [[ -b /dev/$DISK ]]
}

node_update() { # node_update IQN NAME VALUE
	iscsiadm -m node -T "$1" -p "$PORTAL" -o update -n "$2" -v "$3" >/dev/null
}

node_chap() { # node_chap IQN USER PASS [USER_IN PASS_IN]
	node_update "$1" node.session.auth.authmethod CHAP &&
		node_update "$1" node.session.auth.username "$2" &&
		node_update "$1" node.session.auth.password "$3" &&
		node_update "$1" node.session.auth.username_in "${4:-}" &&
		node_update "$1" node.session.auth.password_in "${5:-}"
}

setup() {
	local t0
	t0=$(vm_now)
	lio_load &&
		lio_create_target "$IQN" "$PORT" "$LUN_SIZE" &&
		lio_create_target "$IQN_CHAP" "$PORT" "$LUN_SIZE" &&
		lio_set_chap "$IQN_CHAP" "$CHAP_USER" "$CHAP_PASS" ||
		{ not_ok "LIO targets configured"; done_testing; }
	ok "LIO targets configured"
	echo "METRIC lio_setup_s=$(vm_seconds_since "$t0")"
	# No udev in the guest: load the disk driver it would load.
	modprobe sd_mod
	start_iscsid || { not_ok "iscsid started" "$(<"$ISCSID_LOG")"; done_testing; }
	ok "iscsid started"
}

check_discovery() {
	vm_save discovery iscsiadm -m discovery -t st -p "$PORTAL"
	expect_eq "$SAVED_RC" 0 "discovery exits 0"
	expect_eq "$(sort <<<"$SAVED_OUT")" \
		"$(printf '%s\n' "$PORTAL:$PORT,1 $IQN_CHAP" "$PORTAL:$PORT,1 $IQN" | sort)" \
		"discovery lists both targets"
	vm_save discovery-records iscsiadm -m discovery
	expect_eq "$SAVED_OUT" "$PORTAL:$PORT via sendtargets" "-m discovery lists the record"
	vm_save node-list iscsiadm -m node
	expect_eq "$SAVED_RC" 0 "-m node exits 0"
	vm_save node-record iscsiadm -m node -T "$IQN" -p "$PORTAL"
	expect_match "$SAVED_OUT" "node.name = $IQN" "-m node -T shows the record"
	vm_save iface-list iscsiadm -m iface
	vm_save version iscsiadm --version
	vm_save login-unknown iscsiadm -m node -T "$IQN:unknown" -p "$PORTAL" --login
	expect_eq "$SAVED_RC" 21 "login to an unknown node exits 21"
}

# Login with the device appearance timed from the start of iscsiadm.
login_and_time() { # login_and_time IQN NAME
	local t0 pid rc
	t0=$(vm_now)
	iscsiadm -m node -T "$1" -p "$PORTAL" --login >/tmp/login.out 2>/tmp/login.err &
	pid=$!
	vm_wait_for 30 disk_node_ready "$1" || DISK=
	LOGIN_TO_DEV=$(vm_seconds_since "$t0")
	wait "$pid" && rc=0 || rc=$?
	LOGIN_RC=$rc
	if [[ -n ${LUNLINK_VM_OUT:-} ]]; then
		[[ -s /tmp/login.out ]] && cp /tmp/login.out "$LUNLINK_VM_OUT/$2.stdout.txt"
		[[ -s /tmp/login.err ]] && cp /tmp/login.err "$LUNLINK_VM_OUT/$2.stderr.txt"
		printf '%s\texit %d\t%s\n' "$2" "$rc" \
			"iscsiadm -m node -T $1 -p $PORTAL --login" >>"$LUNLINK_VM_OUT/index.txt"
	fi
}

check_login() {
	login_and_time "$IQN" login
	expect_eq "$LOGIN_RC" 0 "login exits 0" || diag "$(</tmp/login.err)"
	if [[ -z $DISK ]]; then
		not_ok "disk appears after login"
		return 1
	fi
	ok "disk /dev/$DISK appears after login"
	echo "METRIC openiscsi_login_to_dev_s=$LOGIN_TO_DEV"
	expect_eq "$(</sys/block/$DISK/size)" "$LUN_SECTORS" "disk has the LUN's size"
	return 0
}

check_io() {
	local t0 backing
	backing=$(lio_lun_file "$IQN" 0)
	head -c $((IO_MIB << 20)) /dev/urandom >/tmp/pattern
	t0=$(vm_now)
	dd if=/tmp/pattern of="/dev/$DISK" bs=1M count="$IO_MIB" oflag=direct status=none
	expect_eq "$?" 0 "direct write of ${IO_MIB} MiB"
	echo "METRIC openiscsi_write_${IO_MIB}mib_s=$(vm_seconds_since "$t0")"
	t0=$(vm_now)
	dd if="/dev/$DISK" of=/tmp/readback bs=1M count="$IO_MIB" iflag=direct status=none
	expect_eq "$?" 0 "direct read of ${IO_MIB} MiB"
	echo "METRIC openiscsi_read_${IO_MIB}mib_s=$(vm_seconds_since "$t0")"
	cmp -s /tmp/pattern /tmp/readback
	expect_eq "$?" 0 "read back what was written"
	# The data really went through the target into its backing file.
	cmp -s -n $((IO_MIB << 20)) /tmp/pattern "$backing"
	expect_eq "$?" 0 "target's backing file holds the data"
	rm -f /tmp/pattern /tmp/readback
}

check_session_listing() {
	vm_save session iscsiadm -m session
	expect_eq "$SAVED_RC" 0 "-m session exits 0"
	expect_match "$SAVED_OUT" "^tcp: \[[0-9]+\] $PORTAL:$PORT,1 $IQN \(non-flash\)$" \
		"-m session line format"
	vm_save session-P1 iscsiadm -m session -P 1
	vm_save session-P2 iscsiadm -m session -P 2
	vm_save session-P3 iscsiadm -m session -P 3
	expect_eq "$SAVED_RC" 0 "-m session -P 3 exits 0"
	expect_match "$SAVED_OUT" "Attached scsi disk $DISK" "-P 3 names the disk"
}

# Statistics (ISCSI_UEVENT_GET_STATS through iscsid) after the I/O above,
# and the host statistics iscsi_tcp does not have.
check_stats() {
	local sid host
	sid=$(session_sid "$IQN")
	host=$(session_host "$IQN")
	vm_save session-stats iscsiadm -m session -s
	expect_eq "$SAVED_RC" 0 "-m session -s exits 0"
	expect_match "$SAVED_OUT" $'\ttxdata_octets: [1-9][0-9]*' "-m session -s counts the written data"
	vm_save session-r-stats iscsiadm -m session -r "$sid" -s
	expect_eq "$SAVED_RC" 0 "-m session -r SID -s exits 0"
	vm_save node-stats iscsiadm -m node -T "$IQN" -p "$PORTAL" -s
	expect_eq "$SAVED_RC" 0 "-m node -T -p -s exits 0"
	vm_save node-stats-noportal iscsiadm -m node -T "$IQN" -s
	vm_save session-r-bad-stats iscsiadm -m session -r 9999 -s
	vm_save host-stats iscsiadm -m host -H "$host" -C stats
	vm_save host-bad-stats iscsiadm -m host -H 9999 -C stats
}

# Statistics requests once no session is left.
check_stats_none() {
	vm_save session-stats-none iscsiadm -m session -s
	vm_save node-stats-none iscsiadm -m node -T "$IQN" -p "$PORTAL" -s
}

check_second_login() {
	vm_save login-again iscsiadm -m node -T "$IQN" -p "$PORTAL" --login
	expect_eq "$SAVED_RC" 15 "second login exits 15 (session exists)"
}

check_logout() {
	vm_save logout iscsiadm -m node -T "$IQN" -p "$PORTAL" --logout
	expect_eq "$SAVED_RC" 0 "logout exits 0"
	vm_wait_for 10 test ! -e "/dev/$DISK"
	expect_eq "$?" 0 "/dev/$DISK is gone after logout"
	vm_save session-none iscsiadm -m session
	expect_eq "$SAVED_RC" 21 "-m session with no sessions exits 21"
	vm_save logout-again iscsiadm -m node -T "$IQN" -p "$PORTAL" --logout
	expect_eq "$SAVED_RC" 21 "logout without a session exits 21"
}

check_chap() {
	vm_save chap-none iscsiadm -m node -T "$IQN_CHAP" -p "$PORTAL" --login
	expect_eq "$SAVED_RC" 24 "login without CHAP credentials exits 24"

	node_chap "$IQN_CHAP" "$CHAP_USER" "wrong-secret-xx"
	vm_save chap-wrong iscsiadm -m node -T "$IQN_CHAP" -p "$PORTAL" --login
	expect_eq "$SAVED_RC" 24 "login with a wrong CHAP secret exits 24"

	node_chap "$IQN_CHAP" "$CHAP_USER" "$CHAP_PASS"
	login_and_time "$IQN_CHAP" chap-login
	expect_eq "$LOGIN_RC" 0 "login with the right CHAP secret exits 0"
	[[ -n $DISK ]] && ok "CHAP session gives a disk" || not_ok "CHAP session gives a disk"
	iscsiadm -m node -T "$IQN_CHAP" -p "$PORTAL" --logout >/dev/null

	lio_set_chap "$IQN_CHAP" "$CHAP_USER" "$CHAP_PASS" "$CHAP_MUSER" "$CHAP_MPASS"
	node_chap "$IQN_CHAP" "$CHAP_USER" "$CHAP_PASS" "$CHAP_MUSER" "wrong-mutual-xxx"
	vm_save chap-mutual-wrong iscsiadm -m node -T "$IQN_CHAP" -p "$PORTAL" --login
	expect_eq "$SAVED_RC" 19 "login with a wrong mutual CHAP secret exits 19"

	node_chap "$IQN_CHAP" "$CHAP_USER" "$CHAP_PASS" "$CHAP_MUSER" "$CHAP_MPASS"
	vm_save chap-mutual iscsiadm -m node -T "$IQN_CHAP" -p "$PORTAL" --login
	expect_eq "$SAVED_RC" 0 "login with mutual CHAP exits 0"
	vm_save session-chap-P3 iscsiadm -m session -P 3
	vm_save node-record-chap iscsiadm -m node -T "$IQN_CHAP" -p "$PORTAL"
	vm_save logout-all iscsiadm -m node --logoutall=all
	expect_eq "$SAVED_RC" 0 "--logoutall=all exits 0"
}

at_exit stop_everything
setup
check_discovery
check_login && {
	check_io
	check_session_listing
	check_stats
	check_second_login
	check_logout
	check_stats_none
}
check_chap
done_testing
