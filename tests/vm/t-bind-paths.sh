#!/bin/bash
# vm-timeout: 300
# vm-weight: 29
# Port binding on real separate paths built inside the guest: a network
# namespace (lltgt) reached over two veth pairs,
#   vA 192.0.2.1/24    <-> vAp 192.0.2.2/24     (in lltgt)
#   vB 198.51.100.1/24 <-> vBp 198.51.100.2/24  (in lltgt)
# with LIO listening on 192.0.2.2:3260 and 198.51.100.2:3260 inside lltgt
# (the portals are created from inside the namespace, so LIO's sockets live
# there).  iface ifA is bound by name to vA, ifB by MAC to vB plus source
# address 198.51.100.1.  Checks that discovery and login through each iface
# leave through its netdev (ss shows the socket bound to it, the netdevs'
# packet and byte counters move only on that path), that a reconnect after
# the connection is killed stays bound, that -m session -P 1 and the SCSI
# host's sysfs show the iface, its record's netdev or MAC (as open-iscsi
# does: the other one "default" / empty) and the address used, and that a netdev
# that does not exist or a source address that is not local fails discovery
# (exit 11) and login (exit 4, at once, no retries) naming them.  Only
# loopback and these namespace-local addresses are ever used.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh tests/vm/t-bind-paths.sh
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"

vm_require_guest "$0"

IQN=iqn.2003-01.org.lunlink.test:bind
NS=lltgt
PA=192.0.2.2
PB=198.51.100.2
MAC_B=02:11:22:33:44:55

cleanup() {
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	ll_stop_iscsid
	lio_teardown
	ip link del vA 2>/dev/null
	ip link del vB 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}

# veth pair DEV/DEVp, DEVp moved into the namespace; IPv6 off so nothing but
# the test's own traffic moves the counters.
make_path() { # make_path DEV LOCAL_IP PEER_IP
	local dev=$1
	ip link add "$dev" type veth peer name "${dev}p" &&
		sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1" &&
		ip link set "${dev}p" netns "$NS" &&
		ip netns exec "$NS" sysctl -qw "net.ipv6.conf.${dev}p.disable_ipv6=1" &&
		ip addr add "$2/24" dev "$dev" && ip link set "$dev" up &&
		ip -n "$NS" addr add "$3/24" dev "${dev}p" && ip -n "$NS" link set "${dev}p" up
}

setup() {
	local tpg
	ll_require_build
	modprobe veth && ip netns add "$NS" && ip -n "$NS" link set lo up &&
		make_path vA 192.0.2.1 "$PA" &&
		make_path vB 198.51.100.1 "$PB" && ip link set vB address "$MAC_B" ||
		{ not_ok "veth paths into netns $NS"; done_testing; }
	ok "two veth paths into netns $NS"
	lio_load && lio_create_target "$IQN" 3260 16M ||
		{ not_ok "LIO target configured"; done_testing; }
	tpg=$LIO_CFS/iscsi/$IQN/tpgt_1
	# Portals made from inside the namespace listen there, not on the host side.
	rmdir "$tpg/np/127.0.0.1:3260" &&
		nsenter --net="/run/netns/$NS" mkdir "$tpg/np/$PA:3260" &&
		nsenter --net="/run/netns/$NS" mkdir "$tpg/np/$PB:3260" ||
		{ not_ok "LIO portals inside $NS"; done_testing; }
	expect_match "$(ip netns exec "$NS" ss -Hltn)" "$PA:3260" "LIO listens on $PA inside $NS"
	expect_eq "$(ss -Hltn | grep -c ':3260')" 0 "nothing listens on 3260 outside $NS"
	ll_start_iscsid || { not_ok "iscsid started"; done_testing; }
	ok "iscsid started"
}

