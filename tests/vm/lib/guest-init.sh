# shellcheck shell=sh
# Stage 2 of the guest boot, run by busybox sh as PID 1 (never on the host).
#
#   setup  (from the initramfs, host root on /host over 9p): builds the root
#          file system - a tmpfs overlay over the read-only host root - and
#          switch_roots into it, re-running this file with "run".
#   run    (PID 1 in the new root): mounts, modules, loopback, then runs the
#          job with a watchdog, prints "LUNLINK-VM-EXIT=<status> <nonce>" on
#          the job port (ttyS1) and powers off.
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
	n=0
	while read -r path; do
		case $path in /tmp/?* | /run/?*) ;; *) continue ;; esac
		[ -d "/newroot/host$path" ] || continue
		[ -d "/newroot$path" ] && $BB mountpoint -q "/newroot$path" && continue
		n=$((n + 1))
		overlay_of "/newroot/host$path" "/newroot$path" "/rw/bind$n" ||
			die "overlay of $path"
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
	# Nothing else may hold the port open: the last close drains it, so
	# the status line is complete before the power goes.
	$BB kill -KILL -1 2>/dev/null
	$BB sleep 0.05
	send_out
	echo "LUNLINK-VM-EXIT=$status $VM_NONCE" >$JOBPORT
	$BB sync
	$BB poweroff -f
}

case $1 in
setup) setup ;;
run) run ;;
*) die "unknown phase '$1'" ;;
esac
