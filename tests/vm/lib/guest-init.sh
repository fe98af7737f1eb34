# shellcheck shell=sh
# Stage 2 of the guest boot, run by busybox sh as PID 1 (never on the host).
#
#   setup  (from the initramfs, host root on /host over 9p): builds the root
#          file system - a tmpfs overlay over the read-only host root - and
#          switch_roots into it, re-running this file with "run".
#   run    (PID 1 in the new root): mounts, modules, loopback, then runs the
#          job with a watchdog, prints "LUNLINK-VM-EXIT=<status> <nonce>" on
#          the job port (ttyS1) and powers off. A job may instead hand the
#          machine to an init system (see handoff).
#   finish STATUS  (after a handoff, from the job's last unit at shutdown)
#          sends the --out files and the status line; no power-off.
#   watchdog       (after a handoff, as a service): the job's timeout,
#          counted from boot; reports status 124 and powers off.
#
# The job directory (lunlink.job= on the kernel command line) is written by
# run.sh on the host: vm.env (settings for this file), binds (host paths
# under /tmp or /run to keep visible) and job.sh (what to run, in bash).

BB=/bin/busybox
JOBPORT=/dev/ttyS1

cmdline_arg() { # cmdline_arg NAME -> value of NAME= on the kernel command line
	for arg in $($BB cat /proc/cmdline); do
		case $arg in "$1"=*) echo "${arg#"$1"=}"; return ;; esac
	done
}

# Progress lines in the kernel log (seen with LUNLINK_VM_DEBUG=1).
mark() { [ "${VM_DEBUG:-0}" = 0 ] || echo "guest-init: $*" >/dev/kmsg; }

# Report a fatal harness error on the job port and stop the machine: the
# host sees the status, never a hang.
die() {
	echo "guest-init: $*" >$JOBPORT
	echo "LUNLINK-VM-EXIT=125 ${VM_NONCE:-}" >$JOBPORT
	$BB sync
	$BB poweroff -f
}

# A writable view of host directory $1 at $2 (writes land in tmpfs).
overlay_of() { # overlay_of LOWER TARGET RWDIR
	$BB mkdir -p "$3/upper" "$3/work" "$2" &&
		$BB mount -t overlay -o "lowerdir=$1,upperdir=$3/upper,workdir=$3/work" \
			overlay "$2"
}

# A host directory under /tmp or /run, which the fresh mounts hide.
hidden_path() { # hidden_path PATH
	case $1 in /tmp/?* | /run/?*) [ -d "/newroot/host$1" ] ;; *) return 1 ;; esac
}

