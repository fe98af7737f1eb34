# shellcheck shell=bash
# The chaos soak's dm-multipath targets (sourced by lib/soak.sh; needs
# lib/mpath.sh). A target of role mpath listens on two portals: path A on
# its own veth pair like every target (saI, 192.0.2.4I+2) and path B on a
# second pair (sbI, 198.51.100.4I+2). lunlink logs in once through each, by
# ifaces bound to saI and sbI (iface ifaI, ifbI); multipathd joins the two
# disks into one map (find_multipaths yes: the single-path targets get no
# map) and the writer writes to /dev/mapper/WWID.
#
# Faults: mpath_path takes one path of a map away (its portal removed and
# its connection killed, ss -K, netem loss, or its veth link down) and the
# map must hide it: no I/O error. mpath_both takes both paths away (the
# target disabled, or both links down): a marked outage, in which errors are
# allowed (LIO-ORG maps queue 12 s without a path, then fail). After either,
# recovery means both sessions LOGGED_IN and both paths of the map active.

SOAK_MP_NET=198.51.100
declare -a S_IP2 S_SID2 S_DISK2 S_MAP

# ip -batch lines of path B for target I (host side, namespace side).
_soak_mp_net_lines() { # _soak_mp_net_lines I HOSTFILE NSFILE
	local i=$1 a=$SOAK_MP_NET.$((4 * $1 + 1)) b=$SOAK_MP_NET.$((4 * $1 + 2))
	S_IP2[i]=$b
	printf 'link add sb%d type veth peer name sb%dp netns %s\n' "$i" "$i" "$SOAK_NS" >>"$2"
	printf 'addr add %s/30 dev sb%d\nlink set sb%d up\n' "$a" "$i" "$i" >>"$2"
	printf 'addr add %s/30 dev sb%dp\nlink set sb%dp up\n' "$b" "$i" "$i" >>"$3"
}

_soak_mp_portal_dir() { # _soak_mp_portal_dir I ADDR
	echo "$LIO_CFS/iscsi/${S_IQN[$1]}/tpgt_1/np/$2:3260"
}

# LIO's listening socket lives in the namespace of the process that makes it.
_soak_mp_portal_up() { # _soak_mp_portal_up I ADDR
	nsenter --net="/run/netns/$SOAK_NS" mkdir "$(_soak_mp_portal_dir "$1" "$2")"
}

# Discovery made a record per portal on the default iface; each path gets a
# record bound to its own netdev instead.
_soak_mp_records() {
	local i
	soak_targets_of mpath
	for i in "${T[@]}"; do
		soak_adm -m node -T "${S_IQN[i]}" -o delete &&
			_soak_mp_record "$i" ifa "sa$i" "${S_IP[i]}" &&
			_soak_mp_record "$i" ifb "sb$i" "${S_IP2[i]}" || return 1
	done
}

_soak_mp_record() { # _soak_mp_record I IFACE_PREFIX NETDEV ADDR
	local iface=$2$1
	soak_adm -m iface -I "$iface" -o new &&
		soak_adm -m iface -I "$iface" -o update -n iface.net_ifacename -v "$3" &&
		soak_adm -m node -o new -T "${S_IQN[$1]}" -p "$4:3260,1" -I "$iface"
}

_soak_disk_of_sid() { # _soak_disk_of_sid SID -> sdX when /dev/sdX exists
	local d
	for d in /sys/class/iscsi_session/session"$1"/device/target*/*:*:*:*/block/*; do
		[[ -b /dev/${d##*/} ]] && echo "${d##*/}" && return 0
	done
	return 1
}

_soak_mp_disks_of() { # _soak_mp_disks_of I: sets S_SID, S_SID2, S_DISK, S_DISK2
	local i=$1
	S_SID[i]=$(ll_sid_of_portal "${S_IP[i]}") && S_SID2[i]=$(ll_sid_of_portal "${S_IP2[i]}") &&
		S_DISK[i]=$(_soak_disk_of_sid "${S_SID[i]}") &&
		S_DISK2[i]=$(_soak_disk_of_sid "${S_SID2[i]}")
}

_soak_mp_holder() { # _soak_mp_holder DISK -> the dm map name holding it
	local h
	for h in /sys/block/"$1"/holders/dm-*; do
		[[ -e $h ]] && cat "$h/dm/name" && return 0
	done
	return 1
}

