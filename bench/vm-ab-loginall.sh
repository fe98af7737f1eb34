#!/bin/bash
# A/B of lunlink builds in one boot (runs in the test VM; start it with
# `bench/run.sh ab N BUILD_DIR...`): --loginall=all of N targets until every
# disk exists, then --logoutall, for each build in turn, $ROUNDS rounds with
# the order rotated every round. Comparing builds in separate boots is
# mostly comparing the host's load; here they share the boot.
# LUNLINK_BENCH_AB_STORM=1 adds a recovery storm between login and logout
# (every TPG disabled 5 s, then until all N are LOGGED_IN again);
# LUNLINK_BENCH_WRITERS=K runs K writers of known data through it (as
# vm-scale.sh's storm: no failed write, every block read back).
set -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/guest-libs.sh"

N=$1
shift
BUILDS=("$@")
ROUNDS=${LUNLINK_BENCH_ROUNDS:-4}
P=127.0.0.1
BASE=iqn.2003-01.org.lunlink.test:scale
LL_DEBUG=1

one() { # one BUILD ROUND
	local t0 in out
	LL_BUILD=$1
	rm -rf "$ISCSI_CONFIG_DIR/nodes" "$ISCSI_CONFIG_DIR/send_targets"
	ll_start_iscsid || { not_ok "$1: iscsid"; return; }
	iscsiadm -m discovery -t st -p "$P" >/dev/null || not_ok "$1: discovery"
	t0=$(vm_now)
	iscsiadm -m node --loginall=all >/dev/null 2>&1 || not_ok "$1: loginall"
	scl_wait_disks "$N" 300 || not_ok "$1: all disks"
	in=$(($(vm_now) - t0))
	[[ -n ${LUNLINK_BENCH_AB_STORM:-} ]] && storm "$1" "$2"
	t0=$(vm_now)
	iscsiadm -m node --logoutall=all >/dev/null 2>&1 || not_ok "$1: logoutall"
	scl_wait_none 300 || not_ok "$1: no session left"
	out=$(($(vm_now) - t0))
	# iscsid's peak memory over login, storm and logout
	echo "METRIC ab_n${N}_round$2_${1//[^A-Za-z0-9]/_}_iscsid_hwm_kb=$(awk \
		'/^VmHWM:/ { print $2 }' "/proc/$LL_ISCSID_PID/status")"
	ll_stop_iscsid
	echo "METRIC ab_n${N}_round$2_${1//[^A-Za-z0-9]/_}_loginall_us=$in"
	echo "METRIC ab_n${N}_round$2_${1//[^A-Za-z0-9]/_}_logoutall_us=$out"
	diag "$1 round $2: loginall $(secs "$in") s, logoutall $(secs "$out") s"
}

# storm BUILD ROUND: every TPG disabled 5 s; re-enabling until all LOGGED_IN
storm() {
	local t0 us k=${LUNLINK_BENCH_WRITERS:-0}
	if ((k > 0)); then
		scl_writers_start "$BASE" "$k" 8 || return
		scl_writers_wait 3 60 || not_ok "$1 round $2: writers running before the outage"
	fi
	idle_cmds
	listen_drops
	local c0=$IDLE_CMDS l0=$LISTEN_DROPS
	scl_lio_enable "$BASE" "$N" 0
	vm_sleep 5
	t0=$(vm_now)
	scl_lio_enable "$BASE" "$N" 1
	scl_wait_up "$N" 300 || not_ok "$1: all LOGGED_IN after the storm"
	us=$(($(vm_now) - t0))
	echo "METRIC ab_n${N}_round$2_${1//[^A-Za-z0-9]/_}_storm_us=$us"
	listen_drops
	echo "METRIC ab_n${N}_round$2_${1//[^A-Za-z0-9]/_}_storm_listen_drops=$((LISTEN_DROPS - l0))"
	vm_sleep 10 # the reconnects' own jobs (scan_online) end
	idle_cmds
	echo "METRIC ab_n${N}_round$2_${1//[^A-Za-z0-9]/_}_storm_idle_lun_cmds=$((IDLE_CMDS - c0))"
	diag "$1 round $2: storm $(secs "$us") s"
	((k == 0)) && return
	scl_writers_wait 3 120 || not_ok "$1 round $2: writers go on after the outage"
	scl_writers_finish "$1 round $2"
}

# idle_cmds: SCSI commands sent so far to the LUNs no writer uses (the
# device's iorequest_cnt: a relogin alone sends none; a device rescan ~10)
idle_cmds() {
	local f v skip=" " spec
	for spec in "${SCL_WRITERS[@]}"; do
		spec=${spec#*:/dev/}
		v=$(readlink "/sys/block/${spec%%:*}/device")
		skip+="${v##*/} "
	done
	IDLE_CMDS=0
	for f in /sys/bus/scsi/devices/*:*:*:*/iorequest_cnt; do
		v=${f%/*}
		[[ $skip == *" ${v##*/} "* ]] && continue
		read -r v <"$f" && IDLE_CMDS=$((IDLE_CMDS + v))
	done
}

# listen_drops: TcpExt ListenOverflows + ListenDrops so far (SYNs a full
# accept queue, here LIO's, dropped: the connect waits out 1, 3, 7 s)
listen_drops() {
	LISTEN_DROPS=$(awk '$1 == "TcpExt:" && !h { for (i = 2; i <= NF; i++) n[$i] = i; h = 1; next }
		$1 == "TcpExt:" { print $n["ListenOverflows"] + $n["ListenDrops"] }' /proc/net/netstat)
}

secs() { printf '%d.%03d' $(($1 / 1000000)) $((($1 % 1000000) / 1000)); }

LL_BUILD=${BUILDS[0]}
ll_require_build
lio_load && scl_make_targets "$BASE" "$N" 16M || { not_ok "LIO targets"; done_testing; }
modprobe -a iscsi_tcp sd_mod
for ((r = 1; r <= ROUNDS; r++)); do
	for ((i = 0; i < ${#BUILDS[@]}; i++)); do
		one "${BUILDS[(i + r) % ${#BUILDS[@]}]}" "$r"
	done
done
ok "all rounds ran"
done_testing
