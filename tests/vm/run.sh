#!/bin/bash
# Boot Debian's stock kernel under qemu (TCG) and run one script inside, as
# root, on a throwaway overlay of this machine's root file system.
#
#   run.sh [--timeout S] [--mem MIB] [--smp CPUS] [--env VAR=VALUE]...
#          [--out DIR] SCRIPT [ARGS...]
#
# SCRIPT's output streams to stdout; run.sh exits with its status, 124 when
# the guest watchdog killed it after S seconds, 125 when the guest failed to
# boot or never reported a status. Every LUNLINK_* variable of the caller's
# environment is passed into the guest, as is each --env VAR=VALUE.
# Files the script writes under $LUNLINK_VM_OUT are copied to DIR (--out).
#
# LUNLINK_VM_DEBUG=1 shows the kernel console (without "quiet") on stderr;
# otherwise the console is kept and its tail printed when the run fails.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
cache=${LUNLINK_VM_CACHE:-$repo/.vm-cache}

timeout=300
mem=2048
# One vCPU unless asked: LIO, the kernel and the initiator share it, as the
# timings in bench/README.md were taken.
smp=1
outdir=
declare -a envs=()

usage() { # usage EXIT_STATUS
	sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit "$1"
}

while (($#)); do
	case $1 in
	--timeout) timeout=${2:?}; shift 2 ;;
	--timeout=*) timeout=${1#*=}; shift ;;
	--mem) mem=${2:?}; shift 2 ;;
	--mem=*) mem=${1#*=}; shift ;;
	--smp) smp=${2:?}; shift 2 ;;
	--smp=*) smp=${1#*=}; shift ;;
	--env) envs+=("${2:?}"); shift 2 ;;
	--env=*) envs+=("${1#*=}"); shift ;;
	--out) outdir=${2:?}; shift 2 ;;
	--out=*) outdir=${1#*=}; shift ;;
	-h | --help) usage 0 ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; usage 125 ;;
	*) break ;;
	esac
