#!/bin/bash
# vm-timeout: 600
# vm-weight: 351
# The diff suite: one scripted scenario (diff/scenario.txt), command by
# command, against Debian's open-iscsi 2.1.8 and then against lunlink, in
# the same boot and against the same LIO targets (open, CHAP, mutual CHAP,
# two portals, IPv6 [::1], one that goes away). stdout, stderr and the exit
# code of every command are compared by diff/compare.py after normalising
# session ids, host numbers, disk names and the like; every difference left
# must be in diff/allow-list.txt with its reason, and every entry there must
# still match a difference.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh --out /tmp/diff tests/vm/t-diff-openiscsi.sh
#
# Only one iscsid runs at a time: the whole scenario with open-iscsi's, then
# that daemon is stopped and its sessions and records are gone, then the
# whole scenario with lunlink's. Both use /etc/iscsi (the guest's throw-away
# copy of the host's, with Debian's iscsid.conf), so paths in messages are
# the same. With --out, both phases' captures and the comparison land there.
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/lio.sh"

vm_require_guest "$0"

LL_BUILD=${LUNLINK_BUILD_DIR:-$LUNLINK_REPO/build-vm}
SCENARIO=$here/diff/scenario.txt
ALLOW=$here/diff/allow-list.txt
# Under $LUNLINK_VM_OUT the captures leave the VM even if the watchdog
# stops the test.
WORK=${LUNLINK_VM_OUT:-/tmp}/diff
# For debugging the scenario: LUNLINK_DIFF_PHASES=openiscsi runs one phase.
PHASES=${LUNLINK_DIFF_PHASES:-openiscsi lunlink}
MIN_COMMANDS=150
# Both initiators find everything here: records under /etc/iscsi, lunlink's
# socket at its built-in default.
export ISCSI_CONFIG_DIR=/etc/iscsi
unset ISCSID_SOCKET

# Values the scenario refers to as ${NAME}.
declare -A V=(
	[P]=127.0.0.1 [P6]='[::1]'
	[T_OPEN]=iqn.2003-01.org.lunlink.test:diff-open
	[T_CHAP]=iqn.2003-01.org.lunlink.test:diff-chap
	[T_MUTUAL]=iqn.2003-01.org.lunlink.test:diff-mutual
	[T_TWO]=iqn.2003-01.org.lunlink.test:diff-two
	[T_GONE]=iqn.2003-01.org.lunlink.test:diff-gone
	[T_NEW]=iqn.2003-01.org.lunlink.test:diff-static
	[T_NONE]=iqn.2003-01.org.lunlink.test:diff-nowhere
	[INAME]=iqn.2005-03.org.open-iscsi:lunlink-diff
	[INAME2]=iqn.2005-03.org.open-iscsi:lunlink-diff-second
	[CU]=diff-user [CP]=diff-secret-0123
	[MU]=diff-target [MP]=diff-mutual-4567
)
declare -A BASE_V
for k in "${!V[@]}"; do BASE_V[$k]=${V[$k]}; done

# Phase-specific: the iscsiadm binary and how its iscsid starts and stops.
PHASE=
IADM=
DAEMON_PID=
DAEMON_LOG=

daemon_up() {
	case $PHASE in
	openiscsi) grep -q ISCSIADM_ABSTRACT_NAMESPACE /proc/net/unix ;;
	lunlink) [[ -S /run/lunlink/iscsid.sock ]] ;;
	esac
}

daemon_start() {
	case $PHASE in
	openiscsi) setsid /usr/sbin/iscsid -f >>"$DAEMON_LOG" 2>&1 & ;;
	lunlink)
		rm -f /run/lunlink/iscsid.sock
		setsid "$LL_BUILD/iscsid/iscsid" -f -d 2 >>"$DAEMON_LOG" 2>&1 &
		;;
	esac
	DAEMON_PID=$!
	vm_wait_for 10 daemon_up
}

# After `iscsiadm -k 0` the daemon exits by itself; otherwise it is told to.
daemon_stop() { # daemon_stop [reap]
	[[ -n $DAEMON_PID ]] || return 0
	[[ ${1:-} == reap ]] || kill "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
	# open-iscsi's abstract socket goes with the process; lunlink's file stays.
	[[ $PHASE == lunlink ]] && rm -f /run/lunlink/iscsid.sock
	return 0
}

# ---- LIO: the same targets, made afresh for each phase

