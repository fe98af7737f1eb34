#!/bin/bash
# Where one --logoutall (and one recovery storm) spends its time (runs in
# the test VM; start it with `bench/run.sh trace N`): N targets, lunlink's
# --loginall, then one target's outage (storm1), a storm and a --logoutall
# with iscsid's debug log
# time-stamped (LUNLINK_LOG_TIME), and the number of sessions left sampled
# every 250 ms; then the same logout by open-iscsi (LUNLINK_BENCH_WHO).
# The logs land in $TMPDIR/lunlink-bench-trace-N/: iscsid.log (each
# session's steps and every netlink request that blocked for 2 ms or more,
# at debug level 2), marks (phase starts and ends on the same clock) and
# NAME.samples ("uptime sessions logged-in" lines).
# LUNLINK_BENCH_NO_STORM=1 skips both storms; LUNLINK_BENCH_STRACE=1 keeps
# strace -f -tt -T of each iscsid's netlink and socket calls during the
# logout (NAME.strace) to compare the kernel's time per call side by side
# (any other value: strace's own -e trace= set, "all" for every call).
set -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/guest-libs.sh"

N=${1:-64}
P=127.0.0.1
BASE=iqn.2003-01.org.lunlink.test:scale
OUTD=${LUNLINK_VM_OUT:-/tmp/trace}
LL_DEBUG=${LUNLINK_BENCH_DEBUG:-2}
export LUNLINK_LOG_TIME=1
OI_PID=

mono() { awk '{ print $1 }' /proc/uptime; }

# sample FILE: every 250 ms "uptime sessions up" until killed
sample() {
	while :; do
		scl_sessions
		echo "$(mono) $SCL_SESS $SCL_UP"
		vm_sleep 0.25
	done >"$1"
}

# strace_on NAME PID: strace's pid in STRACE_PID once it is attached
strace_on() {
	STRACE_PID=
	[[ -n ${LUNLINK_BENCH_STRACE:-} ]] || return 0
	local set=sendmsg,recvmsg,sendto,recvfrom,write,connect,close
	[[ $LUNLINK_BENCH_STRACE == 1 ]] || set=$LUNLINK_BENCH_STRACE
	strace -f -tt -T -e "trace=$set" -o "$OUTD/$1.strace" -p "$2" 2>/dev/null &
	STRACE_PID=$!
	vm_sleep 1
}
strace_off() {
	[[ -n $STRACE_PID ]] || return 0
	kill -INT "$STRACE_PID"
	wait "$STRACE_PID" 2>/dev/null
}

traced() { # traced NAME CMD...
	local name=$1 sp t0
	shift
	sample "$OUTD/$name.samples" &
	sp=$!
	echo "$(mono) $name start" >>"$OUTD/marks"
	t0=$(vm_now)
	"$@"
	echo "METRIC trace_n${N}_${name}_s=$(vm_seconds_since "$t0")"
	echo "$(mono) $name end" >>"$OUTD/marks"
	kill "$sp"
	wait "$sp" 2>/dev/null
}

ll_logout() {
	iscsiadm -m node --logoutall=all >/dev/null 2>&1 || not_ok "logoutall"
	scl_wait_none 600 || not_ok "no session left"
}
ll_storm() {
	scl_lio_enable "$BASE" "$N" 0
	vm_sleep 5
	echo "$(mono) enable" >>"$OUTD/marks"
	scl_lio_enable "$BASE" "$N" 1
	echo "$(mono) enabled" >>"$OUTD/marks"
	scl_wait_up "$N" 600 || not_ok "all LOGGED_IN after the storm"
}
# storm1: one target's TPG disabled 5 s; from re-enabling to LOGGED_IN
storm1() {
	local iqn=$BASE-$N sid t0
	sid=$(ll_sid_of "$iqn")
	lio_disable "$iqn"
	vm_sleep 5
	t0=$(vm_now)
	lio_enable "$iqn"
	flt_wait_state "$sid" LOGGED_IN 120 || not_ok "storm1: session $sid LOGGED_IN again"
	echo "METRIC trace_n${N}_storm1_$1_s=$(vm_seconds_since "$t0")"
}
oi_logout() {
	/usr/sbin/iscsiadm -m node --logoutall=all >/dev/null 2>&1 || diag "oi logoutall failed"
	scl_wait_none 600 || not_ok "open-iscsi: no session left"
}
oi_storm() { ll_storm; }

mkdir -p "$OUTD"
: >"$OUTD/marks"
ll_require_build
lio_load && scl_make_targets "$BASE" "$N" 16M || { not_ok "LIO targets"; done_testing; }
modprobe -a iscsi_tcp sd_mod
echo "$(mono) boot-ref" >>"$OUTD/marks"
for who in ${LUNLINK_BENCH_WHO:-lunlink}; do
	if [[ $who == lunlink ]]; then
		ll_start_iscsid || not_ok "iscsid"
		iscsiadm -m discovery -t st -p "$P" >/dev/null || not_ok "discovery"
		iscsiadm -m node --loginall=all >/dev/null 2>&1 || not_ok "loginall"
		scl_wait_disks "$N" 600 || not_ok "all disks"
		[[ -n ${LUNLINK_BENCH_NO_STORM:-} ]] || { storm1 ll; traced storm_ll ll_storm; }
		strace_on logout_ll "$LL_ISCSID_PID"
		traced logout_ll ll_logout
		strace_off
		ll_stop_iscsid
		cp "$LL_ISCSID_LOG" "$OUTD/iscsid.log"
	else
		rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets
		mkdir -p /etc/iscsi
		echo "InitiatorName=iqn.2005-03.org.open-iscsi:lunlink-vm" >/etc/iscsi/initiatorname.iscsi
		setsid /usr/sbin/iscsid -f >>"$OUTD/oi-iscsid.log" 2>&1 &
		OI_PID=$!
		vm_wait_for 10 grep -q ISCSIADM_ABSTRACT_NAMESPACE /proc/net/unix
		/usr/sbin/iscsiadm -m discovery -t st -p "$P" >/dev/null || not_ok "oi discovery"
		# open-iscsi's --loginall of 256 can take minutes: LUNLINK_BENCH_CAP
		# bounds it, and its logout is then traced with the sessions it made
		timeout "${LUNLINK_BENCH_CAP:-600}" /usr/sbin/iscsiadm -m node --loginall=all \
			>/dev/null 2>&1
		scl_sessions
		echo "METRIC trace_n${N}_oi_sessions=$SCL_SESS"
		scl_wait_disks "$SCL_SESS" 120 || not_ok "oi a disk for each of its sessions"
		[[ -n ${LUNLINK_BENCH_NO_STORM:-} ]] || { storm1 oi; traced storm_oi oi_storm; }
		strace_on logout_oi "$OI_PID"
		traced logout_oi oi_logout
		strace_off
		kill "$OI_PID"
	fi
done
ok "traced $N sessions"
done_testing
