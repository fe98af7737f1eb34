# shellcheck shell=bash
# Many sessions at once, for the scale smoke test and bench/vm-scale.sh.
# Source after lib/assert.sh, lib/vm.sh, lib/lio.sh, lib/lunlink.sh and
# lib/fault.sh. Everything here reads sysfs with bash builtins only: one
# process per session would cost ~30 ms each under TCG, and a check that
# walks every session per target (as ll_disk_of in a loop does) is O(N^2).
#
#   scl_make_targets BASE N SIZE    LIO targets BASE-1 .. BASE-N, one LUN each
#                                   (lib/lio_many.py: one process for all)
#   scl_lio_enable BASE N 0|1       disable/enable every one of those TPGs
#   scl_sessions                    sets SCL_SESS (sessions in sysfs),
#                                   SCL_UP (LOGGED_IN), SCL_DISKS (sessions
#                                   with a /dev/sdX node)
#   scl_wait_disks N S              until N sessions have a disk (1 on timeout)
#   scl_wait_up N S                 until N sessions are LOGGED_IN (sets
#                                   SCL_SESS and SCL_UP; SCL_DISKS untouched)
#   scl_wait_none S                 until no iSCSI session is left
#   scl_conn_ports                  local ports of the TCP connections to
#                                   127.0.0.1:3260, sorted, one line
#   scl_writers_start BASE K MIB    a fault.sh writer on each of the disks of
#                                   BASE-1 .. BASE-K
#   scl_writers_wait N S            until every writer did N more writes
#   scl_writers_finish NAME         stop them; checks no write failed and the
#                                   data read back is the last written

SCL_WRITERS=()

scl_make_targets() { # scl_make_targets BASE N SIZE
	local bytes
	bytes=$(_lio_bytes "$3") || return 1
	[[ -d $LIO_CFS/iscsi ]] || lio_load || return 1
	python3 "${BASH_SOURCE[0]%/*}/lio_many.py" "$1" "$2" "$bytes" "$LIO_DIR"
}

scl_lio_enable() { # scl_lio_enable BASE N 0|1
	local i
	for ((i = 1; i <= $2; i++)); do
		printf %s "$3" >"$LIO_CFS/iscsi/$1-$i/tpgt_1/enable" || return 1
	done
}

scl_sessions() {
	local s st d
	SCL_SESS=0 SCL_UP=0 SCL_DISKS=0
	for s in /sys/class/iscsi_session/session*; do
		[[ -e $s/state ]] || continue
		SCL_SESS=$((SCL_SESS + 1))
		read -r st 2>/dev/null <"$s/state" && [[ $st == LOGGED_IN ]] && SCL_UP=$((SCL_UP + 1))
		for d in "$s"/device/target*/*:*:*:*/block/*; do
			[[ -b /dev/${d##*/} ]] && SCL_DISKS=$((SCL_DISKS + 1)) && break
		done
	done
	return 0
}

