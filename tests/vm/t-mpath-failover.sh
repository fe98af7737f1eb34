#!/bin/bash
# vm-timeout: 420
# dm-multipath on top of two bound iSCSI paths, failover that loses
# nothing, with lunlink and then Debian's open-iscsi in the same boot.
#
# Paths: a network namespace (llmp) reached over two veth pairs,
#   vA 192.0.2.1/24    <-> vAp 192.0.2.2/24     (in llmp)
#   vB 198.51.100.1/24 <-> vBp 198.51.100.2/24  (in llmp)
# one LIO target (one LUN with a VPD unit serial) listening on both peer
# addresses inside llmp, iface ifA bound to vA and ifB bound to vB, one
# session through each. multipathd (find_multipaths no, polling_interval 1)
# joins the two disks into one map with two active paths. A writer of
# numbered 1 MiB O_DIRECT blocks runs on the map while path A is lost:
#   portal: LIO's portal on 192.0.2.2 removed and the connection killed
#           (ss -K) for PORTAL_LOSS_S seconds, then the portal comes back
#   netdev: vA taken down for NETDEV_LOSS_S seconds (noticed through the
#           NOP-Out timeout), then up again
# Both initiators use the same node settings (replacement_timeout, NOP-Out
# interval and timeout) and only one iscsid runs at a time. Asserted: no
# write fails, multipathd marks path A failed during the loss, path A is
# active again after it returns and `multipath -ll` shows two active paths,
# every block holds its last write. Timings are printed as METRIC lines,
# never asserted: the longest single write (stall) and the time from path
# restored to path active in multipathd, per initiator, with the ratios
# lunlink/open-iscsi. Last, lunlink again with node.session.nr_sessions = 2
# in both records: four sessions (two bound to each netdev), one map with
# four active paths that reads back what was written.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-mpath-failover.sh
# LUNLINK_MPATH_WHO="lunlink" runs one initiator only (for working on it).
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"
. "$here/lib/fault.sh"
. "$here/lib/mpath.sh"
. "$here/lib/openiscsi.sh"

vm_require_guest "$0"

IQN=iqn.2003-01.org.lunlink.test:mpath
NS=llmp
PA=192.0.2.2
PB=198.51.100.2
WHO_LIST=${LUNLINK_MPATH_WHO:-lunlink openiscsi}
# The settings under test, the same for both initiators (see README.md,
# "dm-multipath").
NODE_KEYS=(node.session.timeo.replacement_timeout 5
	node.conn[0].timeo.noop_out_interval 2
	node.conn[0].timeo.noop_out_timeout 2)
PORTAL_LOSS_S=8
# Longer than NOP-Out interval + timeout + replacement_timeout (9 s), so
# multipathd sees the path fail before it comes back.
NETDEV_LOSS_S=12
REGION_MIB=4
T_START=$(vm_now)
step() { diag "[$(flt_us_to_s $(($(vm_now) - T_START))) s] $*"; }
OI_INITIATOR=iqn.2005-03.org.open-iscsi:lunlink-mpath
declare -A STALL=() BACK=()

cleanup() {
	[[ -n ${LUNLINK_VM_OUT:-} && -f /tmp/oi-iscsid.log ]] &&
		mkdir -p "$LUNLINK_VM_OUT" && cp /tmp/oi-iscsid.log "$LUNLINK_VM_OUT/"
	flt_writer_stop 30
	mp_teardown
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	ll_stop_iscsid
	oi_stop
	lio_teardown
	ip link del vA 2>/dev/null
	ip link del vB 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}

# ---- the network and the target

make_path() { # make_path DEV LOCAL_IP PEER_IP
	local dev=$1
	ip link add "$dev" type veth peer name "${dev}p" &&
		ip link set "${dev}p" netns "$NS" &&
		ip addr add "$2/24" dev "$dev" && ip link set "$dev" up &&
		ip -n "$NS" addr add "$3/24" dev "${dev}p" && ip -n "$NS" link set "${dev}p" up
}

portal_dir() { echo "$LIO_CFS/iscsi/$IQN/tpgt_1/np/$1:3260"; }
# LIO's listening socket lives in the namespace of the process that makes it.
portal_up() { nsenter --net="/run/netns/$NS" mkdir "$(portal_dir "$1")"; }

setup() {
	ll_require_build
	modprobe -a veth sd_mod iscsi_tcp && ip netns add "$NS" && ip -n "$NS" link set lo up &&
		make_path vA 192.0.2.1 "$PA" && make_path vB 198.51.100.1 "$PB" ||
		{ not_ok "veth paths into netns $NS"; done_testing; }
	LIO_UNIT_SERIAL=1
	lio_load && lio_create_target "$IQN" 3260 32M && rmdir "$(portal_dir 127.0.0.1)" &&
		portal_up "$PA" && portal_up "$PB" ||
		{ not_ok "LIO target on $PA and $PB inside $NS"; done_testing; }
	ok "LIO target on $PA and $PB inside $NS, reached over vA and vB"
}

