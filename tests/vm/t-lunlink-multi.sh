#!/bin/bash
# vm-timeout: 240
# vm-weight: 55
# lunlink with several targets and LUNs on LIO: a target with three LUNs
# and a second target; --loginall=all logs into both (one Login line
# each) and every disk appears with its exact size; -m session lists both;
# --logoutall=all logs out of both; node.startup automatic vs manual with
# --loginall=automatic; -m session -r SID -u logs out one session.
# Several sessions to one node: node.session.nr_sessions = 2 opens two
# (two SCSI hosts, two disks with the same data, two sessions at LIO, so
# distinct ISIDs), a second login says they are present (exit 15), -r SID
# -o new adds a third, an iscsid restart adopts all three and each one
# recovers on its own after its connection is killed, and logging out the
# node logs out all of them.  Each session keeps its ISID across an iscsid
# restart (iscsid's session-isids file): with the lowest of the three
# logged out, an explicit LIO ACL shows each remaining session's ISID at
# the target (its info file names the latest session to log in), and
# after the restart each logs in again with that ISID while its sibling
# keeps its connection (no reinstatement over it); a stale entry leaves
# the file, a corrupt file is reported and adoption goes on.  With
# systemd-udevd running and lunlink's rule, /dev/disk/by-iscsi/TARGET-lun-0
# names the lowest session's disk and keeps it while sessions are added,
# then moves to the next lowest when that session logs out.
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

UDEVD_PID=

cleanup() {
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	[[ -n $UDEVD_PID ]] && kill "$UDEVD_PID" 2>/dev/null
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

sids_of() { # sids_of IQN -> its session ids, ascending
	local s out=()
	for s in /sys/class/iscsi_session/session*; do
		[[ -e $s/targetname && $(<"$s/targetname") == "$1" ]] && out+=("${s##*/session}")
	done
	printf '%s\n' "${out[@]}" | sort -n | tr '\n' ' ' | sed 's/ $//'
}

disk_of_sid() { # disk_of_sid SID -> sdX of its first LUN
	local d
	for d in /sys/class/iscsi_session/session"$1"/device/target*/*:*:*:*/block/*; do
		[[ -e $d ]] && echo "${d##*/}" && return 0
	done
	return 1
}

host_of_sid() { # host_of_sid SID -> H of hostH
	local p
	p=$(readlink -f "/sys/class/iscsi_session/session$1")
	p=${p%/session*}
	echo "${p##*/host}"
}

count_is() { [[ $(wc -w <<<"$(sids_of "$1")") == "$2" ]]; }

disks_ready() { # disks_ready IQN N: N sessions, each with its disk in /dev
	local s d n=0
	for s in $(sids_of "$1"); do
		d=$(disk_of_sid "$s") && [[ -b /dev/$d ]] && n=$((n + 1))
	done
	((n == $2))
}

all_logged_in() { # all_logged_in IQN N
	local s n=0
	for s in $(sids_of "$1"); do
		[[ $(</sys/class/iscsi_session/session$s/state) == LOGGED_IN ]] && n=$((n + 1))
	done
	((n == $2))
}

lio_sessions() { grep -c . "$LIO_CFS/iscsi/$1/tpgt_1/dynamic_sessions"; }

# systemd-udevd with lunlink's rule (iscsi_id from this build) next to
# the system's rules; no coldplug, only the disks that come from now on.
start_udevd() {
	mkdir -p /etc/udev/rules.d /run/udev
	sed "s#[^\"]*/iscsi_id#$LL_BUILD/udev/iscsi_id#" "$LL_BUILD/udev/69-lunlink-iscsi.rules" \
		>/etc/udev/rules.d/69-lunlink-iscsi.rules
	setsid /lib/systemd/systemd-udevd >"$LL_DIR/udevd.log" 2>&1 &
	UDEVD_PID=$!
	vm_wait_for 10 test -S /run/udev/control && ok "systemd-udevd started" ||
		not_ok "systemd-udevd started"
}

json_by_iscsi() { # json_by_iscsi SID -> by_iscsi of its first disk in -P 3 -J, or null
	iscsiadm -m session -r "$1" -P 3 -J 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)["sessions"][0]["devices"][0]["by_iscsi"]
