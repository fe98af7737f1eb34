#!/bin/bash
# The demo itself: a throwaway LIO target on 127.0.0.1, lunlink's iscsid,
# then discovery, login, the new disk and its size, a write and read-back,
# the session listing, and logout.  Needs a kernel with iscsi_tcp and LIO
# (scripts/demo.sh runs it in a VM when this machine's kernel has neither).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
build=${LUNLINK_BUILD_DIR:-$repo/build-vm}
iqn=iqn.2026-11.org.lunlink.demo:disk1
work=$(mktemp -d /tmp/lunlink-demo.XXXXXX)
export ISCSI_CONFIG_DIR=$work/etc ISCSID_SOCKET=$work/iscsid.sock
mkdir -p "$ISCSI_CONFIG_DIR"
PATH=$build/iscsiadm:$build/iscsid:$PATH

say() { printf '\n$ %s\n' "$*"; }
run() { say "$*"; "$@"; }

# shellcheck source=../tests/vm/lib/lio.sh
source "$repo/tests/vm/lib/lio.sh"
echo "Starting a 128 MiB LIO target $iqn on 127.0.0.1:3260"
lio_load
lio_create_target "$iqn" 3260 128M

setsid iscsid -f >"$work/iscsid.log" 2>&1 &
iscsid_pid=$!
trap 'kill $iscsid_pid 2>/dev/null; lio_teardown >/dev/null 2>&1; rm -rf "$work"' EXIT
for _ in $(seq 100); do [[ -S $ISCSID_SOCKET ]] && break; sleep 0.05; done

run iscsiadm -m discovery -t sendtargets -p 127.0.0.1
run iscsiadm -m node -T "$iqn" -p 127.0.0.1 --login
disk=
for _ in $(seq 200); do
	for d in /sys/class/iscsi_session/session*/device/target*/*/block/*; do
		[[ -e $d ]] && disk=${d##*/}
	done
	[[ -n $disk && -b /dev/$disk ]] && break
	sleep 0.05
done
[[ -n $disk ]] || { echo "demo: no disk appeared" >&2; exit 1; }
sectors=$(cat "/sys/block/$disk/size")
echo
echo "New disk: /dev/$disk, $((sectors * 512)) bytes ($((sectors / 2048)) MiB)"

say "write 16 MiB of random data with O_DIRECT and read it back"
dd if=/dev/urandom of="$work/data" bs=1M count=16 status=none
dd if="$work/data" of="/dev/$disk" bs=1M oflag=direct status=none
dd if="/dev/$disk" of="$work/back" bs=1M count=16 iflag=direct status=none
if cmp -s "$work/data" "$work/back"; then echo "read back: identical"; else
	echo "read back: DIFFERENT" >&2; exit 1; fi

run iscsiadm -m session
run iscsiadm -m node -T "$iqn" -p 127.0.0.1 --logout
sleep 0.2
if [[ -e /dev/$disk ]]; then echo "demo: /dev/$disk still there" >&2; exit 1; fi
echo "/dev/$disk is gone."
say "iscsiadm -m session"
iscsiadm -m session || echo "(exit $?: no active sessions)"