new_iface() { # new_iface NAME KEY VALUE [KEY VALUE]
	local name=$1
	shift
	iscsiadm -m iface -I "$name" -o new >/dev/null || return
	while (($# >= 2)); do
		iscsiadm -m iface -I "$name" -o update -n "$1" -v "$2" >/dev/null || return
		shift 2
	done
}

stat_of() { cat "/sys/class/net/$1/statistics/$2"; }

# Runs CMD... and sets DA/DB to how many packets vA/vB sent meanwhile.
count_tx() {
	local a b
	a=$(stat_of vA tx_packets) b=$(stat_of vB tx_packets)
	"$@"
	DA=$(($(stat_of vA tx_packets) - a)) DB=$(($(stat_of vB tx_packets) - b))
}

check_discovery() {
	count_tx expect_exit 0 iscsiadm -m discovery -t st -p "$PA" -I ifA
	expect_match "$OUT" "$PA:3260,1 $IQN" "discovery through ifA finds the target"
	diag "discovery through ifA: vA sent $DA packets, vB $DB"
	((DA >= 4 && DB == 0)) && ok "discovery through ifA left through vA only" ||
		not_ok "discovery through ifA left through vA only" "vA $DA, vB $DB"
	count_tx expect_exit 0 iscsiadm -m discovery -t st -p "$PB" -I ifB
	expect_match "$OUT" "$PB:3260,1 $IQN" "discovery through ifB finds the target"
	((DB >= 4 && DA == 0)) && ok "discovery through ifB (by MAC) left through vB only" ||
		not_ok "discovery through ifB (by MAC) left through vB only" "vA $DA, vB $DB"
	count_tx expect_exit 11 iscsiadm -m discovery -t st -p "$PA" -I nodev
	expect_match "$OUT" "iface nodev: cannot bind to network interface nosuchdev0" \
		"discovery through a missing netdev names iface and netdev"
	((DA == 0 && DB == 0)) && ok "discovery through a missing netdev sent nothing" ||
		not_ok "discovery through a missing netdev sent nothing" "vA $DA, vB $DB"
	expect_exit 11 iscsiadm -m discovery -t st -p "$PA" -I farip
	expect_match "$OUT" "iface farip: cannot bind the source address 192.0.2.99" \
		"discovery from a non-local address names iface and address"
}

disk_of_sid() { # disk_of_sid SID: sets DISK
	local d
	DISK=
	for d in /sys/class/iscsi_session/session"$1"/device/target*/*:*:*:*/block/*; do
		[[ -e $d ]] && DISK=${d##*/}
	done
	[[ -n $DISK && -b /dev/$DISK ]]
}

host_attr() { # host_attr SID ATTR: the iscsi_host attribute of the session's host
	local h
	h=$(readlink -f "/sys/class/iscsi_session/session$1")
	h=${h%%/session*}
	cat "/sys/class/iscsi_host/${h##*/}/$2"
}

login_through() { # login_through PORTAL IFACE NAME
	expect_exit 0 iscsiadm -m node -T "$IQN" -p "$1:3260" -I "$2" --login
	expect_match "$OUT" "Login to \[iface: $2, target: $IQN, portal: $1,3260\] successful" \
		"$3: login through $2 succeeds"
}

# ss shows a socket bound to a netdev as ADDR%DEV.
expect_bound_conn() { # expect_bound_conn LOCAL_IP DEV PEER NAME
	local line
	line=$(ss -Htn state established dst "$3" dport = 3260)
	expect_match "$line" "$1%$2:[0-9]+ +$3:3260" "$4: ss shows the connection bound to $2"
}

check_sessions() {
	local sa sb
	login_through "$PA" ifA "path A"
	login_through "$PB" ifB "path B"
	modprobe sd_mod
	sa=$(ll_sid_of_portal "$PA") sb=$(ll_sid_of_portal "$PB")
	expect_bound_conn 192.0.2.1 vA "$PA" "path A"
	expect_bound_conn 198.51.100.1 vB "$PB" "path B"
	diag "$(ss -Htn state established dport = 3260)"
	expect_exit 0 iscsiadm -m session -r "$sa" -P 1
	# as open-iscsi: the iface record's netdev and hwaddress, "default" if unset
	expect_lines "$OUT" "-P 1 of the session through ifA" $'\t\tIface Name: ifA' \
		$'\t\tIface IPaddress: 192.0.2.1' $'\t\tIface HWaddress: default' \
		$'\t\tIface Netdev: vA'
	expect_exit 0 iscsiadm -m session -r "$sb" -P 1
	expect_lines "$OUT" "-P 1 of the session through ifB" $'\t\tIface Name: ifB' \
		$'\t\tIface IPaddress: 198.51.100.1' $'\t\tIface HWaddress: '"$MAC_B" \
		$'\t\tIface Netdev: default'
	vm_wait_for 20 disk_of_sid "$sa" && DISK_A=$DISK || DISK_A=
	vm_wait_for 20 disk_of_sid "$sb" && DISK_B=$DISK || DISK_B=
	[[ -n $DISK_A && -n $DISK_B ]] && ok "each path has its disk ($DISK_A, $DISK_B)" ||
		{ not_ok "each path has its disk"; return 1; }
	SA=$sa SB=$sb
}

write_through() { # write_through DISK: 8 MiB O_DIRECT; DA/DB: bytes vA/vB sent
	local a b
	a=$(stat_of vA tx_bytes) b=$(stat_of vB tx_bytes)
	dd if=/dev/urandom of="/dev/$1" bs=1M count=8 oflag=direct status=none
	DA=$(($(stat_of vA tx_bytes) - a)) DB=$(($(stat_of vB tx_bytes) - b))
}

check_traffic() { # check_traffic WHEN
	write_through "$DISK_A"
	diag "$1: 8 MiB to $DISK_A: vA sent $DA bytes, vB $DB"
	((DA >= 8 << 20 && DB < 1 << 20)) && ok "$1: writes to path A's disk leave through vA" ||
		not_ok "$1: writes to path A's disk leave through vA" "vA $DA, vB $DB"
	write_through "$DISK_B"
	diag "$1: 8 MiB to $DISK_B: vA sent $DA bytes, vB $DB"
	((DB >= 8 << 20 && DA < 1 << 20)) && ok "$1: writes to path B's disk leave through vB" ||
		not_ok "$1: writes to path B's disk leave through vB" "vA $DA, vB $DB"
}

_logged_in() { [[ $(cat "/sys/class/iscsi_session/session$1/state" 2>/dev/null) == LOGGED_IN ]]; }
_port_changed() {
	local p
	p=$(ss -Htn state established dst "$PA" dport = 3260 | awk '{print $3}')
	[[ -n $p && $p != "$1" ]]
}

check_reconnect() {
	local before
	before=$(ss -Htn state established dst "$PA" dport = 3260 | awk '{print $3}')
	expect_eq "$(ss -HtnK state established dst "$PA" dport = 3260 | grep -c .)" 1 \
		"path A's connection killed"
	vm_wait_for 60 _port_changed "$before" && vm_wait_for 60 _logged_in "$SA" &&
		ok "path A reconnected" || not_ok "path A reconnected" "$(tail -5 "$LL_ISCSID_LOG")"
	expect_bound_conn 192.0.2.1 vA "$PA" "after reconnect"
	check_traffic "after reconnect"
	expect_eq "$(host_attr "$SA" netdev)/$(host_attr "$SA" hwaddress)" "vA/(null)" \
		"path A's SCSI host shows its iface's netdev, no hwaddress"
	expect_eq "$(host_attr "$SB" netdev)/$(host_attr "$SB" hwaddress)" "(null)/$MAC_B" \
		"path B's SCSI host shows its iface's hwaddress, no netdev"
}

check_failures() {
	local t0
	iscsiadm -m node -T "$IQN" -p "$PA:3260" -I nodev -o new >/dev/null
	iscsiadm -m node -T "$IQN" -p "$PA:3260" -I farip -o new >/dev/null
	t0=$(vm_now)
	expect_exit 4 iscsiadm -m node -T "$IQN" -p "$PA:3260" -I nodev --login
	expect_match "$OUT" "iface nodev: cannot bind to network interface nosuchdev0 \(iface.net_ifacename\)" \
		"login through a missing netdev names iface and netdev"
	diag "failed login through the missing netdev took $(vm_seconds_since "$t0") s"
	expect_eq "$(grep -c "login attempt .* failed" "$LL_ISCSID_LOG")" 0 \
		"login through a missing netdev is not retried"
	expect_exit 4 iscsiadm -m node -T "$IQN" -p "$PA:3260" -I farip --login
	expect_match "$OUT" "iface farip: cannot bind the source address 192.0.2.99 \(iface.ipaddress\): it is not an address of this host" \
		"login from a non-local address names iface and address"
	expect_eq "$(ss -Htn state established dport = 3260 | grep -c .)" 2 \
		"the failed logins made no connection"
}

at_exit cleanup
at_exit ll_diag_on_failure
setup
new_iface ifA iface.net_ifacename vA
new_iface ifB iface.hwaddress "$MAC_B" iface.ipaddress 198.51.100.1
new_iface nodev iface.net_ifacename nosuchdev0
new_iface farip iface.net_ifacename vA iface.ipaddress 192.0.2.99
check_discovery
check_sessions && check_traffic "first login" && check_reconnect
check_failures
done_testing