print("null" if d is None else d)'
}

link_target() { # link_target IQN -> sdX the by-iscsi link of LUN 0 names
	udevadm settle -t 20
	local l
	l=$(readlink -f "/dev/disk/by-iscsi/$1-lun-0") && echo "${l##*/}"
}

check_nr_sessions() {
	local d="[iface: default, target: $IQN_B, portal: $P,3260]" sids s1 s2 disk1 disk2
	local pat=$LL_DIR/pattern back=$LL_DIR/readback t0
	expect_exit 0 iscsiadm -m node -T "$IQN_B" -p "$P" -o update -n node.session.nr_sessions -v 2
	t0=$(vm_now)
	start_udevd
	diag "udevd start: $(vm_seconds_since "$t0") s"
	t0=$(vm_now)
	expect_exit 0 iscsiadm -m node -T "$IQN_B" -p "$P" --login
	expect_eq "$OUT" "Logging in to $d (multiple)
Logging in to $d (multiple)
Login to $d successful.
Login to $d successful." "nr_sessions=2: two Login lines, as open-iscsi"
	vm_wait_for 20 disks_ready "$IQN_B" 2
	diag "nr_sessions=2 login to 2 disks: $(vm_seconds_since "$t0") s"
	read -r s1 s2 <<<"$(sids_of "$IQN_B")"
	[[ -n $s1 && -n $s2 ]] && ok "nr_sessions=2: two sessions ($s1 $s2)" ||
		not_ok "nr_sessions=2: two sessions" "sessions: $(sids_of "$IQN_B")"
	[[ $(host_of_sid "$s1") != "$(host_of_sid "$s2")" ]] &&
		ok "each session has its own SCSI host" || not_ok "each session has its own SCSI host"
	disk1=$(disk_of_sid "$s1")
	disk2=$(disk_of_sid "$s2")
	[[ -n $disk1 && -n $disk2 && $disk1 != "$disk2" ]] &&
		ok "each session has its own disk ($disk1 $disk2)" || not_ok "each session has its own disk"
	head -c $((4 << 20)) /dev/urandom >"$pat"
	dd if="$pat" of="/dev/$disk1" bs=1M count=4 oflag=direct status=none
	dd if="/dev/$disk2" of="$back" bs=1M count=4 iflag=direct status=none
	cmp -s "$pat" "$back" && ok "data written through one session reads back through the other" ||
		not_ok "data written through one session reads back through the other"
	expect_eq "$(lio_sessions "$IQN_B")" 2 "LIO holds two sessions (distinct ISIDs)"
	expect_eq "$(link_target "$IQN_B")" "$disk1" "by-iscsi link names the lowest session's disk"
	expect_exit 15 iscsiadm -m node -T "$IQN_B" -p "$P" --login
	expect_eq "$OUT" "iscsiadm: default: 2 sessions requested, but 2 already present.
iscsiadm: Could not log into all portals" "second login: open-iscsi's lines"
	expect_exit 0 iscsiadm -m session -r "$s1" -o new
	expect_eq "$OUT" "Logging in to $d (multiple)
Login to $d successful." "-o new: open-iscsi's lines"
	vm_wait_for 20 disks_ready "$IQN_B" 3
	sids=$(sids_of "$IQN_B")
	expect_eq "$(wc -w <<<"$sids")" 3 "-o new adds a third session"
	expect_eq "$(link_target "$IQN_B")" "$disk1" "a third session leaves the by-iscsi link alone"
	expect_eq "$(json_by_iscsi "$s1")" "/dev/disk/by-iscsi/$IQN_B-lun-0" \
		"-r SID -P 3 -J: the lowest session's disk carries the by-iscsi link"
	expect_eq "$(json_by_iscsi "$s2")" null "-r SID -P 3 -J: a later session's disk has none"
	expect_exit 0 iscsiadm -m session
	expect_eq "$(grep -c "$IQN_B" <<<"$OUT")" 3 "-m session lists the three"
	expect_exit 0 iscsiadm -m session -P 1
	expect_eq "$(grep -c "SID:" <<<"$OUT")" 3 "-m session -P 1 has three SID lines"
}

