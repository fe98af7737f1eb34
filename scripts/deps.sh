#!/bin/bash
# Install every Debian package lunlink needs to build, test and demo.
# Safe to run again; needs root (it is what CI and a fresh machine run).
set -euo pipefail

packages=(
	# build
	meson ninja-build pkg-config gcc clang
	libkmod-dev libsystemd-dev libmount-dev libssl-dev check
	# install tree checks and units
	systemd udev bash-completion groff-base
	# host integration tests: tgtd target, python fake targets, ss
	tgt python3 iproute2 procps psmisc util-linux e2fsprogs
	# fuzzing (libFuzzer runtime)
	libclang-rt-14-dev
	# VM tests: qemu, busybox initramfs, kernel unpacking, reference initiator
	qemu-system-x86 busybox-static xz-utils kmod cpio open-iscsi
	# multipath tests (dm-multipath in the VM), JSON output, metrics file tests
	multipath-tools libjson-c-dev prometheus-node-exporter jq
)

if [[ $(id -u) -ne 0 ]]; then
	echo "deps.sh: must run as root (apt-get install)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
# open-iscsi's package starts its own iscsid on some systems; our tests run
# their own daemons and must not meet a system one on the host (multipathd and
# node_exporter likewise: tests start their own inside the VM).
systemctl stop iscsid.service iscsid.socket open-iscsi.service multipathd.service multipathd.socket prometheus-node-exporter.service >/dev/null 2>&1 || true
