#!/bin/bash
# vm-timeout: 150
# vm-weight: 124
# Boot-time login with systemd as PID 1. lunlink is installed into the
# guest's overlay root (meson install), two LIO targets serve one node
# marked automatic (an ext4 file system on it, in /etc/fstab with _netdev
# through its /dev/disk/by-iscsi link) and one marked manual. Then systemd
# boots, and the test checks: the automatic node is logged in and mounted,
# the manual one is not; the mount started after the login finished;
# iscsid was inactive until iscsi.service's first iscsiadm call started it
# through iscsid.socket; udev gave the disk its by-iscsi link and ID_ISCSI_*
# properties; iscsi-init.service wrote initiatorname.iscsi before the
# first login. Then a real poweroff: the file system is unmounted before
# the logout, the sessions are gone while iscsid still runs, no unit
# failed, the journal holds no errors, and the shutdown transaction ends in
# bounded time (run.sh fails the test if the machine then does not power
# off). Prints METRIC boot_to_mounted_s (systemd start to the mount being
# active), login_to_mounted_s, iscsi_service_s and shutdown_s.
#
#   LUNLINK_BUILD_DIR=build-vm tests/vm/run.sh --out /tmp/boot tests/vm/t-boot-systemd.sh
#
# --out gets the journal (journal.txt, up to the last unit of the shutdown)
# and udev's properties of the disk. The phases after "prepare" run from
# units inside the guest (lib/systemd.sh).
set -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/lib/assert.sh"
. "$here/lib/vm.sh"
. "$here/lib/systemd.sh"

# Phases run by systemd start with an empty environment.
[[ ${1:-prepare} == prepare ]] || sd_load_env
vm_require_guest "$0"

B=${LUNLINK_BUILD_DIR:-$LUNLINK_REPO/build-vm}
IQN_AUTO=iqn.2003-01.org.lunlink.test:boot-auto
IQN_MANUAL=iqn.2003-01.org.lunlink.test:boot-manual
P=127.0.0.1:3260
MNT=/mnt/lunlink
MOUNT_UNIT=mnt-lunlink.mount
LINK=/dev/disk/by-iscsi/$IQN_AUTO-lun-0
VARS=$SD_STATE/vars
BEFORE_LOGIN=$SD_STATE/before-login.txt
# LUN files in /run: systemd unmounts /tmp at shutdown, and LIO holds them.
export LIO_DIR=/run/lio

# The session id of the session to IQN, or nothing.
sid_of() { # sid_of IQN
	local s
	for s in /sys/class/iscsi_session/session*; do
		[[ -e $s/targetname && $(<"$s/targetname") == "$1" ]] || continue
		echo "${s##*/session}"
		return 0
	done
	return 1
}

disk_of_sid() { # disk_of_sid SID -> sdX
	local d
	for d in /sys/class/iscsi_session/session"$1"/device/target*/*:*:*:0/block/*; do
		[[ -e $d ]] && echo "${d##*/}" && return 0
	done
	return 1
}

# Line number of the first journal line matching REGEX, 0 when none.
jline() { # jline REGEX
	local n
	n=$(grep -n -m1 -E -- "$1" <<<"$JOURNAL" | cut -d: -f1)
	echo "${n:-0}"
}

save_var() { printf '%s=%q\n' "$1" "$2" >>"$VARS"; }

save_text() { # save_text NAME TEXT: a file in $LUNLINK_VM_OUT
	mkdir -p "$LUNLINK_VM_OUT" && printf '%s\n' "$2" >"$LUNLINK_VM_OUT/$1"
}

# Seconds (3 decimals) between two monotonic µs timestamps.
secs() { printf '%d.%03d' $((($2 - $1) / 1000000)) $(((($2 - $1) % 1000000) / 1000)); }

# ---- phase "prepare": the job, before systemd runs --------------------