check_nr_sessions_restart() {
	local sids killed s1 s2
	sids=$(sids_of "$IQN_B")
	ll_stop_iscsid
	ll_start_iscsid || not_ok "iscsid restarted"
	expect_exit 0 iscsiadm -m session -P 1
	expect_eq "$(grep -c "iSCSI Connection State: LOGGED IN" <<<"$OUT")" 3 \
		"after an iscsid restart all three sessions are adopted"
	killed=$(ss -HtnK state established dst 127.0.0.1 dport = 3260 2>/dev/null | grep -c .)
	diag "connections killed: $killed"
	expect_eq "$killed" 3 "the three connections were killed"
	vm_wait_for 5 test "$(</sys/class/iscsi_session/session${sids%% *}/state)" != LOGGED_IN
	vm_wait_for 30 all_logged_in "$IQN_B" 3
	# a reinstatement (two sessions with one ISID) would drop one again
	vm_sleep 1
	expect_eq "$(sids_of "$IQN_B")" "$sids" "the same three sessions recovered"
	all_logged_in "$IQN_B" 3 && ok "all three LOGGED_IN after recovery" ||
		not_ok "all three LOGGED_IN after recovery"
	expect_eq "$(lio_sessions "$IQN_B")" 3 "LIO holds three sessions after recovery (distinct ISIDs)"
	read -r s1 s2 _ <<<"$sids"
	expect_exit 0 iscsiadm -m session -r "$s1" -u
	vm_wait_for 10 count_is "$IQN_B" 2
	expect_eq "$(link_target "$IQN_B")" "$(disk_of_sid "$s2")" \
		"by-iscsi link moves to the next lowest session when the lowest logs out"
}

local_port() { cat "/sys/class/iscsi_connection/connection$1:0/local_port" 2>/dev/null; }
sess_state() { cat "/sys/class/iscsi_session/session$1/state" 2>/dev/null; }

# SID is logged in again over another connection than the one on PORT.
relogged() { [[ $(sess_state "$1") == LOGGED_IN && -n $(local_port "$1") && $(local_port "$1") != "$2" ]]; }

kill_conns() { # kill_conns SID...: kill each one's TCP connection, count them
	local s n=0
	for s in "$@"; do
		n=$((n + $(ss -HtnK state established sport = ":$(local_port "$s")" dport = :3260 |
			grep -c .)))
	done
	echo "$n"
}

# relogin SID: kill its connection alone and wait until it is logged in again.
relogin() {
	local port
	port=$(local_port "$1")
	expect_eq "$(kill_conns "$1")" 1 "session $1: its connection killed"
	vm_wait_for 30 relogged "$1" "$port" || not_ok "session $1 logged in again"
}

sibling_untouched() { # sibling_untouched SID PORT NAME
	vm_sleep 1
	expect_eq "$(sess_state "$1") $(local_port "$1")" "LOGGED_IN $2" "$3"
}