done
(($#)) || usage 125
[[ $timeout =~ ^[0-9]+$ && $mem =~ ^[0-9]+$ && $smp =~ ^[1-9]$ ]] || usage 125

script=$(realpath -e -- "$1") || { echo "run.sh: no such script: $1" >&2; exit 125; }
shift

# Prepare the cache unless current.env says it was made by this very
# prepare.sh (skips the slow apt query on every run).
prepare_hash=$(sha256sum "$here/prepare.sh" | cut -c1-16)
if ! { [[ -r $cache/current.env ]] &&
	grep -qx "VM_PREPARE_HASH=$prepare_hash" "$cache/current.env"; }; then
	"$here/prepare.sh" >&2 || { echo "run.sh: prepare.sh failed" >&2; exit 125; }
fi
# shellcheck source=/dev/null
. "$cache/current.env"
for f in "$VM_VMLINUX" "$VM_INITRD" "$VM_MODULES/modules.dep.bin"; do
	[[ -e $f ]] || { echo "run.sh: $f missing; rerun prepare.sh" >&2; exit 125; }
done

jobdir=$(mktemp -d "${TMPDIR:-/tmp}/lunlink-vm.XXXXXX")
jobdir=$(cd "$jobdir" && pwd -P)
qemu_pid=
cleanup() {
	# qemu_pid is timeout(1), which passes TERM on to qemu.
	[[ -n $qemu_pid ]] && kill -TERM "$qemu_pid" 2>/dev/null
	rm -rf "$jobdir"
}
trap cleanup EXIT
trap 'exit 125' INT TERM

nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')

# Single-quote a value for sh (busybox and bash alike).
shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

{
	echo "VM_KVER=$(shq "$VM_KVER")"
	echo "VM_MODULES=$(shq "$VM_MODULES")"
	echo "VM_KMOD_SBIN=$(shq "$VM_KMOD_SBIN")"
	echo "VM_STAGE2=$(shq "$here/lib/guest-init.sh")"
	echo "VM_TIMEOUT=$timeout"
	echo "VM_NONCE=$nonce"
	echo "VM_DEBUG=$(shq "${LUNLINK_VM_DEBUG:-0}")"
	echo "VM_WANT_OUT=$([[ -n $outdir ]] && echo 1 || echo 0)"
} >"$jobdir/vm.env"

# Paths the guest must see although they may sit under its fresh /tmp.
{
	printf '%s\n' "$repo" "$(cd "$cache" && pwd -P)" "$(dirname "$script")" "$PWD"
	[[ -n ${LUNLINK_BUILD_DIR:-} ]] && realpath -m -- "$LUNLINK_BUILD_DIR"
	true
} >"$jobdir/binds"

{
	echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	echo "export HOME=/root TERM=dumb LANG=C.UTF-8 LUNLINK_VM=1"
	echo "export LUNLINK_REPO=$(shq "$repo")"
	while IFS= read -r name; do
		[[ $name == LUNLINK_VM_CACHE ]] && continue
		echo "export $name=$(shq "${!name}")"
	done < <(compgen -e | grep '^LUNLINK_' || true)
	for kv in "${envs[@]}"; do
		[[ $kv == [A-Za-z_]*=* ]] || { echo "run.sh: bad --env '$kv'" >&2; exit 125; }
		echo "export ${kv%%=*}=$(shq "${kv#*=}")"
	done
	echo "export LUNLINK_VM_OUT=/run/lunlink-vm/out"
	echo "cd $(shq "$PWD") 2>/dev/null || cd /"
	printf 'set --'
	for a in "$@"; do printf ' %s' "$(shq "$a")"; done
	echo
	echo "s=$(shq "$script")"
	echo 'if [ -x "$s" ]; then exec "$s" "$@"; else exec /bin/bash "$s" "$@"; fi'
} >"$jobdir/job.sh"

append="console=ttyS0 panic=-1 oops=panic loglevel=4 mitigations=off lunlink.job=$jobdir ${LUNLINK_VM_APPEND:-}"
append+=" lunlink.init=$here/lib/guest-init.sh"
console_args=(-serial "file:$jobdir/console.log")
if [[ ${LUNLINK_VM_DEBUG:-0} != 0 ]]; then
	append+=" ignore_loglevel"
	# qemu's own stderr goes to a file; hand it the caller's as another fd.
	exec {errfd}>&2
	console_args=(-chardev "file,id=con,path=/dev/fd/$errfd" -serial chardev:con)
else
	append+=" quiet"
fi

# Extra qemu arguments for experiments (word-split on purpose).
read -ra qemu_extra <<<"${LUNLINK_VM_QEMU_EXTRA:-}"
# shellcheck disable=SC2054 # commas belong to qemu's option syntax
qemu=(qemu-system-x86_64 -accel tcg -machine pc -cpu qemu64 -smp "$smp" -m "$mem"
	-nodefaults -no-user-config -display none -vga none -monitor none -no-reboot
	-kernel "$VM_VMLINUX" -initrd "$VM_INITRD" -append "$append"
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
	-device virtio-rng-pci
	"${console_args[@]}"
	-chardev stdio,id=job,signal=off -serial chardev:job
	"${qemu_extra[@]}")

# The hard limit covers boot and shutdown on top of the guest watchdog.
hard_limit=$((timeout + ${LUNLINK_VM_BOOT_MARGIN:-60}))
status=
start=$(date +%s.%N)
exec {qfd}< <(exec timeout -s KILL "$hard_limit" "${qemu[@]}" </dev/null 2>"$jobdir/qemu.err")
qemu_pid=$!
outfd=
while IFS= read -r line <&"$qfd" || [[ -n $line ]]; do
	line=${line%$'\r'}
	case $line in
	"LUNLINK-VM-EXIT="*" $nonce")
		status=${line#LUNLINK-VM-EXIT=}
		status=${status%% *}
		;;
	"LUNLINK-VM-OUT-BEGIN $nonce") exec {outfd}>"$jobdir/out.b64" ;;
	"LUNLINK-VM-OUT-END $nonce") exec {outfd}>&-; outfd= ;;
	*)
		if [[ -n $outfd ]]; then
			printf '%s\n' "$line" >&"$outfd"
		else
			printf '%s\n' "$line"
		fi
		;;
	esac
	line=
done
exec {qfd}<&-
wait "$qemu_pid" && qemu_status=0 || qemu_status=$?
qemu_pid=
end=$(date +%s.%N)

if [[ -n $outdir && -s $jobdir/out.b64 ]]; then
	mkdir -p "$outdir"
	base64 -d "$jobdir/out.b64" | tar -xz -C "$outdir" ||
		echo "run.sh: could not unpack the guest's output files" >&2
fi
if ! [[ $status =~ ^[0-9]+$ ]]; then
	if ((qemu_status == 137)); then
		echo "run.sh: hard limit of ${hard_limit}s reached; guest killed" >&2
	else
		echo "run.sh: guest gave no exit status (qemu exit $qemu_status)" >&2
	fi
	status=125
elif ((qemu_status == 137)); then
	# A status came, but the guest never powered off (a hung shutdown).
	echo "run.sh: guest reported exit $status but did not power off; killed after ${hard_limit}s" >&2
	status=125
fi
if ((status != 0)) && [[ ${LUNLINK_VM_DEBUG:-0} == 0 ]]; then
	[[ -s $jobdir/qemu.err ]] && sed 's/^/qemu: /' "$jobdir/qemu.err" >&2
	if [[ -s $jobdir/console.log ]]; then
		echo "run.sh: last kernel console lines:" >&2
		tr -d '\r' <"$jobdir/console.log" |
			grep -v -e 'reboot: Power down' -e 'ACPI: PM: Preparing to enter' |
			tail -n 40 | sed 's/^/console: /' >&2
	fi
fi
printf 'run.sh: %s exit %s, wall %.1fs\n' "${script#"$repo"/}" "$status" \
	"$(awk "BEGIN { print $end - $start }")" >&2
exit "$status"