make_targets() {
	lio_teardown
	lio_load &&
		lio_create_target "${V[T_OPEN]}" 3260 8M &&
		lio_add_portal "${V[T_OPEN]}" '[::1]:3260' &&
		lio_create_target "${V[T_CHAP]}" 3260 8M &&
		lio_set_chap "${V[T_CHAP]}" "${V[CU]}" "${V[CP]}" &&
		lio_create_target "${V[T_MUTUAL]}" 3260 8M &&
		lio_set_chap "${V[T_MUTUAL]}" "${V[CU]}" "${V[CP]}" "${V[MU]}" "${V[MP]}" &&
		lio_create_target "${V[T_TWO]}" 3260 8M &&
		lio_add_portal "${V[T_TWO]}" 127.0.0.1:3261 &&
		lio_create_target "${V[T_GONE]}" 3260 8M &&
		lio_discovery_auth off
}

# ---- harness steps ("@ STEP ARGS" lines of the scenario)

session_dirs() { # session_dirs IQN [ADDR] -> session ids, one per line
	local s sid addr
	for s in /sys/class/iscsi_session/session*; do
		[[ -e $s/targetname && $(<"$s/targetname") == "$1" ]] || continue
		sid=${s##*/session}
		if [[ -n ${2:-} ]]; then
			addr=$(<"/sys/class/iscsi_connection/connection$sid:0/persistent_address")
			[[ $addr == "$2" ]] || continue
		fi
		echo "$sid"
	done
}

disks_of() { # disks_of IQN -> number of disks of its sessions with a /dev node
	local s d n=0
	for s in $(session_dirs "$1"); do
		for d in /sys/class/iscsi_session/session$s/device/target*/*:*:*:*/block/*; do
			[[ -e $d && -b /dev/${d##*/} ]] && n=$((n + 1))
		done
	done
	echo "$n"
}

_disks_are() { [[ $(disks_of "$1") == "$2" ]]; }
_no_sessions() { ! compgen -G '/sys/class/iscsi_session/session*' >/dev/null; }

step_wait-disks() { vm_wait_for 20 _disks_are "$1" "$2"; }
step_no-sessions() { vm_wait_for 20 _no_sessions; }
step_sid() { # sid VAR IQN [ADDR]
	local sid
	sid=$(session_dirs "$2" "${3:-}")
	[[ -n $sid && $sid != *$'\n'* ]] && V[$1]=$sid
}
step_first-sid() { # first-sid VAR IQN: the lowest id of the sessions to IQN
	local sid
	sid=$(session_dirs "$2" | sort -n | head -n 1)
	[[ -n $sid ]] && V[$1]=$sid
}
step_host() { # host VAR SID: the SCSI host number of a session
	local link
	link=$(readlink -f "/sys/class/iscsi_session/session$2/device") || return
	[[ $link =~ /host([0-9]+)/session ]] && V[$1]=${BASH_REMATCH[1]}
}
step_syspath() { # syspath VAR SID: /sys/devices/platform/hostH/sessionS
	local link
	link=$(readlink -f "/sys/class/iscsi_session/session$2/device") && V[$1]=$link
}
step_chap() { lio_set_chap "$@"; }
step_nochap() { lio_clear_chap "$1"; }
step_gone() { lio_delete_target "$1"; }
step_add-lun() { lio_add_lun "$1" "$2" "$3"; }
step_discovery-auth() { lio_discovery_auth "$@"; }
step_iscsid-reap() { daemon_stop reap; }
step_iscsid-start() { daemon_start; }

# ${NAME} in WORD replaced by V[NAME]; an unknown name is an error.
expand() { # expand WORD -> EXPANDED
	local w=$1 out= name
	while [[ $w =~ ^([^$]*)\$\{([A-Za-z0-9_]+)\}(.*)$ ]]; do
		name=${BASH_REMATCH[2]}
		[[ -n ${V[$name]+set} ]] || { echo "unknown variable \${$name}" >&2; return 1; }
		out+=${BASH_REMATCH[1]}${V[$name]}
		w=${BASH_REMATCH[3]}
	done
	EXPANDED=$out$w
}

expand_all() { # expand_all WORD... -> ARGS array
	local w
	ARGS=()
	for w in "$@"; do
		expand "$w" || return
		ARGS+=("$EXPANDED")
	done
}

# One compared command: NAME [FLAGS] iscsiadm ARGS...
run_command() { # run_command DIR NAME FLAGS ARGS...
	local dir=$1 name=$2 flags=$3 rc t0
	shift 3
	expand_all "$@" || return
	ARGS[0]=$IADM
	t0=$(vm_now)
	timeout -k 5 60 "${ARGS[@]}" </dev/null >"$dir/$name.stdout" 2>"$dir/$name.stderr" &&
		rc=0 || rc=$?
	echo "$rc" >"$dir/$name.rc"
	printf '%s\t%s\t%s\n' "$name" "$flags" "$*" >>"$dir/commands.txt"
	# Slow commands are worth knowing about: the test has a time budget.
	(($(vm_now) - t0 > 3000000)) && diag "$PHASE: $name took $(vm_seconds_since "$t0") s"
	((rc == 124)) && diag "$PHASE: $name timed out"
	return 0
}

