# shellcheck shell=bash
# dm-multipath (Debian's multipath-tools) on top of iSCSI disks in the VM
# guest. Source after lib/assert.sh and lib/vm.sh. LIO LUNs need a VPD unit
# serial for multipathd to find a WWID: set LIO_UNIT_SERIAL=1 before
# lio_create_target / lio_add_lun.
#
#   mp_start [DIRECTIVE VALUE]...  load the dm-multipath modules, start udevd
#                       (trigger, settle) unless it runs, write
#                       /etc/multipath.conf and start `multipathd -d -s`
#                       (log in $MP_LOG); returns 1 when it does not answer
#                       within 20 s. The defaults section is MP_DEFAULTS
#                       (find_multipaths no, polling_interval 1,
#                       user_friendly_names no) with each DIRECTIVE VALUE
#                       added or overriding; MP_CONF_EXTRA (text) is
#                       appended (blacklist sections). MP_TRIGGER holds the
#                       udevadm trigger matches (default: every block
#                       device).
#   mp_stop             shut multipathd down and remove every multipath map
#                       (multipath -F); call before logging the paths out
#                       (udevd stays, so mp_start can follow again)
#   mp_teardown         mp_stop, then stop udevd if mp_start started it
#                       (for at_exit)
#   mp_settle           udevadm settle (new disks are known to multipathd
#                       only after udev has processed them)
#   mp_paths            one line per path known to multipathd:
#                       "DEV DM_STATE CHECKER_STATE DEV_STATE MAP"
#                       (e.g. "sdb active ready running 36001405...")
#   mp_path_state DEV   that line for one sdX (empty if multipathd has none)
#   mp_dm_paths MAP     the kernel's path states: "MAJ:MIN A|F" per path
#                       (dmsetup status; fast, for polling)
#   mp_path_active DEV [MAP]  success when DEV is an active (A) path of MAP
#                       (default $MP_MAP) in the kernel's table
#   mp_active_count MAP how many paths of MAP are active in the kernel
#   mp_wait_map K [S]   wait (S s, default 60) until there is exactly one
#                       map and it has K active paths; sets MP_MAP (name) and
#                       MP_DEV (/dev/mapper/NAME); 1 on timeout
#   mp_wait_path DEV active|failed [S]   wait until DEV is (not) active
#   mp_ll [MAP]         `multipath -ll` output
#   mp_ll_active MAP    "active ready running" path lines in `multipath -ll MAP`
#   mp_diag             at_exit hook: multipathd's log tail and `multipath
#                       -ll` when a check failed; the log goes to
#                       $LUNLINK_VM_OUT as well
#
# A multipathd client call takes about a second in the guest (it loads the
# whole configuration), so polling uses dmsetup, every 0.1 s.

MP_LOG=${MP_LOG:-/tmp/multipathd.log}
MP_PID=
MP_MAP=
MP_DEV=
MP_UDEVD_STARTED=
MP_DEFAULTS=(find_multipaths no polling_interval 1 user_friendly_names no)
MP_CONF_EXTRA=${MP_CONF_EXTRA:-}
MP_TRIGGER=(--subsystem-match=block)

