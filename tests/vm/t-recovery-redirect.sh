#!/bin/bash
# vm-timeout: 300
# vm-weight: 74
# Login redirection, at the first login and during recovery. LIO serves
# the target on 127.0.0.1:3260; lib/redirector.py answers every Login
# Request on 127.0.0.1:3262 with status 0x0101 (moved temporarily) and on
# 127.0.0.1:3263 with 0x0102 (moved permanently), TargetAddress
# 127.0.0.1:3260,1. For each redirector, with a node record made by hand
# (`-o new`, no discovery) for its portal:
#   1. login succeeds, the disk appears; the session keeps the portal the
#      user asked for (`-m session`, Persistent Portal, sysfs
#      persistent_address/port) and runs on the one it was sent to
#      (Current Portal, sysfs address/port); O_DIRECT data verifies.
#   2. with a writer of known data running, the TCP connection is killed
#      (ss -K): recovery goes back to the redirector (a redirect holds for
#      one attempt), which sees a second login with the same ISID and
#      redirects again; the session comes back on 3260, the writer saw no
#      error and every block holds its last write. open-iscsi 2.1.8 does
#      the same in this VM after 0x0101 and after 0x0102: its recovery
#      also logs in at the redirector again.
#   3. logout works; the disk and the session go; open-iscsi's logout
#      lines name the persistent address with the current port.
# Prints METRIC redirect_recovery_s (and redirect_perm_recovery_s).
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-recovery-redirect.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"
. "$here/lib/fault.sh"

vm_require_guest "$0"

IQN=iqn.2003-01.org.lunlink.test:redirect
P=127.0.0.1
REAL=3260           # LIO
RDR_TEMP=3262       # status 0x0101
RDR_PERM=3263       # status 0x0102
REGION_MIB=16
WRITES_AFTER=5      # successful writes wanted after the recovery
RECOVER_MAX_S=60
declare -A RDR_PID=()

rdr_log() { echo "$LL_DIR/redirector-$1.log"; }

_rdr_listening() { grep -q '^listening' "$(rdr_log "$1")" 2>/dev/null; }

rdr_start() { # rdr_start PORT DETAIL
	local py t0
	# The distribution's python first: PATH may start with a pyenv shim
	# (a shell script that starts more processes, slow under TCG).
	py=/usr/bin/python3
	[[ -x $py ]] || py=$(command -v python3)
	t0=$(vm_now)
	"$py" "$here/lib/redirector.py" "$1" "$P:$REAL,1" "$2" "$(rdr_log "$1")" \
		2>>"$LL_DIR/redirector-$1.err" &
	RDR_PID[$1]=$!
	if vm_wait_for 30 _rdr_listening "$1"; then
		ok "redirector on $P:$1 (status 0x010$2) listening"
		diag "redirector $1 up in $(vm_seconds_since "$t0") s"
	else
		not_ok "redirector on $P:$1 listening" "$(cat "$LL_DIR/redirector-$1.err" 2>/dev/null)"
		done_testing
	fi
}

rdr_logins() { grep -c '^login ' "$(rdr_log "$1")"; }

# The ISID of the redirector's Nth login.
rdr_isid() { awk -v n="$2" '/^login / && ++i == n { sub("isid=", "", $3); print $3 }' "$(rdr_log "$1")"; }

cleanup() {
	local p
	flt_writer_stop 10
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	for p in "${!RDR_PID[@]}"; do
		kill "${RDR_PID[$p]}" 2>/dev/null
		wait "${RDR_PID[$p]}" 2>/dev/null
		[[ -n ${LUNLINK_VM_OUT:-} ]] && mkdir -p "$LUNLINK_VM_OUT" &&
			cp "$(rdr_log "$p")" "$LUNLINK_VM_OUT/" 2>/dev/null
	done
	flt_cleanup
}

setup() {
	flt_start sd_mod "$IQN" 64M
	rdr_start $RDR_TEMP 1
	rdr_start $RDR_PERM 2
}