# ---- one initiator: two bound paths, one map

disk_of_portal() { # disk_of_portal ADDR -> sdX of the session to ADDR
	local s d
	for s in /sys/class/iscsi_session/session*; do
		[[ $(cat "/sys/class/iscsi_connection/connection${s##*session}:0/persistent_address" \
			2>/dev/null) == "$1" ]] || continue
		for d in "$s"/device/target*/*:*:*:*/block/*; do
			[[ -e $d ]] && echo "${d##*/}" && return 0
		done
	done
	return 1
}

_disks_there() { DISK_A=$(disk_of_portal "$PA") && DISK_B=$(disk_of_portal "$PB"); }

login_paths() { # login_paths WHO
	local who=$1 i p
	for i in A B; do
		adm_of "$who" -m iface -I "if$i" -o new >/dev/null &&
			adm_of "$who" -m iface -I "if$i" -o update -n iface.net_ifacename -v "v$i" >/dev/null ||
			{ not_ok "$who: iface if$i bound to v$i"; return 1; }
	done
	for i in A B; do
		[[ $i == A ]] && p=$PA || p=$PB
		expect_exit 0 adm_of "$who" -m discovery -t st -p "$p" -I "if$i" || return 1
		set -- "${NODE_KEYS[@]}"
		while (($# >= 2)); do
			adm_of "$who" -m node -T "$IQN" -p "$p:3260" -I "if$i" -o update -n "$1" -v "$2" \
				>/dev/null || { not_ok "$who: node update $1 through if$i"; return 1; }
			shift 2
		done
		expect_exit 0 adm_of "$who" -m node -T "$IQN" -p "$p:3260" -I "if$i" --login || return 1
	done
	step "$who: logged in"
	vm_wait_for 30 _disks_there ||
		{ not_ok "$who: a disk on each path"; return 1; }
	ok "$who: logged in through ifA ($DISK_A) and ifB ($DISK_B)"
	mp_settle
	if mp_wait_map 2 60; then
		ok "$who: one multipath map $MP_MAP with two active paths"
	else
		not_ok "$who: one multipath map with two active paths" "$(mp_paths)" "$(mp_ll)"
		return 1
	fi
	expect_eq "$(mp_paths | awk -v m="$MP_MAP" '$5 == m { print $1 }' | sort | tr '\n' ' ')" \
		"$(printf '%s\n' "$DISK_A" "$DISK_B" | sort | tr '\n' ' ')" "$who: the map's paths are both disks"
}

# ---- one fault on path A under the writer

fault_portal() { # fault_portal on|off
	if [[ $1 == on ]]; then
		rmdir "$(portal_dir "$PA")" || return 1
		expect_eq "$(ss -HtnK state established dst "$PA" dport = 3260 | grep -c .)" 1 \
			"portal: path A's connection killed"
	else
		portal_up "$PA"
	fi
}

fault_netdev() { # fault_netdev on|off
	if [[ $1 == on ]]; then ip link set vA down; else ip link set vA up; fi
}

sleep_until() { # sleep_until T_US
	local d=$(($1 - $(vm_now)))
	((d > 0)) && vm_sleep "$((d / 1000000)).$(printf %06d $((d % 1000000)))"
	return 0
}

# failover WHO KIND LOSS_S: sets STALL[WHO.KIND] and BACK[WHO.KIND] (µs)
failover() {
	local who=$1 kind=$2 loss=$3 name="$1 $2" t_off t_on seen_failed=0
	step "$name: writer starts"
	flt_writer_start "$MP_DEV" "$REGION_MIB"
	flt_writer_wait_writes 2 60 || { not_ok "$name: writer started on $MP_DEV"; return 1; }
	"fault_$kind" on || { not_ok "$name: path A taken away"; return 1; }
	t_off=$(vm_now)
	while (($(vm_now) - t_off < loss * 1000000)); do
		mp_path_active "$DISK_A" || seen_failed=1
		((seen_failed)) && break
		vm_sleep 0.2
	done
	sleep_until $((t_off + loss * 1000000))
	((seen_failed)) && ok "$name: multipathd marked path A ($DISK_A) failed" ||
		not_ok "$name: multipathd marked path A ($DISK_A) failed" "$(mp_paths)"
	"fault_$kind" off || { not_ok "$name: path A given back"; return 1; }
	t_on=$(vm_now)
	step "$name: path A given back"
	if mp_wait_path "$DISK_A" active 60; then
		BACK[$who.$kind]=$(($(vm_now) - t_on))
		ok "$name: path A active again"
	else
		not_ok "$name: path A active again" "$(mp_paths)"
	fi
	diag "$name: path A active $(flt_us_to_s "${BACK[$who.$kind]:-0}") s after it came back"
	expect_eq "$(mp_ll_active "$MP_MAP")" 2 "$name: multipath -ll shows two active paths"
	flt_writer_wait_writes 3 60 || not_ok "$name: writer goes on after the failover"
	flt_writer_stop 60 || not_ok "$name: writer stops"
	flt_writer_stats
	STALL[$who.$kind]=$FLT_STALL_US
	diag "$name: $FLT_WRITES writes, longest $(flt_us_to_s "$FLT_STALL_US") s"
	expect_eq "$FLT_ERRORS" 0 "$name: the writer on the map saw no I/O error"
	[[ -s $FLT_DIR/writer.err ]] && diag "$name: dd said: $(head -c 300 "$FLT_DIR/writer.err")"
	flt_writer_verify "$name"
}

run_initiator() { # run_initiator WHO
	local who=$1
	step "$who: starts"
	start_of "$who" || { not_ok "$who: iscsid started"; return 1; }
	mp_start || { not_ok "$who: udevd and multipathd started"; return 1; }
	if login_paths "$who"; then
		failover "$who" portal "$PORTAL_LOSS_S"
		failover "$who" netdev "$NETDEV_LOSS_S"
	fi
	step "$who: logs out"
	mp_stop
	adm_of "$who" -m node --logoutall=all >/dev/null 2>&1
	stop_of "$who"
}

_sessions_disks() { # _sessions_disks N: N iSCSI disks exist
	local d n=0
	for d in /sys/class/iscsi_session/session*/device/target*/*:*:*:*/block/*; do
		[[ -b /dev/${d##*/} ]] && n=$((n + 1))
	done
	((n == $1))
}

