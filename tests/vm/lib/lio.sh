# shellcheck shell=bash
# LIO (the kernel's iSCSI target) through configfs, for tests in the VM.
# Source this file from bash inside the guest; it never runs on the host.
#
#   lio_load                                   load target modules
#   lio_create_target IQN PORT SIZE...         one fileio LUN per SIZE (bytes,
#                                              or with K/M/G suffix), portal
#                                              127.0.0.1:PORT, demo mode
#                                              (generate_node_acls=1, writable),
#                                              authentication=0, enabled
#   lio_add_portal IQN ADDR:PORT               another portal on the target
#                                              (IPv6 as [::1]:PORT)
#   lio_add_lun IQN LUN SIZE                   one more fileio LUN
#   lio_set_chap IQN USER PASS [MUSER MPASS]   CHAP (mutual if MUSER given)
#   lio_discovery_auth USER PASS | off         CHAP on SendTargets sessions
#   lio_clear_chap IQN                         back to authentication=0
#   lio_enable IQN / lio_disable IQN           TPG up/down (fault injection)
#   lio_lun_file IQN LUN                       backing file of a LUN
#   lio_add_acl IQN INITIATOR                  an explicit ACL for INITIATOR,
#                                              every LUN mapped: sessions that
#                                              log in from now on belong to it
#   lio_acl_latest IQN INITIATOR               "LIO-SID ISID" (ISID as 12 hex
#                                              digits) of the ACL's latest
#                                              session: LIO shows no other
#   lio_delete_acl IQN INITIATOR               (its sessions are dropped)
#   lio_delete_target IQN                      remove target and its LUNs
#   lio_teardown                               remove every target/backstore
#
# With LIO_UNIT_SERIAL=1 every new LUN gets a VPD unit serial (derived from
# its backstore name), as targetcli sets one: without it LIO reports no VPD
# pages 0x80/0x83, udev finds no ID_SERIAL and dm-multipath no WWID. Off by
# default so the other tests see the same devices as before.
#
# Backing files are sparse files under $LIO_DIR (default /tmp/lio, a tmpfs
# in the guest). Functions return non-zero and print why on failure.

LIO_CFS=/sys/kernel/config/target
LIO_DIR=${LIO_DIR:-/tmp/lio}

_lio_err() { echo "lio: $*" >&2; return 1; }

# Write a configfs attribute without a trailing newline: a newline becomes
# part of CHAP secrets and user names.
_lio_put() { # _lio_put FILE VALUE
	printf %s "$2" >"$1" 2>/dev/null || _lio_err "cannot write '$2' to $1"
}

_lio_tpg() { echo "$LIO_CFS/iscsi/$1/tpgt_1"; }