install_lunlink() {
	local f
	for f in iscsid/iscsid iscsiadm/iscsiadm; do
		[[ -x $B/$f ]] && continue
		not_ok "lunlink build present" "no $B/$f (set LUNLINK_BUILD_DIR)"
		done_testing
	done
	# The overlay root is a tmpfs: this writes nowhere on the host.
	expect_exit 0 meson install -C "$B" --no-rebuild --quiet --destdir / || done_testing
	# open-iscsi's state on the host must not leak in.
	rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets /etc/iscsi/initiatorname.iscsi
	cmp -s "$(command -v iscsiadm)" "$B/iscsiadm/iscsiadm" &&
		ok "iscsiadm on PATH is lunlink's" ||
		not_ok "iscsiadm on PATH is lunlink's" "it is $(command -v iscsiadm)"
}

make_targets() {
	local dir token
	. "$here/lib/lio.sh"
	lio_load && lio_create_target "$IQN_AUTO" 3260 64M &&
		lio_create_target "$IQN_MANUAL" 3260 16M ||
		{ not_ok "LIO targets configured"; done_testing; }
	ok "LIO targets configured"
	# The file system goes straight onto the LUN's backing file.
	token=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	dir=/run/lunlink-boot-fs
	mkdir -p "$dir" && echo "$token" >"$dir/marker"
	expect_exit 0 mkfs.ext4 -q -F -L lunlink-boot -d "$dir" "$(lio_lun_file "$IQN_AUTO" 0)"
	save_var TOKEN "$token"
}

make_nodes() {
	expect_exit 0 iscsiadm -m node -o new -T "$IQN_AUTO" -p "$P"
	expect_exit 0 iscsiadm -m node -T "$IQN_AUTO" -p "$P" -o update -n node.startup -v automatic
	expect_exit 0 iscsiadm -m node -o new -T "$IQN_MANUAL" -p "$P"
	expect_exit 0 iscsiadm -m node -T "$IQN_MANUAL" -p "$P" -o update -n node.startup -v manual
	mkdir -p "$MNT"
	printf '%s %s ext4 _netdev 0 0\n' "$LINK" "$MNT" >/etc/fstab
}

make_units() {
	sd_prepare || { not_ok "systemd configuration written"; done_testing; }
	# The README's step, plus remote-fs.target, which distributions enable
	# by default (systemd's presets) and the fresh /etc lacks.
	expect_exit 0 systemctl enable iscsid.socket iscsi.service remote-fs.target
	# Just before iscsi.service, record whether iscsid runs yet. Kept to a
	# shell and one systemctl: it delays the login it precedes.
	sd_unit lunlink-vm-before-login.service <<-EOF
		[Unit]
		Description=lunlink VM test: iscsid state before iscsi.service
		After=iscsid.socket iscsi-init.service
		Before=iscsi.service
		[Service]
		Type=oneshot
		ExecStart=/bin/sh -c 'systemctl is-active iscsid.service iscsid.socket >$BEFORE_LOGIN || :'
	EOF
	sd_wants iscsi.service lunlink-vm-before-login.service
	sd_phase_unit lunlink-vm-booted.service booted \
		"After=multi-user.target remote-fs.target iscsi.service"
	sd_wants multi-user.target lunlink-vm-booted.service
	sd_poweroff_after lunlink-vm-booted.service
	# Started before iscsi.service, so stopped after it at shutdown.
	sd_stop_phase_unit lunlink-vm-stopped.service stopped Before=iscsi.service
	sd_wants multi-user.target lunlink-vm-stopped.service
	sd_final_unit lunlink-vm-final.service final
}

prepare() {
	local t0
	t0=$(vm_now)
	mkdir -p "$SD_STATE"
	: >"$VARS"
	install_lunlink
	diag "meson install took $(vm_seconds_since "$t0") s"
	make_targets
	make_nodes
	make_units
	((_T_FAILED == 0)) || done_testing
	# First boot: iscsi-init.service is to create the initiator name
	# (iscsiadm made one above when it wrote the records).
	rm -f /etc/iscsi/initiatorname.iscsi
	diag "setup before boot took $(vm_seconds_since "$t0") s; booting systemd"
	sd_handoff
	sd_phase_end
}