# PATH has no hidden ancestor in the list FILE.
outer_bind() { # outer_bind PATH FILE
	while read -r other; do
		case $1 in "$other"/*) hidden_path "$other" && return 1 ;; esac
	done <"$2"
	return 0
}

setup() {
	job=$(cmdline_arg lunlink.job)
	[ -n "$job" ] && [ -f "/host$job/vm.env" ] || die "no job at '$job'"
	# shellcheck source=/dev/null
	. "/host$job/vm.env"
	mark "setup: job $job"

	$BB mkdir -p /rw
	$BB mount -t tmpfs -o mode=755 rw /rw || die "tmpfs /rw"
	overlay_of /host /newroot /rw/root || die "overlay root"
	$BB mkdir -p /newroot/host
	$BB mount --move /host /newroot/host || die "move /host"
	# Fresh instances, not moves: this shell keeps its /dev for messages.
	$BB mount -t proc proc /newroot/proc || die "mount /proc"
	$BB mount -t sysfs sys /newroot/sys || die "mount /sys"
	$BB mount -t devtmpfs dev /newroot/dev || die "mount /dev"
	$BB mount -t tmpfs -o mode=1777,nosuid,nodev tmp /newroot/tmp
	$BB mount -t tmpfs -o mode=755,nosuid,nodev run /newroot/run

	# Host paths hidden by the fresh /tmp and /run (a repo cloned to
	# /tmp/x, a cache or build dir there) come back as writable overlays.
	# One overlay per outermost path: a path inside another one (the test
	# directory inside the repo) or listed twice is visible already, and
	# stacked overlays could not all be unmounted again (systemd tries).
	n=0
	: >/rw/binds-done
	while read -r path; do
		hidden_path "$path" || continue
		outer_bind "$path" "/newroot/host$job/binds" || continue
		$BB grep -qxF "$path" /rw/binds-done && continue
		n=$((n + 1))
		overlay_of "/newroot/host$path" "/newroot$path" "/rw/bind$n" ||
			die "overlay of $path"
		echo "$path" >>/rw/binds-done
	done <"/newroot/host$job/binds"

	# The host has no modules for this kernel: bind the unpacked tree.
	$BB mkdir -p "/newroot/lib/modules/$VM_KVER"
	$BB mount --bind "/newroot/host$VM_MODULES" "/newroot/lib/modules/$VM_KVER" ||
		die "bind modules"
	# Nor perhaps kmod: give the guest (and the kernel's request_module)
	# the cached kmod tools.
	for t in modprobe depmod modinfo insmod rmmod lsmod; do
		[ -e "/newroot/usr/sbin/$t" ] || [ -e "/newroot/usr/bin/$t" ] ||
			$BB ln -s "$VM_KMOD_SBIN/$t" "/newroot/usr/sbin/$t"
	done

	mark "setup: root ready"
	$BB mkdir -p /newroot/run/lunlink-vm
	$BB cp $BB /newroot/run/lunlink-vm/busybox
	$BB cp "/newroot/host$job/vm.env" /newroot/run/lunlink-vm/vm.env || die "copy vm.env"
	echo "$job" >/newroot/run/lunlink-vm/job
	# shellcheck disable=SC2093 # die only runs if switch_root fails
	exec $BB switch_root /newroot /run/lunlink-vm/busybox sh "$VM_STAGE2" run
	die "switch_root failed"
}

# Mounts and devices every test may rely on.
base_system() {
	$BB mkdir -p /dev/pts /dev/shm
	$BB mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
	$BB mount -t tmpfs -o mode=1777,nosuid,nodev shm /dev/shm
	$BB ln -sfn /proc/self/fd /dev/fd
	$BB mount -t configfs configfs /sys/kernel/config ||
		echo "guest-init: configfs unavailable" >$JOBPORT
	$BB hostname lunlink-vm
	$BB ip link set lo up
	$BB mkdir -p /run/lock /var/tmp /root
}

# Run job.sh with a watchdog; sets $status (124 on timeout).
run_job() {
	job=$($BB cat /run/lunlink-vm/job)
	$BB setsid /bin/bash "/host$job/job.sh" </dev/null >$JOBPORT 2>&1 &
	pid=$!
	(
		exec >/dev/null
		$BB sleep "$VM_TIMEOUT"
		echo "guest-init: watchdog: job still running after $VM_TIMEOUT s; killing it" >$JOBPORT
		: >/run/lunlink-vm/timed-out
		$BB kill -KILL -- "-$pid" "$pid" 2>/dev/null
	) &
	dog=$!
	wait "$pid"
	status=$?
	mark "run: job exited with $status"
	$BB kill -KILL "$dog" 2>/dev/null
	[ -e /run/lunlink-vm/timed-out ] && status=124
}

# A job that wants to boot an init system (systemd as PID 1, for boot-time
# tests) writes its command line to /run/lunlink-vm/exec-init and exits 0.
# PID 1 then becomes that init instead of powering off; from there the
# job's own units report the status ("finish") and power the machine off,
# and a "watchdog" service keeps the timeout. Other jobs never write the
# file, so nothing changes for them.
handoff() {
	[ "$status" = 0 ] && [ -s /run/lunlink-vm/exec-init ] || return 0
	init=$($BB cat /run/lunlink-vm/exec-init)
	$BB rm -f /run/lunlink-vm/exec-init
	# A failed exec would end PID 1: check first, fail the job instead.
	if ! [ -x "${init%% *}" ]; then
		echo "guest-init: cannot run init '$init'" >$JOBPORT
		status=125
		return 0
	fi
	mark "run: handing over to $init"
	# Nothing of the job may survive into the new init's world.
	$BB kill -KILL -1 2>/dev/null
	$BB sleep 0.05
	# shellcheck disable=SC2086 # the command line is split on purpose
	exec $init
}

# Files the job left in $LUNLINK_VM_OUT go to the host (run.sh --out) as a
# base64 tar.gz between two marker lines.
send_out() {
	[ "$VM_WANT_OUT" = 1 ] || return 0
	[ -n "$($BB ls -A /run/lunlink-vm/out)" ] || return 0
	echo "LUNLINK-VM-OUT-BEGIN $VM_NONCE" >$JOBPORT
	$BB tar -C /run/lunlink-vm/out -cf - . | $BB gzip | $BB base64 >$JOBPORT
	echo "LUNLINK-VM-OUT-END $VM_NONCE" >$JOBPORT
}

run() {
	BB=/run/lunlink-vm/busybox
	. /run/lunlink-vm/vm.env
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	$BB stty -F $JOBPORT raw -echo 2>/dev/null
	mark "run: base system"
	base_system
	$BB mkdir -p /run/lunlink-vm/out
	mark "run: starting job"
	run_job
	handoff
	# Nothing else may hold the port open: the last close drains it, so
	# the status line is complete before the power goes.
	$BB kill -KILL -1 2>/dev/null
	$BB sleep 0.05
	send_out
	echo "LUNLINK-VM-EXIT=$status $VM_NONCE" >$JOBPORT
	$BB sync
	$BB poweroff -f
}

# The end of a job that handed over to an init system (see handoff).
finish() { # finish STATUS
	BB=/run/lunlink-vm/busybox
	. /run/lunlink-vm/vm.env
	status=$1
	# Once only: the watchdog must not report again after the job did.
	[ -e /run/lunlink-vm/finished ] && return 0
	: >/run/lunlink-vm/finished
	[ -e /run/lunlink-vm/timed-out ] && status=124
	send_out
	echo "LUNLINK-VM-EXIT=$status $VM_NONCE" >$JOBPORT
	$BB sync
}

# The job timeout after a handoff: VM_TIMEOUT seconds after boot.
watchdog() {
	BB=/run/lunlink-vm/busybox
	. /run/lunlink-vm/vm.env
	up=$($BB cut -d. -f1 /proc/uptime)
	left=$((VM_TIMEOUT - up))
	[ "$left" -gt 0 ] && $BB sleep "$left"
	[ -e /run/lunlink-vm/finished ] && return 0
	echo "guest-init: watchdog: job still running after $VM_TIMEOUT s; stopping" >$JOBPORT
	: >/run/lunlink-vm/timed-out
	finish 124
	$BB poweroff -f
}

case $1 in
setup) setup ;;
run) run ;;
finish) finish "${2:-125}" ;;
watchdog) watchdog ;;
*) die "unknown phase '$1'" ;;
esac