# Runs every line of the scenario; harness steps that fail are test failures.
run_scenario() { # run_scenario DIR
	local dir=$1 no=0 line name flags step
	local -a w
	mkdir -p "$dir"
	: >"$dir/commands.txt"
	while IFS= read -r line; do
		no=$((no + 1))
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		read -ra w <<<"$line"
		if [[ ${w[0]} == @ ]]; then
			step=step_${w[1]}
			if ! declare -F "$step" >/dev/null; then
				not_ok "$PHASE: scenario line $no: unknown step '${w[1]}'"
			elif expand_all "${w[@]:2}" && "$step" "${ARGS[@]}"; then
				:
			else
				not_ok "$PHASE: scenario line $no: step failed: $line"
			fi
			continue
		fi
		name=${w[0]} flags=-
		[[ ${w[1]} == \[*\] ]] && flags=${w[1]:1:-1} && w=("${w[@]:1}")
		if [[ ${w[1]} != iscsiadm || -e $dir/$name.rc ]]; then
			not_ok "$PHASE: scenario line $no: bad or repeated command: $line"
			continue
		fi
		run_command "$dir" "$name" "$flags" "${w[@]:1}"
	done <"$SCENARIO"
}

# ---- the two phases

fresh_etc() {
	rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets /etc/iscsi/ifaces \
		/etc/iscsi/static /etc/iscsi/fw /etc/iscsi/isns
	mkdir -p /etc/iscsi
	echo "InitiatorName=${V[INAME]}" >/etc/iscsi/initiatorname.iscsi
}

run_phase() { # run_phase NAME IADM
	local t0
	PHASE=$1 IADM=$2 DAEMON_LOG=$WORK/$1-iscsid.log
	for k in "${!BASE_V[@]}"; do V[$k]=${BASE_V[$k]}; done
	fresh_etc
	make_targets || { not_ok "$PHASE: LIO targets made"; return 1; }
	daemon_start || { not_ok "$PHASE: iscsid started"; return 1; }
	ok "$PHASE: iscsid started, targets made"
	t0=$(vm_now)
	run_scenario "$WORK/$PHASE"
	echo "METRIC diff_${PHASE}_scenario_s=$(vm_seconds_since "$t0")"
	# Leave nothing behind for the other initiator.
	"$IADM" -m node --logoutall=all >/dev/null 2>&1
	daemon_stop
	step_no-sessions && ok "$PHASE: no session left" ||
		not_ok "$PHASE: no session left" "$(ls /sys/class/iscsi_session)"
	fresh_etc
}

cleanup() {
	daemon_stop
	lio_teardown
}

compare_phases() {
	local out rc n
	out=$(python3 "$here/diff/compare.py" --program /usr/sbin/iscsiadm \
		--program "$LL_BUILD/iscsiadm/iscsiadm" \
		"$ALLOW" "$WORK/openiscsi" "$WORK/lunlink") && rc=0 || rc=$?
	printf '%s\n' "$out" >"$WORK/comparison.txt"
	printf '%s\n' "$out" | sed 's/^/# /'
	n=$(wc -l <"$WORK/openiscsi/commands.txt")
	((n >= MIN_COMMANDS)) && ok "$n commands compared (at least $MIN_COMMANDS)" ||
		not_ok "$n commands compared (at least $MIN_COMMANDS)"
	expect_eq "$rc" 0 "every difference is in the allow list and every entry is used"
}

at_exit cleanup
[[ -x $LL_BUILD/iscsiadm/iscsiadm && -x $LL_BUILD/iscsid/iscsid ]] ||
	{ not_ok "lunlink build in $LL_BUILD"; done_testing; }
rm -rf "$WORK" && mkdir -p "$WORK"
# No udev in the guest: load what it would, so disks appear in both phases.
modprobe -a sd_mod iscsi_tcp
[[ " $PHASES " == *" openiscsi "* ]] && run_phase openiscsi /usr/sbin/iscsiadm
[[ " $PHASES " == *" lunlink "* ]] && run_phase lunlink "$LL_BUILD/iscsiadm/iscsiadm"
[[ $PHASES == "openiscsi lunlink" ]] && compare_phases
done_testing