_mp_conf() { # _mp_conf [DIRECTIVE VALUE]...: writes /etc/multipath.conf
	local -A set=()
	local -a order=()
	local i k
	local -a all=("${MP_DEFAULTS[@]}" "$@")
	for ((i = 0; i + 1 < ${#all[@]}; i += 2)); do
		k=${all[i]}
		[[ -v set[$k] ]] || order+=("$k")
		set[$k]=${all[i + 1]}
	done
	{
		echo "defaults {"
		for k in "${order[@]}"; do printf '\t%s %s\n' "$k" "${set[$k]}"; done
		echo "}"
		[[ -z $MP_CONF_EXTRA ]] || printf '%s\n' "$MP_CONF_EXTRA"
	} >/etc/multipath.conf
}

_mp_udevd_up() { [[ -S /run/udev/control ]]; }
# "pid N idle|running|configure": any state but shutdown answers commands.
_mp_daemon_up() { [[ $(multipathd show daemon 2>/dev/null) =~ ^pid\ [0-9]+\ (idle|running) ]]; }

mp_settle() { udevadm settle -t 30; }

mp_start() { # mp_start [DIRECTIVE VALUE]...
	modprobe -a dm_multipath dm_round_robin dm_service_time scsi_dh_alua ||
		{ diag "mpath: cannot load the dm-multipath modules"; return 1; }
	if ! _mp_udevd_up; then
		/lib/systemd/systemd-udevd --daemon || return 1
		MP_UDEVD_STARTED=1
		vm_wait_for 10 _mp_udevd_up || return 1
		# Only block devices matter here; a full trigger loads every
		# module the guest's hardware could use (seconds under TCG).
		udevadm trigger --action=add "${MP_TRIGGER[@]}" && mp_settle
	fi
	_mp_conf "$@"
	echo "--- multipathd start $(date +%T.%N)" >>"$MP_LOG"
	setsid multipathd -d -s >>"$MP_LOG" 2>&1 &
	MP_PID=$!
	_mp_poll 20 _mp_daemon_up && return 0
	diag "mpath: multipathd did not come up: $(tail -n 3 "$MP_LOG")"
	return 1
}

mp_stop() {
	if [[ -n $MP_PID ]]; then
		multipathd shutdown >/dev/null 2>&1 || kill "$MP_PID" 2>/dev/null
		wait "$MP_PID" 2>/dev/null
		MP_PID=
	fi
	multipath -F >/dev/null 2>&1
	return 0
}

mp_teardown() {
	mp_stop
	if [[ -n $MP_UDEVD_STARTED ]]; then
		udevadm control --exit 2>/dev/null
		MP_UDEVD_STARTED=
	fi
	return 0
}

mp_paths() { multipathd show paths raw format '%d %t %T %o %m' 2>/dev/null; }

mp_path_state() { # mp_path_state DEV
	mp_paths | awk -v d="$1" '$1 == d { print; exit }'
}

# The kernel's view, one dmsetup call (a multipathd client call costs about
# a second in the guest): "MAJ:MIN A|F" per path of MAP.
mp_dm_paths() { # mp_dm_paths MAP
	local -a t
	local i
	read -ra t < <(dmsetup status "$1" 2>/dev/null) || return 1
	for ((i = 0; i + 1 < ${#t[@]}; i++)); do
		[[ ${t[i]} =~ ^[0-9]+:[0-9]+$ ]] && echo "${t[i]} ${t[i + 1]}"
	done
}

mp_path_active() { # mp_path_active DEV [MAP]
	local devno
	devno=$(<"/sys/block/$1/dev") 2>/dev/null || return 1
	[[ $(mp_dm_paths "${2:-$MP_MAP}") == *"$devno A"* ]]
}

mp_active_count() { # mp_active_count MAP
	local n=0 dev st
	while read -r dev st; do [[ $st == A ]] && n=$((n + 1)); done < <(mp_dm_paths "$1")
	echo "$n"
}

_mp_one_map_with() { # _mp_one_map_with K
	local maps
	maps=$(dmsetup ls --target multipath 2>/dev/null | awk '$1 != "No" { print $1 }')
	[[ -n $maps && $maps != *$'\n'* ]] || return 1
	MP_MAP=$maps MP_DEV=/dev/mapper/$maps
	(($(mp_active_count "$MP_MAP") == $1)) && [[ -b $MP_DEV ]]
}

_mp_poll() { # _mp_poll S CMD...: CMD every 0.1 s for S s
	local limit=$(($(vm_now) + $1 * 1000000))
	shift
	until "$@"; do
		(($(vm_now) < limit)) || return 1
		vm_sleep 0.1
	done
}

mp_wait_map() { # mp_wait_map K [S]
	MP_MAP= MP_DEV=
	_mp_poll "${2:-60}" _mp_one_map_with "$1"
}

_mp_path_failed() { ! mp_path_active "$1"; }

mp_wait_path() { # mp_wait_path DEV active|failed [S]
	case $2 in
	active) _mp_poll "${3:-60}" mp_path_active "$1" ;;
	failed) _mp_poll "${3:-60}" _mp_path_failed "$1" ;;
	*) diag "mp_wait_path: unknown state $2"; return 1 ;;
	esac
}

mp_ll() { multipath -ll "$@" 2>/dev/null; }

mp_ll_active() { # mp_ll_active MAP
	mp_ll "$1" | grep -c 'active ready running'
}

mp_diag() {
	if [[ -n ${LUNLINK_VM_OUT:-} && -f $MP_LOG ]]; then
		mkdir -p "$LUNLINK_VM_OUT" && cp "$MP_LOG" "$LUNLINK_VM_OUT/"
	fi
	((_T_FAILED > 0)) || return 0
	diag "--- multipathd log (last 30 lines of $MP_LOG)"
	[[ -f $MP_LOG ]] && tail -n 30 "$MP_LOG" | sed 's/^/#   /'
	diag "--- multipath -ll"
	mp_ll | sed 's/^/#   /'
}
