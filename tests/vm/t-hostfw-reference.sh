#!/bin/bash
# vm-timeout: 420
# vm-weight: 169
# vm-acpitable: lib/ibft.py
# Host and firmware modes, open-iscsi against lunlink in one boot: the same
# commands run first with Debian's open-iscsi (iscsid + iscsiadm), then with
# lunlink's, against the same LIO targets and the same iBFT (an ACPI table
# qemu adds, see lib/ibft.py; iscsi_ibft turns it into /sys/firmware/ibft).
# Host numbers, sids and disk names are normalised; stdout, stderr and exit
# status must then be identical, except the differences in ALLOWED below,
# each with its reason.  open-iscsi's raw outputs land in $LUNLINK_VM_OUT.
#
#   LUNLINK_VM_QEMU_EXTRA="-acpitable file=$(mktemp)" ... (run-all.sh does it)
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"
. "$here/lib/lunlink.sh"

vm_require_guest "$0"
ll_require_build

IQN=iqn.2003-01.org.lunlink.test:reference
IQN_CHAP=iqn.2003-01.org.lunlink.test:chap
MAC=52:54:00:12:34:99        # ethernet0's MAC in lib/ibft.py
INAME=iqn.2005-03.org.open-iscsi:lunlink-vm
WORK=/tmp/hostfw
OI_ISCSIADM=$(type -P iscsiadm)
declare -A ALLOWED=(
	[fw-table]="CHAP secrets: lunlink prints ******** where open-iscsi prints the secret"
	[fw-nonic]="CHAP secrets: lunlink prints ******** where open-iscsi prints the secret"
	[host-stats]="lunlink says why: 'host statistics are not supported by this transport (iscsi_tcp)' where open-iscsi prints 'errno=0'"
	[host-H-stats]="lunlink says why: 'host statistics are not supported by this transport (iscsi_tcp)' where open-iscsi prints 'errno=0'"
	[node-chap]="a CHAP boot target's record says authmethod = CHAP: lunlink's iscsid uses CHAP only when the record asks for it; open-iscsi stores None and uses the credentials anyway"
)

