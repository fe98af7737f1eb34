# shellcheck shell=bash
# The chaos soak's set-up (sourced by lib/soak.sh): the veth paths into the
# namespace, the LIO targets, the logins, the writers.

_soak_net() {
	local i n=${#SOAK_ROLES[@]} a b
	modprobe -a veth sch_netem || return
	ip netns add "$SOAK_NS" && ip -n "$SOAK_NS" link set lo up || return
	: >"$SOAK_DIR/ip.host"
	: >"$SOAK_DIR/ip.ns"
	for ((i = 0; i < n; i++)); do
		a=192.0.2.$((4 * i + 1)) b=192.0.2.$((4 * i + 2))
		S_IP[i]=$b
		printf 'link add sa%d type veth peer name sa%dp netns %s\n' "$i" "$i" "$SOAK_NS" \
			>>"$SOAK_DIR/ip.host"
		printf 'addr add %s/30 dev sa%d\nlink set sa%d up\n' "$a" "$i" "$i" >>"$SOAK_DIR/ip.host"
		printf 'addr add %s/30 dev sa%dp\nlink set sa%dp up\n' "$b" "$i" "$i" >>"$SOAK_DIR/ip.ns"
		[[ ${SOAK_ROLES[i]} == mpath ]] && _soak_mp_net_lines "$i" "$SOAK_DIR/ip.host" "$SOAK_DIR/ip.ns"
	done
	ip -batch "$SOAK_DIR/ip.host" && ip -n "$SOAK_NS" -batch "$SOAK_DIR/ip.ns"
}

_soak_iqn() { printf 'iqn.2003-01.org.lunlink.test:soak-t%02d\n' "$1"; }

# The target's iSCSI side (TPG, LUN link, portal in the namespace); the
# backstore is made once and survives target restarts.
_soak_target_up() { # _soak_target_up I
	local i=$1 iqn=${S_IQN[$1]} tpg name
	tpg=$LIO_CFS/iscsi/$iqn/tpgt_1
	name=$(_lio_bs_name "$iqn" 0)
	mkdir -p "$tpg/lun/lun_0" &&
		ln -s "$LIO_CFS/core/fileio_0/$name" "$tpg/lun/lun_0/$name" &&
		nsenter --net="/run/netns/$SOAK_NS" mkdir "$tpg/np/${S_IP[i]}:3260" &&
		{ [[ -z ${S_IP2[i]:-} ]] || _soak_mp_portal_up "$i" "${S_IP2[i]}"; } &&
		_lio_put "$tpg/attrib/generate_node_acls" 1 &&
		_lio_put "$tpg/attrib/cache_dynamic_acls" 1 &&
		_lio_put "$tpg/attrib/demo_mode_write_protect" 0 &&
		_lio_put "$tpg/attrib/authentication" 0 &&
		lio_enable "$iqn"
}

_soak_target_down() { # _soak_target_down I
	local iqn=${S_IQN[$1]} tpg l
	tpg=$LIO_CFS/iscsi/$iqn/tpgt_1
	lio_disable "$iqn"
	for l in "$tpg"/lun/lun_0/*; do [[ -L $l ]] && rm -f "$l"; done
	rmdir "$tpg/lun/lun_0" "$tpg/np/"* "$tpg" "$LIO_CFS/iscsi/$iqn"
}

_soak_backstore() { # _soak_backstore I
	local iqn=${S_IQN[$1]} name bs file bytes=$((16 << 20))
	name=$(_lio_bs_name "$iqn" 0)
	bs=$LIO_CFS/core/fileio_0/$name
	file=$LIO_DIR/$name.img
	truncate -s "$bytes" "$file" && mkdir -p "$bs" &&
		_lio_put "$bs/control" "fd_dev_name=$file,fd_dev_size=$bytes" &&
		_lio_put "$bs/wwn/vpd_unit_serial" "$(printf 'soak%04d' "$1")" &&
		_lio_put "$bs/enable" 1
}

_soak_targets() {
	local i
	lio_load || return
	for i in "${!SOAK_ROLES[@]}"; do
		S_IQN[i]=$(_soak_iqn "$i")
		_soak_backstore "$i" && _soak_target_up "$i" ||
			{ echo "soak: target $i not configured" >&2; return 1; }
	done
}

_soak_all_disks() {
	local i
	for i in "${!SOAK_ROLES[@]}"; do
		if [[ ${SOAK_ROLES[i]} == mpath ]]; then
			_soak_mp_disks_of "$i" || return 1
		else
			ll_disk_of "${S_IQN[i]}" || return 1
		fi
	done
}

_soak_login() {
	local i
	soak_adm -m discovery -t st -p "${S_IP[0]}" && _soak_mp_records || return
	soak_adm -m node -o update -n node.session.timeo.replacement_timeout -v "$SOAK_TMO" &&
		soak_adm -m node -o update -n 'node.conn[0].timeo.noop_out_interval' -v "$SOAK_NOOP" &&
		soak_adm -m node -o update -n 'node.conn[0].timeo.noop_out_timeout' -v "$SOAK_NOOP" &&
		soak_adm -m node -o update -n 'node.conn[0].timeo.login_timeout' -v 3 || return
	for i in "${!SOAK_ROLES[@]}"; do
		[[ ${SOAK_ROLES[i]} == @(short|mpath) ]] || continue
		soak_adm -m node -T "${S_IQN[i]}" -o update \
			-n node.session.timeo.replacement_timeout -v "$SOAK_SHORT_TMO" || return
	done
	soak_adm -m node --loginall=all || return
	soak_wait_slow 90 _soak_all_disks || return
	for i in "${!SOAK_ROLES[@]}"; do
		[[ ${SOAK_ROLES[i]} == mpath ]] && continue
		ll_disk_of "${S_IQN[i]}"
		S_DISK[i]=$DISK S_WDEV[i]=$DISK
		S_SID[i]=$(ll_sid_of "${S_IQN[i]}")
	done
}

_soak_writers_start() {
	local i
	rm -f "$SOAK_DIR/stop"
	for i in "${!SOAK_ROLES[@]}"; do
		[[ ${SOAK_ROLES[i]} == idle ]] && continue
		python3 "$SOAK_PY/soakwriter.py" write "/dev/${S_WDEV[i]}" "$i" "$SOAK_BLOCKS" \
			"$SOAK_DIR/w$i.log" "$SOAK_DIR/stop" "$SOAK_PAUSE" 2>>"$SOAK_DIR/w$i.err" &
		S_WPID[i]=$!
	done
}

_soak_writes() { # total logged writes
	cat "$SOAK_DIR"/w*.log 2>/dev/null | wc -l
}

soak_setup() {
	local t0 n
	rm -rf "$SOAK_DIR"
	mkdir -p "$SOAK_DIR"
	ll_require_build
	modprobe sd_mod
	t0=$(vm_now)
	_soak_net || { not_ok "soak: ${#SOAK_ROLES[@]} veth paths into netns $SOAK_NS"; done_testing; }
	diag "soak: veth paths after $(vm_seconds_since "$t0") s"
	_soak_targets || { not_ok "soak: LIO targets"; done_testing; }
	diag "soak: LIO targets after $(vm_seconds_since "$t0") s"
	ok "soak: ${#SOAK_ROLES[@]} LIO targets, each on its own veth path"
	ll_start_iscsid || { not_ok "soak: iscsid started"; done_testing; }
	soak_iscsid_started
	_soak_login || { not_ok "soak: ${#SOAK_ROLES[@]} sessions logged in" \
		"$(tail -n 20 "$SOAK_DIR/adm.log")"; done_testing; }
	ok "soak: $(soak_sessions) sessions logged in, disks ${S_DISK[*]} ${S_DISK2[*]}"
	diag "soak: logged in after $(vm_seconds_since "$t0") s"
	soak_mp_start || { not_ok "soak: multipathd joins the two paths of each mpath target" \
		"$(tail -n 20 "$MP_LOG")"; done_testing; }
	soak_targets_of mpath
	if ((${#T[@]})); then
		ok "soak: one dm-multipath map with two active paths per mpath target: ${S_MAP[*]}"
		soak_mp_bound
	fi
	diag "soak: multipath maps after $(vm_seconds_since "$t0") s"
	_soak_writers_start
	n=$(_soak_writes)
	soak_wait_slow 60 _soak_writes_beyond $((n + 30)) ||
		{ not_ok "soak: writers running"; done_testing; }
	ok "soak: writers running"
	diag "soak: set-up took $(vm_seconds_since "$t0") s"
}

_soak_writes_beyond() { (($(_soak_writes) >= $1)); }
