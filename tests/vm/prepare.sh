#!/bin/bash
# Fetch and prepare everything the VM harness boots: Debian's stock kernel
# (uncompressed vmlinux for qemu's PVH entry), its modules tree with depmod
# indexes, kmod tools (the host may lack them), and a busybox initramfs.
#
# Idempotent: every step leaves a stamp in the cache and is skipped when the
# stamp is there, so a cached run costs one apt-cache query. The result is
# described by $CACHE/current.env, which run.sh sources.
#
# Environment:
#   LUNLINK_VM_CACHE       cache directory (default <repo>/.vm-cache)
#   LUNLINK_VM_KERNEL_PKG  kernel package to use (default: what
#                          linux-image-amd64 depends on)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
cache=${LUNLINK_VM_CACHE:-$repo/.vm-cache}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd -P)

log() { printf 'prepare: %s\n' "$*" >&2; }
die() { printf 'prepare: error: %s\n' "$*" >&2; exit 1; }

# Modules the initramfs loads before it can reach the host root. Their
# dependencies are resolved from modules.dep, never listed by hand.
INITRD_MODULES="virtio_pci virtio_rng 9pnet_virtio 9p overlay configfs"

# One preparer at a time: run-all.sh and parallel run.sh calls share a cache.
exec 9>"$cache/.lock"
flock 9

apt_quiet() { "$@" -o Dpkg::Use-Pty=0 -o APT::Sandbox::User=root -qq; }

# apt-get download into a directory; fresh CI images may have no package
# lists yet, so update once and retry on failure.
fetch_deb() { # fetch_deb PKG DIR
	local pkg=$1 dir=$2
	mkdir -p "$dir"
	(cd "$dir" && apt_quiet apt-get download "$pkg") >&2 && return 0
	log "apt-get download $pkg failed; running apt-get update"
	apt_quiet apt-get update >&2
	(cd "$dir" && apt_quiet apt-get download "$pkg") >&2
}