# ---- phase "booted": after multi-user.target -----------------------------

check_login_and_mount() {
	local sid_manual mounted
	SID=$(sid_of "$IQN_AUTO")
	expect_match "$SID" '^[0-9]+$' "the automatic node is logged in after boot"
	sid_manual=$(sid_of "$IQN_MANUAL")
	expect_eq "$sid_manual" "" "the manual node is not logged in"
	DISK=$(disk_of_sid "$SID")
	expect_match "$DISK" '^sd[a-z]+$' "the automatic node's disk exists"
	save_var DISK "$DISK"
	mounted=$(findmnt -n -o SOURCE,FSTYPE --mountpoint "$MNT")
	expect_eq "$mounted" "/dev/$DISK ext4" "$MNT is the ext4 file system on /dev/$DISK"
	expect_eq "$(cat "$MNT/marker" 2>&1)" "$TOKEN" "the file system holds the marker written before boot"
	expect_eq "$(systemctl show -P ActiveState "$MOUNT_UNIT")" active "$MOUNT_UNIT is active"
	expect_eq "$(systemctl show -P ActiveState iscsi.service)/$(systemctl show -P Result iscsi.service)" \
		active/success "iscsi.service succeeded"
}

check_boot_order() {
	local login_done mount_start
	login_done=$(sd_unit_ts iscsi.service ActiveEnterTimestampMonotonic)
	mount_start=$(sd_unit_ts "$MOUNT_UNIT" InactiveExitTimestampMonotonic)
	diag "iscsi.service active at $(secs 0 "$login_done") s, $MOUNT_UNIT started at $(secs 0 "$mount_start") s"
	((login_done > 0 && mount_start >= login_done)) &&
		ok "the mount started after iscsi.service finished the login" ||
		not_ok "the mount started after iscsi.service finished the login" \
			"iscsi.service active at $login_done µs, mount started at $mount_start µs"
}

check_socket_activation() {
	local login_start iscsid_start
	expect_eq "$(systemctl show -P ActiveState iscsid.service)" active "iscsid is running"
	expect_eq "$(systemctl show -P TriggeredBy iscsid.service)" iscsid.socket \
		"iscsid.service is triggered by iscsid.socket"
	expect_eq "$(systemctl show -P UnitFileState iscsid.service)" disabled \
		"iscsid.service is not enabled (nothing but the socket starts it)"
	login_start=$(sd_unit_ts iscsi.service InactiveExitTimestampMonotonic)
	iscsid_start=$(sd_unit_ts iscsid.service InactiveExitTimestampMonotonic)
	((iscsid_start > login_start)) &&
		ok "iscsid started after iscsi.service began (by its first iscsiadm call)" ||
		not_ok "iscsid started after iscsi.service began (by its first iscsiadm call)" \
			"iscsi.service began at $login_start µs, iscsid at $iscsid_start µs"
	expect_eq "$(paste -sd' ' "$BEFORE_LOGIN" 2>&1)" "inactive active" \
		"just before iscsi.service: iscsid inactive, iscsid.socket active"
	expect_match "$JOURNAL" 'iscsid\[[0-9]+\]: listening on \(socket activation\)' \
		"iscsid took the socket from systemd (sd_listen_fds)"
}