_disk_gone() { [[ ! -b /dev/$1 ]]; }
_no_session() { ! ll_sid_of "$IQN" >/dev/null; }
_lio_sessions_are() { [[ $(flt_target_sessions "$IQN") == "$1" ]]; }
_established_to() { ss -Htn state established dst "$P" dport = "$1" 2>/dev/null | grep -c .; }

# Recovered: LOGGED_IN on a TCP connection other than the killed one.
_recovered() { # _recovered OLD_LOCAL_PORT
	local p
	[[ $(flt_sess_state "$SID") == LOGGED_IN && $(flt_conn_state "$SID") == up ]] || return 1
	p=$(flt_local_port)
	[[ -n $p && $p != "$1" ]]
}

# check_portals NAME PORT: the session shows both portals as open-iscsi does.
check_portals() {
	local name=$1 port=$2 c=/sys/class/iscsi_connection/connection$SID:0
	expect_exit 0 iscsiadm -m session
	expect_eq "$OUT" "tcp: [$SID] $P:$port,1 $IQN (non-flash)" \
		"$name: -m session shows the persistent portal $P:$port,1"
	expect_exit 0 iscsiadm -m session -P 1
	expect_lines "$OUT" "$name: -m session -P 1" \
		"Target: $IQN (non-flash)" \
		$'\t'"Current Portal: $P:$REAL,1" \
		$'\t'"Persistent Portal: $P:$port,1"
	expect_eq "$(<"$c/address"):$(<"$c/port")" "$P:$REAL" \
		"$name: sysfs address/port is where the target sent us"
	expect_eq "$(<"$c/persistent_address"):$(<"$c/persistent_port")" "$P:$port" \
		"$name: sysfs persistent_address/port is what the user asked for"
}

# login_via NAME PORT: node record by hand, login, the first redirect.
login_via() {
	local name=$1 port=$2 t0 tgt="[iface: default, target: $IQN, portal: $P,$2]"
	local n0
	n0=$(rdr_logins "$port")
	expect_exit 0 iscsiadm -m node -o new -T "$IQN" -p "$P:$port,1"
	ll_node_update "$IQN" "$P:$port" node.session.timeo.replacement_timeout 30 ||
		not_ok "$name: node update replacement_timeout"
	t0=$(vm_now)
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P:$port" --login || return 1
	expect_eq "$OUT" "Logging in to $tgt
Login to $tgt successful." "$name: login prints open-iscsi's two lines (the asked-for portal)"
	if ! vm_wait_for 20 ll_disk_of "$IQN"; then
		not_ok "$name: a disk appears after the redirected login"
		return 1
	fi
	SID=$(ll_sid_of "$IQN")
	ok "$name: logged in through $P:$port: session $SID, /dev/$DISK"
	flt_metric "${name}_login_s" "$t0"
	expect_eq "$(rdr_logins "$port")" $((n0 + 1)) "$name: the redirector saw one login"
	expect_match "$(grep '^login ' "$(rdr_log "$port")" | tail -n 1)" \
		" type=Normal target=$IQN\$" "$name: it was a normal session's login to $IQN"
	expect_eq "$(_established_to "$port")" 0 "$name: no connection to $P:$port stays open"
	expect_eq "$(_established_to $REAL)" 1 "$name: one connection to $P:$REAL"
	check_portals "$name" "$port"
	ll_random_check "/dev/$DISK" 8 "$name: O_DIRECT on /dev/$DISK"
}

