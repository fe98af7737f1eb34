# shellcheck shell=bash
# systemd as PID 1 in the VM guest, for tests of boot and shutdown. Source
# from bash after lib/assert.sh and lib/vm.sh.
#
# A boot test runs in phases, all in one script file:
#   1. the job itself (run by guest-init, busybox is PID 1) prepares the
#      overlay root: installs what it tests, writes units, calls sd_prepare
#      and sd_handoff, and exits through sd_phase_end;
#   2. guest-init then execs systemd instead of powering off;
#   3. units written by sd_phase_unit / sd_stop_phase_unit run the script
#      again with a phase name as $1 (output on the job port);
#   4. the last phase runs from a unit ordered after umount.target, when
#      every other unit has stopped (sd_final_unit); it prints the plan and
#      reports the status, then systemd powers the machine off.
# Check counts and the environment carry over between phases in $SD_STATE.
# The phases run a copy of tests/vm in $SD_STATE: systemd unmounts /tmp
# (where a repository may live) before the last phase.
#
#   sd_prepare                  quiet systemd config in the overlay: fresh
#                               /etc/systemd/system, noisy units and generators
#                               masked, volatile journal, short stop timeouts,
#                               multi-user.target as default, a watchdog
#   sd_mask UNIT...             link UNIT to /dev/null in /etc/systemd/system
#   sd_unit NAME                write /etc/systemd/system/NAME from stdin
#   sd_wants TARGET UNIT        make TARGET want UNIT (a .wants/ link)
#   sd_phase_unit NAME PHASE [UNIT-LINES...]
#                               oneshot unit running "SCRIPT PHASE" at boot
#   sd_stop_phase_unit NAME PHASE [UNIT-LINES...]
#                               unit running "SCRIPT PHASE" when it is stopped
#                               (order it with Before= to run late at shutdown)
#   sd_final_unit NAME PHASE    unit running "SCRIPT PHASE" at the end of
#                               shutdown, after umount.target
#   sd_handoff                  ask guest-init to exec systemd when the job ends
#   sd_load_env                 the prepare phase's environment (LUNLINK_*)
#   sd_poweroff_after UNIT      power off once UNIT has run, even if it failed
#   sd_phase_begin              start of a later phase: counts, cleanup hook
#   sd_phase_end                end of any phase but the last (saves counts)
#   sd_finish                   end of the last phase: plan, summary, status
#   sd_unit_ts UNIT PROPERTY    a unit's monotonic timestamp property, in µs