_soak_mp_map_of() { # _soak_mp_map_of I: the map of both disks, two paths active
	local i=$1 a b
	a=$(_soak_mp_holder "${S_DISK[i]}") && b=$(_soak_mp_holder "${S_DISK2[i]}") &&
		[[ $a == "$b" ]] && (($(mp_active_count "$a") == 2)) && [[ -b /dev/mapper/$a ]] ||
		return 1
	S_MAP[i]=$a
}

# The WWID multipathd gives a disk ("naa.X" in sysfs is "3X").
_soak_mp_wwid() { local w; w=$(<"/sys/block/$1/device/wwid") && echo "3${w#naa.}"; }

# After the logins: multipathd, one map per mpath target, writers on maps.
# udev and multipathd see only the mpath targets' disks (every other disk
# is blacklisted and not triggered): the guest has one CPU to share.
soak_mp_start() {
	local i w=() d=() t0
	soak_targets_of mpath
	((${#T[@]})) || return 0
	for i in "${T[@]}"; do
		soak_wait_slow 30 _soak_mp_disks_of "$i" || { echo "soak: no disks for ${S_IQN[i]}" >&2; return 1; }
		w+=("$(_soak_mp_wwid "${S_DISK[i]}")") && d+=("--sysname-match=${S_DISK[i]}" "--sysname-match=${S_DISK2[i]}") ||
			return 1
	done
	MP_CONF_EXTRA=$(printf 'blacklist {\n\twwid ".*"\n}\nblacklist_exceptions {\n\twwid "^(%s)$"\n}' \
		"$(IFS='|'; echo "${w[*]}")")
	MP_TRIGGER=(--subsystem-match=block "${d[@]}")
	t0=$(vm_now)
	mp_start find_multipaths yes || return
	diag "soak: udevd and multipathd up in $(vm_seconds_since "$t0") s"
	for i in "${T[@]}"; do
		soak_wait_slow 60 _soak_mp_map_of "$i" ||
			{ echo "soak: no map of ${S_DISK[i]} ${S_DISK2[i]}: $(mp_ll)" >&2; return 1; }
		S_WDEV[i]=mapper/${S_MAP[i]}
	done
}

# Each mpath target's two connections, one bound to each of its netdevs.
soak_mp_bound() {
	local i c got=
	c=$(ss -Htn state established dport = 3260)
	soak_targets_of mpath
	for i in "${T[@]}"; do
		got+="$(grep -c "%sa$i:" <<<"$c") $(grep -c "%sb$i:" <<<"$c") "
	done
	expect_eq "$got" "$(printf '1 1 %.0s' "${T[@]}")" \
		"soak: each mpath target has one connection bound to each of its two netdevs"
}

# Both sessions of an mpath target LOGGED_IN and both paths of its map
# active (sysfs first: the dmsetup call forks).
soak_mp_recovered() { # soak_mp_recovered I
	local i=$1
	soak_state "${S_SID2[i]}" || return 1
	[[ -z ${S_MAP[i]:-} ]] || (($(mp_active_count "${S_MAP[i]}") == 2))
}

# --- faults ------------------------------------------------------------------

SOAK_MP_PATH_WAYS=(portal conn_kill netem link_down)
SOAK_MP_BOTH_WAYS=(target link_down)

# Path P (a or b) of target I: its veth and address.
_soak_mp_dev() { echo "s$2$1"; }
_soak_mp_addr() { if [[ $2 == a ]]; then echo "${S_IP[$1]}"; else echo "${S_IP2[$1]}"; fi; }

_soak_mp_take() { # _soak_mp_take WAY I PATH: take path PATH of target I away
	local dev addr
	dev=$(_soak_mp_dev "$2" "$3") addr=$(_soak_mp_addr "$2" "$3")
	case $1 in
	portal) rmdir "$(_soak_mp_portal_dir "$2" "$addr")" &&
		ss -HtnK state established dst "$addr" dport = 3260 >/dev/null ;;
	conn_kill) ss -HtnK state established dst "$addr" dport = 3260 >/dev/null ;;
	netem) tc qdisc add dev "$dev" root netem loss 100% ;;
	link_down) ip link set "$dev" down ;;
	esac
}