# node.session.nr_sessions = 2 through each bound iface: four sessions, four
# paths of one map (lunlink only; its records are still there).
nr_sessions_map() {
	local i p
	step "lunlink nr_sessions: starts"
	ll_start_iscsid && mp_start || { not_ok "nr_sessions: iscsid and multipathd started"; return 1; }
	for i in A B; do
		[[ $i == A ]] && p=$PA || p=$PB
		iscsiadm -m node -T "$IQN" -p "$p:3260" -I "if$i" -o update \
			-n node.session.nr_sessions -v 2 >/dev/null ||
			{ not_ok "nr_sessions: set to 2 through if$i"; return 1; }
		expect_exit 0 iscsiadm -m node -T "$IQN" -p "$p:3260" -I "if$i" --login
	done
	vm_wait_for 30 _sessions_disks 4 && ok "nr_sessions=2 through ifA and ifB: four disks" ||
		not_ok "nr_sessions=2 through ifA and ifB: four disks" "$(iscsiadm -m session 2>&1)"
	i=$(ss -Htn state established dport = 3260)
	expect_eq "$(grep -c '%vA:' <<<"$i") $(grep -c '%vB:' <<<"$i")" "2 2" \
		"nr_sessions: two connections bound to vA, two to vB"
	mp_settle
	if mp_wait_map 4 60; then
		ok "nr_sessions: one multipath map $MP_MAP with four active paths"
		expect_eq "$(mp_ll_active "$MP_MAP")" 4 "nr_sessions: multipath -ll shows four active paths"
		ll_random_check "$MP_DEV" 4 "nr_sessions: the map"
	else
		not_ok "nr_sessions: one multipath map with four active paths" "$(mp_paths)" "$(mp_ll)"
	fi
	mp_stop
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	ll_stop_iscsid
}

ratio() { # ratio A B -> A/B with 2 decimals
	(($2 > 0)) || { echo "n/a"; return; }
	printf '%d.%02d\n' $(($1 / $2)) $(((($1 * 100) / $2) % 100))
}

metrics() {
	local kind who
	for kind in portal netdev; do
		for who in $WHO_LIST; do
			[[ -n ${STALL[$who.$kind]:-} ]] &&
				echo "METRIC mpath_${kind}_stall_${who}_s=$(flt_us_to_s "${STALL[$who.$kind]}")"
			[[ -n ${BACK[$who.$kind]:-} ]] &&
				echo "METRIC mpath_${kind}_reinstate_${who}_s=$(flt_us_to_s "${BACK[$who.$kind]}")"
		done
		[[ -n ${STALL[lunlink.$kind]:-} && -n ${STALL[openiscsi.$kind]:-} ]] &&
			echo "METRIC mpath_${kind}_stall_ratio_lunlink_over_openiscsi=$(
				ratio "${STALL[lunlink.$kind]}" "${STALL[openiscsi.$kind]}")"
		[[ -n ${BACK[lunlink.$kind]:-} && -n ${BACK[openiscsi.$kind]:-} ]] &&
			echo "METRIC mpath_${kind}_reinstate_ratio_lunlink_over_openiscsi=$(
				ratio "${BACK[lunlink.$kind]}" "${BACK[openiscsi.$kind]}")"
	done
}

at_exit cleanup
at_exit ll_diag_on_failure
at_exit mp_diag
setup
for who in $WHO_LIST; do run_initiator "$who"; done
[[ " $WHO_LIST " == *" lunlink "* ]] && nr_sessions_map
metrics
done_testing