SD_STATE=/run/lunlink-vm/sd
SD_UNITDIR=/etc/systemd/system
SD_VMDIR=$SD_STATE/vm
SD_SCRIPT=$SD_VMDIR/${0##*/}
SD_GUEST_INIT=$SD_VMDIR/lib/guest-init.sh
SD_PHASE=prepare

# Units and generators of a full Debian host that only cost time in the
# guest, or fail there (no D-Bus sessions, no TPM, no consoles to log in).
SD_NOISY_UNITS=(
	getty.target console-getty.service serial-getty@ttyS0.service
	dbus.service dbus.socket systemd-logind.service systemd-user-sessions.service
	systemd-ask-password-wall.path systemd-ask-password-console.path
	systemd-update-utmp.service systemd-update-utmp-runlevel.service
	timers.target systemd-firstboot.service systemd-random-seed.service
	systemd-pcrphase.service systemd-pcrphase-sysinit.service
	systemd-repart.service systemd-binfmt.service
	proc-sys-fs-binfmt_misc.automount sys-kernel-debug.mount
	sys-kernel-tracing.mount dev-hugepages.mount dev-mqueue.mount
	sys-fs-fuse-connections.mount systemd-journal-flush.service
	systemd-machine-id-commit.service systemd-sysusers.service
	systemd-hwdb-update.service ldconfig.service systemd-update-done.service
	systemd-journal-catalog-update.service systemd-modules-load.service
	systemd-networkd-wait-online.service systemd-time-wait-sync.service
)
SD_NOISY_GENERATORS=(
	postgresql-generator systemd-cryptsetup-generator systemd-debug-generator
	systemd-getty-generator systemd-gpt-auto-generator
	systemd-hibernate-resume-generator systemd-integritysetup-generator
	systemd-rc-local-generator systemd-run-generator
	systemd-system-update-generator systemd-sysv-generator
	systemd-veritysetup-generator
)

SD_UNUSED_MODULES=(floppy ata_piix pata_acpi ata_generic pcspkr i2c_piix4
	kvm kvm_amd kvm_intel powernow_k8 psmouse serio_raw)

# The harness's own mounts are not the system's to take down: systemd
# would unmount the kernel modules (busy while udevd runs, an error in the
# journal) in the shutdown transaction. Without default dependencies it
# leaves them to systemd-shutdown's final unmount.
_sd_harness_mounts() {
	local unit
	unit=$(systemd-escape -p --suffix=mount "$(realpath "/lib/modules/$(uname -r)")") &&
		mkdir -p "$SD_UNITDIR/$unit.d" &&
		printf '[Unit]\nDefaultDependencies=no\n' >"$SD_UNITDIR/$unit.d/lunlink-vm.conf"
}

sd_mask() {
	local u
	for u in "$@"; do ln -sfn /dev/null "$SD_UNITDIR/$u"; done
}

sd_unit() { cat >"$SD_UNITDIR/$1"; }

sd_wants() { # sd_wants TARGET UNIT
	mkdir -p "$SD_UNITDIR/$1.wants" &&
		ln -sfn "$SD_UNITDIR/$2" "$SD_UNITDIR/$1.wants/$2"
}

sd_prepare() {
	local g
	# The host may be a container; this guest is not (systemd would skip
	# udev and the real power-off).
	rm -f /.dockerenv
	# The host's enabled units (databases, timers, gettys, its own iSCSI
	# setup) are not part of the test; start from vendor defaults.
	rm -rf "$SD_UNITDIR" && mkdir -p "$SD_UNITDIR" /etc/systemd/system-generators || return
	sd_mask "${SD_NOISY_UNITS[@]}"
	for g in "${SD_NOISY_GENERATORS[@]}"; do
		ln -sfn /dev/null "/etc/systemd/system-generators/$g"
	done
	ln -sfn /lib/systemd/system/multi-user.target "$SD_UNITDIR/default.target"
	_sd_harness_mounts || return
	# Emulated hardware nobody uses here: its drivers cost seconds of
	# coldplug under TCG, right when the units under test start.
	printf 'blacklist %s\n' "${SD_UNUSED_MODULES[@]}" >/etc/modprobe.d/lunlink-vm.conf
	mkdir -p /etc/systemd/journald.conf.d /etc/systemd/system.conf.d
	printf '[Journal]\nStorage=volatile\n' >/etc/systemd/journald.conf.d/lunlink-vm.conf
	# A stop that hangs must fail the test in bounded time, not wait 90 s.
	printf '[Manager]\nDefaultTimeoutStopSec=20s\nShowStatus=no\n' \
		>/etc/systemd/system.conf.d/lunlink-vm.conf
	# The job's timeout keeps running under systemd. It survives the
	# shutdown transaction (no default dependencies) until the final kill.
	sd_unit lunlink-vm-watchdog.service <<-EOF
		[Unit]
		Description=lunlink VM test watchdog
		DefaultDependencies=no
		[Service]
		ExecStart=/run/lunlink-vm/busybox sh $SD_GUEST_INIT watchdog
	EOF
	sd_wants sysinit.target lunlink-vm-watchdog.service
	mkdir -p "$SD_VMDIR" &&
		cp -r "$(dirname "${BASH_SOURCE[0]}")" "$SD_VMDIR/" &&
		cp "$0" "$SD_SCRIPT" || return
	_sd_save_env
}

# Every LUNLINK_* variable and PATH, for phases run by systemd.
_sd_save_env() {
	local name
	{
		echo "export PATH=$(printf %q "$PATH")"
		while IFS= read -r name; do
			echo "export $name=$(printf %q "${!name}")"
		done < <(compgen -e | grep '^LUNLINK_')
	} >"$SD_STATE/env"
}

sd_phase_unit() { # sd_phase_unit NAME PHASE [UNIT-LINES...]
	local name=$1 phase=$2
	shift 2
	{
		echo "[Unit]"
		echo "Description=lunlink VM test phase $phase"
		printf '%s\n' "$@"
		echo "[Service]"
		echo "Type=oneshot"
		echo "ExecStart=/bin/bash $SD_SCRIPT $phase"
		echo "StandardOutput=append:/dev/ttyS1"
		echo "StandardError=inherit"
	} | sd_unit "$name"
}

sd_stop_phase_unit() { # sd_stop_phase_unit NAME PHASE [UNIT-LINES...]
	local name=$1 phase=$2
	shift 2
	{
		echo "[Unit]"
		echo "Description=lunlink VM test phase $phase (at stop)"
		printf '%s\n' "$@"
		echo "[Service]"
		echo "Type=oneshot"
		echo "RemainAfterExit=yes"
		echo "ExecStart=/bin/true"
		echo "ExecStop=/bin/bash $SD_SCRIPT $phase"
		echo "StandardOutput=append:/dev/ttyS1"
		echo "StandardError=inherit"
		echo "TimeoutStopSec=60s"
	} | sd_unit "$name"
}

sd_final_unit() { # sd_final_unit NAME PHASE
	{
		echo "[Unit]"
		echo "Description=lunlink VM test phase $2 (end of shutdown)"
		echo "DefaultDependencies=no"
		echo "After=shutdown.target umount.target"
		echo "Before=final.target"
		echo "[Service]"
		echo "Type=oneshot"
		echo "ExecStart=/bin/bash $SD_SCRIPT $2"
		echo "StandardOutput=append:/dev/ttyS1"
		echo "StandardError=inherit"
	} | sd_unit "$1" && sd_wants final.target "$1"
}

sd_handoff() { echo /lib/systemd/systemd >/run/lunlink-vm/exec-init; }

_sd_save_counts() { echo "$_T_N $_T_FAILED" >"$SD_STATE/counts"; }

# A phase that dies half-way still counts as a failure in the next one.
_sd_on_exit() {
	if ((_T_DONE == 0)); then
		not_ok "phase $SD_PHASE ran to its end"
		_T_DONE=1
	fi
	_sd_save_counts
}

sd_load_env() {
	# shellcheck source=/dev/null
	[[ -r $SD_STATE/env ]] && . "$SD_STATE/env"
}

sd_poweroff_after() { # sd_poweroff_after UNIT
	mkdir -p "$SD_UNITDIR/$1.d" &&
		printf '[Service]\nExecStopPost=/bin/systemctl start --no-block --job-mode=replace-irreversibly poweroff.target\n' \
			>"$SD_UNITDIR/$1.d/poweroff.conf"
}

sd_phase_begin() {
	SD_PHASE=${1:-$SD_PHASE}
	read -r _T_N _T_FAILED <"$SD_STATE/counts" || { _T_N=0; _T_FAILED=1; }
	at_exit _sd_on_exit
}

sd_phase_end() {
	[[ -d $SD_STATE ]] || mkdir -p "$SD_STATE"
	_sd_save_counts
	_T_DONE=1
	exit 0
}

sd_finish() {
	local status=0
	((_T_FAILED > 0 || _T_N == 0)) && status=1
	printf '1..%d\n# passed %d, failed %d\n' "$_T_N" "$((_T_N - _T_FAILED))" "$_T_FAILED"
	_T_DONE=1
	_sd_save_counts
	/run/lunlink-vm/busybox sh "$SD_GUEST_INIT" finish "$status"
	exit "$status"
}

sd_unit_ts() { # sd_unit_ts UNIT PROPERTY
	systemctl show -P "$2" "$1"
}