_soak_mp_give() { # _soak_mp_give WAY I PATH: give it back
	local dev addr
	dev=$(_soak_mp_dev "$2" "$3") addr=$(_soak_mp_addr "$2" "$3")
	case $1 in
	portal) _soak_mp_portal_up "$2" "$addr" ;;
	conn_kill) : ;;
	netem) tc qdisc del dev "$dev" root ;;
	link_down) ip link set "$dev" up ;;
	esac
}

f_mpath_path_begin() {
	local way path
	soak_pick mpath
	FT[$1]=$P
	soak_rand ${#SOAK_MP_PATH_WAYS[@]}
	way=${SOAK_MP_PATH_WAYS[R]}
	soak_rand 2
	path=$([[ $R == 0 ]] && echo a || echo b)
	FX[$1]="$way $path"
	FN[$1]=mpath_path_$way
	_soak_mp_take "$way" "$P" "$path" ||
		not_ok "soak: $way on path $path of ${S_IQN[P]}"
	if [[ $way == conn_kill ]]; then FH[$1]=0; else _soak_hold "$1" 1000 10000; fi
}
f_mpath_path_end() {
	local x
	read -ra x <<<"${FX[$1]}"
	_soak_mp_give "${x[0]}" "${FT[$1]}" "${x[1]}" ||
		not_ok "soak: path ${x[1]} of ${S_IQN[${FT[$1]}]} given back (${x[0]})"
}

f_mpath_both_begin() {
	local way
	soak_pick mpath
	FT[$1]=$P
	soak_rand ${#SOAK_MP_BOTH_WAYS[@]}
	way=${SOAK_MP_BOTH_WAYS[R]}
	FX[$1]=$way
	FN[$1]=mpath_both_$way
	case $way in
	target) lio_disable "${S_IQN[P]}" ;;
	link_down) ip link set "sa$P" down && ip link set "sb$P" down ;;
	esac || not_ok "soak: both paths of ${S_IQN[P]} taken away ($way)"
	_soak_hold "$1" 2000 10000
	FLONG[$1]=2
}
f_mpath_both_end() {
	local i=${FT[$1]}
	case ${FX[$1]} in
	target) lio_enable "${S_IQN[i]}" ;;
	link_down) ip link set "sa$i" up && ip link set "sb$i" up ;;
	esac || not_ok "soak: both paths of ${S_IQN[i]} given back (${FX[$1]})"
}

# --- the end -------------------------------------------------------------------

# Every map: multipathd shows both paths active, the map's paths are exactly
# the two disks of the target, and each is the disk of a LOGGED_IN session.
soak_mp_finish() {
	local i slaves want d bad
	soak_targets_of mpath
	for i in "${T[@]}"; do
		[[ -n ${S_MAP[i]:-} ]] || { not_ok "soak: ${S_IQN[i]} has a map"; continue; }
		expect_eq "$(mp_ll_active "${S_MAP[i]}")" 2 \
			"soak: multipathd shows both paths of ${S_MAP[i]} active"
		slaves=$(cd "/sys/block/$(basename "$(readlink -f "/dev/mapper/${S_MAP[i]}")")/slaves" &&
			printf '%s\n' * | sort | tr '\n' ' ')
		want=$(printf '%s\n' "${S_DISK[i]}" "${S_DISK2[i]}" | sort | tr '\n' ' ')
		expect_eq "$slaves" "$want" "soak: the paths of ${S_MAP[i]} are the disks of ${S_IQN[i]}"
		bad=
		for d in "${S_SID[i]}" "${S_SID2[i]}"; do
			soak_state "$d" || bad+="session $d: $(flt_sess_state "$d") "
		done
		[[ -z $bad ]] && ok "soak: both paths of ${S_MAP[i]} are LOGGED_IN sessions" ||
			not_ok "soak: both paths of ${S_MAP[i]} are LOGGED_IN sessions" "$bad"
	done
}

# -m node records and their -p/-I pairs: a line "PORTAL IFACE" per record.
soak_records() {
	local i
	for i in "${!SOAK_ROLES[@]}"; do
		if [[ ${SOAK_ROLES[i]} == mpath ]]; then
			echo "$i ${S_IP[i]}:3260 ifa$i"
			echo "$i ${S_IP2[i]}:3260 ifb$i"
		else
			echo "$i ${S_IP[i]}:3260 default"
		fi
	done
}