# run_all PHASE ISCSIADM: every compared command, outputs in $WORK/PHASE
run_all() {
	local phase=$1 adm=$2 d=$WORK/$1 h
	mkdir -p "$d"
	cap() { # cap NAME ARGS...
		local n=$1
		shift
		"$adm" "$@" >"$d/$n.out" 2>"$d/$n.err"
		echo $? >"$d/$n.rc"
		echo "$n" >>"$d/list"
	}
	rmmod iscsi_ibft 2>/dev/null
	cap fw-none -m fw
	cap fw-none-login -m fw -l
	cap disc-fw-none -m discovery -t fw
	cap host-none -m host
	cap host-none-P1 -m host -P 1
	modprobe iscsi_ibft || not_ok "$phase: iscsi_ibft loads"
	ip link del ibft0 2>/dev/null
	cap fw-nonic -m fw
	ip link add ibft0 type dummy && ip link set ibft0 address "$MAC"
	cap fw-table -m fw
	cap fw-P -m fw -P 1
	cap fw-login -m fw -l
	vm_wait_for 20 test -n "$(ls /sys/class/iscsi_host 2>/dev/null | sed -n 2p)"
	h=$(ls /sys/class/iscsi_host | tail -n 1)
	h=${h#host}
	h=${h:-0}
	cap session -m session
	cap host -m host
	for p in 1 2 3 4 5 -1; do cap "host-P$p" -m host -P "$p"; done
	cap host-H-P1 -m host -H "$h" -P 1
	cap host-H-P4 -m host -H "$h" -P 4
	cap host-H99 -m host -H 99 -P 1
	cap host-Habc -m host -H abc
	cap host-Hneg -m host -H -1
	cap host-Hmac -m host -H 52:54:00:00:00:01
	cap host-stats -m host -C stats
	cap host-H-stats -m host -H "$h" -C stats
	cap host-chap -m host -H "$h" -C chap
	cap host-chap-show -m host -H "$h" -C chap -o show
	cap host-flashnode -m host -H "$h" -C flashnode
	cap host-bogus -m host -C bogus
	"$adm" -m session -u >/dev/null 2>&1
	vm_wait_for 20 test -z "$(ls /sys/class/iscsi_host 2>/dev/null)"
	cap disc-fw -m discovery -t fw
	cap node -m node
	cap node-chap -m node -T "$IQN_CHAP" -p 127.0.0.1
	cap disc-P1 -m discovery -P 1
	cap disc-fw-login -m discovery -t fw -l
	cap session-2 -m session
	"$adm" -m session -u >/dev/null 2>&1
	vm_wait_for 20 test -z "$(ls /sys/class/iscsi_host 2>/dev/null)"
	cap node-delete -m node -o delete
	cap host-after -m host
}

# Same text once host numbers, sids and disk names are taken out.
normalise() {
	sed -E 's/\[[0-9]+\]/[N]/g; s/(Host Number|SID): [0-9]+/\1: N/; s/scsi[0-9]+ Channel/scsiN Channel/;
		s/disk sd[a-z]+/disk sdX/; s/host [0-9]+\./host N./' "$1"
}

compare() {
	local n diff_out same=0 differ=0 allowed=0
	while read -r n; do
		diff_out=$(for s in out err rc; do
			diff <(normalise "$WORK/oi/$n.$s") <(normalise "$WORK/ll/$n.$s") |
				sed "s/^/$s: /"
		done)
		if [[ -z $diff_out ]]; then
			same=$((same + 1))
			ok "$n: identical to open-iscsi"
		elif [[ -n ${ALLOWED[$n]:-} ]]; then
			allowed=$((allowed + 1))
			ok "$n: allowed difference (${ALLOWED[$n]})"
			diag "$diff_out"
		else
			differ=$((differ + 1))
			not_ok "$n: identical to open-iscsi" "$diff_out"
		fi
	done <"$WORK/oi/list"
	echo "METRIC hostfw_commands=$((same + allowed + differ))"
	echo "METRIC hostfw_identical=$same"
	echo "METRIC hostfw_allowed=$allowed"
}

phase_openiscsi() {
	rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets /etc/iscsi/fw /etc/iscsi/static
	echo "InitiatorName=$INAME" >/etc/iscsi/initiatorname.iscsi
	setsid iscsid -f >"$WORK/oi-iscsid.log" 2>&1 &
	OI_PID=$!
	vm_wait_for 10 grep -q ISCSIADM_ABSTRACT_NAMESPACE /proc/net/unix ||
		not_ok "open-iscsi's iscsid started"
	run_all oi "$OI_ISCSIADM"
	kill "$OI_PID"
	wait "$OI_PID" 2>/dev/null
	vm_wait_for 10 sh -c '! grep -q ISCSIADM_ABSTRACT_NAMESPACE /proc/net/unix'
}

phase_lunlink() {
	echo "InitiatorName=$INAME" >"$ISCSI_CONFIG_DIR/initiatorname.iscsi"
	# the same record templates as open-iscsi had
	cp /etc/iscsi/iscsid.conf "$ISCSI_CONFIG_DIR/iscsid.conf"
	ll_start_iscsid || not_ok "lunlink's iscsid started"
	run_all ll "$LL_BUILD/iscsiadm/iscsiadm"
	ll_stop_iscsid
}

save_reference() {
	[[ -n ${LUNLINK_VM_OUT:-} ]] || return 0
	mkdir -p "$LUNLINK_VM_OUT"
	cp -r "$WORK/oi" "$LUNLINK_VM_OUT/openiscsi"
	cp -r "$WORK/ll" "$LUNLINK_VM_OUT/lunlink"
	ls -lR /sys/firmware/ibft >"$LUNLINK_VM_OUT/sysfs-ibft.txt" 2>&1
}

at_exit ll_diag_on_failure
at_exit lio_teardown
mkdir -p "$WORK"
lio_load && lio_create_target "$IQN" 3260 64M && lio_create_target "$IQN_CHAP" 3260 64M &&
	lio_set_chap "$IQN_CHAP" lunlink-user secret-of-16-ch ||
	{ not_ok "LIO targets configured"; done_testing; }
modprobe sd_mod
[[ -r /sys/firmware/acpi/tables/iBFT ]] || {
	not_ok "qemu added the iBFT (run with -acpitable, see the header)"
	done_testing
}
phase_openiscsi
phase_lunlink
save_reference
compare
done_testing
