# shellcheck shell=bash
# Debian's open-iscsi (/usr/sbin/iscsid and iscsiadm) in the VM guest, for
# the tests and benchmarks that run it beside lunlink in the same boot.
# Source from bash inside the guest, after lib/vm.sh and lib/lunlink.sh.
#
#   oi_start                 empty /etc/iscsi's nodes, send_targets and
#                            ifaces, write initiatorname.iscsi
#                            ($OI_INITIATOR), then oi_launch
#   oi_launch                start iscsid -f (log /tmp/oi-iscsid.log) on
#                            the database as it is; $OI_PID; returns once
#                            it listens
#   oi_stop                  --logoutall=all, then oi_kill
#   oi_kill                  stop iscsid, its sessions stay in the kernel;
#                            returns once its socket is gone
#   adm_of WHO ARGS...       WHO's iscsiadm: lunlink, or open-iscsi's
#   start_of WHO / stop_of WHO   ll_start_iscsid / oi_start, ll_stop_iscsid / oi_stop
#
# Never both iscsids at once: each drives the same kernel sessions.

OI_ADM=/usr/sbin/iscsiadm
OI_ISCSID=/usr/sbin/iscsid
OI_INITIATOR=${OI_INITIATOR:-iqn.2005-03.org.open-iscsi:lunlink-vm}
OI_PID=

# iscsiadm reaches iscsid through this abstract UNIX socket.
_oi_listening() { grep -q ISCSIADM_ABSTRACT_NAMESPACE /proc/net/unix; }

oi_launch() {
	setsid "$OI_ISCSID" -f >>/tmp/oi-iscsid.log 2>&1 &
	OI_PID=$!
	vm_wait_for 10 _oi_listening
}

oi_start() {
	rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets /etc/iscsi/ifaces
	mkdir -p /etc/iscsi
	echo "InitiatorName=$OI_INITIATOR" >/etc/iscsi/initiatorname.iscsi
	oi_launch
}

oi_kill() {
	[[ -n $OI_PID ]] || return 0
	kill "$OI_PID" 2>/dev/null
	wait "$OI_PID" 2>/dev/null
	OI_PID=
	vm_wait_for 5 eval '! _oi_listening'
}

oi_stop() {
	[[ -n $OI_PID ]] || return 0
	"$OI_ADM" -m node --logoutall=all >/dev/null 2>&1
	oi_kill
}

adm_of() { # adm_of WHO ARGS...
	local who=$1
	shift
	if [[ $who == lunlink ]]; then iscsiadm "$@"; else "$OI_ADM" "$@"; fi
}

start_of() { if [[ $1 == lunlink ]]; then ll_start_iscsid; else oi_start; fi; }
stop_of() { if [[ $1 == lunlink ]]; then ll_stop_iscsid; else oi_stop; fi; }