# The kernel package linux-image-amd64 currently points at.
resolve_kernel_pkg() {
	local pkg
	if [[ -n ${LUNLINK_VM_KERNEL_PKG:-} ]]; then
		echo "$LUNLINK_VM_KERNEL_PKG"
		return
	fi
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
	if [[ -z $pkg ]]; then
		log "linux-image-amd64 unknown to apt; running apt-get update"
		apt_quiet apt-get update >&2
		pkg=$(apt-cache depends linux-image-amd64 |
			awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
	fi
	[[ -n $pkg ]] || die "cannot resolve the kernel package of linux-image-amd64"
	echo "$pkg"
}

# kmod's depmod builds the .bin indexes libkmod needs; the guest also uses
# it as /sbin/modprobe when the host root has none.
prepare_kmod() {
	local dir=$cache/kmod t
	[[ -e $dir/.done ]] && return
	rm -rf "$dir"
	fetch_deb kmod "$dir/deb"
	dpkg -x "$dir"/deb/kmod_*.deb "$dir/root"
	mkdir -p "$dir/sbin"
	for t in depmod modprobe modinfo insmod rmmod lsmod; do
		ln -sfn ../root/bin/kmod "$dir/sbin/$t"
	done
	touch "$dir/.done"
}

# A static busybox for the initramfs: the host's, or busybox-static's.
prepare_busybox() {
	local dir=$cache/busybox
	if [[ -x /bin/busybox ]] && ! ldd /bin/busybox >/dev/null 2>&1; then
		echo /bin/busybox
		return
	fi
	if [[ ! -e $dir/.done ]]; then
		rm -rf "$dir"
		fetch_deb busybox-static "$dir/deb"
		dpkg -x "$dir"/deb/busybox-static_*.deb "$dir/root"
		touch "$dir/.done"
	fi
	echo "$dir/root/bin/busybox"
}

# xz from the host, or from xz-utils (not in minimal images; busybox's xz
# cannot decode the kernel's BCJ-filtered stream).
xz_tool() {
	local dir=$cache/xz
	if command -v xz >/dev/null; then
		command -v xz
		return
	fi
	if [[ ! -e $dir/.done ]]; then
		rm -rf "$dir"
		fetch_deb xz-utils "$dir/deb"
		dpkg -x "$dir"/deb/xz-utils_*.deb "$dir/root"
		touch "$dir/.done"
	fi
	echo "$dir/root/usr/bin/xz"
}

# Write the uncompressed kernel image found inside a bzImage. The payload
# is one compressed stream somewhere after the setup code; try every
# candidate offset of each known magic until one yields an ELF file.
extract_vmlinux() { # extract_vmlinux VMLINUZ OUT
	local in=$1 out=$2 magic cmd off
	local -a magics=("\\xfd7zXZ\\x00|$(xz_tool) -dc --single-stream"
		'\x28\xb5\x2f\xfd|zstdcat'
		'\x1f\x8b\x08|zcat'
		'\x02\x21\x4c\x18|lz4cat')
	for entry in "${magics[@]}"; do
		magic=${entry%%|*}
		cmd=${entry#*|}
		for off in $(LC_ALL=C grep -obUaP "$magic" "$in" | cut -d: -f1); do
			tail -c +$((off + 1)) "$in" | $cmd >"$out.tmp" 2>/dev/null || true
			if [[ $(head -c 4 "$out.tmp" | od -An -c | tr -d ' ') == 177ELF ]]; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done
	done
	rm -f "$out.tmp"
	return 1
}

prepare_kernel() { # prepare_kernel PKG -> sets KDIR KVER
	local pkg=$1
	KDIR=$cache/kernel/$pkg
	KVER=${pkg#linux-image-}
	KVER=${KVER%-unsigned}
	if [[ ! -e $KDIR/.unpacked ]]; then
		log "fetching $pkg"
		rm -rf "$KDIR"
		fetch_deb "$pkg" "$KDIR/deb"
		dpkg -x "$KDIR"/deb/*.deb "$KDIR/root"
		rm -rf "$KDIR/deb" # 70 MB nobody reads again
		touch "$KDIR/.unpacked"
	fi
	[[ -d $KDIR/root/lib/modules/$KVER ]] || die "no modules for $KVER in $pkg"
	if [[ ! -e $KDIR/.depmod ]]; then
		log "depmod $KVER"
		"$cache/kmod/sbin/depmod" -b "$KDIR/root" "$KVER"
		touch "$KDIR/.depmod"
	fi
	if [[ ! -e $KDIR/vmlinux ]]; then
		log "extracting vmlinux"
		extract_vmlinux "$KDIR/root/boot/vmlinuz-$KVER" "$KDIR/vmlinux" ||
			die "no compressed kernel found in vmlinuz-$KVER"
	fi
}

# Stage 1 of the guest: just enough to reach the host root over 9p. All
# policy lives in lib/guest-init.sh, read from the host at boot, so
# editing it never requires rebuilding the initramfs.
write_stage1() {
	cat <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
while read -r mod; do
	insmod "/modules/$mod" || echo "stage1: insmod $mod failed" >/dev/kmsg
done </modules/order
stage2=
for arg in $(cat /proc/cmdline); do
	case $arg in lunlink.init=*) stage2=${arg#lunlink.init=} ;; esac
done
mkdir -p /host
if mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose \
	hostroot /host && [ -n "$stage2" ] && [ -f "/host$stage2" ]; then
	exec sh "/host$stage2" setup
fi
echo "stage1: cannot reach the host root or lunlink.init=$stage2" >/dev/ttyS1
echo "LUNLINK-VM-EXIT=125" >/dev/ttyS1
poweroff -f
EOF
}

build_initramfs() { # build_initramfs BUSYBOX OUT
	local bb=$1 out=$2 work line
	work=$(mktemp -d "$cache/initramfs.XXXXXX")
	mkdir -p "$work"/{bin,proc,sys,dev,modules}
	cp "$bb" "$work/bin/busybox"
	write_stage1 >"$work/init"
	chmod 755 "$work/init"
	for mod in $INITRD_MODULES; do
		"$cache/kmod/sbin/modprobe" -d "$KDIR/root" -S "$KVER" \
			--show-depends "$mod"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' |
		while read -r line; do
			cp "$line" "$work/modules/"
			basename "$line" >>"$work/modules/order"
		done
	(cd "$work" && find . | LC_ALL=C sort | "$bb" cpio -o -H newc --quiet) >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$work"
}

# Drop kernels linux-image-amd64 no longer points at, and initramfs images
# of older inputs (keeping a few: a VM started a moment ago may still be
# reading one).
prune() { # prune PKG CURRENT_INITRD
	local d f n=0
	for d in "$cache"/kernel/*/; do
		d=${d%/}
		[[ ${d##*/} == "$1" ]] || { log "removing old ${d##*/}"; rm -rf "$d"; }
	done
	while IFS= read -r f; do
		n=$((n + 1))
		((n > 3)) && [[ $f != "$2" ]] && rm -f "$f"
	done < <(ls -t "$KDIR"/initramfs-*.cpio)
	return 0
}

main() {
	local pkg bb inputs initrd kmod_sbin
	pkg=$(resolve_kernel_pkg)
	prepare_kmod
	bb=$(prepare_busybox)
	prepare_kernel "$pkg"

	# The initramfs depends on this script (stage 1 and module list), the
	# busybox binary and the kernel: rebuild when any of them changes.
	inputs=$( (sha256sum "${BASH_SOURCE[0]}" "$bb" | cut -d' ' -f1; echo "$pkg") |
		sha256sum | cut -c1-16)
	initrd=$KDIR/initramfs-$inputs.cpio
	if [[ ! -e $initrd ]]; then
		log "building initramfs"
		build_initramfs "$bb" "$initrd"
	fi
	prune "$pkg" "$initrd"

	kmod_sbin=$cache/kmod/sbin
	cat >"$cache/current.env.tmp" <<EOF
# Written by tests/vm/prepare.sh; sourced by run.sh.
VM_KERNEL_PKG=$pkg
VM_KVER=$KVER
VM_VMLINUX=$KDIR/vmlinux
VM_INITRD=$initrd
VM_MODULES=$KDIR/root/lib/modules/$KVER
VM_KMOD_SBIN=$kmod_sbin
VM_PREPARE_HASH=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)
EOF
	mv "$cache/current.env.tmp" "$cache/current.env"
}

main "$@"
