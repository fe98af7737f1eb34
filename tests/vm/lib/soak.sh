# shellcheck shell=bash
# The chaos soak (issue 14): many sessions with verifying writers, random
# faults from a seeded generator, then checks that nothing was lost. Source
# after lib/assert.sh, lib/vm.sh, lib/lio.sh, lib/lunlink.sh; the test
# scripts call soak_setup, soak_run SECONDS, soak_finish.
#
# Layout: every target has its own path, a veth pair into the namespace
# llsoak (192.0.2.4i+1 here, 192.0.2.4i+2 there, LIO listening there), so a
# fault on one path (netem, ss -K) hits one target only. Roles, by index:
#   normal  writer, replacement_timeout SOAK_TMO; every per-target fault
#   idle    no writer; logged out and in again by the relogin fault
#   short   writer, replacement_timeout SOAK_SHORT_TMO; only the marked
#           long outages (longer than that timeout) hit it
#   mpath   two portals on two veth paths, a session through each, one
#           dm-multipath map with the writer on it, replacement_timeout
#           SOAK_SHORT_TMO; the mpath_* faults (lib/soak-mpath.sh)
# Writers: lib/soakwriter.py, one per disk, checksummed 64 KiB blocks read
# back after each write.
#
# The fault generator is bash's RANDOM seeded with SOAK_SEED, used only in
# this shell and only for choices, so a seed replays the same fault list.
# Each fault is a begin and an end function (a few are instant); a fault
# line in $SOAK_DIR/faults.log records kind, targets, begin, end, when
# every affected session was LOGGED_IN again, whether it was a long outage
# and when its session was seen FAILED. lib/soakcheck.py reads it.
#
# This file holds the settings and the helpers every part uses; the parts:
#   soak-setup.sh   veth paths, LIO targets, logins, writers (soak_setup)
#   soak-iscsid.sh  iscsid's lifetimes: alive before each stop, memory
#   soak-faults.sh  the fault kinds, f_KIND_begin/_end
#   soak-mpath.sh   the dm-multipath targets, their faults and checks
#   soak-run.sh     running faults, recovery, the fault log (soak_run)
#   soak-finish.sh  the final checks and clean-up (soak_finish)

SOAK_DIR=${SOAK_DIR:-/tmp/soak}
SOAK_NS=llsoak
SOAK_TMO=${SOAK_TMO:-30}
SOAK_SHORT_TMO=${SOAK_SHORT_TMO:-5}
SOAK_BLOCKS=${SOAK_BLOCKS:-64}          # 64 KiB blocks per writer
SOAK_RECOVER_MAX=${SOAK_RECOVER_MAX:-60} # seconds a session may take to recover
SOAK_ANON_MARGIN_KB=${SOAK_ANON_MARGIN_KB:-256}
SOAK_PAUSE=${SOAK_PAUSE:-0.3}           # seconds between a writer's writes
SOAK_NOOP=${SOAK_NOOP:-3}               # noop_out_interval and _timeout
SOAK_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

# Role of each target, in index order.
read -ra SOAK_ROLES <<<"${SOAK_ROLE_LIST:-normal normal normal normal normal normal normal normal \
normal normal mpath mpath idle idle short short}"

# kind weight: how often each fault is picked after the first pass, which
# runs every kind once in a seeded order.
SOAK_KINDS=(portal_disable:3 conn_kill:3 netem_loss:3 target_restart:2 iscsid_kill:1
	iscsid_term:1 relogin_idle:2 node_update:2 long_outage:1 overlap:2 mpath_path:3 mpath_both:1)
# Kinds that can be one half of an overlap.
SOAK_OVERLAP_KINDS=(portal_disable conn_kill netem_loss target_restart iscsid_kill
	iscsid_term relogin_idle node_update)

# S_WDEV: the writer's device under /dev (a disk, or mapper/NAME)
declare -a S_IQN S_IP S_SID S_DISK S_WPID S_WDEV
declare -A SOAK_COUNT=()
SOAK_FAULTS=0
SOAK_ISCSID_FAULTS=0

soak_rand() { # soak_rand N -> 0..N-1 in R
	R=$((RANDOM % $1))
}

soak_log() { echo "$(vm_now) $*" >>"$SOAK_DIR/events.log"; }

# The iSCSI and ip command output goes to one log; a failure shows its tail.
soak_adm() { iscsiadm "$@" >>"$SOAK_DIR/adm.log" 2>&1; }

soak_targets_of() { # soak_targets_of ROLE -> indexes in T
	local i
	T=()
	for i in "${!SOAK_ROLES[@]}"; do
		[[ ${SOAK_ROLES[i]} == "$1" ]] && T+=("$i")
	done
}

# Sessions in all: one per target, two per mpath target.
soak_sessions() {
	soak_targets_of mpath
	echo $((${#SOAK_ROLES[@]} + ${#T[@]}))
}

soak_pick() { # soak_pick ROLE -> a random target index in P
	soak_targets_of "$1"
	soak_rand ${#T[@]}
	P=${T[R]}
}

# Session and connection state without a process (polled often).
soak_state() { # soak_state SID -> ST
	ST=
	read -r ST <"/sys/class/iscsi_session/session$1/state" 2>/dev/null
	[[ $ST == LOGGED_IN ]] || return 1
	read -r ST <"/sys/class/iscsi_connection/connection$1:0/state" 2>/dev/null
	[[ $ST == up ]] && ST=LOGGED_IN
}

_soak_recovered() { # _soak_recovered TARGET...
	local i
	for i in "$@"; do
		soak_state "${S_SID[i]}" || return 1
		[[ ${SOAK_ROLES[i]} != mpath ]] || soak_mp_recovered "$i" || return 1
	done
}

# Polls a command that forks every 0.3 s, not every 10 ms.
soak_wait_slow() { # soak_wait_slow SECONDS CMD...
	local limit=$(($(vm_now) + $1 * 1000000))
	shift
	until "$@"; do
		(($(vm_now) < limit)) || return 1
		vm_sleep 0.3
	done
}


# The parts, each named for what it does.
. "$SOAK_PY/soak-setup.sh"
. "$SOAK_PY/soak-iscsid.sh"
. "$SOAK_PY/soak-faults.sh"
. "$SOAK_PY/soak-mpath.sh"
. "$SOAK_PY/soak-run.sh"
. "$SOAK_PY/soak-finish.sh"