# The walk over every session took 1.8 s at 1,024 sessions under TCG, so
# polling it every 0.1 s left the logins a tenth of the guest's CPU; one
# read of /dev first (each disk a session has is there) skips the walk
# until it can succeed.
_scl_disks_at_least() {
	local d=(/dev/sd*)
	[[ -e ${d[0]} ]] || d=()
	((${#d[@]} >= $1)) && scl_sessions && ((SCL_DISKS >= $1))
}
_scl_none() { scl_sessions && ((SCL_SESS == 0)); }

# Polling every 10 ms would spend the guest's one CPU on the walk itself.
# The clock is bash's own: $(vm_now) is a fork per poll.
_scl_poll() { # _scl_poll S CMD...
	local limit=$((${EPOCHREALTIME/./} + $1 * 1000000))
	shift
	until "$@"; do
		((${EPOCHREALTIME/./} < limit)) || return 1
		vm_sleep 0.1
	done
}

scl_wait_disks() { _scl_poll "$2" _scl_disks_at_least "$1"; }
scl_wait_none() { _scl_poll "$1" _scl_none; }

# SCL_SESS and SCL_UP from the state files alone.
_scl_up_walk() {
	local s st
	SCL_SESS=0 SCL_UP=0
	for s in /sys/class/iscsi_session/session*; do
		read -r st 2>/dev/null <"$s/state" || continue
		SCL_SESS=$((SCL_SESS + 1))
		[[ $st == LOGGED_IN ]] && SCL_UP=$((SCL_UP + 1))
	done
	return 0
}

# A recovery storm is timed by this wait, on the vCPU the relogins need:
# polling scl_sessions (every session's state and disk directories) every
# 0.1 s took 1.5 of the 2.4 CPU seconds of a storm of 64, and under TCG a
# state read costs ~1 ms and even a bash loop over 256 names ~50 ms
# (bench/README.md, "Recovery storm, where the time goes").  So when every
# session is needed, the sessions are checked in a fixed order and a poll
# resumes at the first one not yet seen LOGGED_IN: about one read per
# session over the whole wait.  One read of every state decides at the end
# (a session seen up may have dropped again).  Waiting for N out of more
# sessions reads all states each poll.
scl_wait_up() { # scl_wait_up N S
	local limit=$((${EPOCHREALTIME/./} + $2 * 1000000)) st i=0 list=()
	while :; do
		if ((${#list[@]} < $1)); then
			list=(/sys/class/iscsi_session/session*)
			[[ -e ${list[0]} ]] || list=()
			i=0
		fi
		if ((${#list[@]} > $1)); then
			_scl_up_walk
			((SCL_UP >= $1)) && return 0
		else
			while ((i < ${#list[@]})) && read -r st 2>/dev/null <"${list[i]}/state" &&
				[[ $st == LOGGED_IN ]]; do
				i=$((i + 1))
			done
			if ((i >= $1)); then
				_scl_up_walk
				((SCL_UP >= $1)) && return 0
				list=()
			fi
		fi
		((${EPOCHREALTIME/./} < limit)) || { _scl_up_walk; return 1; }
		vm_sleep 0.1
	done
}

scl_conn_ports() {
	ss -Htn state established dst 127.0.0.1 dport = 3260 2>/dev/null |
		awk '{ n = split($3, a, ":"); print a[n] }' | sort -n | tr '\n' ' '
}

scl_writers_start() { # scl_writers_start BASE K MIB
	local w
	SCL_WRITERS=()
	for ((w = 1; w <= $2; w++)); do
		ll_disk_of "$1-$w" || { not_ok "writer $w: a disk for $1-$w"; return 1; }
		FLT_DIR=/tmp/scl-writer$w
		flt_writer_start "/dev/$DISK" "$3"
		SCL_WRITERS+=("$FLT_WRITER_PID:/dev/$DISK:$3")
	done
}

_scl_writer_use() { # _scl_writer_use INDEX: point fault.sh at writer INDEX
	local spec=${SCL_WRITERS[$1]}
	FLT_DIR=/tmp/scl-writer$(($1 + 1))
	FLT_WRITER_PID=${spec%%:*}
	spec=${spec#*:}
	FLT_DEV=${spec%%:*}
	FLT_MIB=${spec#*:}
}

scl_writers_wait() { # scl_writers_wait N S
	local i
	for i in "${!SCL_WRITERS[@]}"; do
		_scl_writer_use "$i"
		flt_writer_wait_writes "$1" "$2" || return 1
	done
}

scl_writers_finish() { # scl_writers_finish NAME
	local i
	for i in "${!SCL_WRITERS[@]}"; do
		_scl_writer_use "$i"
		flt_writer_stop 120 || { not_ok "$1: writer $((i + 1)) stops"; continue; }
		flt_writer_stats
		expect_eq "$FLT_ERRORS" 0 "$1: writer $((i + 1)) ($FLT_DEV): no failed write of $FLT_WRITES"
		flt_writer_verify "$1: writer $((i + 1))"
	done
	SCL_WRITERS=()
}