# Backstore names are derived from the IQN (readable tail + hash) so
# targets never collide; computed in bash, as processes are slow here.
_lio_bs_name() { # _lio_bs_name IQN LUN
	local s=${1//[^A-Za-z0-9]/_} h=5381 i c
	for ((i = 0; i < ${#1}; i++)); do
		printf -v c %d "'${1:i:1}"
		h=$(((h * 33 + c) & 0xffffffff))
	done
	((${#s} > 24)) && s=${s: -24}
	printf '%s_%08x_lun%s\n' "$s" "$h" "$2"
}

_lio_bytes() { # _lio_bytes SIZE -> bytes
	local n=${1%[KkMmGg]}
	[[ $n =~ ^[0-9]+$ ]] || { _lio_err "bad size '$1'"; return 1; }
	case $1 in
	*[Kk]) echo $((n << 10)) ;;
	*[Mm]) echo $((n << 20)) ;;
	*[Gg]) echo $((n << 30)) ;;
	*) echo "$n" ;;
	esac
}

lio_load() {
	# Without /etc/target LIO logs a db_root warning when it loads.
	mkdir -p /etc/target "$LIO_DIR"
	modprobe -a target_core_mod target_core_file iscsi_target_mod ||
		_lio_err "cannot load the LIO modules" || return
	[[ -d $LIO_CFS/iscsi ]] || mkdir "$LIO_CFS/iscsi" ||
		_lio_err "no iscsi fabric in configfs"
}

_lio_add_lun() { # _lio_add_lun IQN LUN BYTES
	local iqn=$1 lun=$2 bytes=$3 name bs file serial
	name=$(_lio_bs_name "$iqn" "$lun")
	bs=$LIO_CFS/core/fileio_0/$name
	file=$LIO_DIR/$name.img
	truncate -s "$bytes" "$file" || _lio_err "cannot create $file" || return
	mkdir -p "$bs" || _lio_err "cannot create backstore $name" || return
	_lio_put "$bs/control" "fd_dev_name=$file,fd_dev_size=$bytes" || return
	# LIO refuses a serial once the LUN is exported: set it before linking.
	if [[ ${LIO_UNIT_SERIAL:-0} == 1 ]]; then
		serial=${name//_/}
		_lio_put "$bs/wwn/vpd_unit_serial" "${serial: -20}" || return
	fi
	_lio_put "$bs/enable" 1 || return
	mkdir "$(_lio_tpg "$iqn")/lun/lun_$lun" || return
	ln -s "$bs" "$(_lio_tpg "$iqn")/lun/lun_$lun/$name" ||
		_lio_err "cannot map $name to lun_$lun"
}

lio_create_target() { # lio_create_target IQN PORT SIZE...
	local iqn=$1 port=$2 tpg lun=0 size bytes
	shift 2
	(($# > 0)) || _lio_err "lio_create_target: no LUN sizes" || return
	[[ -d $LIO_CFS/iscsi ]] || lio_load || return
	tpg=$(_lio_tpg "$iqn")
	mkdir -p "$tpg" || _lio_err "cannot create target $iqn" || return
	for size in "$@"; do
		bytes=$(_lio_bytes "$size") || return
		_lio_add_lun "$iqn" "$lun" "$bytes" || return
		lun=$((lun + 1))
	done
	mkdir "$tpg/np/127.0.0.1:$port" || _lio_err "cannot listen on 127.0.0.1:$port" || return
	_lio_put "$tpg/attrib/generate_node_acls" 1 &&
		_lio_put "$tpg/attrib/cache_dynamic_acls" 1 &&
		_lio_put "$tpg/attrib/demo_mode_write_protect" 0 &&
		_lio_put "$tpg/attrib/authentication" 0 &&
		lio_enable "$iqn"
}

lio_add_portal() { # lio_add_portal IQN ADDR:PORT
	mkdir "$(_lio_tpg "$1")/np/$2" || _lio_err "cannot listen on $2 for $1"
}

lio_add_lun() { # lio_add_lun IQN LUN SIZE
	local bytes
	bytes=$(_lio_bytes "$3") && _lio_add_lun "$1" "$2" "$bytes"
}

# Discovery sessions have their own CHAP settings, for all targets at once.
lio_discovery_auth() { # lio_discovery_auth USER PASS | lio_discovery_auth off
	local d=$LIO_CFS/iscsi/discovery_auth
	if [[ $1 == off ]]; then
		_lio_put "$d/enforce_discovery_auth" 0 &&
			_lio_put "$d/userid" NULL && _lio_put "$d/password" NULL
	else
		_lio_put "$d/userid" "$1" && _lio_put "$d/password" "$2" &&
			_lio_put "$d/enforce_discovery_auth" 1
	fi
}

# LIO clears a CHAP name or secret when "NULL" is written to it.
lio_set_chap() { # lio_set_chap IQN USER PASS [MUSER MPASS]
	local auth
	auth=$(_lio_tpg "$1")/auth
	_lio_put "$auth/userid" "$2" && _lio_put "$auth/password" "$3" || return
	if (($# >= 5)); then
		_lio_put "$auth/userid_mutual" "$4" &&
			_lio_put "$auth/password_mutual" "$5" || return
	else
		_lio_put "$auth/userid_mutual" NULL &&
			_lio_put "$auth/password_mutual" NULL || return
	fi
	_lio_put "$(_lio_tpg "$1")/attrib/authentication" 1
}

lio_clear_chap() { # lio_clear_chap IQN
	local auth f
	auth=$(_lio_tpg "$1")/auth
	_lio_put "$(_lio_tpg "$1")/attrib/authentication" 0 || return
	for f in userid password userid_mutual password_mutual; do
		_lio_put "$auth/$f" NULL || return
	done
}

lio_enable() { _lio_put "$(_lio_tpg "$1")/enable" 1; }
lio_disable() { _lio_put "$(_lio_tpg "$1")/enable" 0; }

lio_lun_file() { echo "$LIO_DIR/$(_lio_bs_name "$1" "$2").img"; }

lio_add_acl() { # lio_add_acl IQN INITIATOR
	local tpg acl l name
	tpg=$(_lio_tpg "$1")
	acl=$tpg/acls/$2
	mkdir -p "$acl" || _lio_err "cannot create the ACL of $2" || return
	for l in "$tpg"/lun/lun_*; do
		[[ -d $l ]] || continue
		name=${l##*/}
		mkdir "$acl/$name" && ln -s "$l" "$acl/$name/map" ||
			_lio_err "cannot map $name for $2" || return
	done
}

# LIO's info file: "LIO Session ID: 6   ISID: 0x80 63 88 23 56 bb  TSIH: 6 ..."
lio_acl_latest() { # lio_acl_latest IQN INITIATOR
	sed -n 's/^LIO Session ID: \([0-9]*\) *ISID: 0x\([0-9a-f ]*[0-9a-f]\) .*/\1 \2/p' \
		"$(_lio_tpg "$1")/acls/$2/info" | sed 's/ //2g'
}

lio_delete_acl() { # lio_delete_acl IQN INITIATOR
	local acl l link
	acl=$(_lio_tpg "$1")/acls/$2
	[[ -d $acl ]] || return 0
	for l in "$acl"/lun_*; do
		[[ -d $l ]] || continue
		for link in "$l"/*; do [[ -L $link ]] && rm -f "$link"; done
		rmdir "$l"
	done
	rmdir "$acl" || _lio_err "cannot remove the ACL of $2"
}

lio_delete_target() { # lio_delete_target IQN
	local iqn=$1 tpg l link name prefix
	tpg=$(_lio_tpg "$iqn")
	[[ -d $tpg ]] || _lio_err "no target $iqn" || return
	printf 0 >"$tpg/enable" 2>/dev/null
	for l in "$tpg"/acls/*; do [[ -d $l ]] && lio_delete_acl "$iqn" "${l##*/}"; done
	for l in "$tpg"/lun/lun_*; do
		[[ -d $l ]] || continue
		for link in "$l"/*; do
			[[ -L $link ]] || continue
			rm -f "$link"
		done
		rmdir "$l"
	done
	for l in "$tpg"/np/*; do [[ -d $l ]] && rmdir "$l"; done
	rmdir "$tpg" "$LIO_CFS/iscsi/$iqn" || _lio_err "cannot remove $iqn" || return
	# The target's backstores go with it.
	prefix=$(_lio_bs_name "$iqn" "")
	for l in "$LIO_CFS"/core/fileio_0/"$prefix"*; do
		[[ -d $l ]] || continue
		name=${l##*/}
		rmdir "$l" && rm -f "$LIO_DIR/$name.img"
	done
	return 0
}

lio_teardown() {
	local t bs
	[[ -d $LIO_CFS/iscsi ]] || return 0
	for t in "$LIO_CFS"/iscsi/*/; do
		t=${t%/}
		[[ -d $t/tpgt_1 ]] && lio_delete_target "${t##*/}"
	done
	for bs in "$LIO_CFS"/core/fileio_0/*/; do
		[[ -d $bs ]] && rmdir "${bs%/}"
	done
	[[ -d $LIO_CFS/core/fileio_0 ]] && rmdir "$LIO_CFS/core/fileio_0"
	rm -rf "$LIO_DIR"
	return 0
}
