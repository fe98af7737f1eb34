#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Port binding through the real iscsid against a private tgtd on 127.0.0.1:
# SendTargets discovery through -I an iface bound to a netdev that does not
# exist, or to a source address that is not local, fails naming the iface
# and the netdev / address with open-iscsi's exit code (11), never going
# over the default route; an iface bound to lo (and to 127.0.0.2 on it)
# works.  (Logins need iscsi_tcp: tests/vm/t-bind-paths.sh.)  Fails (never
# skips) when tgtd is not installed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
ISCSID_BIN=${2:?usage: test-bind-tgtd.sh iscsiadm iscsid}
set -- "$1" ""
. "$here/cli-lib.sh"
# shellcheck source=tests/integration/tgtd-fixture.sh
. "$here/../tgtd-fixture.sh"

at_exit tgtd_stop
tgtd_start_or_exit
P=$TGTD_PORT
T1=iqn.2024-01.org.lunlink.test:bind
tgtd_add_target 1 $T1 || exit 1

iscsid_start "$ISCSID_BIN" -f
check "iscsid_listens" [ -S "$ISCSID_SOCKET" ]

new_iface() {   # name key value
	run -m iface -I "$1" -o new
	run -m iface -I "$1" -o update -n "$2" -v "$3"
}
new_iface nodev iface.net_ifacename nosuchdev0
new_iface farip iface.ipaddress 192.0.2.1
new_iface lobind iface.net_ifacename lo
new_iface lo2 iface.ipaddress 127.0.0.2
run -m iface -I lo2 -o update -n iface.net_ifacename -v lo

run -m discovery -t st -p 127.0.0.1:$P -I nodev
expect_rc "missing_netdev_discovery_exits_11" 11
check "missing_netdev_named" grep -qF "iface nodev: cannot bind to network interface nosuchdev0 (iface.net_ifacename): no such network interface" <<<"$ERR"
run -m node
expect_rc "missing_netdev_makes_no_record" 21

run -m discovery -t st -p 127.0.0.1:$P -I farip
expect_rc "non_local_address_discovery_exits_11" 11
check "non_local_address_named" grep -qF "iface farip: cannot bind the source address 192.0.2.1 (iface.ipaddress): it is not an address of this host" <<<"$ERR"

run -m discovery -t st -p 127.0.0.1:$P -I lobind
expect_rc "lo_bound_discovery_exits_0" 0
expect_out "lo_bound_discovery_output" "127.0.0.1:$P,1 $T1"
run -m discovery -t st -p 127.0.0.1:$P -I lo2
expect_rc "lo_source_address_discovery_exits_0" 0
[ "$FAIL" = 0 ] || { echo "# out: $OUT"; echo "# err: $ERR"; echo "# iscsid log:"; sed 's/^/#   /' "$ISCSID_LOG"; }
finish