# recover_via NAME PORT: kill the connection under a writer; recovery is
# redirected again.
recover_via() {
	local name=$1 port=$2 n0 old t0 redirected recovered
	flt_writer_start "/dev/$DISK" "$REGION_MIB"
	flt_writer_wait_writes 3 30 || not_ok "$name: writer running before the fault"
	old=$(flt_local_port)
	n0=$(rdr_logins "$port")
	redirected=$(grep -c "redirected to $P:$REAL" "$LL_ISCSID_LOG")
	recovered=$(grep -c "connection recovered" "$LL_ISCSID_LOG")
	t0=$(vm_now)
	expect_eq "$(flt_kill_conn)" 1 "$name: ss -K killed the connection"
	if vm_wait_for $RECOVER_MAX_S _recovered "$old"; then
		flt_metric "${name}_recovery_s" "$t0"
		ok "$name: session LOGGED_IN again on a new connection ($old -> $(flt_local_port))"
	else
		not_ok "$name: session LOGGED_IN again on a new connection" \
			"state: $(flt_sess_state "$SID"), conn: $(flt_conn_state "$SID")"
	fi
	expect_eq "$(rdr_logins "$port")" $((n0 + 1)) \
		"$name: recovery went to the persistent portal $P:$port (one more login there)"
	expect_eq "$(rdr_isid "$port" $((n0 + 1)))" "$(rdr_isid "$port" "$n0")" \
		"$name: the recovery login carries the session's ISID"
	diag "$name: redirector: $(grep '^login ' "$(rdr_log "$port")" | tail -n 1)"
	expect_eq "$(grep -c "redirected to $P:$REAL" "$LL_ISCSID_LOG")" $((redirected + 1)) \
		"$name: iscsid logged the redirect during recovery"
	expect_eq "$(grep -c "connection recovered" "$LL_ISCSID_LOG")" $((recovered + 1)) \
		"$name: iscsid logged the recovery"
	expect_eq "$(flt_target_sessions "$IQN")" 1 "$name: the target holds one session"
	check_portals "$name after recovery" "$port"
	flt_writer_wait_writes "$WRITES_AFTER" 60 &&
		ok "$name: writer goes on ($WRITES_AFTER more writes)" ||
		not_ok "$name: writer goes on ($WRITES_AFTER more writes)"
	flt_writer_stop
	flt_writer_stats
	diag "$name: $FLT_WRITES writes, longest took $(flt_us_to_s "$FLT_STALL_US") s"
	echo "METRIC ${name}_io_stall_s=$(flt_us_to_s "$FLT_STALL_US")"
	expect_eq "$FLT_ERRORS" 0 "$name: the writer saw no I/O error"
	[[ -s $FLT_DIR/writer.err ]] && diag "$name: dd said: $(head -c 300 "$FLT_DIR/writer.err")"
	flt_writer_verify "$name"
}

logout_via() {
	local name=$1 port=$2 t0 n0 tgt
	# open-iscsi names a session in these lines by its persistent address
	# and its current port (sysfs persistent_address and port): 2.1.8
	# prints 127.0.0.1,3260 here, not the 3262 the user asked for.
	tgt="[sid: $SID, target: $IQN, portal: $P,$REAL]"
	n0=$(rdr_logins "$port")
	t0=$(vm_now)
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$P:$port" --logout
	diag "$name: logout took $(vm_seconds_since "$t0") s"
	expect_eq "$OUT" "Logging out of session $tgt
Logout of $tgt successful." "$name: logout prints open-iscsi's two lines (current port)"
	vm_wait_for 10 _disk_gone "$DISK" && ok "$name: /dev/$DISK gone" ||
		not_ok "$name: /dev/$DISK gone"
	vm_wait_for 10 _no_session && ok "$name: the session is gone" ||
		not_ok "$name: the session is gone"
	expect_exit 21 iscsiadm -m session
	vm_wait_for 10 _lio_sessions_are 0 && ok "$name: the target holds no session" ||
		not_ok "$name: the target holds no session" "$(flt_target_sessions "$IQN")"
	expect_eq "$(rdr_logins "$port")" "$n0" "$name: logout did not go to the redirector"
	expect_exit 0 iscsiadm -m node -o delete -T "$IQN" -p "$P:$port"
}

# one_case NAME PORT
one_case() {
	if login_via "$1" "$2"; then
		recover_via "$1" "$2"
		logout_via "$1" "$2"
	else
		iscsiadm -m node --logoutall=all >/dev/null 2>&1
	fi
}

at_exit cleanup
at_exit ll_diag_on_failure
setup
one_case redirect $RDR_TEMP
one_case redirect_perm $RDR_PERM
done_testing