check_udev() {
	local props
	expect_eq "$(systemctl show -P ActiveState systemd-udevd.service)" active "systemd-udevd is running"
	expect_eq "$(readlink -f "$LINK")" "/dev/$DISK" "$LINK points at /dev/$DISK"
	props=$(udevadm info --query=property --name="/dev/$DISK" 2>&1)
	save_text udev-properties.txt "$props"
	expect_match "$props" $'(^|\n)ID_ISCSI_TARGET='"$IQN_AUTO"$'(\n|$)' "udev: ID_ISCSI_TARGET"
	expect_match "$props" $'(^|\n)ID_ISCSI_PORTAL='"$P"$'(\n|$)' "udev: ID_ISCSI_PORTAL"
	expect_match "$props" $'(^|\n)ID_ISCSI_LUN=0(\n|$)' "udev: ID_ISCSI_LUN"
	expect_match "$props" $'(^|\n)ID_ISCSI_SESSION='"$SID"$'(\n|$)' "udev: ID_ISCSI_SESSION"
	expect_eq "$(ls /dev/disk/by-iscsi/ 2>&1)" "$IQN_AUTO-lun-0" \
		"by-iscsi has the automatic node's disk only"
}

# Removed before boot: iscsi-init.service must make it before any login.
# (It is started again when iscsid starts and then skipped, so its unit
# state shows the skip; the journal shows the run.)
check_initiator_name() {
	local made login
	made=$(jline 'Finished iscsi-init\.service')
	login=$(jline 'Starting iscsi\.service')
	((made > 0 && login > made)) &&
		ok "iscsi-init.service ran on this first boot, before iscsi.service" ||
		not_ok "iscsi-init.service ran on this first boot, before iscsi.service" \
			"$(grep -E 'iscsi-init|iscsi\.service' <<<"$JOURNAL")"
	expect_match "$(cat /etc/iscsi/initiatorname.iscsi 2>&1)" \
		'^InitiatorName=iqn\.[0-9]{4}-[0-9]{2}\.[^ ]+:[0-9a-f]+$' \
		"initiatorname.iscsi holds a generated name"
}

booted_metrics() {
	local userspace login_start login_done mounted
	userspace=$(systemctl show -P UserspaceTimestampMonotonic)
	login_start=$(sd_unit_ts iscsi.service InactiveExitTimestampMonotonic)
	login_done=$(sd_unit_ts iscsi.service ActiveEnterTimestampMonotonic)
	mounted=$(sd_unit_ts "$MOUNT_UNIT" ActiveEnterTimestampMonotonic)
	((userspace > 0 && mounted > userspace)) || {
		not_ok "boot-to-mounted time measured" "userspace $userspace, mounted $mounted"
		return
	}
	echo "METRIC boot_to_mounted_s=$(secs "$userspace" "$mounted")"
	echo "METRIC iscsi_service_s=$(secs "$login_start" "$login_done")"
	echo "METRIC login_to_mounted_s=$(secs "$login_start" "$mounted")"
	diag "kernel start to mounted: $(secs 0 "$mounted") s (includes the test's own setup before systemd)"
}

# The journal lines that show an order (boot or shutdown), as diagnostics.
show_order() { # show_order TITLE [FIRST-LINE]
	diag "$1"
	tail -n +"${2:-1}" <<<"$JOURNAL" |
		grep -E "(Starting|Finished|Stopping|Stopped) iscsi\.service|Started iscsid\.service|$MOUNT_UNIT|Log(ged)? ?(in|out)|logging (in|out)" |
		cut -c1-150 | sed 's/^/#   /'
}

booted() {
	sd_phase_begin booted
	# shellcheck source=/dev/null
	. "$VARS"
	# Should this phase stop half-way, the machine powers off all the same.
	save_var POWEROFF_AT "$(vm_now)"
	JOURNAL=$(journalctl -b -o short-monotonic --no-pager 2>&1)
	save_text journal-boot.txt "$JOURNAL"
	expect_eq "$(systemctl list-units --failed --plain --no-legend 2>&1)" "" "no unit failed during boot"
	check_login_and_mount
	check_boot_order
	check_socket_activation
	check_udev
	check_initiator_name
	booted_metrics
	show_order "boot, from the journal:"
	save_var POWEROFF_AT "$(vm_now)"
	diag "powering off"
	sd_phase_end
}

# ---- phase "stopped": ExecStop of a unit stopped after iscsi.service ------