# The ISID each session logs in with must survive an iscsid restart: the
# kernel does not keep it, iscsid's session-isids file does.  With the
# lowest session (number 0) logged out, numbers taken again from the
# adoption order would give the second session number 0 and the third
# number 1, the second's ISID: the third's next login would then
# reinstate over the second at the target.  An explicit ACL makes LIO show
# the ISID of the latest session to log in (its info file), so each
# session is logged in again alone to read its ISID there.
check_isids_restart() {
	local s2 s3 l2 l3 isid2 isid3 isid2b p2 p3 file=$LL_DIR/session-isids
	read -r s2 s3 <<<"$(sids_of "$IQN_B")"
	lio_add_acl "$IQN_B" "$LL_INITIATOR" || not_ok "LIO: an ACL for the initiator"
	relogin "$s2"
	read -r l2 isid2 <<<"$(lio_acl_latest "$IQN_B" "$LL_INITIATOR")"
	relogin "$s3"
	read -r l3 isid3 <<<"$(lio_acl_latest "$IQN_B" "$LL_INITIATOR")"
	diag "at LIO: session $s2 is LIO session $l2 ISID $isid2, $s3 is $l3 ISID $isid3"
	[[ -n $isid2 && -n $isid3 && $isid2 != "$isid3" ]] && ok "LIO: two distinct ISIDs" ||
		not_ok "LIO: two distinct ISIDs" "'$isid2' '$isid3'"
	ll_stop_iscsid
	expect_eq "$(grep "^$s2 " "$file")" "$s2 1 $isid2 $IQN_B" "the file: session $s2 is number 1, ISID as at LIO"
	expect_eq "$(grep "^$s3 " "$file")" "$s3 2 $isid3 $IQN_B" "the file: session $s3 is number 2, ISID as at LIO"
	echo "999999 5 80aabbccddee $IQN_B" >>"$file"
	ll_start_iscsid || not_ok "iscsid restarted"
	vm_wait_for 5 eval '! grep -q "^999999 " "$file"'
	expect_eq "$(grep -c "^999999 " "$file")" 0 "a sid gone from the kernel leaves the file"
	p2=$(local_port "$s2")
	relogin "$s3"
	expect_eq "$(lio_acl_latest "$IQN_B" "$LL_INITIATOR")" "$((l3 + 1)) $isid3" \
		"after the restart session $s3 logs in with its own ISID (new LIO session)"
	sibling_untouched "$s2" "$p2" "session $s2 kept its connection: no reinstatement over it"
	p3=$(local_port "$s3")
	relogin "$s2"
	read -r _ isid2b <<<"$(lio_acl_latest "$IQN_B" "$LL_INITIATOR")"
	expect_eq "$isid2b" "$isid2" "after the restart session $s2 logs in with its own ISID"
	sibling_untouched "$s3" "$p3" "session $s3 kept its connection: no reinstatement over it"
	expect_eq "$(kill_conns "$s2" "$s3")" 2 "both connections killed"
	vm_sleep 0.5
	vm_wait_for 30 all_logged_in "$IQN_B" 2
	vm_sleep 1
	all_logged_in "$IQN_B" 2 && ok "both LOGGED_IN again, and still a second later" ||
		not_ok "both LOGGED_IN again, and still a second later"
	expect_eq "$(<"$LIO_CFS/iscsi/$IQN_B/fabric_statistics/iscsi_instance/sessions")" 2 \
		"LIO holds two sessions"
	# a damaged file is said out loud; the sessions are adopted all the same
	ll_stop_iscsid
	printf 'lunlink-session-isids 1\n%s 1 nothex %s\n' "$s2" "$IQN_B" >"$file"
	ll_start_iscsid || not_ok "iscsid restarted"
	expect_match "$(grep -a 'session-isids is corrupt' "$LL_ISCSID_LOG")" "line 2: expected an ISID" \
		"a corrupt file is reported with its line"
	expect_exit 0 iscsiadm -m session
	expect_eq "$(grep -c "$IQN_B" <<<"$OUT")" 2 "both sessions adopted despite the corrupt file"
	vm_wait_for 5 grep -q "^$s3 " "$file"
	expect_eq "$(grep -v '^#' "$file" | head -1) $(grep -c "^$s3 1 " "$file")" \
		"lunlink-session-isids 1 1" "the file is written anew (session $s3 now number 1)"
}

check_node_logout() {
	expect_exit 0 iscsiadm -m node -T "$IQN_B" -p "$P" -u
	expect_eq "$(grep -c "^Logout of .*successful" <<<"$OUT")" 2 "node logout logs out the other two"
	vm_wait_for 10 count_is "$IQN_B" 0
	expect_eq "$(sids_of "$IQN_B")" "" "no session to B left"
	expect_exit 0 iscsiadm -m node -T "$IQN_B" -p "$P" -o update -n node.session.nr_sessions -v 1
}

at_exit cleanup
at_exit ll_diag_on_failure
setup
check_loginall
check_logoutall
check_startup
T_NR=$(vm_now)
check_nr_sessions
diag "nr_sessions, udev link and -o new: $(vm_seconds_since "$T_NR") s"
T_NR=$(vm_now)
check_nr_sessions_restart
diag "restart, recovery and logout of the lowest session: $(vm_seconds_since "$T_NR") s"
T_NR=$(vm_now)
check_isids_restart
diag "ISIDs across a restart: $(vm_seconds_since "$T_NR") s"
check_node_logout
done_testing