check_shutdown_order() {
	local unmounted stopping logout
	unmounted=$(jline "Unmounted .*$MNT|$MOUNT_UNIT: Deactivated successfully")
	stopping=$(jline 'Stopping iscsi\.service')
	logout=$(jline "Logout of .*$IQN_AUTO.* successful")
	diag "journal lines: unmounted $unmounted, iscsi.service stopping $stopping, logout $logout"
	((unmounted > 0 && stopping > unmounted)) &&
		ok "the file system was unmounted before iscsi.service stopped" ||
		not_ok "the file system was unmounted before iscsi.service stopped"
	((logout > unmounted && unmounted > 0)) &&
		ok "the logout came after the unmount" ||
		not_ok "the logout came after the unmount" "$(grep -E "$IQN_AUTO|$MNT|iscsi" <<<"$JOURNAL" | tail -n 20)"
}

stopped() {
	sd_phase_begin stopped
	# shellcheck source=/dev/null
	. "$VARS"
	journalctl --sync 2>/dev/null
	JOURNAL=$(journalctl -b -o short-monotonic --no-pager 2>&1)
	save_text journal-shutdown.txt "$JOURNAL"
	expect_eq "$(findmnt -n --mountpoint "$MNT")" "" "$MNT is unmounted"
	expect_eq "$(systemctl show -P ActiveState iscsi.service)/$(systemctl show -P Result iscsi.service)" \
		inactive/success "iscsi.service stopped cleanly"
	expect_eq "$(ls /sys/class/iscsi_session/ 2>&1)" "" "no iSCSI session is left"
	[[ -e /dev/$DISK ]] && not_ok "/dev/$DISK is gone" || ok "/dev/$DISK is gone"
	check_shutdown_order
	show_order "shutdown so far, from the journal:" "$(jline "Unmounting $MOUNT_UNIT")"
	expect_eq "$(systemctl show -P ActiveState iscsid.service)" active \
		"iscsid is still running after the logouts"
	sd_phase_end
}

# ---- phase "final": after umount.target, the last unit before power-off ---

# iscsid logs to the journal with priorities (its warnings and errors are
# found by priority); iscsiadm's stderr arrives at "info" priority, so its
# complaints are found by their prefix. Two are expected: no "onboot"
# records to log in at boot (21), no "manual" session to log out at
# shutdown (21).
lunlink_complaints() {
	journalctl -b -p warning -t iscsid -o short-monotonic --no-pager -q 2>&1
	grep -E 'iscsiadm\[[0-9]+\]: iscsiadm: ' |
		grep -v -E 'iscsiadm: (No records found|No matching sessions found)$'
}

final() {
	local t errors
	sd_phase_begin final
	# shellcheck source=/dev/null
	. "$VARS"
	t=$(($(vm_now) - POWEROFF_AT))
	echo "METRIC shutdown_s=$(secs 0 "$t")"
	((t < 30000000)) && ok "the shutdown transaction ended $(secs 0 "$t") s after poweroff (< 30 s)" ||
		not_ok "the shutdown transaction ended $(secs 0 "$t") s after poweroff (< 30 s)"
	expect_eq "$(systemctl list-units --failed --plain --no-legend 2>&1)" "" \
		"no unit failed during boot or shutdown"
	journalctl --sync 2>/dev/null
	journalctl -b -o short-monotonic --no-pager >"$LUNLINK_VM_OUT/journal.txt" 2>&1
	errors=$(journalctl -b -p err -o short-monotonic --no-pager -q 2>&1)
	expect_eq "$errors" "" "no errors in the journal (boot and shutdown)"
	expect_eq "$(lunlink_complaints <"$LUNLINK_VM_OUT/journal.txt")" "" \
		"no errors or warnings from iscsid or iscsiadm in the journal"
	sd_finish
}

case ${1:-prepare} in
prepare) prepare ;;
booted) booted ;;
stopped) stopped ;;
final) final ;;
*) echo "unknown phase '$1'" >&2; exit 2 ;;
esac
